/// <reference path="./.sst/platform/config.d.ts" />

/**
 * Composes the infra modules; each one defines a resource group (see infra/). Importing a
 * module creates its resources, so the imports run inside `run()`, where SST has set up the
 * globals (`sst`, `aws`, `$app`) they use.
 */
export default $config({
  app(input) {
    const isProduction = input?.stage === "production";
    return {
      name: "twofa",
      home: "aws",
      // Production keeps its table (users, factors, sessions) and refuses `sst remove`;
      // every other stage is disposable.
      removal: isProduction ? "retain" : "remove",
      protect: isProduction,
    };
  },
  async run() {
    await import("./infra/secrets");
    await import("./infra/storage");
    await import("./infra/messaging");
    await import("./infra/workflow");
    const { api } = await import("./infra/api");
    return { api: api.url };
  },
});
