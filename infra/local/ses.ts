/**
 * Amazon SES stand-in: `aws-ses-v2-local` (SES v1 and v2 sends, a viewer page at `/`, and
 * `GET /store` to read sent mail back), run in this process behind a front of ours
 * (`ses-api.ts`) that answers the operations the package lacks and checks a send as SES does.
 * The package listens on a loopback port of its own; clients only ever see the front.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import * as sesLocal from "aws-ses-v2-local";
import { describe } from "./lambda.js";
import { createSesFront, type ForwardedRequest, type ForwardTarget } from "./ses-api.js";

export interface EmailMessage {
  readonly channel: "email";
  readonly to: string;
  readonly subject: string;
  readonly body: string;
  readonly sentAt: string;
}

export interface LocalSesOptions {
  /** Omitted or 0 picks a free port. */
  readonly port?: number;
  /** Called once per recipient of every mail, as soon as it is sent. */
  readonly onEmail?: (email: EmailMessage) => void;
  /** Hears of the stand-in's own faults, never of mail. */
  readonly log?: (line: string) => void;
}

export interface LocalSes {
  readonly endpoint: string;
  /** Every mail sent since start, one entry per recipient, oldest first. */
  emails(): Promise<EmailMessage[]>;
  stop(): Promise<void>;
}

/** The part of a mail in `GET /store` that we read. */
interface StoredEmail {
  messageId: string;
  destination: { to: string[]; cc: string[]; bcc: string[] };
  subject: string;
  body: { text?: string; html?: string };
  at: number;
}

type StartServer = (config?: { host?: string; port?: number }) => Promise<Server>;

/**
 * The package is CommonJS with an `exports.default`: Node's ESM loader hands us the whole
 * `module.exports` as the default, a bundler the function itself.
 */
function resolveStartServer(): StartServer {
  const candidate: unknown = sesLocal.default;
  if (typeof candidate === "function") return candidate as StartServer;
  const nested: unknown = (candidate as { default?: unknown } | undefined)?.default;
  if (typeof nested === "function") return nested as StartServer;
  throw new Error("aws-ses-v2-local exports no server function");
}

export async function startLocalSes(options: LocalSesOptions = {}): Promise<LocalSes> {
  const log = options.log ?? (() => {});
  // The package's default host `::` listens on every interface.
  const store = await resolveStartServer()({ host: "127.0.0.1", port: 0 });
  const storeUrl = `http://127.0.0.1:${(store.address() as AddressInfo).port}`;

  // The store's `at` has whole seconds; the moment a send request finishes is precise to the
  // millisecond, which keeps SMS and mail in order when merged.
  const sentAtByMessageId = new Map<string, string>();
  let refreshing: Promise<void> = Promise.resolve();

  const readStore = async (): Promise<StoredEmail[]> => {
    const response = await fetch(`${storeUrl}/store`);
    if (!response.ok) throw new Error(`SES store answered ${response.status}`);
    const stored = (await response.json()) as { emails?: StoredEmail[] };
    return stored.emails ?? [];
  };

  // Serialised, so that two overlapping refreshes cannot both announce the same mail.
  const refresh = (): Promise<void> => {
    refreshing = refreshing
      .catch(() => {})
      .then(async () => {
        for (const stored of await readStore()) {
          if (sentAtByMessageId.has(stored.messageId)) continue;
          const sentAt = new Date(Math.max(Date.now(), stored.at * 1000)).toISOString();
          sentAtByMessageId.set(stored.messageId, sentAt);
          for (const email of normalise(stored, sentAt)) options.onEmail?.(email);
        }
      });
    return refreshing;
  };

  const forward = async (
    request: ForwardedRequest,
    body: Buffer,
    response: ForwardTarget,
  ): Promise<void> => {
    const headers = new Headers();
    for (const [name, value] of Object.entries(request.headers)) {
      if (value === undefined || name === "host" || name === "content-length") continue;
      headers.set(name, Array.isArray(value) ? value.join(", ") : value);
    }
    const method = request.method ?? "GET";
    const answer = await fetch(`${storeUrl}${request.url ?? "/"}`, {
      method,
      headers,
      ...(method === "GET" || method === "HEAD" ? {} : { body }),
    });
    const content = Buffer.from(await answer.arrayBuffer());
    const type = answer.headers.get("content-type");
    response.writeHead(answer.status, {
      ...(type ? { "content-type": type } : {}),
      "content-length": String(content.length),
    });
    response.end(content);
    if (method === "POST" && answer.ok && !request.url?.startsWith("/clear-store")) {
      await refresh().catch(() => {
        // A failed read is retried by the next send or the next `emails()`.
      });
    }
  };

  const recipientsSince = async (since: number): Promise<number> =>
    (await readStore())
      .filter((stored) => stored.at * 1000 >= since)
      .reduce((sum, stored) => sum + normalise(stored, "").length, 0);

  const front = createSesFront({ forward, recipientsSince });
  const server = createServer((request, response) => {
    front(request, response).catch((error: unknown) => {
      log(`ses: request failed: ${describe(error)}`);
      if (!response.headersSent) {
        response.writeHead(500, { "content-type": "text/xml" });
        response.end(
          "<ErrorResponse><Error><Type>Receiver</Type><Code>InternalFailure</Code><Message>internal error</Message></Error></ErrorResponse>",
        );
      } else response.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  }).catch(async (error: unknown) => {
    await closeServer(store);
    throw error;
  });
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const emails = async (): Promise<EmailMessage[]> => {
    await refresh();
    return (await readStore()).flatMap((stored) =>
      normalise(
        stored,
        sentAtByMessageId.get(stored.messageId) ?? new Date(stored.at * 1000).toISOString(),
      ),
    );
  };

  let stopped: Promise<void> | undefined;
  const stop = () => {
    stopped ??= Promise.all([closeServer(server), closeServer(store)]).then(() => {});
    return stopped;
  };

  return { endpoint, emails, stop };
}

function closeServer(server: Server): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()));
    server.closeAllConnections();
  });
}

function normalise(stored: StoredEmail, sentAt: string): EmailMessage[] {
  const { to, cc, bcc } = stored.destination;
  const body = stored.body.text ?? htmlToText(stored.body.html ?? "");
  return [...to, ...cc, ...bcc].map((recipient) => ({
    channel: "email",
    to: bareAddress(recipient),
    subject: stored.subject,
    body,
    sentAt,
  }));
}

/** `Jane <jane@example.com>` → `jane@example.com`, so that `?to=` matches the address. */
function bareAddress(recipient: string): string {
  return /<([^<>]+)>\s*$/.exec(recipient)?.[1]?.trim() ?? recipient.trim();
}

/** Good enough for reading a code in an HTML-only mail; not a general HTML renderer. */
function htmlToText(html: string): string {
  return html
    .replace(/<(script|style)[\s\S]*?<\/\1>/gi, "")
    .replace(/<br\s*\/?>|<\/p>|<\/div>/gi, "\n")
    .replace(/<[^>]+>/g, "")
    .replace(/&nbsp;/g, " ")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, "&")
    .trim();
}
