/**
 * Limits that must hold for the user they protect, over HTTP: what a stranger can and cannot
 * make the service refuse. The test stack keeps the default per-username-and-source password
 * limit (20 failures); the loopback network gives the owner an address of their own.
 */
import { request } from "node:http";
import { describe, expect, it } from "vitest";
import { freshUsername, post } from "../support/http.js";
import { apiUrl } from "../support/local.js";
import { PASSWORD } from "../support/users.js";

const PER_USERNAME_AND_SOURCE = 20; // PASSWORD_MAX_ATTEMPTS_PER_USERNAME_AND_IP's default

/** A JSON POST sent from `localAddress` (any 127.0.0.0/8 address is this machine). */
function postFrom(localAddress: string, path: string, json: unknown) {
  const body = JSON.stringify(json);
  return new Promise<{ status: number; body: Record<string, unknown> }>((resolve, reject) => {
    const req = request(
      `${apiUrl()}${path}`,
      {
        method: "POST",
        localAddress,
        headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) },
      },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => {
          text += chunk;
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

describe("abuse limits: a stranger cannot lock a user out", () => {
  it("a stranger's wrong passwords refuse the stranger, not the owner logging in from elsewhere", async () => {
    const username = freshUsername();
    expect((await post("/v1/customers", { username, password: PASSWORD })).status).toBe(201);
    const stranger = "127.0.0.1";
    const guess = (i: number) =>
      postFrom(stranger, "/v1/token", {
        grant_type: "password",
        username,
        password: `guess number ${i}`,
      });
    for (let i = 0; i < PER_USERNAME_AND_SOURCE; i++) {
      expect((await guess(i)).body.error).toBe("invalid_grant");
    }
    const refused = await guess(PER_USERNAME_AND_SOURCE);
    expect(refused.status).toBe(429);
    expect(refused.body.error).toBe("too_many_requests");
    const owner = await postFrom("127.0.0.2", "/v1/token", {
      grant_type: "password",
      username,
      password: PASSWORD,
    });
    expect(owner.status).toBe(200);
    expect(owner.body.token_type).toBe("bearer");
  });
});
