/**
 * The front of the local SES: what `aws-ses-v2-local` leaves out or answers unlike SES.
 *
 * The package stores and shows mail well, but it never answers an action it does not know
 * (`GetSendQuota`, `VerifyEmailIdentity`, `ListIdentities` hang until the client gives up),
 * answers errors in its own shape (the SDK sees no error name), and accepts a send with no
 * recipient, 60 recipients or a malformed sender. So every request comes here first: the
 * account, quota and identity operations are answered here, a send is checked as SES checks
 * it, and only a send that SES would accept (and the viewer's own pages) reaches the package.
 * Anything else answers at once with SES's error for an unknown action.
 *
 * SES v1 is the query protocol (`POST /`, form-encoded `Action=…`, XML answers,
 * `<ErrorResponse>` errors); SES v2 is REST JSON under `/v2/email/` with the error name in
 * `x-amzn-errortype`.
 */
import { randomUUID } from "node:crypto";
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from "node:http";
import { members } from "./query-protocol.js";

const XMLNS = "http://ses.amazonaws.com/doc/2010-12-01/";
/** SES: at most 50 recipients per message, To, Cc and Bcc together. */
const MAX_RECIPIENTS = 50;
/** SES's quotas in the sandbox, where a new account starts. */
const MAX_24_HOUR_SEND = 200;
const MAX_SEND_RATE = 1;
/** SES: a message is at most 40 MB; the envelope around it is small. */
const MAX_REQUEST_BYTES = 41 * 1024 * 1024;
const DAY_MS = 24 * 60 * 60 * 1000;

/** A request as handed on to the package (an `IncomingMessage`, or one made here). */
export interface ForwardedRequest {
  readonly method?: string | undefined;
  readonly url?: string | undefined;
  readonly headers: IncomingHttpHeaders;
}

/** The part of a response that a forwarded answer is written to. */
export interface ForwardTarget {
  writeHead(status: number, headers: Record<string, string>): unknown;
  end(body: Buffer): unknown;
}

/** What the front needs of the store behind it. */
export interface SesBackend {
  /** Recipients of every mail sent at or after `since` (epoch milliseconds). */
  recipientsSince(since: number): Promise<number>;
  /** Hands the request, body already read, to the package; resolves once answered. */
  forward(request: ForwardedRequest, body: Buffer, response: ForwardTarget): Promise<void>;
}

class SesError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

interface Identity {
  readonly name: string;
  readonly type: "EmailAddress" | "Domain";
  readonly verificationToken?: string;
}

/** Paths of the viewer and its store: not AWS APIs, served by the package as they are. */
const VIEWER_PATHS = new Set(["/", "/store", "/clear-store", "/health-check", "/get-emlContent"]);

