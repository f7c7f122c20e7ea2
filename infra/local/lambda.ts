/**
 * Lambda as the local stack emulates it for every caller (the API server, the SNS
 * subscribers, the Step Functions tasks): handler modules imported at their first invocation,
 * and an invocation context like Lambda's.
 */
import { randomUUID } from "node:crypto";
import { basename, join } from "node:path";
import { pathToFileURL } from "node:url";
import type { Context } from "aws-lambda";

/** What the local stack calls: every handler we serve is async (middy or plain). */
export type LambdaHandler = (event: never, context: Context) => Promise<unknown>;

export const LOCAL_ACCOUNT_ID = "000000000000";
export const LOCAL_REGION = "us-east-1";

/** Imports a handler module at first use, so the stack starts while handlers are being written. */
export function lazyHandler(root: string, modulePath: string): () => Promise<LambdaHandler> {
  let loaded: Promise<LambdaHandler> | undefined;
  return () => {
    if (loaded === undefined) {
      loaded = import(pathToFileURL(join(root, `${modulePath}.ts`)).href).then(
        (module: { handler?: unknown }) => {
          if (typeof module.handler !== "function") {
            throw new Error(`${modulePath}.ts does not export a function named "handler"`);
          }
          return module.handler as LambdaHandler;
        },
      );
      // Forget a failed import so that a handler file written later works without a restart.
      loaded.catch(() => {
        loaded = undefined;
      });
    }
    return loaded;
  };
}

export function localFunctionName(modulePath: string): string {
  return `twofa-local-${basename(modulePath)}`;
}

/** A Lambda-like invocation context; `getRemainingTimeInMillis` counts down from `timeoutMs`. */
export function createLambdaContext(functionName: string, timeoutMs: number): Context {
  const deadline = Date.now() + timeoutMs;
  const unsupported = () => {
    throw new Error("callback-style Lambda completion is not supported locally");
  };
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: "$LATEST",
    invokedFunctionArn: `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:function:${functionName}`,
    memoryLimitInMB: "1024",
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: `local/[$LATEST]${randomUUID().replaceAll("-", "")}`,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: unsupported,
    fail: unsupported,
    succeed: unsupported,
  };
}

export function describe(error: unknown): string {
  return error instanceof Error
    ? (error.stack ?? `${error.name}: ${error.message}`)
    : String(error);
}
