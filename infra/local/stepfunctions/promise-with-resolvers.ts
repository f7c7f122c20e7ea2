/**
 * aws-local-stepfunctions 3 calls `Promise.withResolvers` (ES2024, Node ≥ 22) for every Task
 * state; Node 20 lacks it. Imported for its side effect before the library.
 */
interface Resolvers<T> {
  promise: Promise<T>;
  resolve: (value: T | PromiseLike<T>) => void;
  reject: (reason?: unknown) => void;
}

export function deferred<T>(): Resolvers<T> {
  let resolve!: Resolvers<T>["resolve"];
  let reject!: Resolvers<T>["reject"];
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const PromiseConstructor: PromiseConstructor & { withResolvers?: <T>() => Resolvers<T> } = Promise;
if (typeof PromiseConstructor.withResolvers !== "function") {
  PromiseConstructor.withResolvers = deferred;
}