export function createSesFront(backend: SesBackend) {
  const identities = new Map<string, Identity>();

  const identity = (name: string): Identity => {
    const type = name.includes("@") ? "EmailAddress" : "Domain";
    const existing = identities.get(name);
    if (existing) return existing;
    const created: Identity = {
      name,
      type,
      ...(type === "Domain"
        ? { verificationToken: randomUUID().replaceAll("-", "").slice(0, 32) }
        : {}),
    };
    identities.set(name, created);
    return created;
  };

  const sentLast24Hours = () => backend.recipientsSince(Date.now() - DAY_MS);

  // --- SES v1 ---------------------------------------------------------------------------------

  const v1Actions: Record<string, (params: URLSearchParams) => Promise<string> | string> = {
    GetSendQuota: async () =>
      `<Max24HourSend>${MAX_24_HOUR_SEND}.0</Max24HourSend><MaxSendRate>${MAX_SEND_RATE}.0</MaxSendRate><SentLast24Hours>${await sentLast24Hours()}.0</SentLast24Hours>`,
    GetAccountSendingEnabled: () => "<Enabled>true</Enabled>",
    VerifyEmailIdentity: (params) => {
      identity(emailAddress(params.get("EmailAddress"), "EmailAddress"));
      return "";
    },
    VerifyEmailAddress: (params) => {
      identity(emailAddress(params.get("EmailAddress"), "EmailAddress"));
      return "";
    },
    VerifyDomainIdentity: (params) => {
      const domain = params.get("Domain") ?? "";
      if (!DOMAIN.test(domain)) throw new SesError("InvalidParameterValue", "Invalid domain name");
      return `<VerificationToken>${identity(domain).verificationToken}</VerificationToken>`;
    },
    ListIdentities: (params) => {
      const type = params.get("IdentityType");
      if (type !== null && type !== "EmailAddress" && type !== "Domain") {
        throw new SesError(
          "ValidationError",
          `1 validation error detected: Value '${type}' at 'identityType' failed to satisfy constraint: Member must satisfy enum value set: [EmailAddress, Domain]`,
        );
      }
      const names = [...identities.values()]
        .filter((i) => type === null || i.type === type)
        .map((i) => `<member>${escapeXml(i.name)}</member>`);
      return `<Identities>${names.join("")}</Identities>`;
    },
    ListVerifiedEmailAddresses: () => {
      const names = [...identities.values()]
        .filter((i) => i.type === "EmailAddress")
        .map((i) => `<member>${escapeXml(i.name)}</member>`);
      return `<VerifiedEmailAddresses>${names.join("")}</VerifiedEmailAddresses>`;
    },
    GetIdentityVerificationAttributes: (params) => {
      const entries = members(params, "Identities")
        .flatMap((name) => {
          const known = identities.get(name);
          if (!known) return [];
          const token = known.verificationToken
            ? `<VerificationToken>${known.verificationToken}</VerificationToken>`
            : "";
          return [
            `<entry><key>${escapeXml(name)}</key><value><VerificationStatus>Success</VerificationStatus>${token}</value></entry>`,
          ];
        })
        .join("");
      return `<VerificationAttributes>${entries}</VerificationAttributes>`;
    },
    DeleteIdentity: (params) => {
      identities.delete(params.get("Identity") ?? "");
      return "";
    },
  };

  const handleV1 = async (request: IncomingMessage, body: Buffer, response: ServerResponse) => {
    const params = new URLSearchParams(body.toString("utf8"));
    const action = params.get("Action");
    if (action === null) throw new SesError("MissingAction", "Missing Action");
    if (action === "SendRawEmail") {
      checkV1RawSend(params);
      return backend.forward(request, body, response);
    }
    if (action === "SendEmail") {
      checkV1Send(params);
      // The package's v1 send keeps only the first address of each list; its v2 send keeps
      // them all, so a v1 send is handed on as the same mail in v2's shape.
      const captured = new CapturedResponse();
      await backend.forward(
        {
          method: "POST",
          url: "/v2/email/outbound-emails",
          headers: { ...request.headers, "content-type": "application/json" },
        },
        Buffer.from(JSON.stringify(v1SendAsV2(params))),
        captured,
      );
      const messageId = (safeJson(captured.body.toString("utf8")) as { MessageId?: unknown })
        ?.MessageId;
      if (captured.status >= 400 || typeof messageId !== "string") {
        throw new SesError("InternalFailure", "The mail could not be stored", 500);
      }
      const requestId = randomUUID();
      send(
        response,
        200,
        "text/xml",
        `<SendEmailResponse xmlns="${XMLNS}"><SendEmailResult><MessageId>${escapeXml(messageId)}</MessageId></SendEmailResult><ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></SendEmailResponse>`,
        requestId,
      );
      return;
    }
    const perform = Object.hasOwn(v1Actions, action) ? v1Actions[action] : undefined;
    if (!perform) {
      throw new SesError("InvalidAction", `The action ${action} is not valid for this web service`);
    }
    const result = await perform(params);
    const requestId = randomUUID();
    send(
      response,
      200,
      "text/xml",
      `<${action}Response xmlns="${XMLNS}"><${action}Result>${result}</${action}Result><ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${action}Response>`,
      requestId,
    );
  };

  // --- SES v2 ---------------------------------------------------------------------------------

  const handleV2 = async (
    request: IncomingMessage,
    path: string,
    body: Buffer,
    response: ServerResponse,
  ) => {
    const method = request.method ?? "GET";
    const json = (status: number, value: unknown) =>
      send(response, status, "application/json", JSON.stringify(value), randomUUID());

    if (path === "/v2/email/account" && method === "GET") {
      return json(200, {
        DedicatedIpAutoWarmupEnabled: false,
        EnforcementStatus: "HEALTHY",
        ProductionAccessEnabled: false,
        SendQuota: {
          Max24HourSend: MAX_24_HOUR_SEND,
          MaxSendRate: MAX_SEND_RATE,
          SentLast24Hours: await sentLast24Hours(),
        },
        SendingEnabled: true,
      });
    }
    if (path === "/v2/email/outbound-emails" && method === "POST") {
      checkV2Send(parseJson(body));
      return forwardV2(request, body, response);
    }
    if (path === "/v2/email/identities" && method === "POST") {
      const name = (parseJson(body) as { EmailIdentity?: unknown }).EmailIdentity;
      if (typeof name !== "string" || !(DOMAIN.test(name) || isEmailAddress(name))) {
        throw new SesError("BadRequestException", "Invalid email identity");
      }
      if (identities.has(name)) {
        throw new SesError("AlreadyExistsException", `Email identity ${name} already exist.`);
      }
      const created = identity(name);
      return json(200, {
        IdentityType: created.type === "Domain" ? "DOMAIN" : "EMAIL_ADDRESS",
        VerifiedForSendingStatus: true,
      });
    }
    if (
      (path === "/v2/email/identities" && method === "GET") ||
      (path === "/v2/email/list-identities" && method === "POST")
    ) {
      return json(200, {
        EmailIdentities: [...identities.values()].map((i) => ({
          IdentityType: i.type === "Domain" ? "DOMAIN" : "EMAIL_ADDRESS",
          IdentityName: i.name,
          SendingEnabled: true,
          VerificationStatus: "SUCCESS",
        })),
      });
    }
    const named = /^\/v2\/email\/identities\/([^/]+)$/.exec(path);
    if (named?.[1] !== undefined && (method === "GET" || method === "DELETE")) {
      const name = decodeURIComponent(named[1]);
      const known = identities.get(name);
      if (!known)
        throw new SesError("NotFoundException", `Email identity ${name} does not exist.`, 404);
      if (method === "DELETE") {
        identities.delete(name);
        return json(200, {});
      }
      return json(200, {
        IdentityType: known.type === "Domain" ? "DOMAIN" : "EMAIL_ADDRESS",
        FeedbackForwardingStatus: true,
        VerifiedForSendingStatus: true,
        VerificationStatus: "SUCCESS",
      });
    }
    return forwardV2(request, body, response);
  };

  /** The package's v2 answers, with its errors rewritten in SES's shape. */
  const forwardV2 = async (request: IncomingMessage, body: Buffer, response: ServerResponse) => {
    const captured = new CapturedResponse();
    await backend.forward(request, body, captured);
    if (captured.status < 400) return captured.replay(response);
    const parsed = safeJson(captured.body.toString("utf8")) as
      | { type?: string; message?: string; detail?: string }
      | undefined;
    if (parsed === undefined) {
      throw new SesError("UnknownOperationException", "Unknown operation", captured.status);
    }
    throw new SesError(
      parsed.type ?? (captured.status === 404 ? "NotFoundException" : "BadRequestException"),
      parsed.detail?.replace(/^aws-ses-v2-local: /, "") ?? parsed.message ?? "Bad Request",
      captured.status,
    );
  };

  return async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const path = (request.url ?? "/").split("?")[0] ?? "/";
    const method = request.method ?? "GET";
    const v2 = path.startsWith("/v2/");
    try {
      const body = await readBody(request);
      if (method === "POST" && path === "/") {
        if (!request.headers.authorization) {
          throw new SesError(
            "MissingAuthenticationToken",
            "Request is missing Authentication Token",
            403,
          );
        }
        return await handleV1(request, body, response);
      }
      if (v2) return await handleV2(request, path, body, response);
      if (VIEWER_PATHS.has(path)) return await backend.forward(request, body, response);
      throw new SesError("InvalidAction", `Unknown path ${path}`, 404);
    } catch (error) {
      if (!(error instanceof SesError)) throw error;
      if (response.headersSent) return void response.destroy();
      if (v2) {
        response.setHeader("x-amzn-errortype", error.code);
        send(
          response,
          error.status,
          "application/json",
          JSON.stringify({ message: error.message }),
          randomUUID(),
        );
        return;
      }
      const requestId = randomUUID();
      send(
        response,
        error.status,
        "text/xml",
        `<ErrorResponse xmlns="${XMLNS}"><Error><Type>${error.status >= 500 ? "Receiver" : "Sender"}</Type><Code>${error.code}</Code><Message>${escapeXml(error.message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`,
        requestId,
      );
    }
  };
}

