/**
 * A software WebAuthn authenticator for the API tests: P-256 (ES256) keys from node:crypto,
 * `none` attestation, CBOR by @levischuck/tiny-cbor. It answers creation and request options
 * as a browser would (`RegistrationResponseJSON`, `AuthenticationResponseJSON`), and each answer
 * can be bent to test a refusal: another origin or RP ID, user verification off, a broken
 * signature, a chosen sign count.
 */
import { createHash, generateKeyPairSync, type KeyObject, randomBytes, sign } from "node:crypto";
import { type CBORType, encodeCBOR } from "@levischuck/tiny-cbor";

const b64url = (bytes: Uint8Array | Buffer) => Buffer.from(bytes).toString("base64url");
const sha256 = (data: Uint8Array | string) => createHash("sha256").update(data).digest();

const FLAG_UP = 0x01;
const FLAG_UV = 0x04;
const FLAG_AT = 0x40;

interface Credential {
  id: Buffer;
  privateKey: KeyObject;
  cosePublicKey: Uint8Array;
  rpId: string;
  userHandle: string;
  signCount: number;
}

export interface Bend {
  /** The origin written in `clientDataJSON` (default: the authenticator's). */
  origin?: string;
  /** The RP ID whose hash starts `authenticatorData` (default: the options'). */
  rpId?: string;
  /** The challenge signed (default: the options'). */
  challenge?: string;
  /** User verification flag (default: on). */
  userVerified?: boolean;
  /** Flip a bit of the signature. */
  breakSignature?: boolean;
  /** The sign count to report (default: the last one + `countStep`). */
  signCount?: number;
  /** The `userHandle` to send (default: the credential's). */
  userHandle?: string | null;
  /** The credential to use, by id (default: the first allowed, or the newest for the RP). */
  credentialId?: string;
}

export interface CreationOptions {
  challenge: string;
  rp: { id?: string; name: string };
  user: { id: string; name: string };
}

export interface RequestOptions {
  challenge: string;
  rpId?: string;
  allowCredentials?: { id: string }[];
}

export class SoftwareAuthenticator {
  readonly credentials: Credential[] = [];

  /**
   * @param origin where the "browser" runs (`http://localhost:3000`)
   * @param countStep how much the sign count grows per use: 0 like most passkeys, 1 like keys
   */
  constructor(
    readonly origin: string,
    readonly countStep = 0,
  ) {}

  /**
   * `navigator.credentials.create()`: a new discoverable credential, `none` attestation. With
   * `bend.credentialId`, the credential held under that id attests again (as a copied key would).
   */
  register(options: CreationOptions, bend: Bend = {}) {
    const rpId = options.rp.id ?? new URL(this.origin).hostname;
    const reused = this.credentials.find((c) => b64url(c.id) === bend.credentialId);
    const credential = reused ?? this.newCredential(rpId, options.user.id, bend.signCount ?? 0);
    const idLength = Buffer.alloc(2);
    idLength.writeUInt16BE(credential.id.length);
    const authData = Buffer.concat([
      sha256(bend.rpId ?? rpId),
      Buffer.from([FLAG_UP | (bend.userVerified === false ? 0 : FLAG_UV) | FLAG_AT]),
      counter(credential.signCount),
      Buffer.alloc(16), // AAGUID: none
      idLength,
      credential.id,
      Buffer.from(credential.cosePublicKey),
    ]);
    const attestationObject = encodeCBOR(
      new Map<string, CBORType>([
        ["fmt", "none"],
        ["attStmt", new Map<string, CBORType>()],
        ["authData", new Uint8Array(authData)],
      ]),
    );
    const clientDataJSON = JSON.stringify({
      type: "webauthn.create",
      challenge: bend.challenge ?? options.challenge,
      origin: bend.origin ?? this.origin,
      crossOrigin: false,
    });
    if (!reused) this.credentials.push(credential);
    return {
      id: b64url(credential.id),
      rawId: b64url(credential.id),
      type: "public-key" as const,
      response: {
        clientDataJSON: b64url(Buffer.from(clientDataJSON)),
        attestationObject: b64url(attestationObject),
        transports: ["internal"],
      },
      authenticatorAttachment: "platform" as const,
      clientExtensionResults: {},
    };
  }

  private newCredential(rpId: string, userHandle: string, signCount: number): Credential {
    const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
    const jwk = publicKey.export({ format: "jwk" });
    const cosePublicKey = encodeCBOR(
      new Map<number, CBORType>([
        [1, 2], // kty: EC2
        [3, -7], // alg: ES256
        [-1, 1], // crv: P-256
        [-2, new Uint8Array(Buffer.from(String(jwk.x), "base64url"))],
        [-3, new Uint8Array(Buffer.from(String(jwk.y), "base64url"))],
      ]),
    );
    return { id: randomBytes(16), privateKey, cosePublicKey, rpId, userHandle, signCount };
  }

  /** `navigator.credentials.get()`: an assertion by an allowed (or any discoverable) credential. */
  authenticate(options: RequestOptions, bend: Bend = {}) {
    const rpId = options.rpId ?? new URL(this.origin).hostname;
    const allowed = new Set((options.allowCredentials ?? []).map((c) => c.id));
    const candidates = this.credentials.filter(
      (c) =>
        c.rpId === rpId &&
        (bend.credentialId !== undefined
          ? b64url(c.id) === bend.credentialId
          : allowed.size === 0 || allowed.has(b64url(c.id))),
    );
    const credential = candidates.at(-1);
    if (!credential) throw new Error("The software authenticator holds no such credential");
    credential.signCount = bend.signCount ?? credential.signCount + this.countStep;
    const authenticatorData = Buffer.concat([
      sha256(bend.rpId ?? rpId),
      Buffer.from([FLAG_UP | (bend.userVerified === false ? 0 : FLAG_UV)]),
      counter(credential.signCount),
    ]);
    const clientDataJSON = Buffer.from(
      JSON.stringify({
        type: "webauthn.get",
        challenge: bend.challenge ?? options.challenge,
        origin: bend.origin ?? this.origin,
        crossOrigin: false,
      }),
    );
    const signature = sign(
      "sha256",
      Buffer.concat([authenticatorData, sha256(clientDataJSON)]),
      credential.privateKey,
    );
    if (bend.breakSignature)
      signature.writeUInt8((signature.at(-1) ?? 0) ^ 0x01, signature.length - 1);
    const userHandle = bend.userHandle === undefined ? credential.userHandle : bend.userHandle;
    return {
      id: b64url(credential.id),
      rawId: b64url(credential.id),
      type: "public-key" as const,
      response: {
        clientDataJSON: b64url(clientDataJSON),
        authenticatorData: b64url(authenticatorData),
        signature: b64url(signature),
        ...(userHandle === null ? {} : { userHandle }),
      },
      authenticatorAttachment: "platform" as const,
      clientExtensionResults: {},
    };
  }
}

function counter(value: number): Buffer {
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32BE(value);
  return bytes;
}
