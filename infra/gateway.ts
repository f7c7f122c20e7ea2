/**
 * The HTTP API itself, apart from its routes (infra/api.ts): the connector tasks are given its
 * URL as the demo connector's target, while the routes link the state machine, so one deploy
 * wires both ways without a cycle.
 */
export const gateway = new sst.aws.ApiGatewayV2("Api");
