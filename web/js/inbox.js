// @ts-check
/**
 * The Inbox: every SMS and email the local stack sent (`GET /_local/messages`), newest first,
 * codes highlighted. This machine's stand-in for a phone and a mailbox.
 */
import { api, explain } from "./api.js";
import { $ } from "./dom.js";

const INBOX_POLL_MS = 1000;

/** @typedef {{ channel: string, to: string, subject?: string, body?: unknown, sentAt: string }} Message */

const inbox = { shown: 0, failing: false };

/** @param {string} iso */
function timeOf(iso) {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleTimeString();
}

/**
 * The body as text nodes, with every 6- to 8-digit code in a `<mark>`.
 * @param {HTMLElement} parent
 * @param {string} body
 */
function appendBody(parent, body) {
  const pattern = /(?<!\d)\d{6,8}(?!\d)/g;
  let last = 0;
  for (const match of body.matchAll(pattern)) {
    const at = match.index ?? 0;
    parent.append(body.slice(last, at));
    const mark = document.createElement("mark");
    mark.className = "code";
    mark.textContent = match[0];
    parent.append(mark);
    last = at + match[0].length;
  }
  parent.append(body.slice(last));
}

/** @param {Message} message */
function messageItem(message) {
  const item = document.createElement("li");
  item.className = "message fresh";
  item.dataset.channel = message.channel;
  item.dataset.to = message.to;

  const head = document.createElement("div");
  head.className = "message-head";
  const channel = document.createElement("span");
  channel.className = "channel";
  channel.textContent = message.channel === "sms" ? "SMS" : "Email";
  const to = document.createElement("span");
  to.className = "to";
  to.textContent = message.to;
  const time = document.createElement("time");
  time.dateTime = message.sentAt;
  time.textContent = timeOf(message.sentAt);
  head.append(channel, to, time);
  item.append(head);

  if (message.subject) {
    const subject = document.createElement("p");
    subject.className = "subject";
    subject.textContent = message.subject;
    item.append(subject);
  }
  const body = document.createElement("p");
  body.className = "body";
  appendBody(body, String(message.body ?? ""));
  item.append(body);
  setTimeout(() => item.classList.remove("fresh"), 3000);
  return item;
}

/** Reads the messages every second, for as long as the server has an inbox. */
export async function pollInbox() {
  const list = $("#inbox-list", HTMLOListElement);
  const note = $("#inbox-note", HTMLElement);
  const result = await api("GET", "/_local/messages");
  if (result.status === 404) {
    note.textContent = "No local inbox on this server: it exists only under npm start.";
    return; // stop polling: nothing will appear
  }
  if (!result.ok || !Array.isArray(result.body)) {
    if (!inbox.failing) note.textContent = `Inbox unavailable: ${explain(result)}`;
    inbox.failing = true;
  } else {
    if (inbox.failing) {
      note.textContent = "Every SMS and email sent since npm start, newest first.";
      inbox.failing = false;
    }
    /** @type {Message[]} */
    const messages = result.body;
    if (messages.length < inbox.shown) {
      // The stack restarted: start over.
      list.replaceChildren();
      inbox.shown = 0;
    }
    // Oldest first from the API; each newer one goes on top.
    for (const message of messages.slice(inbox.shown)) list.prepend(messageItem(message));
    inbox.shown = messages.length;
    $("#inbox-count", HTMLElement).textContent = String(messages.length);
  }
  setTimeout(pollInbox, INBOX_POLL_MS);
}
