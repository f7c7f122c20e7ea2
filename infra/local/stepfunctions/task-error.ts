/** A task failure as the library matches it against `Retry` and `Catch` (by `name`). */
export class TaskError extends Error {
  constructor(name: string, cause: string | undefined) {
    super(cause ?? "");
    this.name = name;
  }
}
