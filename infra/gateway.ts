/**
 * The HTTP API itself, apart from its routes (infra/api.ts): the connector tasks are given its
 * URL as the demo connector's target, while the routes link the state machine, so one deploy
 * wires both ways without a cycle.
 */

/**
 * Stage-wide throttling: a ceiling on what a flood can cost (Lambda, argon2id, SMS) before the
 * per-user and per-IP limits of the functions, which remain the precise ones.
 */
const THROTTLE = { throttlingRateLimit: 200, throttlingBurstLimit: 400 };

export const gateway = new sst.aws.ApiGatewayV2("Api", {
  transform: {
    stage: (args) => {
      args.defaultRouteSettings = THROTTLE;
    },
  },
});