// --- Checks SES makes on a send ------------------------------------------------------------------

const DOMAIN =
  /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;
const LOCAL_PART = /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}$/;

/** `jane@example.com` or `Jane <jane@example.com>`: the address SES would deliver to. */
function addressOf(value: string): string {
  return /<([^<>]*)>\s*$/.exec(value)?.[1]?.trim() ?? value.trim();
}

function isEmailAddress(value: string): boolean {
  const address = addressOf(value);
  const at = address.lastIndexOf("@");
  return at > 0 && LOCAL_PART.test(address.slice(0, at)) && DOMAIN.test(address.slice(at + 1));
}

/** SES's wording for a malformed address: no `@domain` at all, or anything else wrong. */
function checkAddress(value: string, code: string): void {
  if (isEmailAddress(value)) return;
  const address = addressOf(value);
  throw new SesError(code, address.includes("@") ? "Illegal address" : "Missing final '@domain'");
}

function emailAddress(value: string | null, field: string): string {
  if (value === null || value === "") {
    throw new SesError("ValidationError", `1 validation error detected: ${field} is required`);
  }
  checkAddress(value, "InvalidParameterValue");
  return value;
}

function checkRecipients(recipients: readonly string[], code: string): void {
  if (recipients.length === 0) {
    throw new SesError(code, "Missing required header 'To'.");
  }
  if (recipients.length > MAX_RECIPIENTS) {
    throw new SesError(code, `Recipient count exceeds ${MAX_RECIPIENTS}.`);
  }
  for (const recipient of recipients) checkAddress(recipient, code);
}

