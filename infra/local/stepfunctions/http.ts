/**
 * The Step Functions JSON 1.0 protocol over HTTP, as `@aws-sdk/client-sfn` speaks it:
 * `POST /`, `Content-Type: application/x-amz-json-1.0`,
 * `X-Amz-Target: AWSStepFunctions.<Action>`; errors are `{__type, message}` with HTTP 400
 * (500 for our own faults, with nothing internal in them). Timestamps are epoch seconds.
 * Requests are not signature-checked: this endpoint listens on 127.0.0.1 only.
 */
import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import * as v from "valibot";
import type { LocalStepFunctionsEngine } from "./engine.js";
import { SfnServiceError } from "./errors.js";
import type { HistoryEvent } from "./history.js";

const TARGET_PREFIX = "AWSStepFunctions.";
const CONTENT_TYPE = "application/x-amz-json-1.0";
/** Inputs and outputs are at most 256 KiB; the envelope around them is small. */
const MAX_REQUEST_BYTES = 1024 * 1024;

/** Error and cause limits of `StopExecution` and `SendTaskFailure`. */
const ErrorName = v.optional(v.pipe(v.string(), v.maxLength(256)));
const Cause = v.optional(v.pipe(v.string(), v.maxLength(32_768)));
/** A token's shape is judged by the token registry, which answers `InvalidToken`. */
const Token = v.unknown();

/** `maxResults` and `nextToken` of the list operations; the engine checks the range. */
const MaxResults = v.optional(v.number());
const NextToken = v.optional(v.pipe(v.string(), v.minLength(1), v.maxLength(1024)));
const EXECUTION_STATUSES = [
  "RUNNING",
  "SUCCEEDED",
  "FAILED",
  "TIMED_OUT",
  "ABORTED",
  "PENDING_REDRIVE",
] as const;
const StatusFilter = v.optional(
  v.picklist(
    EXECUTION_STATUSES,
    `Member must satisfy enum value set: [${EXECUTION_STATUSES.join(", ")}]`,
  ),
);

const REQUESTS = {
  StartExecution: v.object({
    stateMachineArn: v.string(),
    name: v.optional(v.string()),
    input: v.optional(v.string()),
    traceHeader: v.optional(v.string()),
  }),
  DescribeExecution: v.object({ executionArn: v.string() }),
  GetExecutionHistory: v.object({
    executionArn: v.string(),
    maxResults: v.optional(v.number()),
    reverseOrder: v.optional(v.boolean()),
    nextToken: v.optional(v.string()),
    includeExecutionData: v.optional(v.boolean()),
  }),
  StopExecution: v.object({ executionArn: v.string(), error: ErrorName, cause: Cause }),
  SendTaskSuccess: v.object({ taskToken: Token, output: v.string() }),
  SendTaskFailure: v.object({ taskToken: Token, error: ErrorName, cause: Cause }),
  SendTaskHeartbeat: v.object({ taskToken: Token }),
  ListStateMachines: v.object({ maxResults: MaxResults, nextToken: NextToken }),
  DescribeStateMachine: v.object({ stateMachineArn: v.string() }),
  ListExecutions: v.object({
    stateMachineArn: v.string(),
    statusFilter: StatusFilter,
    maxResults: MaxResults,
    nextToken: NextToken,
  }),
} as const;
type Action = keyof typeof REQUESTS;

function isAction(name: string): name is Action {
  return Object.hasOwn(REQUESTS, name);
}

function epochSeconds(date: Date): number {
  return date.getTime() / 1000;
}

function serializeEvent(event: HistoryEvent): Record<string, unknown> {
  return { ...event, timestamp: epochSeconds(event.timestamp) };
}

function parse<A extends Action>(action: A, body: unknown): v.InferOutput<(typeof REQUESTS)[A]> {
  const result = v.safeParse(REQUESTS[action], body);
  if (result.success) return result.output;
  const issue = result.issues[0];
  const field = issue ? v.getDotPath(issue) : null;
  throw new SfnServiceError(
    "ValidationException",
    `1 validation error detected: Value '${String(issue?.input)}' at '${field ?? "request"}' failed to satisfy constraint: ${issue?.message ?? "invalid"}`,
  );
}

