/** Assertions on refusals: what a core use case throws when it says no. */
import { DomainError } from "../../functions/core/errors.js";

/** The DomainError `promise` rejects with; fails the test if it resolves or throws another error. */
export async function refusal(promise: Promise<unknown>): Promise<DomainError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(error instanceof DomainError)) {
    throw new Error(`expected a DomainError, got ${String(error)}`);
  }
  return error;
}
