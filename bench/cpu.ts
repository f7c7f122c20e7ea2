/**
 * CPU per operation on the hot paths: the process's user + system time (`process.cpuUsage`) over a
 * bounded batch of requests, divided by the batch size, and a CPU profile of the same batch
 * that says where the time goes.
 *
 * The handlers run in this process against a local stack started for the run (see
 * `in-process.ts`), each warmed by one request first so that no batch pays a cold start.
 * DynamoDB Local is a separate Java process and is not counted; the SNS and SES stand-ins and
 * the notifier they trigger run in this process and are, which the profile's categories show.
 */
import { Session } from "node:inspector/promises";
import { startLocalStack } from "../infra/local/stack.js";
import {
  event,
  expectStatus,
  invoke,
  startSignIn,
  totpAttempt,
  userWithAuthenticatorApp,
} from "./in-process.js";

const BATCH = Number(process.env.BENCH_CPU_BATCH ?? 40);

/** Where a profile sample's function lives, by the file it comes from. */
function category(url: string, functionName: string): string {
  if (functionName === "(garbage collector)") return "garbage collection";
  if (functionName === "(idle)" || functionName === "(program)") return "idle / VM";
  if (url.includes("/infra/local/")) return "local stand-ins (not in Lambda)";
  if (url.includes("/functions/events/")) return "notifier (after the response)";
  if (url.includes("/functions/")) return "service code";
  const pkg = url.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/)?.[1];
  if (pkg?.startsWith("@aws-sdk/") || pkg?.startsWith("@smithy/") || pkg?.startsWith("@aws-")) {
    return "AWS SDK (serialise, sign, HTTP)";
  }
  if (pkg) return pkg;
  if (url.startsWith("node:") || url === "") return "Node.js internals (HTTP, crypto, streams)";
  return "other";
}

interface ProfileNode {
  id: number;
  callFrame: { url: string; functionName: string };
  children?: number[];
}

const STAND_INS = "local stand-ins (not in Lambda)";

/**
 * Self time per category, in percent of the samples that were not idle. A sample whose stack
 * passes through a local stand-in (the stream poller's SDK calls, the SNS and SES stand-ins'
 * HTTP) is the stand-in's, whatever library it is in: Lambda runs none of it in the request.
 */
function breakdown(profile: { nodes: ProfileNode[]; samples?: number[] }) {
  const parentOf = new Map<number, number>();
  for (const node of profile.nodes)
    for (const child of node.children ?? []) parentOf.set(child, node.id);
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const underStandIn = (id: number): boolean => {
    for (let at: number | undefined = id; at !== undefined; at = parentOf.get(at)) {
      if (byId.get(at)?.callFrame.url.includes("/infra/local/")) return true;
    }
    return false;
  };
  const categoryOf = new Map(
    profile.nodes.map((n) => {
      const own = category(n.callFrame.url, n.callFrame.functionName);
      return [n.id, own !== "idle / VM" && underStandIn(n.id) ? STAND_INS : own];
    }),
  );
  const counts = new Map<string, number>();
  for (const id of profile.samples ?? []) {
    const name = categoryOf.get(id) ?? "other";
    if (name === "idle / VM") continue;
    counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  const total = [...counts.values()].reduce((a, b) => a + b, 0) || 1;
  const standInShare = (counts.get(STAND_INS) ?? 0) / total;
  const shares = Object.fromEntries(
    [...counts.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 8)
      .map(([name, n]) => [name, `${Math.round((n / total) * 100)} %`]),
  );
  return { shares, standInShare };
}

/** Runs `batch` once under the profiler; CPU ms per request and where it went. */
async function measure(session: Session, batch: () => Promise<void>) {
  await session.post("Profiler.start");
  const before = process.cpuUsage();
  await batch();
  const used = process.cpuUsage(before);
  const { profile } = await session.post("Profiler.stop");
  const { shares, standInShare } = breakdown(
    profile as unknown as { nodes: ProfileNode[]; samples?: number[] },
  );
  const perRequest = (used.user + used.system) / 1000 / BATCH;
  return {
    requests: BATCH,
    cpuMsPerRequest: Math.round(perRequest * 100) / 100,
    /** Without the stand-ins' share of the samples: what the request itself costs. */
    cpuMsPerRequestWithoutStandIns: Math.round(perRequest * (1 - standInShare) * 100) / 100,
    profile: shares,
  };
}

export async function cpuPerOperation() {
  // Every request comes from one address: the per-source limits must not be what the batch hits.
  Object.assign(process.env, {
    CODE_MAX_SENDS_PER_IP: "1000",
    SMS_DAILY_BUDGET: "100000",
    REGISTRATION_MAX_PER_IP: "100000",
    PASSWORD_MAX_ATTEMPTS_PER_IP: "100000",
  });
  const stack = await startLocalStack({ dataDir: null, port: 0 });
  const session = new Session();
  session.connect();
  try {
    await session.post("Profiler.enable");
    await session.post("Profiler.setSamplingInterval", { interval: 200 });
    const tag = String(Date.now()).slice(-5);
    const phone = (i: number) => `+336${tag}${String(i).padStart(3, "0")}`;
    const codes = "functions/api/create-phone-verification-code";
    const createCode = (i: number) =>
      invoke(codes, event("POST", "/v1/phone_verification_codes", { phoneNumber: phone(i) }));
    expectStatus("warm-up code", await createCode(999), 204);

    // One user per TOTP attempt: a code is single use, and one user's step has one.
    const users = [];
    for (let i = 0; i <= BATCH; i++) {
      const username = `cpu_${tag}_${i}`;
      users.push({ username, secret: await userWithAuthenticatorApp(username) });
    }
    const signIns: string[] = [];
    for (const user of users) signIns.push(await startSignIn(user.username));
    const attempt = "functions/api/attempt-sign-in-second-factor";
    const [first, ...rest] = users;
    if (!first) throw new Error("no users");
    expectStatus(
      "warm-up attempt",
      await invoke(attempt, totpAttempt(signIns[0] ?? "", first.secret)),
      200,
    );

    const results = {
      "attempt_second_factor (totp)": await measure(session, async () => {
        for (const [i, user] of rest.entries()) {
          expectStatus(
            "totp attempt",
            await invoke(attempt, totpAttempt(signIns[i + 1] ?? "", user.secret)),
            200,
          );
        }
      }),
      "POST /v1/phone_verification_codes": await measure(session, async () => {
        for (let i = 0; i < BATCH; i++) expectStatus("code", await createCode(i), 204);
      }),
    };
    return results;
  } finally {
    session.disconnect();
    await stack.stop();
  }
}
