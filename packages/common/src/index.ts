// Public surface of @isawatt/common: the shared domain vocabulary (domain.ts), proto loading and
// types, units, errors, lifecycle, logging, backoff, config loading, TLS, and the domain -> wire
// mappings both daemons share. No business logic lives here.
export * from './domain.js';
export * from './units.js';
export * from './errors.js';
export * from './exit-codes.js';
export * from './logger.js';
export * from './backoff.js';
export * from './deep-freeze.js';
export * from './delay.js';
export * from './exit-with-parent.js';
export * from './lifecycle.js';
export * from './config-loader.js';
export { lazyRequire } from './lazy-require.js';
export * from './tls.js';
export * from './cert-roles.js';
export * from './http-auth.js';
export * from './wire-convert.js';
export { agentMessageDeserializer, loadProtos, protoRoot, PROTO_LOADER_OPTIONS } from './proto/load.js';
export type * as wire from './generated/wire.js';
export type { ProtoGrpcType as AgentLinkProto } from './generated/agent_link.js';
export type { ProtoGrpcType as ControlProto } from './generated/control.js';
