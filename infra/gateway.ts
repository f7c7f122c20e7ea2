/**
 * The HTTP API itself, apart from its routes (infra/api.ts): the connector tasks are given its
 * URL as the demo connector's target, while the routes link the state machine, so one deploy
 * wires both ways without a cycle.
 */
import { corsConfig } from "./cors";

/**
 * Stage-wide throttling: a ceiling on what a flood can cost (Lambda, argon2id, SMS) before the
 * per-user and per-IP limits of the functions, which remain the precise ones.
 */
const THROTTLE = { throttlingRateLimit: 200, throttlingBurstLimit: 400 };

const cors = corsConfig(process.env);

export const gateway = new sst.aws.ApiGatewayV2("Api", {
  // SST's default is CORS for every origin; this API allows only the configured ones, if any.
  cors:
    cors === null
      ? false
      : {
          allowOrigins: [...cors.allowOrigins],
          allowCredentials: false,
          allowMethods: [...cors.allowMethods],
          allowHeaders: [...cors.allowHeaders],
          exposeHeaders: [...cors.exposeHeaders],
          maxAge: `${cors.maxAgeSeconds} seconds`,
        },
  transform: {
    stage: (args) => {
      args.defaultRouteSettings = THROTTLE;
    },
  },
});
