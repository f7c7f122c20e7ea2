/** Where a webhook may go: never a private, loopback, link-local or reserved address in AWS. */
import { describe, expect, it } from "vitest";
import { isDeliverableAddress } from "../../functions/adapters/webhook-sender.js";

describe("webhook addresses", () => {
  it("refuses loopback, private, link-local, shared and reserved addresses", () => {
    for (const address of [
      "127.0.0.1",
      "10.1.2.3",
      "172.16.0.1",
      "192.168.1.1",
      "169.254.169.254",
      "100.64.0.1",
      "0.0.0.0",
      "::1",
      "::",
      "fe80::1",
      "fd00::1",
      "::ffff:127.0.0.1",
      "::ffff:169.254.169.254",
      "not an address",
    ]) {
      expect(isDeliverableAddress(address, false), address).toBe(false);
    }
  });

  it("delivers to public addresses", () => {
    for (const address of ["93.184.215.14", "2606:2800:21f:cb07:6820:80da:af6b:8b2c"]) {
      expect(isDeliverableAddress(address, false), address).toBe(true);
    }
  });

  it("lets only loopback through when the local stack allows it", () => {
    expect(isDeliverableAddress("127.0.0.1", true)).toBe(true);
    expect(isDeliverableAddress("::1", true)).toBe(true);
    expect(isDeliverableAddress("10.0.0.1", true)).toBe(false);
    expect(isDeliverableAddress("169.254.169.254", true)).toBe(false);
  });
});
