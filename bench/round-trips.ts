/**
 * Storage round trips per operation: the DynamoDB and SNS calls one request makes, how many of
 * them run one after another (rounds) and how many at once at most (parallelism). Counts, not
 * timings: the same on any machine.
 *
 * The local stack runs in this process and each operation's handler is called directly with the
 * event API Gateway would build, inside an AsyncLocalStorage scope; an SDK middleware on the
 * shared DynamoDB and SNS clients records the calls made in that scope. Work that the request
 * only triggers (the notifier behind the SNS topic) runs in the stand-in's own scope and is not
 * counted.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import type { APIGatewayProxyEventV2 } from "aws-lambda";
import { documentClient } from "../functions/adapters/dynamo.js";
import { snsClient } from "../functions/adapters/event-publisher.js";
import { startLocalStack } from "../infra/local/stack.js";
import {
  BENCH_PASSWORD,
  event,
  expectStatus,
  invoke,
  nextCode,
  startSignIn,
  totpAttempt,
  userWithAuthenticatorApp,
} from "./in-process.js";

/** The ceiling on sequential DynamoDB rounds for these operations. */
export const ROUND_LIMIT = 3;

interface Call {
  service: "dynamodb" | "sns";
  command: string;
  round: number;
}

class Recorder {
  readonly calls: Call[] = [];
  private inFlight = 0;
  /** The latest round among the calls that have answered. */
  private answered = 0;
  private rounds = 0;
  maxParallel = 0;

  async record<T>(service: Call["service"], command: string, send: () => Promise<T>): Promise<T> {
    // A call's round is one after the latest round that had answered when it started: calls
    // started together (Promise.all) share a round, and a call that waited for another's
    // answer comes after it, even while unrelated calls are still in flight.
    const round = this.answered + 1;
    this.rounds = Math.max(this.rounds, round);
    this.calls.push({ service, command, round });
    this.inFlight++;
    this.maxParallel = Math.max(this.maxParallel, this.inFlight);
    try {
      return await send();
    } finally {
      this.inFlight--;
      this.answered = Math.max(this.answered, round);
    }
  }

  summary() {
    const dynamo = this.calls.filter((c) => c.service === "dynamodb");
    return {
      dynamoCalls: dynamo.length,
      dynamoRounds: new Set(dynamo.map((c) => c.round)).size,
      snsCalls: this.calls.filter((c) => c.service === "sns").length,
      rounds: this.rounds,
      maxParallel: this.maxParallel,
      commands: this.calls.map((c) => `${c.round}:${c.command}`).join(" "),
    };
  }
}

const scope = new AsyncLocalStorage<Recorder>();

function countCalls(
  service: Call["service"],
  stack: ReturnType<typeof snsClient>["middlewareStack"],
) {
  stack.add(
    (next, context) => (args) => {
      const recorder = scope.getStore();
      const command = String(context.commandName ?? "?").replace(/Command$/, "");
      return recorder ? recorder.record(service, command, () => next(args)) : next(args);
    },
    { step: "initialize", name: "benchCallCounter" },
  );
}

/** One measured request per operation, on a fresh in-memory stack. */
export async function roundTrips() {
  const stack = await startLocalStack({ dataDir: null, port: 0 });
  try {
    countCalls("dynamodb", documentClient().middlewareStack);
    countCalls("sns", snsClient().middlewareStack);
    const results: Record<string, ReturnType<Recorder["summary"]>> = {};
    const measured = async (
      name: string,
      module: string,
      request: APIGatewayProxyEventV2,
      want: number,
    ) => {
      const recorder = new Recorder();
      const around = <T>(call: () => Promise<T>) => scope.run(recorder, call);
      expectStatus(name, await invoke(module, request, around), want);
      results[name] = recorder.summary();
    };

    const tag = String(Date.now()).slice(-8);
    const phone = `+336${tag}`;
    const codes = "functions/api/create-phone-verification-code";
    await measured(
      "POST /v1/phone_verification_codes",
      codes,
      event("POST", "/v1/phone_verification_codes", { phoneNumber: phone }),
      204,
    );

    const username = `bench_${tag}`;
    const password = BENCH_PASSWORD;
    const created = await invoke(
      "functions/api/create-customer",
      event("POST", "/v1/customers", {
        username,
        password,
        authMethod: "tfa_sms",
        phoneNumber: phone,
        phoneVerificationCode: await nextCode(stack, phone, 0),
      }),
    );
    expectStatus("POST /v1/customers", created, 201);

    const token = "functions/api/token";
    const grant = (extra: object = {}) =>
      event("POST", "/v1/token", { grant_type: "password", username, password, ...extra });
    expectStatus("otp_required", await invoke(token, grant()), 400);
    await measured(
      "/v1/token password + otp",
      token,
      grant({ otp: await nextCode(stack, phone, 1) }),
      200,
    );

    await measured(
      "POST /v1/sign_ins",
      "functions/api/create-sign-in",
      event("POST", "/v1/sign_ins", { identifier: username, password }),
      200,
    );

    // A user with a linked authenticator app, then a sign-in finished with the app's code.
    const secret = await userWithAuthenticatorApp(`bench_app_${tag}`);
    const id = await startSignIn(`bench_app_${tag}`);
    await measured(
      "attempt_second_factor (totp)",
      "functions/api/attempt-sign-in-second-factor",
      totpAttempt(id, secret),
      200,
    );
    return results;
  } finally {
    await stack.stop();
  }
}