function checkV1Send(params: URLSearchParams): void {
  const source = params.get("Source");
  if (!source) {
    throw new SesError("ValidationError", "1 validation error detected: Source is required");
  }
  checkAddress(source, "InvalidParameterValue");
  checkRecipients(
    ["ToAddresses", "CcAddresses", "BccAddresses"].flatMap((kind) =>
      members(params, `Destination.${kind}`),
    ),
    "InvalidParameterValue",
  );
  for (const replyTo of members(params, "ReplyToAddresses")) {
    checkAddress(replyTo, "InvalidParameterValue");
  }
  if (params.get("Message.Subject.Data") === null) {
    throw new SesError(
      "ValidationError",
      "1 validation error detected: Message.Subject is required",
    );
  }
  if (
    params.get("Message.Body.Text.Data") === null &&
    params.get("Message.Body.Html.Data") === null
  ) {
    throw new SesError("InvalidParameterValue", "Message body must have either Text or Html");
  }
}

/** A v1 `SendEmail` as the same mail in v2's `SendEmail` shape. */
function v1SendAsV2(params: URLSearchParams): unknown {
  const text = (name: string) => {
    const data = params.get(`${name}.Data`);
    if (data === null) return undefined;
    const charset = params.get(`${name}.Charset`);
    return { Data: data, ...(charset ? { Charset: charset } : {}) };
  };
  const replyTo = members(params, "ReplyToAddresses");
  return {
    FromEmailAddress: params.get("Source"),
    Destination: {
      ToAddresses: members(params, "Destination.ToAddresses"),
      CcAddresses: members(params, "Destination.CcAddresses"),
      BccAddresses: members(params, "Destination.BccAddresses"),
    },
    ...(replyTo.length > 0 ? { ReplyToAddresses: replyTo } : {}),
    Content: {
      Simple: {
        Subject: text("Message.Subject"),
        Body: { Text: text("Message.Body.Text"), Html: text("Message.Body.Html") },
      },
    },
  };
}