function perform(engine: LocalStepFunctionsEngine, action: Action, body: unknown): object {
  switch (action) {
    case "StartExecution": {
      const request = parse(action, body);
      const started = engine.startExecution(request);
      return { executionArn: started.executionArn, startDate: epochSeconds(started.startDate) };
    }
    case "DescribeExecution": {
      const execution = engine.describeExecution(parse(action, body).executionArn);
      return {
        executionArn: execution.executionArn,
        stateMachineArn: execution.stateMachineArn,
        name: execution.name,
        status: execution.status,
        startDate: epochSeconds(execution.startDate),
        ...(execution.stopDate ? { stopDate: epochSeconds(execution.stopDate) } : {}),
        input: execution.input,
        inputDetails: { included: true },
        ...(execution.output !== undefined
          ? { output: execution.output, outputDetails: { included: true } }
          : {}),
        ...(execution.error !== undefined ? { error: execution.error } : {}),
        ...(execution.cause !== undefined ? { cause: execution.cause } : {}),
      };
    }
    case "GetExecutionHistory": {
      const page = engine.getExecutionHistory(parse(action, body));
      return { ...page, events: page.events.map(serializeEvent) };
    }
    case "StopExecution": {
      const request = parse(action, body);
      const { stopDate } = engine.stopExecution(request.executionArn, request.error, request.cause);
      return { stopDate: epochSeconds(stopDate) };
    }
    case "SendTaskSuccess": {
      const request = parse(action, body);
      engine.sendTaskSuccess(request.taskToken, request.output);
      return {};
    }
    case "SendTaskFailure": {
      const request = parse(action, body);
      engine.sendTaskFailure(request.taskToken, request.error, request.cause);
      return {};
    }
    case "SendTaskHeartbeat":
      engine.sendTaskHeartbeat(parse(action, body).taskToken);
      return {};
    case "ListStateMachines": {
      const page = engine.listStateMachines(parse(action, body));
      return {
        ...page,
        stateMachines: page.stateMachines.map((machine) => ({
          ...machine,
          creationDate: epochSeconds(machine.creationDate),
        })),
      };
    }
    case "DescribeStateMachine": {
      const machine = engine.describeStateMachine(parse(action, body).stateMachineArn);
      return { ...machine, creationDate: epochSeconds(machine.creationDate) };
    }
    case "ListExecutions": {
      const request = parse(action, body);
      // `PENDING_REDRIVE` is a valid filter; no local execution is ever in that state.
      const page =
        request.statusFilter === "PENDING_REDRIVE"
          ? { executions: [] }
          : engine.listExecutions({ ...request, statusFilter: request.statusFilter });
      return {
        ...page,
        executions: page.executions.map((execution) => ({
          ...execution,
          startDate: epochSeconds(execution.startDate),
          ...(execution.stopDate ? { stopDate: epochSeconds(execution.stopDate) } : {}),
        })),
      };
    }
  }
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_REQUEST_BYTES) {
      throw new SfnServiceError("RequestEntityTooLarge", "Request entity too large", 413);
    }
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

function send(response: ServerResponse, status: number, body: object, requestId: string): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    "content-type": CONTENT_TYPE,
    "content-length": Buffer.byteLength(text),
    "x-amzn-requestid": requestId,
  });
  response.end(text);
}

/** `log` hears of our own faults only (their name and message; requests are never logged). */
export function createStepFunctionsHandler(
  engine: LocalStepFunctionsEngine,
  log: (line: string) => void = () => {},
) {
  return async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const requestId = randomUUID();
    try {
      const path = (request.url ?? "/").split("?")[0];
      const target = request.headers["x-amz-target"];
      const action =
        typeof target === "string" && target.startsWith(TARGET_PREFIX)
          ? target.slice(TARGET_PREFIX.length)
          : "";
      if (request.method !== "POST" || path !== "/" || !isAction(action)) {
        request.resume();
        throw new SfnServiceError(
          "UnknownOperationException",
          `Unknown operation ${action || "(none)"}`,
        );
      }
      const text = await readBody(request);
      let body: unknown;
      try {
        body = text.trim() === "" ? {} : JSON.parse(text);
      } catch {
        throw new SfnServiceError("SerializationException", "The request body is not JSON");
      }
      send(response, 200, perform(engine, action, body), requestId);
    } catch (error) {
      if (!(error instanceof SfnServiceError)) {
        log(
          `sfn: internal failure: ${error instanceof Error ? `${error.name}: ${error.message}` : "unknown"}`,
        );
      }
      const failure =
        error instanceof SfnServiceError
          ? error
          : new SfnServiceError("InternalFailure", "The request failed", 500);
      if (!response.headersSent) send(response, failure.httpStatus, failure.toJSON(), requestId);
      else response.destroy();
    }
  };
}
