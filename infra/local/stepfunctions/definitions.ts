/**
 * What the local engine supports of the Amazon States Language, AWS's names and limits, and
 * the small conversions every part of the engine shares.
 */
import {
  type JsonValue,
  LAMBDA_INVOKE,
  LAMBDA_INVOKE_WAIT_FOR_TASK_TOKEN,
} from "../../connector-run.asl.js";
import type { StateTypeName } from "./history.js";

export const STATE_MACHINE_ARN = /^arn:aws:states:([a-z0-9-]+):(\d{12}):stateMachine:([^:]+)$/;
export const EXECUTION_ARN = /^arn:aws:states:[a-z0-9-]+:\d{12}:execution:[^:]+:[^:]+$/;
/** AWS: no whitespace, brackets, wildcards, `"#%\^|~`$&,;:/` or control characters. */
export const EXECUTION_NAME = /^[^\s<>{}[\]?*"#%\\^|~`$&,;:/\p{Cc}]{1,80}$/u;
/** Step Functions quota on inputs and outputs. */
export const MAX_PAYLOAD_BYTES = 256 * 1024;
/** `setTimeout` holds at most 2^31 - 1 ms; a longer timer could not be armed, nor needed here. */
export const MAX_TIMER_SECONDS = Math.floor((2 ** 31 - 1) / 1000);
/** The library's task timer is set this far beyond ours, so ours always fires first. */
export const LIBRARY_TIMER_SLACK_SECONDS = 60;

export const TASK_RESOURCES: Record<
  string,
  { resourceType: string; resource: string; callback: boolean }
> = {
  [LAMBDA_INVOKE]: { resourceType: "lambda", resource: "invoke", callback: false },
  [LAMBDA_INVOKE_WAIT_FOR_TASK_TOKEN]: {
    resourceType: "lambda",
    resource: "invoke.waitForTaskToken",
    callback: true,
  },
};
export const SUPPORTED_STATE_TYPES: ReadonlySet<string> = new Set<StateTypeName>([
  "Task",
  "Choice",
  "Pass",
  "Fail",
  "Succeed",
  "Wait",
]);

export function timerSafeSeconds(seconds: number): number {
  return Math.min(seconds, MAX_TIMER_SECONDS);
}

export function byteLength(text: string): number {
  return Buffer.byteLength(text, "utf8");
}

/** A value as a Lambda function receives or returns it: through JSON. */
export function throughJson(value: unknown): JsonValue {
  return JSON.parse(JSON.stringify(value ?? null)) as JsonValue;
}

export function isJsonObject(value: JsonValue | undefined): value is { [key: string]: JsonValue } {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function stateTypeName(type: string): StateTypeName {
  if (SUPPORTED_STATE_TYPES.has(type)) return type as StateTypeName;
  throw new Error(`Unsupported state type ${type}`);
}