function checkV1RawSend(params: URLSearchParams): void {
  const source = params.get("Source");
  if (source) checkAddress(source, "InvalidParameterValue");
  const destinations = members(params, "Destinations");
  if (destinations.length > 0) checkRecipients(destinations, "InvalidParameterValue");
  if (!params.get("RawMessage.Data")) {
    throw new SesError("ValidationError", "1 validation error detected: RawMessage is required");
  }
}

function checkV2Send(body: unknown): void {
  const request = (body ?? {}) as {
    FromEmailAddress?: unknown;
    Destination?: { ToAddresses?: unknown; CcAddresses?: unknown; BccAddresses?: unknown };
    ReplyToAddresses?: unknown;
    Content?: { Raw?: unknown };
  };
  const from = request.FromEmailAddress;
  if (from !== undefined) {
    if (typeof from !== "string") throw new SesError("BadRequestException", "Invalid From address");
    checkAddress(from, "BadRequestException");
  } else if (request.Content?.Raw === undefined) {
    throw new SesError("BadRequestException", "Missing required field FromEmailAddress");
  }
  const destination = request.Destination ?? {};
  const recipients = [destination.ToAddresses, destination.CcAddresses, destination.BccAddresses]
    .flatMap((list) => (Array.isArray(list) ? list : []))
    .map(String);
  if (request.Destination !== undefined || request.Content?.Raw === undefined) {
    checkRecipients(recipients, "BadRequestException");
  }
  if (Array.isArray(request.ReplyToAddresses)) {
    for (const replyTo of request.ReplyToAddresses)
      checkAddress(String(replyTo), "BadRequestException");
  }
}

// --- Protocol helpers ----------------------------------------------------------------------------

function parseJson(body: Buffer): unknown {
  const parsed = safeJson(body.toString("utf8") || "{}");
  if (parsed === undefined)
    throw new SesError("BadRequestException", "The request body is not JSON");
  return parsed;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_REQUEST_BYTES) {
      throw new SesError("InvalidParameterValue", "Message length exceeds the 40 MB limit", 413);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

function send(
  response: ServerResponse,
  status: number,
  contentType: string,
  body: string,
  requestId: string,
): void {
  response.writeHead(status, {
    "content-type": contentType,
    "content-length": Buffer.byteLength(body),
    "x-amzn-requestid": requestId,
  });
  response.end(body);
}

function escapeXml(text: string): string {
  return text.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Collects an answer of the package so that its errors can be reworded before they leave. */
class CapturedResponse {
  status = 200;
  headers: Record<string, string> = {};
  body: Buffer = Buffer.alloc(0);

  writeHead(status: number, headers: Record<string, string>): this {
    this.status = status;
    this.headers = headers;
    return this;
  }

  end(body: Buffer): void {
    this.body = body;
  }

  replay(response: ServerResponse): void {
    response.writeHead(this.status, this.headers);
    response.end(this.body);
  }
}
