/** Points this test process's AWS SDK clients at the local stack (call before using adapters). */
import { inject } from "vitest";

export function useLocalAws(): { tableName: string } {
  Object.assign(process.env, inject("localEnv"));
  return { tableName: inject("tableName") };
}
