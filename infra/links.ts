/**
 * Turns the `link` lists of the route table, the subscribers and the connector tasks into the
 * SST components they name. Each infra module passes the components defined so far, so a
 * function can only be linked to what its row lists — and a row naming something not yet
 * defined fails the deploy with its own name instead of linking nothing.
 */
import type { Linkable as LinkableName } from "./routes";

/** Everything a row may link: SST components and the `ConnectorRuns` linkable. */
export type LinkTarget =
  | sst.Secret
  | sst.aws.Dynamo
  | sst.aws.SnsTopic
  | sst.aws.Email
  | sst.Linkable<Record<string, unknown>>;

export type LinkRegistry = Readonly<Partial<Record<LinkableName, LinkTarget>>>;

export function linksFor(
  names: readonly LinkableName[],
  registry: LinkRegistry,
  linkedBy: string,
): LinkTarget[] {
  return names.map((name) => {
    const target = registry[name];
    if (target === undefined) {
      throw new Error(`${linkedBy} links "${name}", which is not available to it`);
    }
    return target;
  });
}
