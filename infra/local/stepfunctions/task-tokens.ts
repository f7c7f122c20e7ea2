/**
 * Task tokens of `.waitForTaskToken` tasks and the callbacks that close them. A token is
 * open while its task waits; the first callback closes it, atomically (one synchronous
 * check-and-set, so of two concurrent `SendTaskSuccess` exactly one wins). A closed token —
 * answered, timed out, failed, or its execution stopped — answers `TaskTimedOut`, as AWS
 * does; a token never issued answers `InvalidToken`. Tokens are never logged.
 */
import { randomBytes } from "node:crypto";
import type { JsonValue } from "../../connector-run.asl.js";
import { SfnServiceError } from "./errors.js";

export type CallbackOutcome =
  | { kind: "success"; output: JsonValue }
  | { kind: "failure"; error?: string; cause?: string };

export interface CallbackTarget {
  /** Called at most once, after the token is closed. */
  onCallback(outcome: CallbackOutcome): void;
  onHeartbeat(): void;
}

/** 256 random bits; AWS tokens are opaque too, and a guess must be hopeless. */
const TOKEN_BYTES = 32;
/** The longest `taskToken` the Step Functions API accepts. */
const MAX_TOKEN_LENGTH = 1024;

const CLOSED = Symbol("closed");

export class TaskTokenRegistry {
  /** Closed tokens stay, so that a late callback is told `TaskTimedOut`, not `InvalidToken`. */
  private readonly tokens = new Map<string, CallbackTarget | typeof CLOSED>();

  /** A fresh token, unknown to callbacks until `open`. */
  issue(): string {
    return randomBytes(TOKEN_BYTES).toString("base64url");
  }

  open(token: string, target: CallbackTarget): void {
    if (this.tokens.has(token)) throw new Error("A task token can be opened only once");
    this.tokens.set(token, target);
  }

  /** The task ended some other way (timeout, failure, stop): later callbacks time out. */
  close(token: string): void {
    if (this.tokens.has(token)) this.tokens.set(token, CLOSED);
  }

  complete(token: unknown, outcome: CallbackOutcome): void {
    const target = this.openTarget(token);
    this.tokens.set(token as string, CLOSED);
    target.onCallback(outcome);
  }

  heartbeat(token: unknown): void {
    this.openTarget(token).onHeartbeat();
  }

  private openTarget(token: unknown): CallbackTarget {
    const entry =
      typeof token === "string" && token.length > 0 && token.length <= MAX_TOKEN_LENGTH
        ? this.tokens.get(token)
        : undefined;
    if (entry === undefined)
      throw new SfnServiceError("InvalidToken", "Invalid Token: 'Invalid token'");
    if (entry === CLOSED) {
      throw new SfnServiceError(
        "TaskTimedOut",
        "Task Timed Out: 'Provided task does not exist anymore'",
      );
    }
    return entry;
  }
}
