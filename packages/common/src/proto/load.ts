// Loads the isawatt.v1 wire definition from proto/ at run time with the same options the typed
// stubs in ../generated were made with (scripts/gen-proto.mjs): keepCase, longs as String, enums
// as String, defaults, oneofs. uint64 fields therefore arrive as decimal strings; convert them with
// `toBigInt` at the edge, never with Number().
import type * as Grpc from '@grpc/grpc-js';
import type * as ProtoLoader from '@grpc/proto-loader';
import type { Options } from '@grpc/proto-loader';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ProtoGrpcType as AgentLinkProto } from '../generated/agent_link.js';
import type { ProtoGrpcType as ControlProto } from '../generated/control.js';
import { lazyRequire } from '../lazy-require.js';

export const PROTO_LOADER_OPTIONS: Options = {
  keepCase: true,
  longs: String,
  enums: String,
  defaults: true,
  oneofs: true,
};

/** Finds the repository's proto/ directory from this file (works from src/ and from dist/). */
export function protoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, 'proto', 'isawatt', 'v1', 'types.proto');
    if (existsSync(candidate)) return join(dir, 'proto');
    dir = dirname(dir);
  }
  throw new Error('proto: cannot find proto/isawatt/v1 above ' + fileURLToPath(import.meta.url));
}

let cached: (AgentLinkProto & ControlProto) | undefined;

/** The loaded package object: `loadProtos().isawatt.v1.AgentLink`, `.Control`. Loaded once. */
export function loadProtos(): AgentLinkProto & ControlProto {
  if (cached) return cached;
  const root = protoRoot();
  // Loaded here, not at import: commands that never speak gRPC do not pay for it (lazy-require.ts).
  const def = lazyRequire<typeof ProtoLoader>('@grpc/proto-loader')().loadSync(['isawatt/v1/agent_link.proto', 'isawatt/v1/control.proto'], {
    ...PROTO_LOADER_OPTIONS,
    includeDirs: [root],
  });
  cached = lazyRequire<typeof Grpc>('@grpc/grpc-js')().loadPackageDefinition(def) as unknown as AgentLinkProto & ControlProto;
  return cached;
}
