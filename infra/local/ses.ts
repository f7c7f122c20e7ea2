/**
 * Amazon SES stand-in: `aws-ses-v2-local` (SES v1 and v2 APIs, a viewer page at `/`, and
 * `GET /store` to read sent mail back), run in this process.
 */
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import * as sesLocal from "aws-ses-v2-local";

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
  // The package's default host `::` listens on every interface.
  const server = await resolveStartServer()({ host: "127.0.0.1", port: options.port ?? 0 });
  const { port } = server.address() as AddressInfo;
  const endpoint = `http://127.0.0.1:${port}`;

  // The store's `at` has whole seconds; the moment a send request finishes is precise to the
  // millisecond, which keeps SMS and mail in order when merged.
  const sentAtByMessageId = new Map<string, string>();
  let refreshing: Promise<void> = Promise.resolve();

  const readStore = async (): Promise<StoredEmail[]> => {
    const response = await fetch(`${endpoint}/store`);
    if (!response.ok) throw new Error(`SES store answered ${response.status}`);
    const store = (await response.json()) as { emails?: StoredEmail[] };
    return store.emails ?? [];
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

  server.on("request", (request: IncomingMessage, response: ServerResponse) => {
    if (request.method !== "POST" || request.url?.startsWith("/clear-store")) return;
    response.once("finish", () => {
      refresh().catch(() => {
        // A failed read is retried by the next send or the next `emails()`.
      });
    });
  });

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
    stopped ??= new Promise<void>((resolve, reject) => {
      server.close((error) => (error ? reject(error) : resolve()));
      server.closeAllConnections();
    });
    return stopped;
  };

  return { endpoint, emails, stop };
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
