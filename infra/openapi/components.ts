/**
 * Response bodies of the API as JSON Schema (2020-12, the dialect of OpenAPI 3.1). Request
 * bodies are not here: they are converted from the handlers' own valibot schemas.
 */

export type JsonSchema = { readonly [key: string]: unknown };

const ref = (name: string): JsonSchema => ({ $ref: `#/components/schemas/${name}` });
const nullable = (schema: JsonSchema): JsonSchema => ({ oneOf: [schema, { type: "null" }] });
const isoDateTime: JsonSchema = { type: "string", format: "date-time" };

/** Every response body of the document, by component name. */
export const SCHEMAS: Record<string, JsonSchema> = {
  TokenResponse: {
    type: "object",
    description: "RFC 6749 §5.1 access token response.",
    required: ["access_token", "token_type", "expires_in", "refresh_token"],
    properties: {
      access_token: { type: "string", description: "A signed JWT, valid `expires_in` seconds." },
      token_type: { const: "bearer" },
      expires_in: { type: "integer", minimum: 1 },
      refresh_token: {
        type: "string",
        description: "Opaque; rotated on use, and reusing a rotated one revokes its family.",
      },
      device_token: {
        type: "string",
        description:
          "Only when the client asked to remember the device: present it at later logins to skip the second factor. Shown once.",
      },
      device_token_expires_in: { type: "integer", minimum: 1 },
    },
    additionalProperties: false,
  },
  User: {
    type: "object",
    required: [
      "id",
      "username",
      "authMethod",
      "phoneNumber",
      "email",
      "locale",
      "tfaAppLinked",
      "createdAt",
    ],
    properties: {
      id: { type: "string" },
      username: { type: "string" },
      authMethod: { enum: ["simple", "tfa_sms", "tfa_email", "totp"] },
      phoneNumber: nullable({ type: "string" }),
      email: nullable({ type: "string" }),
      locale: { type: "string" },
      tfaAppLinked: { type: "boolean" },
      createdAt: isoDateTime,
    },
    additionalProperties: false,
  },
  SecurityEvent: {
    type: "object",
    description: "One entry of a user's security log. Contacts are masked; no secret appears.",
    required: ["id", "type", "occurredAt", "outcome", "ip", "userAgent", "data"],
    properties: {
      id: { type: "string" },
      type: { type: "string", description: "The domain event type (`user.login.succeeded`, …)." },
      occurredAt: isoDateTime,
      outcome: { enum: ["success", "failure"] },
      ip: nullable({ type: "string" }),
      userAgent: nullable({ type: "string" }),
      data: {
        type: "object",
        description: "The event's public details (`factor`, `via`, `channel`, `destination`, …).",
        additionalProperties: { oneOf: [{ type: "string" }, { type: "number" }] },
      },
    },
    additionalProperties: false,
  },
  WebhookEndpoint: {
    type: "object",
    required: ["id", "url", "eventTypes", "createdAt"],
    properties: {
      id: { type: "string" },
      url: { type: "string" },
      eventTypes: { type: "array", items: { type: "string" } },
      createdAt: isoDateTime,
    },
    additionalProperties: false,
  },
  NewWebhookEndpointResult: {
    type: "object",
    required: ["id", "url", "eventTypes", "createdAt", "secret"],
    properties: {
      id: { type: "string" },
      url: { type: "string" },
      eventTypes: { type: "array", items: { type: "string" } },
      createdAt: isoDateTime,
      secret: { type: "string", description: "`whsec_…`: shown in this answer only." },
    },
    additionalProperties: false,
  },
  WebhookEndpointList: {
    type: "object",
    required: ["endpoints"],
    properties: { endpoints: { type: "array", items: ref("WebhookEndpoint") } },
    additionalProperties: false,
  },
  WebhookDeliveryList: {
    type: "object",
    required: ["deliveries"],
    properties: {
      deliveries: {
        type: "array",
        items: {
          type: "object",
          required: ["id", "eventId", "eventType", "state", "attempts", "nextAttemptAt"],
          properties: {
            id: { type: "string", description: "The `webhook-id` of every attempt." },
            eventId: { type: "string" },
            eventType: { type: "string" },
            state: { enum: ["pending", "delivered", "failed"] },
            attempts: {
              type: "array",
              items: {
                type: "object",
                required: ["at", "status"],
                properties: {
                  at: isoDateTime,
                  status: nullable({ type: "integer" }),
                  error: { type: "string" },
                },
                additionalProperties: false,
              },
            },
            nextAttemptAt: nullable(isoDateTime),
          },
          additionalProperties: false,
        },
      },
    },
    additionalProperties: false,
  },
  AdminUser: {
    type: "object",
    description: "A user as an operator sees it: contacts masked, never a secret or a hash.",
    required: ["id", "username", "locale", "createdAt", "factors", "lock", "sessions", "devices"],
    properties: {
      id: { type: "string" },
      username: { type: "string" },
      locale: { type: "string" },
      createdAt: isoDateTime,
      factors: {
        type: "object",
        required: [
          "authMethod",
          "phoneNumber",
          "email",
          "authenticatorApp",
          "backupCodes",
          "passkeys",
        ],
        properties: {
          authMethod: { enum: ["simple", "tfa_sms", "tfa_email", "totp"] },
          phoneNumber: nullable({ type: "string", description: "Masked." }),
          email: nullable({ type: "string", description: "Masked." }),
          authenticatorApp: {
            type: "object",
            required: ["linked", "linkedAt"],
            properties: { linked: { type: "boolean" }, linkedAt: nullable(isoDateTime) },
            additionalProperties: false,
          },
          backupCodes: {
            type: "object",
            required: ["total", "remaining"],
            properties: {
              total: { type: "integer", minimum: 0 },
              remaining: { type: "integer", minimum: 0 },
            },
            additionalProperties: false,
          },
          passkeys: {
            type: "array",
            items: {
              type: "object",
              required: ["id", "name", "createdAt", "lastUsedAt"],
              properties: {
                id: { type: "string" },
                name: { type: "string" },
                createdAt: isoDateTime,
                lastUsedAt: nullable(isoDateTime),
              },
              additionalProperties: false,
            },
          },
        },
        additionalProperties: false,
      },
      lock: {
        type: "object",
        required: ["locked", "lockedUntil", "consecutiveFailures", "disabledFactors"],
        properties: {
          locked: { type: "boolean" },
          lockedUntil: nullable(isoDateTime),
          consecutiveFailures: { type: "integer", minimum: 0 },
          disabledFactors: { type: "array", items: { type: "string" } },
        },
        additionalProperties: false,
      },
      sessions: { type: "array", items: ref("AdminSession") },
      devices: { type: "array", items: ref("AdminSession") },
    },
    additionalProperties: false,
  },
  AdminSession: {
    type: "object",
    description: "A live session or remembered device: when and where, never a token.",
    required: ["id", "createdAt", "lastUsedAt", "expiresAt", "createdFrom", "lastUsedFrom"],
    properties: {
      id: { type: "string" },
      createdAt: isoDateTime,
      lastUsedAt: isoDateTime,
      expiresAt: isoDateTime,
      createdFrom: ref("RequestOrigin"),
      lastUsedFrom: ref("RequestOrigin"),
    },
    additionalProperties: false,
  },
  RequestOrigin: {
    type: "object",
    required: ["ip", "userAgent"],
    properties: { ip: nullable({ type: "string" }), userAgent: nullable({ type: "string" }) },
    additionalProperties: false,
  },
  AdminReset: {
    type: "object",
    required: ["id", "authMethod", "sessionsRevoked", "devicesForgotten", "notified"],
    properties: {
      id: { type: "string" },
      authMethod: { const: "simple" },
      sessionsRevoked: { type: "integer", minimum: 0 },
      devicesForgotten: { type: "integer", minimum: 0 },
      notified: {
        type: "array",
        description: "Where the user was told, masked.",
        items: {
          type: "object",
          required: ["channel", "to"],
          properties: { channel: { enum: ["sms", "email"] }, to: { type: "string" } },
          additionalProperties: false,
        },
      },
    },
    additionalProperties: false,
  },
  SecurityEventPage: {
    type: "object",
    required: ["events", "nextCursor"],
    properties: {
      events: { type: "array", items: ref("SecurityEvent") },
      nextCursor: nullable({ type: "string" }),
    },
    additionalProperties: false,
  },
  SecondFactorOption: {
    type: "object",
    required: ["strategy"],
    properties: {
      strategy: { $ref: "#/components/schemas/Strategy" },
      safeIdentifier: {
        type: "string",
        description: "Where a code goes, masked (`+*******4321`, `j*****e@example.com`).",
      },
    },
    additionalProperties: false,
  },
  Strategy: { enum: ["phone_code", "email_code", "totp", "backup_code", "passkey"] },
  Passkey: {
    type: "object",
    description: "A passkey of the user, as its owner sees it (never its public key).",
    required: ["id", "name", "createdAt", "lastUsedAt", "backedUp", "transports"],
    properties: {
      id: { type: "string", description: "The credential id (base64url)." },
      name: { type: "string" },
      createdAt: isoDateTime,
      lastUsedAt: nullable(isoDateTime),
      backedUp: { type: "boolean", description: "Synced to the user's other devices." },
      transports: { type: "array", items: { type: "string" } },
    },
    additionalProperties: false,
  },
  PasskeyCreationOptions: {
    type: "object",
    description:
      "WebAuthn's `PublicKeyCredentialCreationOptionsJSON`, for `startRegistration` (resident key and user verification required, attestation `none`).",
    required: [
      "rp",
      "user",
      "challenge",
      "pubKeyCredParams",
      "timeout",
      "excludeCredentials",
      "authenticatorSelection",
      "attestation",
    ],
    properties: {
      rp: { type: "object" },
      user: { type: "object" },
      challenge: { type: "string" },
      pubKeyCredParams: { type: "array" },
      timeout: { type: "integer" },
      excludeCredentials: { type: "array" },
      authenticatorSelection: { type: "object" },
      attestation: { const: "none" },
      extensions: { type: "object" },
    },
  },
  PasskeyRequestOptions: {
    type: "object",
    description:
      "WebAuthn's `PublicKeyCredentialRequestOptionsJSON`, for `startAuthentication` (user verification required).",
    required: ["challenge", "rpId", "timeout", "userVerification", "allowCredentials"],
    properties: {
      challenge: { type: "string" },
      rpId: { type: "string" },
      timeout: { type: "integer" },
      userVerification: { const: "required" },
      allowCredentials: {
        type: "array",
        items: {
          type: "object",
          required: ["type", "id"],
          properties: {
            type: { const: "public-key" },
            id: { type: "string" },
            transports: { type: "array", items: { type: "string" } },
          },
        },
      },
    },
  },
  Verification: {
    type: "object",
    required: ["status", "strategy", "attempts", "expireAt", "error"],
    properties: {
      status: { enum: ["unverified", "verified", "failed", "expired"] },
      strategy: ref("Strategy"),
      attempts: { type: "integer", minimum: 0 },
      expireAt: isoDateTime,
      error: nullable({
        type: "object",
        required: ["code", "message"],
        properties: { code: { type: "string" }, message: { type: "string" } },
      }),
      nonce: {
        ...ref("PasskeyRequestOptions"),
        description: "For a passkey, on the response that prepares it: the request options.",
      },
    },
    additionalProperties: false,
  },
  SignIn: {
    type: "object",
    description:
      "Clerk's SignIn object. `tokens` is present only on the response that completes it.",
    required: [
      "object",
      "id",
      "status",
      "supportedSecondFactors",
      "secondFactorVerification",
      "createdSessionId",
      "expireAt",
    ],
    properties: {
      object: { const: "sign_in" },
      id: { type: "string", pattern: "^sia_[A-Za-z0-9_-]{22}$" },
      status: {
        enum: ["needs_first_factor", "needs_second_factor", "needs_enrollment", "complete"],
      },
      supportedSecondFactors: { type: "array", items: ref("SecondFactorOption") },
      firstFactorVerification: {
        ...ref("Verification"),
        description: "Present on a sign-in started with a passkey alone.",
      },
      secondFactorVerification: nullable(ref("Verification")),
      createdSessionId: nullable({ type: "string" }),
      expireAt: isoDateTime,
      tokens: ref("TokenResponse"),
      enrollmentToken: {
        type: "string",
        description:
          "With `needs_enrollment` only: authorizes the factor-enrollment endpoints, nothing else.",
      },
    },
    additionalProperties: false,
  },
  Session: {
    type: "object",
    description:
      "A session: a refresh-token family. `lastUsed*` is its last refresh (its creation until then).",
    required: [
      "id",
      "current",
      "createdAt",
      "lastUsedAt",
      "expiresAt",
      "createdFrom",
      "lastUsedFrom",
    ],
    properties: {
      id: { type: "string", pattern: "^rtf_[A-Za-z0-9_-]{22}$" },
      current: { type: "boolean", description: "The session of the access token that asked." },
      createdAt: isoDateTime,
      lastUsedAt: isoDateTime,
      expiresAt: { ...isoDateTime, description: "When it ends unless refreshed before." },
      createdFrom: ref("RequestSource"),
      lastUsedFrom: ref("RequestSource"),
    },
    additionalProperties: false,
  },
  Device: {
    type: "object",
    description: "A remembered device: its token skips the second factor at login.",
    required: ["id", "createdAt", "lastUsedAt", "expiresAt", "createdFrom", "lastUsedFrom"],
    properties: {
      id: { type: "string", pattern: "^dev_[A-Za-z0-9_-]{22}$" },
      createdAt: isoDateTime,
      lastUsedAt: isoDateTime,
      expiresAt: { ...isoDateTime, description: "When its token stops skipping." },
      createdFrom: ref("RequestSource"),
      lastUsedFrom: ref("RequestSource"),
    },
    additionalProperties: false,
  },
  DeviceList: {
    type: "object",
    required: ["devices"],
    properties: { devices: { type: "array", items: ref("Device") } },
    additionalProperties: false,
  },
  RequestSource: {
    type: "object",
    required: ["ip", "userAgent"],
    properties: {
      ip: nullable({ type: "string" }),
      userAgent: nullable({ type: "string" }),
    },
    additionalProperties: false,
  },
  SessionList: {
    type: "object",
    required: ["sessions"],
    properties: { sessions: { type: "array", items: ref("Session") } },
    additionalProperties: false,
  },
  Delivery: {
    type: "object",
    description: "What became of a message; it names no recipient and no content.",
    required: ["id", "eventType", "channel", "status", "failure"],
    properties: {
      id: { type: "string" },
      eventType: { type: "string" },
      channel: { enum: ["sms", "email"] },
      status: { enum: ["sending", "sent", "failed", "suppressed"] },
      failure: nullable({ type: "string" }),
    },
    additionalProperties: false,
  },
  ConnectorAccount: {
    type: "object",
    required: ["id", "connector", "state", "createdAt", "updatedAt", "lastRun", "lastFetch"],
    properties: {
      id: { type: "string" },
      connector: { type: "string" },
      state: nullable({
        type: "string",
        description:
          "Cozy account state: `HANDLE_LOGIN_SUCCESS`, `LOGIN_SUCCESS`, `TWOFA_NEEDED.<TYPE>`, `TWOFA_NEEDED_RETRY.<TYPE>`, …",
      }),
      createdAt: isoDateTime,
      updatedAt: isoDateTime,
      lastRun: nullable({
        type: "object",
        required: ["id", "manual", "startedAt", "endedAt", "error"],
        properties: {
          id: { type: "string" },
          manual: { type: "boolean" },
          startedAt: nullable(isoDateTime),
          endedAt: nullable({
            ...isoDateTime,
            description: "When the run ended; null while it runs.",
          }),
          error: nullable({
            type: "string",
            description:
              "The Cozy error name the run ended with; null while it runs or after a success.",
          }),
        },
        additionalProperties: false,
      }),
      twoFa: {
        type: "object",
        description: "Present only while a run waits for the owner's 2FA code.",
        required: ["type", "expiresAt", "attemptsLeft", "canResend"],
        properties: {
          type: { enum: ["email", "sms", "app_code", "app"] },
          expiresAt: { ...isoDateTime, description: "When the wait gives up." },
          attemptsLeft: {
            type: "integer",
            minimum: 0,
            description: "Codes the owner may still type.",
          },
          canResend: {
            type: "boolean",
            description: "Whether `POST /v1/accounts/{id}/twofa_code/resend` can get a new code.",
          },
        },
        additionalProperties: false,
      },
      lastFetch: nullable({
        type: "object",
        required: ["at", "summary"],
        properties: { at: isoDateTime, summary: { type: "object" } },
        additionalProperties: false,
      }),
    },
    additionalProperties: false,
  },
  ConnectorRun: {
    type: "object",
    required: ["id", "accountId", "manual", "startedAt", "status", "error"],
    properties: {
      id: { type: "string" },
      accountId: { type: "string" },
      manual: { type: "boolean" },
      startedAt: isoDateTime,
      status: { enum: ["running", "succeeded", "failed"] },
      error: nullable({
        type: "string",
        description: "A Cozy error name (`LOGIN_FAILED`, `USER_ACTION_NEEDED.TWOFA_EXPIRED`, …).",
      }),
    },
    additionalProperties: false,
  },
  ResendRequested: {
    type: "object",
    required: ["resending"],
    properties: { resending: { const: true } },
    additionalProperties: false,
  },
  CodeReceived: {
    type: "object",
    required: ["received"],
    properties: { received: { const: true } },
    additionalProperties: false,
  },
  TfaAppSetup: {
    type: "object",
    required: ["account", "manualEntryKey", "qrCodeSetupImageUrl"],
    properties: {
      account: { type: "string", description: "The label an authenticator app shows." },
      manualEntryKey: { type: "string", description: "The secret in base32, in groups of four." },
      qrCodeSetupImageUrl: { type: "string", pattern: "^data:image/png;base64," },
    },
    additionalProperties: false,
  },
  BackupCode: {
    type: "object",
    required: ["isUsed", "code"],
    properties: {
      isUsed: { type: "boolean" },
      code: nullable({
        type: "string",
        description: "The code itself on the first read after it was created, null afterwards.",
      }),
    },
    additionalProperties: false,
  },
  OpenApiDocument: {
    type: "object",
    required: ["openapi", "info", "paths"],
    properties: {
      openapi: { type: "string" },
      info: { type: "object" },
      paths: { type: "object" },
    },
  },
};

