/**
 * Validates the parsed body against the endpoint's valibot schema and hands the handler the
 * schema's output. Descriptions say what was expected, never what was received: the received
 * value may be a password or a code sent in the wrong shape.
 */
import * as v from "valibot";
import { DomainError } from "../../core/errors.js";
import type { ApiMiddleware } from "./types.js";

function describeIssue(where: string, issue: v.BaseIssue<unknown>): string {
  const limit = issue.expected?.replace(/^[<>]=/, "");
  switch (issue.type) {
    case "min_length":
      return `${where} must have at least ${limit} characters.`;
    case "max_length":
      return `${where} must have at most ${limit} characters.`;
    case "check":
      // The message of a `v.check` of this service's schemas: a rule, never the value.
      return `${where} ${issue.message}.`;
    default:
      return issue.kind === "schema" && issue.expected
        ? `${where} must be ${issue.expected}.`
        : `${where} has an invalid value.`;
  }
}

function validationError(issues: readonly v.BaseIssue<unknown>[]): DomainError {
  const issue = issues[0];
  const field = issue ? v.getDotPath(issue) : null;
  const where = field ?? "body";
  const description =
    issue === undefined
      ? "The body is invalid."
      : issue.input === undefined && field !== null
        ? `${where} is required.`
        : describeIssue(where, issue);
  return new DomainError("invalid_request", description, field === null ? {} : { field });
}

export function validation(schema: v.GenericSchema): ApiMiddleware {
  return {
    name: "validation",
    before: ({ event }) => {
      const parsed = v.safeParse(schema, event.body);
      if (!parsed.success) throw validationError(parsed.issues);
      event.body = parsed.output;
    },
  };
}
