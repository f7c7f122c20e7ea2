/**
 * The local SES answers every operation a developer uses at once (`aws ses get-send-quota`,
 * `verify-email-identity`, `list-identities`, `aws sesv2 get-account`, …), and checks a send as
 * SES does, through @aws-sdk/client-ses (v1) and @aws-sdk/client-sesv2, with SES's error names.
 */
import {
  DeleteIdentityCommand,
  GetIdentityVerificationAttributesCommand,
  GetSendQuotaCommand,
  ListConfigurationSetsCommand,
  ListIdentitiesCommand,
  SESClient,
  SendEmailCommand,
  type SendEmailCommandInput,
  VerifyDomainIdentityCommand,
  VerifyEmailIdentityCommand,
} from "@aws-sdk/client-ses";
import {
  BadRequestException,
  CreateEmailIdentityCommand,
  GetAccountCommand,
  GetEmailIdentityCommand,
  GetEmailTemplateCommand,
  ListEmailIdentitiesCommand,
  NotFoundException,
  SESv2Client,
  SendEmailCommand as SendEmailV2Command,
  type SendEmailCommandInput as SendEmailV2Input,
} from "@aws-sdk/client-sesv2";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { type LocalSes, startLocalSes } from "../../infra/local/ses.js";

const config = (endpoint: string) => ({
  endpoint,
  region: "us-east-1",
  credentials: { accessKeyId: "local", secretAccessKey: "local" },
  maxAttempts: 1,
  // A hanging operation fails the test instead of waiting for the default timeout.
  requestHandler: { requestTimeout: 5_000 },
});

let ses: LocalSes;
let v1: SESClient;
let v2: SESv2Client;

beforeAll(async () => {
  ses = await startLocalSes();
  v1 = new SESClient(config(ses.endpoint));
  v2 = new SESv2Client(config(ses.endpoint));
});

afterAll(async () => {
  v1?.destroy();
  v2?.destroy();
  await ses?.stop();
});

async function sesError(promise: Promise<unknown>): Promise<Error> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof Error)) throw new Error("expected the call to fail");
  return error;
}

const recipients = (count: number) =>
  Array.from({ length: count }, (_, n) => `reader-${n}@example.com`);

function v1Send(overrides: Partial<SendEmailCommandInput> = {}): SendEmailCommand {
  return new SendEmailCommand({
    Source: "no-reply@twofa.local",
    Destination: { ToAddresses: ["jane@example.com"] },
    Message: { Subject: { Data: "Your code" }, Body: { Text: { Data: "123456" } } },
    ...overrides,
  });
}

function v2Send(overrides: Partial<SendEmailV2Input> = {}): SendEmailV2Command {
  return new SendEmailV2Command({
    FromEmailAddress: "no-reply@twofa.local",
    Destination: { ToAddresses: ["jane@example.com"] },
    Content: { Simple: { Subject: { Data: "Your code" }, Body: { Text: { Data: "654321" } } } },
    ...overrides,
  });
}

describe("SES v1", () => {
  it("answers GetSendQuota with the sandbox quota and what was sent in 24 hours", async () => {
    const before = await v1.send(new GetSendQuotaCommand({}));
    expect(before).toMatchObject({ Max24HourSend: 200, MaxSendRate: 1 });
    await v1.send(v1Send({ Destination: { ToAddresses: ["a@example.com", "b@example.com"] } }));
    const after = await v1.send(new GetSendQuotaCommand({}));
    expect(after.SentLast24Hours).toBe((before.SentLast24Hours ?? 0) + 2);
  });

  it("verifies identities, lists them and deletes them", async () => {
    await v1.send(new VerifyEmailIdentityCommand({ EmailAddress: "sender@twofa.local" }));
    const { VerificationToken } = await v1.send(
      new VerifyDomainIdentityCommand({ Domain: "twofa.local" }),
    );
    expect(VerificationToken).toMatch(/^\w+$/);

    const all = await v1.send(new ListIdentitiesCommand({}));
    expect(all.Identities?.sort()).toEqual(["sender@twofa.local", "twofa.local"]);
    const emails = await v1.send(new ListIdentitiesCommand({ IdentityType: "EmailAddress" }));
    expect(emails.Identities).toEqual(["sender@twofa.local"]);

    const attributes = await v1.send(
      new GetIdentityVerificationAttributesCommand({
        Identities: ["sender@twofa.local", "unknown@example.com"],
      }),
    );
    expect(attributes.VerificationAttributes).toEqual({
      "sender@twofa.local": { VerificationStatus: "Success" },
    });

    await v1.send(new DeleteIdentityCommand({ Identity: "sender@twofa.local" }));
    const left = await v1.send(new ListIdentitiesCommand({}));
    expect(left.Identities).toEqual(["twofa.local"]);
  });

  it("refuses a malformed address to verify", async () => {
    const error = await sesError(
      v1.send(new VerifyEmailIdentityCommand({ EmailAddress: "not-an-address" })),
    );
    expect(error.name).toBe("InvalidParameterValue");
  });

  it("answers an action it does not implement at once with InvalidAction", async () => {
    const error = await sesError(v1.send(new ListConfigurationSetsCommand({})));
    expect(error.name).toBe("InvalidAction");
    expect(error.message).toBe(
      "The action ListConfigurationSets is not valid for this web service",
    );
  });

  it("checks a send as SES does", async () => {
    const empty = await sesError(v1.send(v1Send({ Destination: { ToAddresses: [] } })));
    expect(empty.name).toBe("InvalidParameterValue");

    const noDomain = await sesError(v1.send(v1Send({ Source: "no-reply" })));
    expect(noDomain.name).toBe("InvalidParameterValue");
    expect(noDomain.message).toBe("Missing final '@domain'");

    const illegal = await sesError(v1.send(v1Send({ Source: "Twofa <no reply@twofa.local>" })));
    expect(illegal.name).toBe("InvalidParameterValue");
    expect(illegal.message).toBe("Illegal address");

    const badRecipient = await sesError(
      v1.send(v1Send({ Destination: { ToAddresses: ["jane@"] } })),
    );
    expect(badRecipient.name).toBe("InvalidParameterValue");

    const tooMany = await sesError(
      v1.send(
        v1Send({ Destination: { ToAddresses: recipients(40), BccAddresses: recipients(20) } }),
      ),
    );
    expect(tooMany.name).toBe("InvalidParameterValue");
    expect(tooMany.message).toBe("Recipient count exceeds 50.");

    const sentBefore = (await ses.emails()).length;
    const fifty = await v1.send(
      v1Send({
        Source: "Twofa <no-reply@twofa.local>",
        Destination: { ToAddresses: recipients(30), CcAddresses: recipients(20) },
      }),
    );
    expect(fifty.MessageId).toEqual(expect.any(String));
    expect((await ses.emails()).length).toBe(sentBefore + 50);
  });
});

