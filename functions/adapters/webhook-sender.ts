/**
 * Delivers a webhook: Standard Webhooks headers signed with the `standardwebhooks` package, a
 * POST with a hard timeout, and no request to a private address. The host is resolved before
 * each attempt and every address it gives is checked (loopback, private, link-local, shared,
 * multicast and reserved ranges are refused); the connection goes to the address that was
 * checked, so a name cannot resolve to a public address for the check and a private one for
 * the request. Only `WEBHOOK_ALLOW_LOOPBACK=true` (the local stack) lets 127.0.0.1 and ::1
 * through, and nothing else of the refused ranges.
 */
import { lookup } from "node:dns/promises";
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { BlockList, isIP, type LookupFunction } from "node:net";
import { Webhook } from "standardwebhooks";
import { open } from "../core/crypto.js";
import type { WebhookSender } from "../core/webhooks.js";

const REFUSED = new BlockList();
for (const [net, prefix] of [
  ["0.0.0.0", 8],
  ["10.0.0.0", 8],
  ["100.64.0.0", 10],
  ["127.0.0.0", 8],
  ["169.254.0.0", 16],
  ["172.16.0.0", 12],
  ["192.0.0.0", 24],
  ["192.0.2.0", 24],
  ["192.168.0.0", 16],
  ["198.18.0.0", 15],
  ["198.51.100.0", 24],
  ["203.0.113.0", 24],
  ["224.0.0.0", 4],
  ["240.0.0.0", 4],
] as const) {
  REFUSED.addSubnet(net, prefix, "ipv4");
}
for (const [net, prefix] of [
  // IPv4-mapped addresses (::ffff:a.b.c.d) are checked as the IPv4 address they carry.
  ["::", 128],
  ["::1", 128],
  ["64:ff9b::", 96],
  ["100::", 64],
  ["2001:db8::", 32],
  ["fc00::", 7],
  ["fe80::", 10],
  ["ff00::", 8],
] as const) {
  REFUSED.addSubnet(net, prefix, "ipv6");
}

const LOOPBACK = new BlockList();
LOOPBACK.addSubnet("127.0.0.0", 8, "ipv4");
LOOPBACK.addAddress("::1", "ipv6");

/** The secret's AES-GCM context: sealed for this endpoint only. */
export function webhookSecretContext(endpointId: string): string {
  return `webhook-secret:${endpointId}`;
}

/** Whether a webhook may go to `address` (an IP literal). */
export function isDeliverableAddress(address: string, allowLoopback: boolean): boolean {
  const family = isIP(address);
  if (family === 0) return false;
  const mapped = family === 6 ? /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1] : undefined;
  const [ip, type] = mapped
    ? [mapped, "ipv4" as const]
    : [address, family === 4 ? ("ipv4" as const) : ("ipv6" as const)];
  if (allowLoopback && LOOPBACK.check(ip, type)) return true;
  return !REFUSED.check(ip, type);
}

export interface WebhookSenderOptions {
  encryptionKey: Uint8Array;
  timeoutMs: number;
  allowLoopback: boolean;
}

export function httpWebhookSender(options: WebhookSenderOptions): WebhookSender {
  return {
    async send(endpoint, message) {
      try {
        const url = new URL(endpoint.url);
        const host = url.hostname.replace(/^\[|\]$/g, "");
        const addresses = isIP(host)
          ? [{ address: host, family: isIP(host) }]
          : await lookup(host, { all: true, verbatim: true });
        const refused = addresses.find(
          (a) => !isDeliverableAddress(a.address, options.allowLoopback),
        );
        if (addresses.length === 0 || refused) {
          return { status: null, error: "address not allowed" };
        }
        const [first] = addresses as [{ address: string; family: number }];
        const secret = open(
          options.encryptionKey,
          endpoint.sealedSecret,
          webhookSecretContext(endpoint.id),
        );
        const signature = new Webhook(secret).sign(
          message.id,
          new Date(message.timestampEpochSeconds * 1000),
          message.payload,
        );
        const status = await post(url, first, options.timeoutMs, message.payload, {
          "content-type": "application/json",
          "webhook-id": message.id,
          "webhook-timestamp": String(message.timestampEpochSeconds),
          "webhook-signature": signature,
        });
        return { status };
      } catch (error) {
        return { status: null, error: error instanceof Error ? error.name : "error" };
      }
    },
  };
}

/** One POST to the checked address; the answer's status, its body ignored. */
function post(
  url: URL,
  pinned: { address: string; family: number },
  timeoutMs: number,
  body: string,
  headers: Record<string, string>,
): Promise<number> {
  const pin: LookupFunction = (_host, opts, callback) => {
    if ((opts as { all?: boolean }).all) {
      (callback as unknown as (e: null, a: { address: string; family: number }[]) => void)(null, [
        pinned,
      ]);
    } else {
      callback(null, pinned.address, pinned.family);
    }
  };
  const request = url.protocol === "https:" ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: "POST",
        headers: { ...headers, "content-length": Buffer.byteLength(body) },
        lookup: pin,
        timeout: timeoutMs,
        signal: AbortSignal.timeout(timeoutMs),
      },
      (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      },
    );
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.on("error", reject);
    req.end(body);
  });
}
