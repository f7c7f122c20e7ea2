/**
 * Errors of the Step Functions API, as the JSON 1.0 protocol carries them. The SDK takes the
 * exception name from the part of `__type` after `#`, so `InvalidToken` here is an
 * `InvalidToken` instance for `@aws-sdk/client-sfn` callers.
 */
export type SfnErrorCode =
  | "ExecutionAlreadyExists"
  | "ExecutionDoesNotExist"
  | "InvalidArn"
  | "InvalidExecutionInput"
  | "InvalidName"
  | "InvalidOutput"
  | "InvalidToken"
  | "StateMachineDoesNotExist"
  | "TaskDoesNotExist"
  | "TaskTimedOut"
  | "ValidationException"
  | "SerializationException"
  | "UnknownOperationException"
  | "RequestEntityTooLarge"
  | "InternalFailure";

/** The namespace AWS Step Functions itself puts in `__type`. */
const ERROR_NAMESPACE = "com.amazonaws.swf.service.v2.model";

export class SfnServiceError extends Error {
  constructor(
    readonly code: SfnErrorCode,
    message: string,
    readonly httpStatus = 400,
  ) {
    super(message);
    this.name = code;
  }

  toJSON(): { __type: string; message: string } {
    return { __type: `${ERROR_NAMESPACE}#${this.code}`, message: this.message };
  }
}
