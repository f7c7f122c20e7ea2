/** Generated from docs/openapi.json by `npm run openapi`: do not edit. */
export interface paths {
  "/v1/phone_verification_codes": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Send a phone verification code by SMS
     * @description The code is sent by SMS and never returned; it proves the number later.
     */
    post: operations["createPhoneVerificationCode"];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/email_verification_codes": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Send an email verification code
     * @description The code is sent by email and never returned; it proves the address later.
     */
    post: operations["createEmailVerificationCode"];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/deliveries/{id}": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Follow the delivery of a message */
    get: operations["getDelivery"];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/token": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Issue tokens (OAuth2 password and refresh-token grants)
     * @description For a user with TFA, a correct password without `otp` answers 400 `otp_required` with `X-OTP: required; auth_method=…` and sends a code (none for a TOTP user); the same request with `otp` (or the `X-OTP` header) issues tokens. Wrong password and unknown user answer alike. With `remember_device=true` beside the OTP, the tokens carry a `device_token`; presenting it later (`device_token` or `X-Device-Token`) skips the second factor, never the password. An invalid, expired or forgotten device token is ignored, and so is any device token of a user with a passkey (who gets none either).
     */
    post: operations["token"];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/customers": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Register a customer
     * @description With `authMethod` `tfa_sms` or `tfa_email`, the phone or email and its verification code are required; that code also serves as the first OTP.
     */
    post: operations["createCustomer"];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/user": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** The signed-in user */
    get: operations["getUser"];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    /**
     * Change the TFA method, phone or email
     * @description A new phone or email comes with its verification code; where TFA is on, a change needs a current second factor as `otp` (or `X-OTP`), and the user is told.
     */
    patch: operations["updateUser"];
    trace?: never;
  };
  "/v1/user/security_events": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * The signed-in user's security log
     * @description Logins (with the factor), codes sent, lockouts, factor and contact changes, backup codes, connector 2FA: newest first, a page at a time, kept `SECURITY_LOG_DAYS` (90 by default). Contacts are masked; no secret is ever shown.
     */
    get: operations["listSecurityEvents"];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/logout": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * End a session (RFC 7009 token revocation)
     * @description Ends the session of `token`: a refresh token, or an access token (`token_type_hint`). 200 whatever the token, as RFC 7009 §2.2 has it.
     */
    post: operations["logout"];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/user/sessions": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** The signed-in user's sessions */
    get: operations["listSessions"];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/user/sessions/{id}": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    post?: never;
    /**
     * End one of the user's sessions
     * @description Its refresh token and its access tokens stop working at once.
     */
    delete: operations["deleteSession"];
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/user/devices": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * The signed-in user's remembered devices
     * @description Devices whose token skips the second factor at login, most recently used first; never the tokens.
     */
    get: operations["listDevices"];
    put?: never;
    post?: never;
    /**
     * Forget every remembered device
     * @description Each of the user's logins asks for the second factor again.
     */
    delete: operations["forgetDevices"];
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/user/devices/{id}": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    post?: never;
    /**
     * Forget one remembered device
     * @description Its token no longer skips the second factor.
     */
    delete: operations["forgetDevice"];
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/user/password": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    /**
     * Change the password
     * @description A wrong `currentPassword` counts as a failed login. Where TFA is on, a current second factor as `otp` (or `X-OTP`). Every other session ends, and the user is told.
     */
    put: operations["changePassword"];
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/sign_ins": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Start a sign-in
     * @description A user without TFA is `complete` at once, with `tokens`; others get `needs_second_factor` and their `supportedSecondFactors`. No code is sent yet. The token of a remembered device (`deviceToken` or `X-Device-Token`) completes it at once, except for a user with a passkey; an invalid one is ignored. `{strategy: "passkey"}` starts a sign-in with a passkey alone: `needs_first_factor`, with the request options as `firstFactorVerification.nonce`.
     */
    post: operations["createSignIn"];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/sign_ins/{id}": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** A sign-in (never its tokens) */
    get: operations["getSignIn"];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/sign_ins/{id}/prepare_second_factor": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Send a sign-in code by SMS or email */
    post: operations["prepareSignInSecondFactor"];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/sign_ins/{id}/attempt_second_factor": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Attempt a second factor
     * @description On success the SignIn is `complete` and this response alone carries `tokens`.
     */
    post: operations["attemptSignInSecondFactor"];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/sign_ins/{id}/attempt_first_factor": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Sign in with a passkey alone
     * @description For a sign-in started with `{strategy: "passkey"}`: the assertion of a discoverable credential (user verification required). The user is found from the credential; an unknown one answers as a wrong one. On success the SignIn is `complete` and this response alone carries `tokens`.
     */
    post: operations["attemptSignInFirstFactor"];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/user/passkeys/registration_options": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Options to create a passkey
     * @description A fresh challenge (5 minutes, single use) and the user's passkeys to exclude. Where the user has a code or app factor, a current one comes as `otp` (or `X-OTP`) first.
     */
    post: operations["passkeyRegistrationOptions"];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/user/passkeys": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** The user's passkeys */
    get: operations["listPasskeys"];
    put?: never;
    /**
     * Add a passkey
     * @description The attestation (`none` accepted) of the latest registration options. Passkeys then serve as a second factor, and the user is told.
     */
    post: operations["createPasskey"];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/user/passkeys/{id}": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    post?: never;
    /**
     * Remove a passkey
     * @description Where the user has a code or app factor, a current one comes as `otp` (or `X-OTP`) first. The user is told.
     */
    delete: operations["deletePasskey"];
    options?: never;
    head?: never;
    /** Rename a passkey */
    patch: operations["renamePasskey"];
    trace?: never;
  };
  "/api/2.0/settings/tfaapp/setup": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Start an authenticator-app enrollment
     * @description Not active until validated with a code of the app.
     */
    get: operations["setupTfaApp"];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/api/2.0/settings/tfaapp/validate": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Link the app with one of its codes
     * @description `response: true` links the app (backup codes can then be read once); `false` when the code is wrong. Replacing an active second factor needs it as `otp` (or `X-OTP`).
     */
    post: operations["validateTfaApp"];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/api/2.0/settings/tfaappcodes": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Backup codes and whether each is used */
    get: operations["listBackupCodes"];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/api/2.0/settings/tfaappnewcodes": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    /**
     * Regenerate backup codes
     * @description Needs a current second factor; the old codes stop working, and the user is told.
     */
    put: operations["regenerateBackupCodes"];
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/api/2.0/settings/tfaappnewapp": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    /**
     * Unlink the authenticator app
     * @description Needs a current second factor; the user is told.
     */
    put: operations["unlinkTfaApp"];
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/accounts": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Create a connector account
     * @description The credentials are encrypted at rest and never returned. `demo` is the built-in connector.
     */
    post: operations["createAccount"];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/accounts/{id}": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** A connector account and its Cozy state */
    get: operations["getAccount"];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/accounts/{id}/runs": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Start a connector run
     * @description One run at a time per account. A run that is not manual fails at once on 2FA.
     */
    post: operations["startRun"];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/runs/{id}": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** A connector run's status */
    get: operations["getRun"];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/accounts/{id}/twofa_code": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Hand a 2FA code to the run that waits for it */
    post: operations["submitTwoFaCode"];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/accounts/{id}/twofa_code/resend": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Ask the waiting run for a new 2FA code
     * @description The run's wait ends and the run logs in again, so that the site sends a new code; at most three times a run.
     */
    post: operations["resendTwoFaCode"];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/admin/webhook_endpoints": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Webhook endpoints */
    get: operations["listWebhookEndpoints"];
    put?: never;
    /**
     * Register a webhook endpoint
     * @description Each event of the types named is POSTed to the URL, signed per Standard Webhooks (`webhook-id`, `webhook-timestamp`, `webhook-signature`). The signing `secret` is in this answer only.
     */
    post: operations["createWebhookEndpoint"];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/admin/webhook_endpoints/{id}": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    post?: never;
    /** Remove a webhook endpoint */
    delete: operations["deleteWebhookEndpoint"];
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/admin/webhook_endpoints/{id}/deliveries": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * An endpoint's deliveries
     * @description Each delivery's state (`pending`, `delivered`, `failed` once the retries over about 27 hours ran out) and its attempts' statuses.
     */
    get: operations["listWebhookDeliveries"];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/admin/users/{id}": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * A user, as an operator sees it
     * @description The user's factors (method, masked contacts, authenticator app linked or not, backup codes left, passkeys), lock state, live sessions and remembered devices. Never a secret or a hash. Recorded as `admin.user.viewed`.
     */
    get: operations["adminGetUser"];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/admin/users/{id}/unlock": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Unlock a user
     * @description Ends a lock and re-enables the factors that too many failures disabled (`user.unlocked`, `admin.user.unlocked`).
     */
    post: operations["adminUnlockUser"];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/admin/users/{id}/reset_second_factors": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Reset a user's second factors
     * @description Removes every second factor (the method back to password only, the authenticator app, backup codes, passkeys), clears the lock and tells the user by SMS and email on every verified contact (`user.second_factors.reset`), in one transaction; then ends every session and forgets every remembered device. The next login follows the TFA policy: where TFA is required, the user enrolls again. Recorded as `admin.user.second_factors_reset`.
     */
    post: operations["adminResetSecondFactors"];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/admin/security_events": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * The admin audit log
     * @description Every admin action (`admin.*`), with the user it concerns in `data.userId`: newest first, a page at a time, kept `SECURITY_LOG_DAYS`. Reading it is recorded too (`admin.security_events.listed`).
     */
    get: operations["adminListSecurityEvents"];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/openapi.json": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** This document */
    get: operations["getOpenApiDocument"];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
}
export type webhooks = Record<string, never>;
export interface components {
  schemas: {
    AdminReset: {
      id: string;
      /** @constant */
      authMethod: "simple";
      sessionsRevoked: number;
      devicesForgotten: number;
      /** @description Where the user was told, masked. */
      notified: {
        /** @enum {unknown} */
        channel: "sms" | "email";
        to: string;
      }[];
    };
    /** @description A live session or remembered device: when and where, never a token. */
    AdminSession: {
      id: string;
      /** Format: date-time */
      createdAt: string;
      /** Format: date-time */
      lastUsedAt: string;
      /** Format: date-time */
      expiresAt: string;
      createdFrom: components["schemas"]["RequestOrigin"];
      lastUsedFrom: components["schemas"]["RequestOrigin"];
    };
    /** @description A user as an operator sees it: contacts masked, never a secret or a hash. */
    AdminUser: {
      id: string;
      username: string;
      locale: string;
      /** Format: date-time */
      createdAt: string;
      factors: {
        /** @enum {unknown} */
        authMethod: "simple" | "tfa_sms" | "tfa_email" | "totp";
        phoneNumber: string | null;
        email: string | null;
        authenticatorApp: {
          linked: boolean;
          linkedAt: string | null;
        };
        backupCodes: {
          total: number;
          remaining: number;
        };
        passkeys: {
          id: string;
          name: string;
          /** Format: date-time */
          createdAt: string;
          lastUsedAt: string | null;
        }[];
      };
      lock: {
        locked: boolean;
        lockedUntil: string | null;
        consecutiveFailures: number;
        disabledFactors: string[];
      };
      sessions: components["schemas"]["AdminSession"][];
      devices: components["schemas"]["AdminSession"][];
    };
    AttemptRequest: {
      strategy: string;
      code?: string;
      publicKeyCredential?: {
        id: string;
        rawId: string;
        /** @constant */
        type: "public-key";
        response: {
          clientDataJSON: string;
          authenticatorData: string;
          signature: string;
          userHandle?: string;
        };
        authenticatorAttachment?: ("platform" | "cross-platform") | null;
        /** @default {} */
        clientExtensionResults: {
          [key: string]: unknown;
        };
      };
      rememberDevice?: boolean;
    };
    BackupCode: {
      isUsed: boolean;
      code: string | null;
    };
    CodeReceived: {
      /** @constant */
      received: true;
    };
    ConnectorAccount: {
      id: string;
      connector: string;
      state: string | null;
      /** Format: date-time */
      createdAt: string;
      /** Format: date-time */
      updatedAt: string;
      lastRun: {
        id: string;
        manual: boolean;
        startedAt: string | null;
        endedAt: string | null;
        error: string | null;
      } | null;
      /** @description Present only while a run waits for the owner's 2FA code. */
      twoFa?: {
        /** @enum {unknown} */
        type: "email" | "sms" | "app_code" | "app";
        /**
         * Format: date-time
         * @description When the wait gives up.
         */
        expiresAt: string;
        /** @description Codes the owner may still type. */
        attemptsLeft: number;
        /** @description Whether `POST /v1/accounts/{id}/twofa_code/resend` can get a new code. */
        canResend: boolean;
      };
      lastFetch: {
        /** Format: date-time */
        at: string;
        summary: Record<string, never>;
      } | null;
    };
    ConnectorRun: {
      id: string;
      accountId: string;
      manual: boolean;
      /** Format: date-time */
      startedAt: string;
      /** @enum {unknown} */
      status: "running" | "succeeded" | "failed";
      error: string | null;
    };
    /** @description What became of a message; it names no recipient and no content. */
    Delivery: {
      id: string;
      eventType: string;
      /** @enum {unknown} */
      channel: "sms" | "email";
      /** @enum {unknown} */
      status: "sending" | "sent" | "failed" | "suppressed";
      failure: string | null;
    };
    /** @description A remembered device: its token skips the second factor at login. */
    Device: {
      id: string;
      /** Format: date-time */
      createdAt: string;
      /** Format: date-time */
      lastUsedAt: string;
      /**
       * Format: date-time
       * @description When its token stops skipping.
       */
      expiresAt: string;
      createdFrom: components["schemas"]["RequestSource"];
      lastUsedFrom: components["schemas"]["RequestSource"];
    };
    DeviceList: {
      devices: components["schemas"]["Device"][];
    };
    EmailVerificationCodeRequest: {
      email: string;
    };
    FirstFactorAttemptRequest: {
      strategy: string;
      publicKeyCredential: {
        id: string;
        rawId: string;
        /** @constant */
        type: "public-key";
        response: {
          clientDataJSON: string;
          authenticatorData: string;
          signature: string;
          userHandle?: string;
        };
        authenticatorAttachment?: ("platform" | "cross-platform") | null;
        /** @default {} */
        clientExtensionResults: {
          [key: string]: unknown;
        };
      };
    };
    LogoutRequest: {
      token: string;
      token_type_hint?: string;
    };
    NewAccount: {
      connector: string;
      auth: {
        login: string;
        password: string;
      };
    };
    NewRun: {
      /** @default false */
      manual: boolean;
    };
    NewWebhookEndpoint: {
      url: string;
      eventTypes: string[];
    };
    NewWebhookEndpointResult: {
      id: string;
      url: string;
      eventTypes: string[];
      /** Format: date-time */
      createdAt: string;
      /** @description `whsec_…`: shown in this answer only. */
      secret: string;
    };
    OpenApiDocument: {
      openapi: string;
      info: Record<string, never>;
      paths: Record<string, never>;
    };
    /** @description A passkey of the user, as its owner sees it (never its public key). */
    Passkey: {
      /** @description The credential id (base64url). */
      id: string;
      name: string;
      /** Format: date-time */
      createdAt: string;
      lastUsedAt: string | null;
      /** @description Synced to the user's other devices. */
      backedUp: boolean;
      transports: string[];
    };
    PasskeyCreateRequest: {
      credential: {
        id: string;
        rawId: string;
        /** @constant */
        type: "public-key";
        response: {
          clientDataJSON: string;
          attestationObject: string;
          authenticatorData?: string;
          transports?: string[];
          publicKeyAlgorithm?: number;
          publicKey?: string;
        };
        authenticatorAttachment?: ("platform" | "cross-platform") | null;
        /** @default {} */
        clientExtensionResults: {
          [key: string]: unknown;
        };
      };
      name?: string;
    };
    /** @description WebAuthn's `PublicKeyCredentialCreationOptionsJSON`, for `startRegistration` (resident key and user verification required, attestation `none`). */
    PasskeyCreationOptions: {
      rp: Record<string, never>;
      user: Record<string, never>;
      challenge: string;
      pubKeyCredParams: unknown[];
      timeout: number;
      excludeCredentials: unknown[];
      authenticatorSelection: Record<string, never>;
      /** @constant */
      attestation: "none";
      extensions?: Record<string, never>;
    };
    PasskeyRenameRequest: {
      name: string;
    };
    /** @description WebAuthn's `PublicKeyCredentialRequestOptionsJSON`, for `startAuthentication` (user verification required). */
    PasskeyRequestOptions: {
      challenge: string;
      rpId: string;
      timeout: number;
      /** @constant */
      userVerification: "required";
      allowCredentials: {
        /** @constant */
        type: "public-key";
        id: string;
        transports?: string[];
      }[];
    };
    PasswordChange: {
      currentPassword: string;
      newPassword: string;
      otp?: string;
    };
    PhoneVerificationCodeRequest: {
      phoneNumber: string;
    };
    PrepareRequest: {
      strategy: string;
    };
    Registration: {
      username: string;
      password: string;
      /** @enum {unknown} */
      authMethod?: "simple" | "tfa_sms" | "tfa_email";
      phoneNumber?: string;
      phoneVerificationCode?: string;
      phoneVerificationId?: string;
      email?: string;
      emailVerificationCode?: string;
      emailVerificationId?: string;
    };
    RequestOrigin: {
      ip: string | null;
      userAgent: string | null;
    };
    RequestSource: {
      ip: string | null;
      userAgent: string | null;
    };
    ResendRequested: {
      /** @constant */
      resending: true;
    };
    SecondFactorOption: {
      strategy: components["schemas"]["Strategy"];
      /** @description Where a code goes, masked (`+*******4321`, `j*****e@example.com`). */
      safeIdentifier?: string;
    };
    /** @description One entry of a user's security log. Contacts are masked; no secret appears. */
    SecurityEvent: {
      id: string;
      /** @description The domain event type (`user.login.succeeded`, …). */
      type: string;
      /** Format: date-time */
      occurredAt: string;
      /** @enum {unknown} */
      outcome: "success" | "failure";
      ip: string | null;
      userAgent: string | null;
      /** @description The event's public details (`factor`, `via`, `channel`, `destination`, …). */
      data: {
        [key: string]: string | number;
      };
    };
    SecurityEventPage: {
      events: components["schemas"]["SecurityEvent"][];
      nextCursor: string | null;
    };
    /** @description A session: a refresh-token family. `lastUsed*` is its last refresh (its creation until then). */
    Session: {
      id: string;
      /** @description The session of the access token that asked. */
      current: boolean;
      /** Format: date-time */
      createdAt: string;
      /** Format: date-time */
      lastUsedAt: string;
      /**
       * Format: date-time
       * @description When it ends unless refreshed before.
       */
      expiresAt: string;
      createdFrom: components["schemas"]["RequestSource"];
      lastUsedFrom: components["schemas"]["RequestSource"];
    };
    SessionList: {
      sessions: components["schemas"]["Session"][];
    };
    /** @description Clerk's SignIn object. `tokens` is present only on the response that completes it. */
    SignIn: {
      /** @constant */
      object: "sign_in";
      id: string;
      /** @enum {unknown} */
      status: "needs_first_factor" | "needs_second_factor" | "needs_enrollment" | "complete";
      supportedSecondFactors: components["schemas"]["SecondFactorOption"][];
      /** @description Present on a sign-in started with a passkey alone. */
      firstFactorVerification?: components["schemas"]["Verification"];
      secondFactorVerification: components["schemas"]["Verification"] | null;
      createdSessionId: string | null;
      /** Format: date-time */
      expireAt: string;
      tokens?: components["schemas"]["TokenResponse"];
      /** @description With `needs_enrollment` only: authorizes the factor-enrollment endpoints, nothing else. */
      enrollmentToken?: string;
    };
    SignInRequest: {
      identifier?: string;
      password?: string;
      /** @enum {unknown} */
      strategy?: "password" | "passkey";
      deviceToken?: string;
    };
    StepUpRequest: {
      otp?: string;
    };
    /** @enum {unknown} */
    Strategy: "phone_code" | "email_code" | "totp" | "backup_code" | "passkey";
    TfaAppSetup: {
      /** @description The label an authenticator app shows. */
      account: string;
      /** @description The secret in base32, in groups of four. */
      manualEntryKey: string;
      qrCodeSetupImageUrl: string;
    };
    TfaAppValidateRequest: {
      code: string;
      otp?: string;
    };
    TokenRequest: {
      grant_type: string;
      username?: string;
      password?: string;
      otp?: string;
      refresh_token?: string;
      remember_device?: boolean | ("true" | "false");
      device_token?: string;
      scope?: string;
    };
    /** @description RFC 6749 §5.1 access token response. */
    TokenResponse: {
      /** @description A signed JWT, valid `expires_in` seconds. */
      access_token: string;
      /** @constant */
      token_type: "bearer";
      expires_in: number;
      /** @description Opaque; rotated on use, and reusing a rotated one revokes its family. */
      refresh_token: string;
      /** @description Only when the client asked to remember the device: present it at later logins to skip the second factor. Shown once. */
      device_token?: string;
      device_token_expires_in?: number;
    };
    TwoFaCode: {
      code: string;
    };
    User: {
      id: string;
      username: string;
      /** @enum {unknown} */
      authMethod: "simple" | "tfa_sms" | "tfa_email" | "totp";
      phoneNumber: string | null;
      email: string | null;
      locale: string;
      tfaAppLinked: boolean;
      /** Format: date-time */
      createdAt: string;
    };
    UserPatch: {
      /** @enum {unknown} */
      authMethod?: "simple" | "tfa_sms" | "tfa_email";
      phoneNumber?: string;
      phoneVerificationCode?: string;
      phoneVerificationId?: string;
      email?: string;
      emailVerificationCode?: string;
      emailVerificationId?: string;
      otp?: string;
    };
    Verification: {
      /** @enum {unknown} */
      status: "unverified" | "verified" | "failed" | "expired";
      strategy: components["schemas"]["Strategy"];
      attempts: number;
      /** Format: date-time */
      expireAt: string;
      error: {
        code: string;
        message: string;
      } | null;
      /** @description For a passkey, on the response that prepares it: the request options. */
      nonce?: components["schemas"]["PasskeyRequestOptions"];
    };
    WebhookDeliveryList: {
      deliveries: {
        /** @description The `webhook-id` of every attempt. */
        id: string;
        eventId: string;
        eventType: string;
        /** @enum {unknown} */
        state: "pending" | "delivered" | "failed";
        attempts: {
          /** Format: date-time */
          at: string;
          status: number | null;
          error?: string;
        }[];
        nextAttemptAt: string | null;
      }[];
    };
    WebhookEndpoint: {
      id: string;
      url: string;
      eventTypes: string[];
      /** Format: date-time */
      createdAt: string;
    };
    WebhookEndpointList: {
      endpoints: components["schemas"]["WebhookEndpoint"][];
    };
  };
  responses: never;
  parameters: never;
  requestBodies: never;
  headers: never;
  pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
  createPhoneVerificationCode: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        "application/json": components["schemas"]["PhoneVerificationCodeRequest"];
      };
    };
    responses: {
      /** @description The code is on its way. */
      204: {
        headers: {
          /** @description The id of the message's delivery, to follow at `GET /v1/deliveries/{id}`. */
          "X-Delivery-Id": string;
          /** @description The code's handle, for its requester alone: sent back as `phoneVerificationId` or `emailVerificationId` with the code, it spends the code's own checks, which guesses sent without it cannot spend. */
          "X-Verification-Id"?: string;
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description Error: `invalid_json`, `invalid_request`, `invalid_phone_number`, `country_not_allowed`. */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @enum {unknown} */
            error:
              | "invalid_json"
              | "invalid_request"
              | "invalid_phone_number"
              | "country_not_allowed";
            error_description: string;
            /** @description The request field at fault. */
            field?: string;
          };
        };
      };
      /** @description Error: `payload_too_large`. */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @enum {unknown} */
            error: "payload_too_large";
            error_description: string;
            /** @description The request field at fault. */
            field?: string;
          };
        };
      };
      /** @description Error: `unsupported_media_type`. */
      415: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @enum {unknown} */
            error: "unsupported_media_type";
            error_description: string;
            /** @description The request field at fault. */
            field?: string;
          };
        };
      };
      /** @description Error: `resend_too_soon`, `too_many_requests`. */
      429: {
        headers: {
          /** @description Seconds until the caller may try again. */
          "Retry-After"?: string;
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @enum {unknown} */
            error: "resend_too_soon" | "too_many_requests";
            error_description: string;
            /** @description The request field at fault. */
            field?: string;
          };
        };
      };
      /** @description Error: `sms_budget_exceeded`, `delivery_unavailable`. */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @enum {unknown} */
            error: "sms_budget_exceeded" | "delivery_unavailable";
            error_description: string;
            /** @description The request field at fault. */
            field?: string;
          };
        };
      };
    };
  };
  createEmailVerificationCode: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        "application/json": components["schemas"]["EmailVerificationCodeRequest"];
      };
    };
    responses: {
      /** @description The code is on its way. */
      204: {
        headers: {
          /** @description The id of the message's delivery, to follow at `GET /v1/deliveries/{id}`. */
          "X-Delivery-Id": string;
          /** @description The code's handle, for its requester alone: sent back as `phoneVerificationId` or `emailVerificationId` with the code, it spends the code's own checks, which guesses sent without it cannot spend. */
          "X-Verification-Id"?: string;
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description Error: `invalid_json`, `invalid_request`, `invalid_email`. */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @enum {unknown} */
            error: "invalid_json" | "invalid_request" | "invalid_email";
            error_description: string;
            /** @description The request field at fault. */
            field?: string;
          };
        };
      };
      /** @description Error: `payload_too_large`. */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @enum {unknown} */
            error: "payload_too_large";
            error_description: string;
            /** @description The request field at fault. */
            field?: string;
          };
        };
      };
      /** @description Error: `unsupported_media_type`. */
      415: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @enum {unknown} */
            error: "unsupported_media_type";
            error_description: string;
            /** @description The request field at fault. */
            field?: string;
          };
        };
      };
      /** @description Error: `resend_too_soon`, `too_many_requests`. */
      429: {
        headers: {
          /** @description Seconds until the caller may try again. */
          "Retry-After"?: string;
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @enum {unknown} */
            error: "resend_too_soon" | "too_many_requests";
            error_description: string;
            /** @description The request field at fault. */
            field?: string;
          };
        };
      };
      /** @description Error: `sms_budget_exceeded`, `delivery_unavailable`. */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @enum {unknown} */
            error: "sms_budget_exceeded" | "delivery_unavailable";
            error_description: string;
            /** @description The request field at fault. */
            field?: string;
          };
        };
      };
    };
  };
  getDelivery: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        /** @description The `X-Delivery-Id` of the request that sent it. */
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The delivery. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Delivery"];
        };
      };
      /** @description Error: `invalid_json`. */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @enum {unknown} */
            error: "invalid_json";
            error_description: string;
            /** @description The request field at fault. */
            field?: string;
          };
        };
      };
      /** @description Error: `not_found`. */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @enum {unknown} */
            error: "not_found";
            error_description: string;
            /** @description The request field at fault. */
            field?: string;
          };
        };
      };
      /** @description Error: `payload_too_large`. */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @enum {unknown} */
            error: "payload_too_large";
            error_description: string;
            /** @description The request field at fault. */
            field?: string;
          };
        };
      };
      /** @description Error: `unsupported_media_type`. */
      415: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @enum {unknown} */
            error: "unsupported_media_type";
            error_description: string;
            /** @description The request field at fault. */
            field?: string;
          };
        };
      };
    };
  };
  token: {
    parameters: {
      query?: never;
      header?: {
        /** @description The one-time password, instead of the `otp` field. */
        "X-OTP"?: string;
        /** @description A remembered device's token, instead of the body field. */
        "X-Device-Token"?: string;
      };
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        "application/json": components["schemas"]["TokenRequest"];
        "application/x-www-form-urlencoded": components["schemas"]["TokenRequest"];
      };
    };
    responses: {
      /** @description Tokens. */
      200: {
        headers: {
          /** @description Token responses are never cached. */
          "Cache-Control": "no-store";
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["TokenResponse"];
        };
      };
      /** @description Error: `invalid_json`, `invalid_request`, `invalid_grant`, `unsupported_grant_type`, `tfa_enrollment_required`, `otp_required`, `invalid_otp`. */
      400: {
        headers: {
          /** @description `required; auth_method=<method>`: which second factor to send. */
          "X-OTP"?: string;
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @enum {unknown} */
            error:
              | "invalid_json"
              | "invalid_request"
              | "invalid_grant"
              | "unsupported_grant_type"
              | "tfa_enrollment_required"
              | "otp_required"
              | "invalid_otp";
            error_description: string;
            /** @description The request field at fault. */
            field?: string;
            /** @enum {unknown} */
            auth_method?: "tfa_sms" | "tfa_email" | "totp" | "passkey";
            /** @description Where the code went, masked (`+*******4321`); absent for `totp`. */
            otp_destination?: string;
            /** @description Authorizes only the factor-enrollment endpoints (`PATCH /v1/user`, authenticator-app setup and validate). */
            enrollment_token?: string;
            expires_in?: number;
          };
        };
      };
      /** @description Error: `second_factor_disabled`. */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @enum {unknown} */
            error: "second_factor_disabled";
            error_description: string;
            /** @description The request field at fault. */
            field?: string;
          };
        };
      };
      /** @description Error: `payload_too_large`. */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @enum {unknown} */
            error: "payload_too_large";
            error_description: string;
            /** @description The request field at fault. */
            field?: string;
          };
        };
      };
      /** @description Error: `unsupported_media_type`. */
      415: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @enum {unknown} */
            error: "unsupported_media_type";
            error_description: string;
            /** @description The request field at fault. */
            field?: string;
          };
        };
      };
      /** @description Error: `too_many_attempts`, `too_many_requests`, `resend_too_soon`. */
      429: {
        headers: {
          /** @description Seconds until the caller may try again. */
          "Retry-After"?: string;
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @enum {unknown} */
            error: "too_many_attempts" | "too_many_requests" | "resend_too_soon";
            error_description: string;
            /** @description The request field at fault. */
            field?: string;
          };
        };
      };
      /** @description Error: `sms_budget_exceeded`, `delivery_unavailable`. */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @enum {unknown} */
            error: "sms_budget_exceeded" | "delivery_unavailable";
            error_description: string;
            /** @description The request field at fault. */
            field?: string;
          };
        };
      };
    };
  };
  createCustomer: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        "application/json": components["schemas"]["Registration"];
      };
    };
    responses: {
      /** @description The new user. */
      201: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["User"];
        };
      };
      /** @description Error: `invalid_json`, `invalid_request`, `invalid_phone_number`, `country_not_allowed`, `invalid_email`, `invalid_verification_code`, `tfa_required`. */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @enum {unknown} */
            error:
              | "invalid_json"
              | "invalid_request"
              | "invalid_phone_number"
              | "country_not_allowed"
              | "invalid_email"
              | "invalid_verification_code"
              | "tfa_required";
            error_description: string;
            /** @description The request field at fault. */
            field?: string;
          };
        };
      };
      /** @description Error: `username_taken`, `phone_number_taken`, `email_taken`, `conflict`. */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @enum {unknown} */
            error: "username_taken" | "phone_number_taken" | "email_taken" | "conflict";
            error_description: string;
            /** @description The request field at fault. */
            field?: string;
          };
        };
      };
      /** @description Error: `payload_too_large`. */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @enum {unknown} */
            error: "payload_too_large";
            error_description: string;
            /** @description The request field at fault. */
            field?: string;
          };
        };
      };
      /** @description Error: `unsupported_media_type`. */
      415: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @enum {unknown} */
            error: "unsupported_media_type";
            error_description: string;
            /** @description The request field at fault. */
            field?: string;
          };
        };
      };
      /** @description Error: `too_many_requests`, `too_many_attempts`. */
      429: {
        headers: {
          /** @description Seconds until the caller may try again. */
          "Retry-After"?: string;
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @enum {unknown} */
            error: "too_many_requests" | "too_many_attempts";
            error_description: string;
            /** @description The request field at fault. */
            field?: string;
          };
        };
      };
    };
  };
  getUser: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The user. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["User"];
        };
      };
      /** @description Error: `invalid_json`. */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @enum {unknown} */
            error: "invalid_json";
            error_description: string;
            /** @description The request field at fault. */
            field?: string;
          };
        };
      };
      /** @description Error: `invalid_token`. */
      401: {
        headers: {
          /** @description RFC 6750's challenge. */
          "WWW-Authenticate": string;
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @enum {unknown} */
            error: "invalid_token";
            error_description: string;
            /** @description The request field at fault. */
            field?: string;
          };
        };
      };
      /** @description Error: `payload_too_large`. */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @enum {unknown} */
            error: "payload_too_large";
            error_description: string;
            /** @description The request field at fault. */
            field?: string;
          };
        };
      };
      /** @description Error: `unsupported_media_type`. */
      415: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @enum {unknown} */
            error: "unsupported_media_type";
            error_description: string;
            /** @description The request field at fault. */
            field?: string;
          };
        };
      };
    };
  };
  updateUser: {
    parameters: {
      query?: never;
      header?: {
        /** @description The one-time password, instead of the `otp` field. */
        "X-OTP"?: string;
      };
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        "application/json": components["schemas"]["UserPatch"];
      };
    };
    responses: {
      /** @description The updated user. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["User"];
        };
      };
      /** @description Error: `invalid_json`, `invalid_request`, `invalid_phone_number`, `country_not_allowed`, `invalid_email`, `invalid_verification_code`, `tfa_required`, `otp_required`, `invalid_otp`. */
      400: {
        headers: {
          /** @description `required; auth_method=<method>`: which second factor to send. */
          "X-OTP"?: string;
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @enum {unknown} */
            error:
              | "invalid_json"
              | "invalid_request"
              | "invalid_phone_number"
              | "country_not_allowed"
              | "invalid_email"
              | "invalid_verification_code"
              | "tfa_required"
              | "otp_required"
              | "invalid_otp";
            error_description: string;
            /** @description The request field at fault. */
            field?: string;
            /** @enum {unknown} */
            auth_method?: "tfa_sms" | "tfa_email" | "totp" | "passkey";
            /** @description Where the code went, masked (`+*******4321`); absent for `totp`. */
            otp_destination?: string;
          };
        };
      };
      /** @description Error: `invalid_token`. */
      401: {
        headers: {
          /** @description RFC 6750's challenge. */
          "WWW-Authenticate": string;
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @enum {unknown} */
            error: "invalid_token";
            error_description: string;
            /** @description The request field at fault. */
            field?: string;
          };
        };
      };
      /** @description Error: `second_factor_required`, `user_locked`, `second_factor_disabled`. */
      403: {
        headers: {
          /** @description Seconds until the caller may try again. */
          "Retry-After"?: string;
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @enum {unknown} */
            error: "second_factor_required" | "user_locked" | "second_factor_disabled";
            error_description: string;
            /** @description The request field at fault. */
            field?: string;
          };
        };
      };
      /** @description Error: `phone_number_taken`, `email_taken`, `conflict`. */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @enum {unknown} */
            error: "phone_number_taken" | "email_taken" | "conflict";
            error_description: string;
            /** @description The request field at fault. */
            field?: string;
          };
        };
      };
      /** @description Error: `payload_too_large`. */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @enum {unknown} */
            error: "payload_too_large";
            error_description: string;
            /** @description The request field at fault. */
            field?: string;
          };
        };
      };
      /** @description Error: `unsupported_media_type`. */
      415: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @enum {unknown} */
            error: "unsupported_media_type";
            error_description: string;
            /** @description The request field at fault. */
            field?: string;
          };
        };
      };
      /** @description Error: `too_many_attempts`, `too_many_requests`, `resend_too_soon`. */
      429: {
        headers: {
          /** @description Seconds until the caller may try again. */
          "Retry-After"?: string;
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @enum {unknown} */
            error: "too_many_attempts" | "too_many_requests" | "resend_too_soon";
            error_description: string;
            /** @description The request field at fault. */
            field?: string;
          };
        };
      };
      /** @description Error: `sms_budget_exceeded`, `delivery_unavailable`. */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @enum {unknown} */
            error: "sms_budget_exceeded" | "delivery_unavailable";
            error_description: string;
            /** @description The request field at fault. */
            field?: string;
          };
        };
      };
    };
  };
  listSecurityEvents: {
    parameters: {
      query?: {
        /** @description The `nextCursor` of the previous page; omitted for the newest page. */
        cursor?: string;
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description A page of the log. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["SecurityEventPage"];
        };
      };
      /** @description Error: `invalid_json`, `invalid_request`. */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @enum {unknown} */
            error: "invalid_json" | "invalid_request";
            error_description: string;
            /** @description The request field at fault. */
            field?: string;
          };
        };
      };
      /** @description Error: `invalid_token`. */
      401: {
        headers: {
          /** @description RFC 6750's challenge. */
          "WWW-Authenticate": string;
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @enum {unknown} */
            error: "invalid_token";
            error_description: string;
            /** @description The request field at fault. */
            field?: string;
          };
        };
      };
      /** @description Error: `payload_too_large`. */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @enum {unknown} */
            error: "payload_too_large";
            error_description: string;
            /** @description The request field at fault. */
            field?: string;
          };
        };
      };
      /** @description Error: `unsupported_media_type`. */
      415: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @enum {unknown} */
            error: "unsupported_media_type";
            error_description: string;
            /** @description The request field at fault. */
            field?: string;
          };
        };
      };
    };
  };
  logout: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        "application/json": components["schemas"]["LogoutRequest"];
        "application/x-www-form-urlencoded": components["schemas"]["LogoutRequest"];
      };
    };
    responses: {
      /** @description The token's session, if any, has ended. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description Error: `invalid_json`, `invalid_request`. */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @enum {unknown} */
            error: "invalid_json" | "invalid_request";
            error_description: string;
            /** @description The request field at fault. */
            field?: string;
          };
        };
      };
      /** @description Error: `payload_too_large`. */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @enum {unknown} */
            error: "payload_too_large";
            error_description: string;
            /** @description The request field at fault. */
            field?: string;
          };
        };
      };
      /** @description Error: `unsupported_media_type`. */
      415: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @enum {unknown} */
            error: "unsupported_media_type";
            error_description: string;
            /** @description The request field at fault. */
            field?: string;
          };
        };
      };
    };
  };
  listSessions: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Live sessions. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["SessionList"];
        };
      };
      /** @description Error: `invalid_json`. */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @enum {unknown} */
            error: "invalid_json";
            error_description: string;
            /** @description The request field at fault. */
            field?: string;
          };
        };
      };
      /** @description Error: `invalid_token`. */
      401: {
        headers: {
          /** @description RFC 6750's challenge. */
          "WWW-Authenticate": string;
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @enum {unknown} */
            error: "invalid_token";
            error_description: string;
            /** @description The request field at fault. */
            field?: string;
          };
        };
      };
      /** @description Error: `payload_too_large`. */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @enum {unknown} */
            error: "payload_too_large";
            error_description: string;
            /** @description The request field at fault. */
            field?: string;
          };
        };
      };
      /** @description Error: `unsupported_media_type`. */
      415: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @enum {unknown} */
            error: "unsupported_media_type";
            error_description: string;
            /** @description The request field at fault. */
            field?: string;
          };
        };
      };
    };
  };
  deleteSession: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        /** @description The session's id. */
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The session has ended. */
      204: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description Error: `invalid_json`. */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @enum {unknown} */
            error: "invalid_json";
            error_description: string;
            /** @description The request field at fault. */
            field?: string;
          };
        };
      };
      /** @description Error: `invalid_token`. */
      401: {
        headers: {
          /** @description RFC 6750's challenge. */
          "WWW-Authenticate": string;
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @enum {unknown} */
            error: "invalid_token";
            error_description: string;
            /** @description The request field at fault. */
            field?: string;
          };
        };
      };
      /** @description Error: `not_found`. */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @enum {unknown} */
            error: "not_found";
            error_description: string;
            /** @description The request field at fault. */
            field?: string;
          };
        };
      };
      /** @description Error: `payload_too_large`. */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @enum {unknown} */
            error: "payload_too_large";
            error_description: string;
            /** @description The request field at fault. */
            field?: string;
          };
        };
      };
      /** @description Error: `unsupported_media_type`. */
      415: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @enum {unknown} */
            error: "unsupported_media_type";
            error_description: string;
            /** @description The request field at fault. */
            field?: string;
          };
        };
      };
    };
  };
  listDevices: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Remembered devices. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["DeviceList"];
        };
      };
      /** @description Error: `invalid_json`. */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @enum {unknown} */
            error: "invalid_json";
            error_description: string;
            /** @description The request field at fault. */
            field?: string;
          };
        };
      };
      /** @description Error: `invalid_token`. */
      401: {
        headers: {
          /** @description RFC 6750's challenge. */
          "WWW-Authenticate": string;
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @enum {unknown} */
            error: "invalid_token";
            error_description: string;
            /** @description The request field at fault. */
            field?: string;
          };
        };
      };
      /** @description Error: `payload_too_large`. */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @enum {unknown} */
            error: "payload_too_large";
            error_description: string;
            /** @description The request field at fault. */
            field?: string;
          };
        };
      };
      /** @description Error: `unsupported_media_type`. */
      415: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @enum {unknown} */
            error: "unsupported_media_type";
            error_description: string;
            /** @description The request field at fault. */
            field?: string;
          };
        };
      };
    };
  };
  forgetDevices: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Every device is forgotten. */
      204: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description Error: `invalid_json`. */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @enum {unknown} */
            error: "invalid_json";
            error_description: string;
            /** @description The request field at fault. */
            field?: string;
          };
        };
      };
      /** @description Error: `invalid_token`. */
      401: {
        headers: {
          /** @description RFC 6750's challenge. */
          "WWW-Authenticate": string;
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @enum {unknown} */
            error: "invalid_token";
            error_description: string;
            /** @description The request field at fault. */
            field?: string;
          };
        };
      };
      /** @description Error: `payload_too_large`. */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @enum {unknown} */
            error: "payload_too_large";
            error_description: string;
            /** @description The request field at fault. */
            field?: string;
          };
        };
      };
      /** @description Error: `unsupported_media_type`. */
      415: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @enum {unknown} */
            error: "unsupported_media_type";
            error_description: string;
            /** @description The request field at fault. */
            field?: string;
          };
        };
      };
    };
  };
  forgetDevice: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        /** @description The device's id. */
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The device is forgotten. */
      204: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description Error: `invalid_json`. */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @enum {unknown} */
            error: "invalid_json";
            error_description: string;
            /** @description The request field at fault. */
            field?: string;
          };
        };
      };
      /** @description Error: `invalid_token`. */
      401: {
        headers: {
          /** @description RFC 6750's challenge. */
          "WWW-Authenticate": string;
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @enum {unknown} */
            error: "invalid_token";
            error_description: string;
            /** @description The request field at fault. */
            field?: string;
          };
        };
      };
      /** @description Error: `not_found`. */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @enum {unknown} */
            error: "not_found";
            error_description: string;
            /** @description The request field at fault. */
            field?: string;
          };
        };
      };
      /** @description Error: `payload_too_large`. */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @enum {unknown} */
            error: "payload_too_large";
            error_description: string;
            /** @description The request field at fault. */
            field?: string;
          };
        };
      };
      /** @description Error: `unsupported_media_type`. */
      415: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @enum {unknown} */
            error: "unsupported_media_type";
            error_description: string;
            /** @description The request field at fault. */
            field?: string;
          };
        };
      };
    };
  };
  changePassword: {
    parameters: {
      query?: never;
      header?: {
        /** @description The one-time password, instead of the `otp` field. */
        "X-OTP"?: string;
      };
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        "application/json": components["schemas"]["PasswordChange"];
      };
    };
    responses: {
      /** @description The password has changed. */
      204: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description Error: `invalid_json`, `invalid_request`, `invalid_grant`, `otp_required`, `invalid_otp`. */
      400: {
        headers: {
          /** @description `required; auth_method=<method>`: which second factor to send. */
          "X-OTP"?: string;
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @enum {unknown} */
            error:
              | "invalid_json"
              | "invalid_request"
              | "invalid_grant"
              | "otp_required"
              | "invalid_otp";
            error_description: string;
            /** @description The request field at fault. */
            field?: string;
            /** @enum {unknown} */
            auth_method?: "tfa_sms" | "tfa_email" | "totp" | "passkey";
            /** @description Where the code went, masked (`+*******4321`); absent for `totp`. */
            otp_destination?: string;
          };
        };
      };
      /** @description Error: `invalid_token`. */
      401: {
        headers: {
          /** @description RFC 6750's challenge. */
          "WWW-Authenticate": string;
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @enum {unknown} */
            error: "invalid_token";
            error_description: string;
            /** @description The request field at fault. */
            field?: string;
          };
        };
      };
      /** @description Error: `second_factor_required`, `user_locked`, `second_factor_disabled`. */
      403: {
        headers: {
          /** @description Seconds until the caller may try again. */
          "Retry-After"?: string;
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @enum {unknown} */
            error: "second_factor_required" | "user_locked" | "second_factor_disabled";
            error_description: string;
            /** @description The request field at fault. */
            field?: string;
          };
        };
      };
      /** @description Error: `conflict`. */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @enum {unknown} */
            error: "conflict";
            error_description: string;
            /** @description The request field at fault. */
            field?: string;
          };
        };
      };
      /** @description Error: `payload_too_large`. */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @enum {unknown} */
            error: "payload_too_large";
            error_description: string;
            /** @description The request field at fault. */
            field?: string;
          };
        };
      };
      /** @description Error: `unsupported_media_type`. */
      415: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @enum {unknown} */
            error: "unsupported_media_type";
            error_description: string;
            /** @description The request field at fault. */
            field?: string;
          };
        };
      };
      /** @description Error: `too_many_attempts`, `too_many_requests`, `resend_too_soon`. */
      429: {
        headers: {
          /** @description Seconds until the caller may try again. */
          "Retry-After"?: string;
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @enum {unknown} */
            error: "too_many_attempts" | "too_many_requests" | "resend_too_soon";
            error_description: string;
            /** @description The request field at fault. */
            field?: string;
          };
        };
      };
      /** @description Error: `sms_budget_exceeded`, `delivery_unavailable`. */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @enum {unknown} */
            error: "sms_budget_exceeded" | "delivery_unavailable";
            error_description: string;
            /** @description The request field at fault. */
            field?: string;
          };
        };
      };
    };
  };
  createSignIn: {
    parameters: {
      query?: never;
      header?: {
        /** @description A remembered device's token, instead of the body field. */
        "X-Device-Token"?: string;
      };
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        "application/json": components["schemas"]["SignInRequest"];
      };
    };
    responses: {
      /** @description The SignIn. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["SignIn"];
        };
      };
      /** @description Error: `invalid_json`, `invalid_request`, `invalid_grant`. */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @enum {unknown} */
            error: "invalid_json" | "invalid_request" | "invalid_grant";
            error_description: string;
            /** @description The request field at fault. */
            field?: string;
          };
        };
      };
      /** @description Error: `user_locked`. */
      403: {
        headers: {
          /** @description Seconds until the caller may try again. */
          "Retry-After"?: string;
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @enum {unknown} */
            error: "user_locked";
            error_description: string;
            /** @description The request field at fault. */
            field?: string;
          };
        };
      };
      /** @description Error: `payload_too_large`. */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @enum {unknown} */
            error: "payload_too_large";
            error_description: string;
            /** @description The request field at fault. */
            field?: string;
          };
        };
      };
      /** @description Error: `unsupported_media_type`. */
      415: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @enum {unknown} */
            error: "unsupported_media_type";
            error_description: string;
            /** @description The request field at fault. */
            field?: string;
          };
        };
      };
      /** @description Error: `too_many_attempts`, `too_many_requests`. */
      429: {
        headers: {
          /** @description Seconds until the caller may try again. */
          "Retry-After"?: string;
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @enum {unknown} */
            error: "too_many_attempts" | "too_many_requests";
            error_description: string;
            /** @description The request field at fault. */
            field?: string;
          };
        };
      };
    };
  };
  getSignIn: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        /** @description The SignIn's id. */
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The SignIn. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["SignIn"];
        };
      };
      /** @description Error: `invalid_json`. */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @enum {unknown} */
            error: "invalid_json";
            error_description: string;
            /** @description The request field at fault. */
            field?: string;
          };
        };
      };
      /** @description Error: `not_found`. */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @enum {unknown} */
            error: "not_found";
            error_description: string;
            /** @description The request field at fault. */
            field?: string;
          };
        };
      };
      /** @description Error: `payload_too_large`. */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @enum {unknown} */
            error: "payload_too_large";
            error_description: string;
            /** @description The request field at fault. */
            field?: string;
          };
        };
      };
      /** @description Error: `unsupported_media_type`. */
      415: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @enum {unknown} */
            error: "unsupported_media_type";
            error_description: string;
            /** @description The request field at fault. */
            field?: string;
          };
        };
      };
    };
  };
  prepareSignInSecondFactor: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        /** @description The SignIn's id. */
        id: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        "application/json": components["schemas"]["PrepareRequest"];
      };
    };
    responses: {
      /** @description The SignIn, with its verification. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["SignIn"];
        };
      };
      /** @description Error: `invalid_json`, `invalid_request`, `verification_expired`, `verification_already_verified`, `verification_strategy_invalid`, `strategy_for_user_invalid`, `no_second_factors`, `tfa_enrollment_required`. */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @enum {unknown} */
            error:
              | "invalid_json"
              | "invalid_request"
              | "verification_expired"
              | "verification_already_verified"
              | "verification_strategy_invalid"
              | "strategy_for_user_invalid"
              | "no_second_factors"
              | "tfa_enrollment_required";
            error_description: string;
            /** @description The request field at fault. */
            field?: string;
            /** @description Authorizes only the factor-enrollment endpoints (`PATCH /v1/user`, authenticator-app setup and validate). */
            enrollment_token?: string;
            expires_in?: number;
          };
        };
      };
      /** @description Error: `user_locked`, `second_factor_disabled`. */
      403: {
        headers: {
          /** @description Seconds until the caller may try again. */
          "Retry-After"?: string;
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @enum {unknown} */
            error: "user_locked" | "second_factor_disabled";
            error_description: string;
            /** @description The request field at fault. */
            field?: string;
          };
        };
      };
      /** @description Error: `not_found`. */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @enum {unknown} */
            error: "not_found";
            error_description: string;
            /** @description The request field at fault. */
            field?: string;
          };
        };
      };
      /** @description Error: `payload_too_large`. */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @enum {unknown} */
            error: "payload_too_large";
            error_description: string;
            /** @description The request field at fault. */
            field?: string;
          };
        };
      };
      /** @description Error: `unsupported_media_type`. */
      415: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @enum {unknown} */
            error: "unsupported_media_type";
            error_description: string;
            /** @description The request field at fault. */
            field?: string;
          };
        };
      };
      /** @description Error: `resend_too_soon`, `too_many_requests`. */
      429: {
        headers: {
          /** @description Seconds until the caller may try again. */
          "Retry-After"?: string;
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @enum {unknown} */
            error: "resend_too_soon" | "too_many_requests";
            error_description: string;
            /** @description The request field at fault. */
            field?: string;
          };
        };
      };
      /** @description Error: `sms_budget_exceeded`, `delivery_unavailable`. */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @enum {unknown} */
            error: "sms_budget_exceeded" | "delivery_unavailable";
            error_description: string;
            /** @description The request field at fault. */
            field?: string;
          };
        };
      };
    };
  };
  attemptSignInSecondFactor: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        /** @description The SignIn's id. */
        id: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        "application/json": components["schemas"]["AttemptRequest"];
      };
    };
    responses: {
      /** @description The completed SignIn, with tokens. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["SignIn"];
        };
      };
      /** @description Error: `invalid_json`, `invalid_request`, `verification_failed`, `verification_missing`, `verification_expired`, `verification_already_verified`, `verification_strategy_invalid`, `strategy_for_user_invalid`, `no_second_factors`, `tfa_enrollment_required`, `passkey_invalid`, `passkey_challenge_expired`, `passkey_cloned`. */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @enum {unknown} */
            error:
              | "invalid_json"
              | "invalid_request"
              | "verification_failed"
              | "verification_missing"
              | "verification_expired"
              | "verification_already_verified"
              | "verification_strategy_invalid"
              | "strategy_for_user_invalid"
              | "no_second_factors"
              | "tfa_enrollment_required"
              | "passkey_invalid"
              | "passkey_challenge_expired"
              | "passkey_cloned";
            error_description: string;
            /** @description The request field at fault. */
            field?: string;
            /** @description Authorizes only the factor-enrollment endpoints (`PATCH /v1/user`, authenticator-app setup and validate). */
            enrollment_token?: string;
            expires_in?: number;
          };
        };
      };
      /** @description Error: `user_locked`, `second_factor_disabled`. */
      403: {
        headers: {
          /** @description Seconds until the caller may try again. */
          "Retry-After"?: string;
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @enum {unknown} */
            error: "user_locked" | "second_factor_disabled";
            error_description: string;
            /** @description The request field at fault. */
            field?: string;
          };
        };
      };
      /** @description Error: `not_found`. */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @enum {unknown} */
            error: "not_found";
            error_description: string;
            /** @description The request field at fault. */
            field?: string;
          };
        };
      };
      /** @description Error: `payload_too_large`. */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @enum {unknown} */
            error: "payload_too_large";
            error_description: string;
            /** @description The request field at fault. */
            field?: string;
          };
        };
      };
      /** @description Error: `unsupported_media_type`. */
      415: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @enum {unknown} */
            error: "unsupported_media_type";
            error_description: string;
            /** @description The request field at fault. */
            field?: string;
          };
        };
      };
      /** @description Error: `form_code_incorrect`. */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @enum {unknown} */
            error: "form_code_incorrect";
            error_description: string;
            /** @description The request field at fault. */
            field?: string;
          };
        };
      };
    };
  };
  attemptSignInFirstFactor: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        /** @description The SignIn's id. */
        id: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        "application/json": components["schemas"]["FirstFactorAttemptRequest"];
      };
    };
    responses: {
      /** @description The completed SignIn, with tokens. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["SignIn"];
        };
      };
      /** @description Error: `invalid_json`, `invalid_request`, `passkey_invalid`, `passkey_challenge_expired`, `passkey_cloned`, `verification_expired`, `verification_already_verified`, `verification_strategy_invalid`. */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @enum {unknown} */
            error:
              | "invalid_json"
              | "invalid_request"
              | "passkey_invalid"
              | "passkey_challenge_expired"
              | "passkey_cloned"
              | "verification_expired"
              | "verification_already_verified"
              | "verification_strategy_invalid";
            error_description: string;
            /** @description The request field at fault. */
            field?: string;
          };
        };
      };
      /** @description Error: `user_locked`. */
      403: {
        headers: {
          /** @description Seconds until the caller may try again. */
          "Retry-After"?: string;
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @enum {unknown} */
            error: "user_locked";
            error_description: string;
            /** @description The request field at fault. */
            field?: string;
          };
        };
      };
      /** @description Error: `not_found`. */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @enum {unknown} */
            error: "not_found";
            error_description: string;
            /** @description The request field at fault. */
            field?: string;
          };
        };
      };
      /** @description Error: `payload_too_large`. */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @enum {unknown} */
            error: "payload_too_large";
            error_description: string;
            /** @description The request field at fault. */
            field?: string;
          };
        };
      };
      /** @description Error: `unsupported_media_type`. */
      415: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @enum {unknown} */
            error: "unsupported_media_type";
            error_description: string;
            /** @description The request field at fault. */
            field?: string;
          };
        };
      };
    };
  };
  passkeyRegistrationOptions: {
    parameters: {
      query?: never;
      header?: {
        /** @description The one-time password, instead of the `otp` field. */
        "X-OTP"?: string;
      };
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        "application/json": components["schemas"]["StepUpRequest"];
      };
    };
    responses: {
      /** @description The creation options, for `startRegistration`. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["PasskeyCreationOptions"];
        };
      };
      /** @description Error: `invalid_json`, `invalid_request`, `otp_required`, `invalid_otp`. */
      400: {
        headers: {
          /** @description `required; auth_method=<method>`: which second factor to send. */
          "X-OTP"?: string;
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @enum {unknown} */
            error: "invalid_json" | "invalid_request" | "otp_required" | "invalid_otp";
            error_description: string;
            /** @description The request field at fault. */
            field?: string;
            /** @enum {unknown} */
            auth_method?: "tfa_sms" | "tfa_email" | "totp" | "passkey";
            /** @description Where the code went, masked (`+*******4321`); absent for `totp`. */
            otp_destination?: string;
          };
        };
      };
      /** @description Error: `invalid_token`. */
      401: {
        headers: {
          /** @description RFC 6750's challenge. */
          "WWW-Authenticate": string;
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @enum {unknown} */
            error: "invalid_token";
            error_description: string;
            /** @description The request field at fault. */
            field?: string;
          };
        };
      };
      /** @description Error: `second_factor_required`, `user_locked`, `second_factor_disabled`. */
      403: {
        headers: {
          /** @description Seconds until the caller may try again. */
          "Retry-After"?: string;
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @enum {unknown} */
            error: "second_factor_required" | "user_locked" | "second_factor_disabled";
            error_description: string;
            /** @description The request field at fault. */
            field?: string;
          };
        };
      };
      /** @description Error: `payload_too_large`. */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @enum {unknown} */
            error: "payload_too_large";
            error_description: string;
            /** @description The request field at fault. */
            field?: string;
          };
        };
      };
      /** @description Error: `unsupported_media_type`. */
      415: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @enum {unknown} */
            error: "unsupported_media_type";
            error_description: string;
            /** @description The request field at fault. */
            field?: string;
          };
        };
      };
      /** @description Error: `too_many_attempts`, `too_many_requests`, `resend_too_soon`. */
      429: {
        headers: {
          /** @description Seconds until the caller may try again. */
          "Retry-After"?: string;
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @enum {unknown} */
            error: "too_many_attempts" | "too_many_requests" | "resend_too_soon";
            error_description: string;
            /** @description The request field at fault. */
            field?: string;
          };
        };
      };
      /** @description Error: `sms_budget_exceeded`, `delivery_unavailable`. */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @enum {unknown} */
            error: "sms_budget_exceeded" | "delivery_unavailable";
            error_description: string;
            /** @description The request field at fault. */
            field?: string;
          };
        };
      };
    };
  };
  listPasskeys: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The passkeys, oldest first. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Passkey"][];
        };
      };
      /** @description Error: `invalid_json`. */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @enum {unknown} */
            error: "invalid_json";
            error_description: string;
            /** @description The request field at fault. */
            field?: string;
          };
        };
      };
      /** @description Error: `invalid_token`. */
      401: {
        headers: {
          /** @description RFC 6750's challenge. */
          "WWW-Authenticate": string;
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @enum {unknown} */
            error: "invalid_token";
            error_description: string;
            /** @description The request field at fault. */
            field?: string;
          };
        };
      };
      /** @description Error: `payload_too_large`. */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @enum {unknown} */
            error: "payload_too_large";
            error_description: string;
            /** @description The request field at fault. */
            field?: string;
          };
        };
      };
      /** @description Error: `unsupported_media_type`. */
      415: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @enum {unknown} */
            error: "unsupported_media_type";
            error_description: string;
            /** @description The request field at fault. */
            field?: string;
          };
        };
      };
    };
  };
  createPasskey: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        "application/json": components["schemas"]["PasskeyCreateRequest"];
      };
    };
    responses: {
      /** @description The passkey. */
      201: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Passkey"];
        };
      };
      /** @description Error: `invalid_json`, `invalid_request`, `passkey_invalid`, `passkey_challenge_expired`. */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @enum {unknown} */
            error:
              | "invalid_json"
              | "invalid_request"
              | "passkey_invalid"
              | "passkey_challenge_expired";
            error_description: string;
            /** @description The request field at fault. */
            field?: string;
          };
        };
      };
      /** @description Error: `invalid_token`. */
      401: {
        headers: {
          /** @description RFC 6750's challenge. */
          "WWW-Authenticate": string;
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @enum {unknown} */
            error: "invalid_token";
            error_description: string;
            /** @description The request field at fault. */
            field?: string;
          };
        };
      };
      /** @description Error: `passkey_already_registered`. */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @enum {unknown} */
            error: "passkey_already_registered";
            error_description: string;
            /** @description The request field at fault. */
            field?: string;
          };
        };
      };
      /** @description Error: `payload_too_large`. */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @enum {unknown} */
            error: "payload_too_large";
            error_description: string;
            /** @description The request field at fault. */
            field?: string;
          };
        };
      };
      /** @description Error: `unsupported_media_type`. */
      415: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @enum {unknown} */
            error: "unsupported_media_type";
            error_description: string;
            /** @description The request field at fault. */
            field?: string;
          };
        };
      };
    };
  };
  deletePasskey: {
    parameters: {
      query?: never;
      header?: {
        /** @description The one-time password, instead of the `otp` field. */
        "X-OTP"?: string;
      };
      path: {
        /** @description The passkey's credential id. */
        id: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        "application/json": components["schemas"]["StepUpRequest"];
      };
    };
    responses: {
      /** @description Removed. */
      204: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description Error: `invalid_json`, `invalid_request`, `otp_required`, `invalid_otp`. */
      400: {
        headers: {
          /** @description `required; auth_method=<method>`: which second factor to send. */
          "X-OTP"?: string;
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @enum {unknown} */
            error: "invalid_json" | "invalid_request" | "otp_required" | "invalid_otp";
            error_description: string;
            /** @description The request field at fault. */
            field?: string;
            /** @enum {unknown} */
            auth_method?: "tfa_sms" | "tfa_email" | "totp" | "passkey";
            /** @description Where the code went, masked (`+*******4321`); absent for `totp`. */
            otp_destination?: string;
          };
        };
      };
      /** @description Error: `invalid_token`. */
      401: {
        headers: {
          /** @description RFC 6750's challenge. */
          "WWW-Authenticate": string;
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @enum {unknown} */
            error: "invalid_token";
            error_description: string;
            /** @description The request field at fault. */
            field?: string;
          };
        };
      };
      /** @description Error: `second_factor_required`, `user_locked`, `second_factor_disabled`. */
      403: {
        headers: {
          /** @description Seconds until the caller may try again. */
          "Retry-After"?: string;
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @enum {unknown} */
            error: "second_factor_required" | "user_locked" | "second_factor_disabled";
            error_description: string;
            /** @description The request field at fault. */
            field?: string;
          };
        };
      };
      /** @description Error: `passkey_not_found`. */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @enum {unknown} */
            error: "passkey_not_found";
            error_description: string;
            /** @description The request field at fault. */
            field?: string;
          };
        };
      };
      /** @description Error: `payload_too_large`. */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @enum {unknown} */
            error: "payload_too_large";
            error_description: string;
            /** @description The request field at fault. */
            field?: string;
          };
        };
      };
      /** @description Error: `unsupported_media_type`. */
      415: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @enum {unknown} */
            error: "unsupported_media_type";
            error_description: string;
            /** @description The request field at fault. */
            field?: string;
          };
        };
      };
      /** @description Error: `too_many_attempts`, `too_many_requests`, `resend_too_soon`. */
      429: {
        headers: {
          /** @description Seconds until the caller may try again. */
          "Retry-After"?: string;
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @enum {unknown} */
            error: "too_many_attempts" | "too_many_requests" | "resend_too_soon";
            error_description: string;
            /** @description The request field at fault. */
            field?: string;
          };
        };
      };
      /** @description Error: `sms_budget_exceeded`, `delivery_unavailable`. */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @enum {unknown} */
            error: "sms_budget_exceeded" | "delivery_unavailable";
            error_description: string;
            /** @description The request field at fault. */
            field?: string;
          };
        };
      };
    };
  };
  renamePasskey: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        /** @description The passkey's credential id. */
        id: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        "application/json": components["schemas"]["PasskeyRenameRequest"];
      };
    };
    responses: {
      /** @description The passkey. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Passkey"];
        };
      };
      /** @description Error: `invalid_json`, `invalid_request`. */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @enum {unknown} */
            error: "invalid_json" | "invalid_request";
            error_description: string;
            /** @description The request field at fault. */
            field?: string;
          };
        };
      };
      /** @description Error: `invalid_token`. */
      401: {
        headers: {
          /** @description RFC 6750's challenge. */
          "WWW-Authenticate": string;
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @enum {unknown} */
            error: "invalid_token";
            error_description: string;
            /** @description The request field at fault. */
            field?: string;
          };
        };
      };
      /** @description Error: `passkey_not_found`. */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @enum {unknown} */
            error: "passkey_not_found";
            error_description: string;
            /** @description The request field at fault. */
            field?: string;
          };
        };
      };
      /** @description Error: `payload_too_large`. */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @enum {unknown} */
            error: "payload_too_large";
            error_description: string;
            /** @description The request field at fault. */
            field?: string;
          };
        };
      };
      /** @description Error: `unsupported_media_type`. */
      415: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @enum {unknown} */
            error: "unsupported_media_type";
            error_description: string;
            /** @description The request field at fault. */
            field?: string;
          };
        };
      };
    };
  };
  setupTfaApp: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The key and its QR code. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            response: components["schemas"]["TfaAppSetup"];
            /** @constant */
            status: 0;
            /** @constant */
            statusCode: 200;
          };
        };
      };
      /** @description Error: `invalid_json`. */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            error: {
              message: string;
              /** @enum {unknown} */
              type: "invalid_json";
              field?: string;
            };
            /** @constant */
            status: 1;
            /** @constant */
            statusCode: 400;
          };
        };
      };
      /** @description Error: `invalid_token`. */
      401: {
        headers: {
          /** @description RFC 6750's challenge. */
          "WWW-Authenticate": string;
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            error: {
              message: string;
              /** @enum {unknown} */
              type: "invalid_token";
              field?: string;
            };
            /** @constant */
            status: 1;
            /** @constant */
            statusCode: 401;
          };
        };
      };
      /** @description Error: `tfa_app_already_linked`, `conflict`. */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            error: {
              message: string;
              /** @enum {unknown} */
              type: "tfa_app_already_linked" | "conflict";
              field?: string;
            };
            /** @constant */
            status: 1;
            /** @constant */
            statusCode: 409;
          };
        };
      };
      /** @description Error: `payload_too_large`. */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            error: {
              message: string;
              /** @enum {unknown} */
              type: "payload_too_large";
              field?: string;
            };
            /** @constant */
            status: 1;
            /** @constant */
            statusCode: 413;
          };
        };
      };
      /** @description Error: `unsupported_media_type`. */
      415: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            error: {
              message: string;
              /** @enum {unknown} */
              type: "unsupported_media_type";
              field?: string;
            };
            /** @constant */
            status: 1;
            /** @constant */
            statusCode: 415;
          };
        };
      };
    };
  };
  validateTfaApp: {
    parameters: {
      query?: never;
      header?: {
        /** @description The one-time password, instead of the `otp` field. */
        "X-OTP"?: string;
      };
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        "application/json": components["schemas"]["TfaAppValidateRequest"];
      };
    };
    responses: {
      /** @description Whether the app is linked. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            response: boolean;
            /** @constant */
            status: 0;
            /** @constant */
            statusCode: 200;
          };
        };
      };
      /** @description Error: `invalid_json`, `invalid_request`, `tfa_app_not_set_up`, `otp_required`, `invalid_otp`. */
      400: {
        headers: {
          /** @description `required; auth_method=<method>`: which second factor to send. */
          "X-OTP"?: string;
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            error: {
              message: string;
              /** @enum {unknown} */
              type:
                | "invalid_json"
                | "invalid_request"
                | "tfa_app_not_set_up"
                | "otp_required"
                | "invalid_otp";
              field?: string;
            };
            /** @constant */
            status: 1;
            /** @constant */
            statusCode: 400;
          };
        };
      };
      /** @description Error: `invalid_token`. */
      401: {
        headers: {
          /** @description RFC 6750's challenge. */
          "WWW-Authenticate": string;
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            error: {
              message: string;
              /** @enum {unknown} */
              type: "invalid_token";
              field?: string;
            };
            /** @constant */
            status: 1;
            /** @constant */
            statusCode: 401;
          };
        };
      };
      /** @description Error: `second_factor_required`, `user_locked`, `second_factor_disabled`. */
      403: {
        headers: {
          /** @description Seconds until the caller may try again. */
          "Retry-After"?: string;
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            error: {
              message: string;
              /** @enum {unknown} */
              type: "second_factor_required" | "user_locked" | "second_factor_disabled";
              field?: string;
            };
            /** @constant */
            status: 1;
            /** @constant */
            statusCode: 403;
          };
        };
      };
      /** @description Error: `tfa_app_already_linked`, `conflict`. */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            error: {
              message: string;
              /** @enum {unknown} */
              type: "tfa_app_already_linked" | "conflict";
              field?: string;
            };
            /** @constant */
            status: 1;
            /** @constant */
            statusCode: 409;
          };
        };
      };
      /** @description Error: `payload_too_large`. */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            error: {
              message: string;
              /** @enum {unknown} */
              type: "payload_too_large";
              field?: string;
            };
            /** @constant */
            status: 1;
            /** @constant */
            statusCode: 413;
          };
        };
      };
      /** @description Error: `unsupported_media_type`. */
      415: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            error: {
              message: string;
              /** @enum {unknown} */
              type: "unsupported_media_type";
              field?: string;
            };
            /** @constant */
            status: 1;
            /** @constant */
            statusCode: 415;
          };
        };
      };
      /** @description Error: `too_many_attempts`, `too_many_requests`, `resend_too_soon`. */
      429: {
        headers: {
          /** @description Seconds until the caller may try again. */
          "Retry-After"?: string;
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            error: {
              message: string;
              /** @enum {unknown} */
              type: "too_many_attempts" | "too_many_requests" | "resend_too_soon";
              field?: string;
            };
            /** @constant */
            status: 1;
            /** @constant */
            statusCode: 429;
          };
        };
      };
      /** @description Error: `sms_budget_exceeded`, `delivery_unavailable`. */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            error: {
              message: string;
              /** @enum {unknown} */
              type: "sms_budget_exceeded" | "delivery_unavailable";
              field?: string;
            };
            /** @constant */
            status: 1;
            /** @constant */
            statusCode: 503;
          };
        };
      };
    };
  };
  listBackupCodes: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The backup codes. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            response: components["schemas"]["BackupCode"][];
            /** @constant */
            status: 0;
            /** @constant */
            statusCode: 200;
          };
        };
      };
      /** @description Error: `invalid_json`, `tfa_app_not_set_up`. */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            error: {
              message: string;
              /** @enum {unknown} */
              type: "invalid_json" | "tfa_app_not_set_up";
              field?: string;
            };
            /** @constant */
            status: 1;
            /** @constant */
            statusCode: 400;
          };
        };
      };
      /** @description Error: `invalid_token`. */
      401: {
        headers: {
          /** @description RFC 6750's challenge. */
          "WWW-Authenticate": string;
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            error: {
              message: string;
              /** @enum {unknown} */
              type: "invalid_token";
              field?: string;
            };
            /** @constant */
            status: 1;
            /** @constant */
            statusCode: 401;
          };
        };
      };
      /** @description Error: `payload_too_large`. */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            error: {
              message: string;
              /** @enum {unknown} */
              type: "payload_too_large";
              field?: string;
            };
            /** @constant */
            status: 1;
            /** @constant */
            statusCode: 413;
          };
        };
      };
      /** @description Error: `unsupported_media_type`. */
      415: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            error: {
              message: string;
              /** @enum {unknown} */
              type: "unsupported_media_type";
              field?: string;
            };
            /** @constant */
            status: 1;
            /** @constant */
            statusCode: 415;
          };
        };
      };
    };
  };
  regenerateBackupCodes: {
    parameters: {
      query?: never;
      header?: {
        /** @description The one-time password, instead of the `otp` field. */
        "X-OTP"?: string;
      };
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        "application/json": components["schemas"]["StepUpRequest"];
      };
    };
    responses: {
      /** @description The new codes, shown this once. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            response: components["schemas"]["BackupCode"][];
            /** @constant */
            status: 0;
            /** @constant */
            statusCode: 200;
          };
        };
      };
      /** @description Error: `invalid_json`, `invalid_request`, `tfa_app_not_set_up`, `otp_required`, `invalid_otp`. */
      400: {
        headers: {
          /** @description `required; auth_method=<method>`: which second factor to send. */
          "X-OTP"?: string;
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            error: {
              message: string;
              /** @enum {unknown} */
              type:
                | "invalid_json"
                | "invalid_request"
                | "tfa_app_not_set_up"
                | "otp_required"
                | "invalid_otp";
              field?: string;
            };
            /** @constant */
            status: 1;
            /** @constant */
            statusCode: 400;
          };
        };
      };
      /** @description Error: `invalid_token`. */
      401: {
        headers: {
          /** @description RFC 6750's challenge. */
          "WWW-Authenticate": string;
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            error: {
              message: string;
              /** @enum {unknown} */
              type: "invalid_token";
              field?: string;
            };
            /** @constant */
            status: 1;
            /** @constant */
            statusCode: 401;
          };
        };
      };
      /** @description Error: `second_factor_required`, `user_locked`, `second_factor_disabled`. */
      403: {
        headers: {
          /** @description Seconds until the caller may try again. */
          "Retry-After"?: string;
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            error: {
              message: string;
              /** @enum {unknown} */
              type: "second_factor_required" | "user_locked" | "second_factor_disabled";
              field?: string;
            };
            /** @constant */
            status: 1;
            /** @constant */
            statusCode: 403;
          };
        };
      };
      /** @description Error: `conflict`. */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            error: {
              message: string;
              /** @enum {unknown} */
              type: "conflict";
              field?: string;
            };
            /** @constant */
            status: 1;
            /** @constant */
            statusCode: 409;
          };
        };
      };
      /** @description Error: `payload_too_large`. */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            error: {
              message: string;
              /** @enum {unknown} */
              type: "payload_too_large";
              field?: string;
            };
            /** @constant */
            status: 1;
            /** @constant */
            statusCode: 413;
          };
        };
      };
      /** @description Error: `unsupported_media_type`. */
      415: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            error: {
              message: string;
              /** @enum {unknown} */
              type: "unsupported_media_type";
              field?: string;
            };
            /** @constant */
            status: 1;
            /** @constant */
            statusCode: 415;
          };
        };
      };
      /** @description Error: `too_many_attempts`, `too_many_requests`, `resend_too_soon`. */
      429: {
        headers: {
          /** @description Seconds until the caller may try again. */
          "Retry-After"?: string;
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            error: {
              message: string;
              /** @enum {unknown} */
              type: "too_many_attempts" | "too_many_requests" | "resend_too_soon";
              field?: string;
            };
            /** @constant */
            status: 1;
            /** @constant */
            statusCode: 429;
          };
        };
      };
      /** @description Error: `sms_budget_exceeded`, `delivery_unavailable`. */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            error: {
              message: string;
              /** @enum {unknown} */
              type: "sms_budget_exceeded" | "delivery_unavailable";
              field?: string;
            };
            /** @constant */
            status: 1;
            /** @constant */
            statusCode: 503;
          };
        };
      };
    };
  };
  unlinkTfaApp: {
    parameters: {
      query?: never;
      header?: {
        /** @description The one-time password, instead of the `otp` field. */
        "X-OTP"?: string;
      };
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        "application/json": components["schemas"]["StepUpRequest"];
      };
    };
    responses: {
      /** @description Unlinked. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @constant */
            response: true;
            /** @constant */
            status: 0;
            /** @constant */
            statusCode: 200;
          };
        };
      };
      /** @description Error: `invalid_json`, `invalid_request`, `tfa_app_not_set_up`, `otp_required`, `invalid_otp`. */
      400: {
        headers: {
          /** @description `required; auth_method=<method>`: which second factor to send. */
          "X-OTP"?: string;
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            error: {
              message: string;
              /** @enum {unknown} */
              type:
                | "invalid_json"
                | "invalid_request"
                | "tfa_app_not_set_up"
                | "otp_required"
                | "invalid_otp";
              field?: string;
            };
            /** @constant */
            status: 1;
            /** @constant */
            statusCode: 400;
          };
        };
      };
      /** @description Error: `invalid_token`. */
      401: {
        headers: {
          /** @description RFC 6750's challenge. */
          "WWW-Authenticate": string;
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            error: {
              message: string;
              /** @enum {unknown} */
              type: "invalid_token";
              field?: string;
            };
            /** @constant */
            status: 1;
            /** @constant */
            statusCode: 401;
          };
        };
      };
      /** @description Error: `second_factor_required`, `user_locked`, `second_factor_disabled`. */
      403: {
        headers: {
          /** @description Seconds until the caller may try again. */
          "Retry-After"?: string;
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            error: {
              message: string;
              /** @enum {unknown} */
              type: "second_factor_required" | "user_locked" | "second_factor_disabled";
              field?: string;
            };
            /** @constant */
            status: 1;
            /** @constant */
            statusCode: 403;
          };
        };
      };
      /** @description Error: `conflict`. */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            error: {
              message: string;
              /** @enum {unknown} */
              type: "conflict";
              field?: string;
            };
            /** @constant */
            status: 1;
            /** @constant */
            statusCode: 409;
          };
        };
      };
      /** @description Error: `payload_too_large`. */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            error: {
              message: string;
              /** @enum {unknown} */
              type: "payload_too_large";
              field?: string;
            };
            /** @constant */
            status: 1;
            /** @constant */
            statusCode: 413;
          };
        };
      };
      /** @description Error: `unsupported_media_type`. */
      415: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            error: {
              message: string;
              /** @enum {unknown} */
              type: "unsupported_media_type";
              field?: string;
            };
            /** @constant */
            status: 1;
            /** @constant */
            statusCode: 415;
          };
        };
      };
      /** @description Error: `too_many_attempts`, `too_many_requests`, `resend_too_soon`. */
      429: {
        headers: {
          /** @description Seconds until the caller may try again. */
          "Retry-After"?: string;
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            error: {
              message: string;
              /** @enum {unknown} */
              type: "too_many_attempts" | "too_many_requests" | "resend_too_soon";
              field?: string;
            };
            /** @constant */
            status: 1;
            /** @constant */
            statusCode: 429;
          };
        };
      };
      /** @description Error: `sms_budget_exceeded`, `delivery_unavailable`. */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            error: {
              message: string;
              /** @enum {unknown} */
              type: "sms_budget_exceeded" | "delivery_unavailable";
              field?: string;
            };
            /** @constant */
            status: 1;
            /** @constant */
            statusCode: 503;
          };
        };
      };
    };
  };
  createAccount: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        "application/json": components["schemas"]["NewAccount"];
      };
    };
    responses: {
      /** @description The account. */
      201: {
        headers: {
          /** @description The account's URL. */
          Location: string;
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ConnectorAccount"];
        };
      };
      /** @description Error: `invalid_json`, `invalid_request`, `unknown_connector`. */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @enum {unknown} */
            error: "invalid_json" | "invalid_request" | "unknown_connector";
            error_description: string;
            /** @description The request field at fault. */
            field?: string;
          };
        };
      };
      /** @description Error: `invalid_token`. */
      401: {
        headers: {
          /** @description RFC 6750's challenge. */
          "WWW-Authenticate": string;
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @enum {unknown} */
            error: "invalid_token";
            error_description: string;
            /** @description The request field at fault. */
            field?: string;
          };
        };
      };
      /** @description Error: `payload_too_large`. */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @enum {unknown} */
            error: "payload_too_large";
            error_description: string;
            /** @description The request field at fault. */
            field?: string;
          };
        };
      };
      /** @description Error: `unsupported_media_type`. */
      415: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @enum {unknown} */
            error: "unsupported_media_type";
            error_description: string;
            /** @description The request field at fault. */
            field?: string;
          };
        };
      };
    };
  };
  getAccount: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        /** @description The account's id. */
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The account. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ConnectorAccount"];
        };
      };
      /** @description Error: `invalid_json`. */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @enum {unknown} */
            error: "invalid_json";
            error_description: string;
            /** @description The request field at fault. */
            field?: string;
          };
        };
      };
      /** @description Error: `invalid_token`. */
      401: {
        headers: {
          /** @description RFC 6750's challenge. */
          "WWW-Authenticate": string;
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @enum {unknown} */
            error: "invalid_token";
            error_description: string;
            /** @description The request field at fault. */
            field?: string;
          };
        };
      };
      /** @description Error: `not_found`. */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @enum {unknown} */
            error: "not_found";
            error_description: string;
            /** @description The request field at fault. */
            field?: string;
          };
        };
      };
      /** @description Error: `payload_too_large`. */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @enum {unknown} */
            error: "payload_too_large";
            error_description: string;
            /** @description The request field at fault. */
            field?: string;
          };
        };
      };
      /** @description Error: `unsupported_media_type`. */
      415: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @enum {unknown} */
            error: "unsupported_media_type";
            error_description: string;
            /** @description The request field at fault. */
            field?: string;
          };
        };
      };
    };
  };
  startRun: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        /** @description The account's id. */
        id: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        "application/json": components["schemas"]["NewRun"];
      };
    };
    responses: {
      /** @description The run. */
      201: {
        headers: {
          /** @description The run's URL. */
          Location: string;
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ConnectorRun"];
        };
      };
      /** @description Error: `invalid_json`, `invalid_request`. */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @enum {unknown} */
            error: "invalid_json" | "invalid_request";
            error_description: string;
            /** @description The request field at fault. */
            field?: string;
          };
        };
      };
      /** @description Error: `invalid_token`. */
      401: {
        headers: {
          /** @description RFC 6750's challenge. */
          "WWW-Authenticate": string;
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @enum {unknown} */
            error: "invalid_token";
            error_description: string;
            /** @description The request field at fault. */
            field?: string;
          };
        };
      };
      /** @description Error: `not_found`. */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @enum {unknown} */
            error: "not_found";
            error_description: string;
            /** @description The request field at fault. */
            field?: string;
          };
        };
      };
      /** @description Error: `run_in_progress`. */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @enum {unknown} */
            error: "run_in_progress";
            error_description: string;
            /** @description The request field at fault. */
            field?: string;
          };
        };
      };
      /** @description Error: `payload_too_large`. */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @enum {unknown} */
            error: "payload_too_large";
            error_description: string;
            /** @description The request field at fault. */
            field?: string;
          };
        };
      };
      /** @description Error: `unsupported_media_type`. */
      415: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @enum {unknown} */
            error: "unsupported_media_type";
            error_description: string;
            /** @description The request field at fault. */
            field?: string;
          };
        };
      };
    };
  };
  getRun: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        /** @description The run's id. */
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The run. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ConnectorRun"];
        };
      };
      /** @description Error: `invalid_json`. */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @enum {unknown} */
            error: "invalid_json";
            error_description: string;
            /** @description The request field at fault. */
            field?: string;
          };
        };
      };
      /** @description Error: `invalid_token`. */
      401: {
        headers: {
          /** @description RFC 6750's challenge. */
          "WWW-Authenticate": string;
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @enum {unknown} */
            error: "invalid_token";
            error_description: string;
            /** @description The request field at fault. */
            field?: string;
          };
        };
      };
      /** @description Error: `not_found`. */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @enum {unknown} */
            error: "not_found";
            error_description: string;
            /** @description The request field at fault. */
            field?: string;
          };
        };
      };
      /** @description Error: `payload_too_large`. */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @enum {unknown} */
            error: "payload_too_large";
            error_description: string;
            /** @description The request field at fault. */
            field?: string;
          };
        };
      };
      /** @description Error: `unsupported_media_type`. */
      415: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @enum {unknown} */
            error: "unsupported_media_type";
            error_description: string;
            /** @description The request field at fault. */
            field?: string;
          };
        };
      };
    };
  };
  submitTwoFaCode: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        /** @description The account's id. */
        id: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        "application/json": components["schemas"]["TwoFaCode"];
      };
    };
    responses: {
      /** @description The run resumes with the code. */
      202: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["CodeReceived"];
        };
      };
      /** @description Error: `invalid_json`, `invalid_request`. */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @enum {unknown} */
            error: "invalid_json" | "invalid_request";
            error_description: string;
            /** @description The request field at fault. */
            field?: string;
          };
        };
      };
      /** @description Error: `invalid_token`. */
      401: {
        headers: {
          /** @description RFC 6750's challenge. */
          "WWW-Authenticate": string;
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @enum {unknown} */
            error: "invalid_token";
            error_description: string;
            /** @description The request field at fault. */
            field?: string;
          };
        };
      };
      /** @description Error: `not_found`. */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @enum {unknown} */
            error: "not_found";
            error_description: string;
            /** @description The request field at fault. */
            field?: string;
          };
        };
      };
      /** @description Error: `no_run_waiting`. */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @enum {unknown} */
            error: "no_run_waiting";
            error_description: string;
            /** @description The request field at fault. */
            field?: string;
          };
        };
      };
      /** @description Error: `payload_too_large`. */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @enum {unknown} */
            error: "payload_too_large";
            error_description: string;
            /** @description The request field at fault. */
            field?: string;
          };
        };
      };
      /** @description Error: `unsupported_media_type`. */
      415: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @enum {unknown} */
            error: "unsupported_media_type";
            error_description: string;
            /** @description The request field at fault. */
            field?: string;
          };
        };
      };
    };
  };
  resendTwoFaCode: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        /** @description The account's id. */
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The run logs in again; a new code is on its way. */
      202: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ResendRequested"];
        };
      };
      /** @description Error: `invalid_json`. */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @enum {unknown} */
            error: "invalid_json";
            error_description: string;
            /** @description The request field at fault. */
            field?: string;
          };
        };
      };
      /** @description Error: `invalid_token`. */
      401: {
        headers: {
          /** @description RFC 6750's challenge. */
          "WWW-Authenticate": string;
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @enum {unknown} */
            error: "invalid_token";
            error_description: string;
            /** @description The request field at fault. */
            field?: string;
          };
        };
      };
      /** @description Error: `not_found`. */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @enum {unknown} */
            error: "not_found";
            error_description: string;
            /** @description The request field at fault. */
            field?: string;
          };
        };
      };
      /** @description Error: `no_run_waiting`, `twofa_resend_unavailable`. */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @enum {unknown} */
            error: "no_run_waiting" | "twofa_resend_unavailable";
            error_description: string;
            /** @description The request field at fault. */
            field?: string;
          };
        };
      };
      /** @description Error: `payload_too_large`. */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @enum {unknown} */
            error: "payload_too_large";
            error_description: string;
            /** @description The request field at fault. */
            field?: string;
          };
        };
      };
      /** @description Error: `unsupported_media_type`. */
      415: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @enum {unknown} */
            error: "unsupported_media_type";
            error_description: string;
            /** @description The request field at fault. */
            field?: string;
          };
        };
      };
    };
  };
  listWebhookEndpoints: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Every endpoint. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["WebhookEndpointList"];
        };
      };
      /** @description Error: `invalid_json`. */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @enum {unknown} */
            error: "invalid_json";
            error_description: string;
            /** @description The request field at fault. */
            field?: string;
          };
        };
      };
      /** @description Error: `invalid_admin_key`. */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @enum {unknown} */
            error: "invalid_admin_key";
            error_description: string;
            /** @description The request field at fault. */
            field?: string;
          };
        };
      };
      /** @description Error: `payload_too_large`. */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @enum {unknown} */
            error: "payload_too_large";
            error_description: string;
            /** @description The request field at fault. */
            field?: string;
          };
        };
      };
      /** @description Error: `unsupported_media_type`. */
      415: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @enum {unknown} */
            error: "unsupported_media_type";
            error_description: string;
            /** @description The request field at fault. */
            field?: string;
          };
        };
      };
    };
  };
  createWebhookEndpoint: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        "application/json": components["schemas"]["NewWebhookEndpoint"];
      };
    };
    responses: {
      /** @description The endpoint, with its secret. */
      201: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["NewWebhookEndpointResult"];
        };
      };
      /** @description Error: `invalid_json`, `invalid_request`. */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @enum {unknown} */
            error: "invalid_json" | "invalid_request";
            error_description: string;
            /** @description The request field at fault. */
            field?: string;
          };
        };
      };
      /** @description Error: `invalid_admin_key`. */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @enum {unknown} */
            error: "invalid_admin_key";
            error_description: string;
            /** @description The request field at fault. */
            field?: string;
          };
        };
      };
      /** @description Error: `payload_too_large`. */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @enum {unknown} */
            error: "payload_too_large";
            error_description: string;
            /** @description The request field at fault. */
            field?: string;
          };
        };
      };
      /** @description Error: `unsupported_media_type`. */
      415: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @enum {unknown} */
            error: "unsupported_media_type";
            error_description: string;
            /** @description The request field at fault. */
            field?: string;
          };
        };
      };
    };
  };
  deleteWebhookEndpoint: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        /** @description The endpoint's id. */
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Removed. */
      204: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description Error: `invalid_json`. */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @enum {unknown} */
            error: "invalid_json";
            error_description: string;
            /** @description The request field at fault. */
            field?: string;
          };
        };
      };
      /** @description Error: `invalid_admin_key`. */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @enum {unknown} */
            error: "invalid_admin_key";
            error_description: string;
            /** @description The request field at fault. */
            field?: string;
          };
        };
      };
      /** @description Error: `not_found`. */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @enum {unknown} */
            error: "not_found";
            error_description: string;
            /** @description The request field at fault. */
            field?: string;
          };
        };
      };
      /** @description Error: `payload_too_large`. */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @enum {unknown} */
            error: "payload_too_large";
            error_description: string;
            /** @description The request field at fault. */
            field?: string;
          };
        };
      };
      /** @description Error: `unsupported_media_type`. */
      415: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @enum {unknown} */
            error: "unsupported_media_type";
            error_description: string;
            /** @description The request field at fault. */
            field?: string;
          };
        };
      };
    };
  };
  listWebhookDeliveries: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        /** @description The endpoint's id. */
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The deliveries. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["WebhookDeliveryList"];
        };
      };
      /** @description Error: `invalid_json`. */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @enum {unknown} */
            error: "invalid_json";
            error_description: string;
            /** @description The request field at fault. */
            field?: string;
          };
        };
      };
      /** @description Error: `invalid_admin_key`. */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @enum {unknown} */
            error: "invalid_admin_key";
            error_description: string;
            /** @description The request field at fault. */
            field?: string;
          };
        };
      };
      /** @description Error: `not_found`. */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @enum {unknown} */
            error: "not_found";
            error_description: string;
            /** @description The request field at fault. */
            field?: string;
          };
        };
      };
      /** @description Error: `payload_too_large`. */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @enum {unknown} */
            error: "payload_too_large";
            error_description: string;
            /** @description The request field at fault. */
            field?: string;
          };
        };
      };
      /** @description Error: `unsupported_media_type`. */
      415: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @enum {unknown} */
            error: "unsupported_media_type";
            error_description: string;
            /** @description The request field at fault. */
            field?: string;
          };
        };
      };
    };
  };
  adminGetUser: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        /** @description The user's id (`usr_…`). */
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The user. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["AdminUser"];
        };
      };
      /** @description Error: `invalid_json`. */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @enum {unknown} */
            error: "invalid_json";
            error_description: string;
            /** @description The request field at fault. */
            field?: string;
          };
        };
      };
      /** @description Error: `invalid_admin_key`. */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @enum {unknown} */
            error: "invalid_admin_key";
            error_description: string;
            /** @description The request field at fault. */
            field?: string;
          };
        };
      };
      /** @description Error: `user_not_found`. */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @enum {unknown} */
            error: "user_not_found";
            error_description: string;
            /** @description The request field at fault. */
            field?: string;
          };
        };
      };
      /** @description Error: `payload_too_large`. */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @enum {unknown} */
            error: "payload_too_large";
            error_description: string;
            /** @description The request field at fault. */
            field?: string;
          };
        };
      };
      /** @description Error: `unsupported_media_type`. */
      415: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @enum {unknown} */
            error: "unsupported_media_type";
            error_description: string;
            /** @description The request field at fault. */
            field?: string;
          };
        };
      };
    };
  };
  adminUnlockUser: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        /** @description The user's id (`usr_…`). */
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Unlocked. */
      204: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description Error: `invalid_json`. */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @enum {unknown} */
            error: "invalid_json";
            error_description: string;
            /** @description The request field at fault. */
            field?: string;
          };
        };
      };
      /** @description Error: `invalid_admin_key`. */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @enum {unknown} */
            error: "invalid_admin_key";
            error_description: string;
            /** @description The request field at fault. */
            field?: string;
          };
        };
      };
      /** @description Error: `user_not_found`. */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @enum {unknown} */
            error: "user_not_found";
            error_description: string;
            /** @description The request field at fault. */
            field?: string;
          };
        };
      };
      /** @description Error: `payload_too_large`. */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @enum {unknown} */
            error: "payload_too_large";
            error_description: string;
            /** @description The request field at fault. */
            field?: string;
          };
        };
      };
      /** @description Error: `unsupported_media_type`. */
      415: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @enum {unknown} */
            error: "unsupported_media_type";
            error_description: string;
            /** @description The request field at fault. */
            field?: string;
          };
        };
      };
    };
  };
  adminResetSecondFactors: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        /** @description The user's id (`usr_…`). */
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description What the reset did. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["AdminReset"];
        };
      };
      /** @description Error: `invalid_json`. */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @enum {unknown} */
            error: "invalid_json";
            error_description: string;
            /** @description The request field at fault. */
            field?: string;
          };
        };
      };
      /** @description Error: `invalid_admin_key`. */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @enum {unknown} */
            error: "invalid_admin_key";
            error_description: string;
            /** @description The request field at fault. */
            field?: string;
          };
        };
      };
      /** @description Error: `user_not_found`. */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @enum {unknown} */
            error: "user_not_found";
            error_description: string;
            /** @description The request field at fault. */
            field?: string;
          };
        };
      };
      /** @description Error: `conflict`. */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @enum {unknown} */
            error: "conflict";
            error_description: string;
            /** @description The request field at fault. */
            field?: string;
          };
        };
      };
      /** @description Error: `payload_too_large`. */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @enum {unknown} */
            error: "payload_too_large";
            error_description: string;
            /** @description The request field at fault. */
            field?: string;
          };
        };
      };
      /** @description Error: `unsupported_media_type`. */
      415: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @enum {unknown} */
            error: "unsupported_media_type";
            error_description: string;
            /** @description The request field at fault. */
            field?: string;
          };
        };
      };
    };
  };
  adminListSecurityEvents: {
    parameters: {
      query?: {
        /** @description The `nextCursor` of the previous page; omitted for the newest page. */
        cursor?: string;
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description A page of the log. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["SecurityEventPage"];
        };
      };
      /** @description Error: `invalid_json`, `invalid_request`. */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @enum {unknown} */
            error: "invalid_json" | "invalid_request";
            error_description: string;
            /** @description The request field at fault. */
            field?: string;
          };
        };
      };
      /** @description Error: `invalid_admin_key`. */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @enum {unknown} */
            error: "invalid_admin_key";
            error_description: string;
            /** @description The request field at fault. */
            field?: string;
          };
        };
      };
      /** @description Error: `payload_too_large`. */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @enum {unknown} */
            error: "payload_too_large";
            error_description: string;
            /** @description The request field at fault. */
            field?: string;
          };
        };
      };
      /** @description Error: `unsupported_media_type`. */
      415: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @enum {unknown} */
            error: "unsupported_media_type";
            error_description: string;
            /** @description The request field at fault. */
            field?: string;
          };
        };
      };
    };
  };
  getOpenApiDocument: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The OpenAPI 3.1 document. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["OpenApiDocument"];
        };
      };
      /** @description Error: `invalid_json`. */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @enum {unknown} */
            error: "invalid_json";
            error_description: string;
            /** @description The request field at fault. */
            field?: string;
          };
        };
      };
      /** @description Error: `payload_too_large`. */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @enum {unknown} */
            error: "payload_too_large";
            error_description: string;
            /** @description The request field at fault. */
            field?: string;
          };
        };
      };
      /** @description Error: `unsupported_media_type`. */
      415: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @enum {unknown} */
            error: "unsupported_media_type";
            error_description: string;
            /** @description The request field at fault. */
            field?: string;
          };
        };
      };
    };
  };
}