describe("SES v2", () => {
  it("answers GetAccount", async () => {
    const account = await v2.send(new GetAccountCommand({}));
    expect(account).toMatchObject({
      SendingEnabled: true,
      ProductionAccessEnabled: false,
      EnforcementStatus: "HEALTHY",
      SendQuota: { Max24HourSend: 200, MaxSendRate: 1, SentLast24Hours: expect.any(Number) },
    });
  });

  it("creates, lists and reads email identities", async () => {
    const created = await v2.send(new CreateEmailIdentityCommand({ EmailIdentity: "v2.local" }));
    expect(created).toMatchObject({ IdentityType: "DOMAIN", VerifiedForSendingStatus: true });
    const listed = await v2.send(new ListEmailIdentitiesCommand({}));
    expect(listed.EmailIdentities).toContainEqual(
      expect.objectContaining({ IdentityName: "v2.local", IdentityType: "DOMAIN" }),
    );
    const read = await v2.send(new GetEmailIdentityCommand({ EmailIdentity: "v2.local" }));
    expect(read.VerifiedForSendingStatus).toBe(true);

    const missing = await sesError(
      v2.send(new GetEmailIdentityCommand({ EmailIdentity: "nobody.local" })),
    );
    expect(missing).toBeInstanceOf(NotFoundException);
  });

  it("checks a send as SES does, and delivers a good one", async () => {
    const empty = await sesError(v2.send(v2Send({ Destination: { ToAddresses: [] } })));
    expect(empty).toBeInstanceOf(BadRequestException);
    const malformed = await sesError(v2.send(v2Send({ FromEmailAddress: "no-reply" })));
    expect(malformed).toBeInstanceOf(BadRequestException);
    const tooMany = await sesError(
      v2.send(v2Send({ Destination: { ToAddresses: recipients(51) } })),
    );
    expect(tooMany).toBeInstanceOf(BadRequestException);
    expect(tooMany.message).toBe("Recipient count exceeds 50.");

    const sent = await v2.send(v2Send({ Destination: { ToAddresses: ["v2-reader@example.com"] } }));
    expect(sent.MessageId).toEqual(expect.any(String));
    const delivered = (await ses.emails()).filter((email) => email.to === "v2-reader@example.com");
    expect(delivered.map((email) => email.body)).toEqual(["654321"]);
  });

  it("gives the package's own errors SES's shape", async () => {
    const error = await sesError(v2.send(new GetEmailTemplateCommand({ TemplateName: "none" })));
    expect(error.name).toMatch(/^(NotFoundException|BadRequestException)$/);
    expect((error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode).toBe(
      error.name === "NotFoundException" ? 404 : 400,
    );
  });
});

describe("the stack's SES", () => {
  it("answers GetSendQuota at once", async () => {
    const client = new SESClient(config(inject("sesEndpoint")));
    try {
      const quota = await client.send(new GetSendQuotaCommand({}));
      expect(quota.Max24HourSend).toBe(200);
    } finally {
      client.destroy();
    }
  });
});
