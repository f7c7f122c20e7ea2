/**
 * The HTTP edge as a client meets it: media types, key-bearing values that grow under
 * normalization, the Authorization header, CORS, and the headers of every answer.
 */
import { describe, expect, it } from "vitest";
import { post } from "../support/http.js";
import { PASSWORD } from "../support/users.js";

/** U+FDFA is one character that NFKC turns into 18: 256 of them are 8,448 bytes. */
const EXPANDING = "\uFDFA".repeat(256);

describe("values that grow under normalization", () => {
  it("a username that expands under NFKC answers 400 naming the field on /v1/token", async () => {
    const res = await post("/v1/token", {
      grant_type: "password",
      username: EXPANDING,
      password: PASSWORD,
    });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: "invalid_request", field: "username" });
  });

  it("an identifier that expands under NFKC answers 400 naming the field on /v1/sign_ins", async () => {
    const res = await post("/v1/sign_ins", { identifier: EXPANDING, password: PASSWORD });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: "invalid_request", field: "identifier" });
  });

  it("a username that expands under NFKC answers 400 naming the field on registration", async () => {
    const res = await post("/v1/customers", { username: EXPANDING, password: PASSWORD });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: "invalid_request", field: "username" });
  });
});