/** DocSpace's success envelope around `response`. */
export function docspaceSuccess(response: JsonSchema): JsonSchema {
  return {
    type: "object",
    required: ["response", "status", "statusCode"],
    properties: { response, status: { const: 0 }, statusCode: { const: 200 } },
    additionalProperties: false,
  };
}

/** RFC 6749 §5.2's error body with one of `codes`; extra public members may follow. */
export function oauthError(codes: readonly string[]): JsonSchema {
  return {
    type: "object",
    required: ["error", "error_description"],
    properties: {
      error: { enum: [...codes] },
      error_description: { type: "string" },
      field: { type: "string", description: "The request field at fault." },
      ...(codes.includes("otp_required") ? OTP_REQUIRED_MEMBERS : {}),
      ...(codes.includes("tfa_enrollment_required") ? ENROLLMENT_MEMBERS : {}),
    },
  };
}

/** What `tfa_enrollment_required` adds: the token for the factor-enrollment endpoints. */
const ENROLLMENT_MEMBERS = {
  enrollment_token: {
    type: "string",
    description:
      "Authorizes only the factor-enrollment endpoints (`PATCH /v1/user`, authenticator-app setup and validate).",
  },
  expires_in: { type: "integer", minimum: 1 },
};

/** What `otp_required` adds: which second factor to send, and where a code went. */
const OTP_REQUIRED_MEMBERS = {
  auth_method: { enum: ["tfa_sms", "tfa_email", "totp", "passkey"] },
  otp_destination: {
    type: "string",
    description: "Where the code went, masked (`+*******4321`); absent for `totp`.",
  },
};

/** DocSpace's error body; `error.type` is the stable code. */
export function docspaceError(codes: readonly string[], status: number): JsonSchema {
  return {
    type: "object",
    required: ["error", "status", "statusCode"],
    properties: {
      error: {
        type: "object",
        required: ["message", "type"],
        properties: {
          message: { type: "string" },
          type: { enum: [...codes] },
          field: { type: "string" },
        },
      },
      status: { const: 1 },
      statusCode: { const: status },
    },
  };
}
