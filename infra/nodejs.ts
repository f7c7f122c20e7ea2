/**
 * How SST bundles every Lambda function of this service (`nodejs` of `sst.aws.Function`), read
 * by `infra/` and by `scripts/bundle.ts`, so that what `npm run bench` measures is what is
 * deployed.
 *
 * `splitting`: a module imported with `await import()` (the argon2 binding aside, the WebAuthn
 * library, otplib, the QR-code renderer) goes to a chunk of its own that Node reads only when
 * a request first needs it; without it esbuild inlines the module into the one bundle, and
 * every cold start parses it whether or not a request ever runs it.
 */
export const NODEJS_BUNDLING = { splitting: true } as const;

/**
 * `@node-rs/argon2` loads a native binary that esbuild cannot bundle; SST installs it for the
 * function's OS and architecture instead. A handler that does not import it pays nothing.
 */
export const NATIVE_PACKAGES = ["@node-rs/argon2"] as const;
