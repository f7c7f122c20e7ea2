import { StateMachine, type StateMachineDefinition } from "aws-local-stepfunctions";
import type { AslDefinition, AslTaskState } from "../../connector-run.asl.js";
import {
  LIBRARY_TIMER_SLACK_SECONDS,
  MAX_TIMER_SECONDS,
  STATE_MACHINE_ARN,
  SUPPORTED_STATE_TYPES,
  TASK_RESOURCES,
  timerSafeSeconds,
} from "./definitions.js";

export interface LocalStateMachine {
  /** `arn:aws:states:<region>:<account>:stateMachine:<name>` */
  arn: string;
  name: string;
  definition: AslDefinition;
  /** Runs the Lambda function `functionArn` (the task's `FunctionName`) with `payload`. */
  invokeFunction: (functionArn: string, payload: unknown) => Promise<unknown>;
  roleArn?: string;
}

/** A state machine as the engine runs it: its definition checked once, at the start. */
export class Machine {
  readonly region: string;
  readonly roleArn: string;
  readonly library: StateMachine;
  /** A copy: the caller's object may change after the start, this machine must not. */
  readonly definition: AslDefinition;
  /** Task states by name: each gets a local handler. */
  readonly tasks = new Map<string, AslTaskState>();
  /** Locally, a state machine is created when the service starts. */
  readonly creationDate = new Date();

  constructor(readonly config: LocalStateMachine) {
    const arn = STATE_MACHINE_ARN.exec(config.arn);
    if (!arn) throw new Error(`Not a state machine ARN: ${config.arn}`);
    const [, region = "", accountId = "", name = ""] = arn;
    if (name !== config.name) throw new Error(`State machine ${config.name} has ARN ${config.arn}`);
    this.region = region;
    this.roleArn = config.roleArn ?? `arn:aws:iam::${accountId}:role/local-stepfunctions`;
    this.definition = structuredClone(config.definition);

    // What AWS refuses when a state machine is created, refused here at the start.
    for (const [stateName, state] of Object.entries(this.definition.States)) {
      const where = `${config.name}.${stateName}`;
      if (!SUPPORTED_STATE_TYPES.has(state.Type)) {
        throw new Error(`${where}: ${state.Type} states are not supported`);
      }
      if (state.Type !== "Task") continue;
      const resource = TASK_RESOURCES[state.Resource];
      if (!resource) throw new Error(`${where}: unsupported resource ${state.Resource}`);
      const parameters = state.Parameters ?? {};
      if (!("FunctionName" in parameters || "FunctionName.$" in parameters)) {
        throw new Error(`${where}: Parameters must give a FunctionName`);
      }
      if (resource.callback && !JSON.stringify(parameters).includes("$$.Task.Token")) {
        throw new Error(`${where}: a callback task must pass $$.Task.Token`);
      }
      const { TimeoutSeconds, HeartbeatSeconds } = state;
      if (HeartbeatSeconds !== undefined && HeartbeatSeconds >= (TimeoutSeconds ?? Infinity)) {
        throw new Error(`${where}: HeartbeatSeconds must be less than TimeoutSeconds`);
      }
      this.tasks.set(stateName, state);
    }
    // The library validates the definition (asl-validator) and throws when it is invalid.
    this.library = new StateMachine(this.definitionForLibrary());
  }

  get arn(): string {
    return this.config.arn;
  }
  get name(): string {
    return this.config.name;
  }

  /** A copy whose timers the library never fires first; ours stand in for them. */
  private definitionForLibrary(): StateMachineDefinition {
    const { TimeoutSeconds: _executionTimeout, ...copy } = structuredClone(this.definition);
    for (const state of Object.values(copy.States)) {
      if (state.Type !== "Task") continue;
      state.TimeoutSeconds = timerSafeSeconds(
        (state.TimeoutSeconds ?? MAX_TIMER_SECONDS) + LIBRARY_TIMER_SLACK_SECONDS,
      );
    }
    // Our ASL subset types and the library's describe the same JSON; its types are stricter
    // about unions of optional comparison operators than is useful here.
    return copy as unknown as StateMachineDefinition;
  }
}
