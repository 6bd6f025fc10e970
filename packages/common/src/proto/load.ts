// Loads the isawatt.v1 wire definition from proto/ at run time with the same options the typed
// stubs in ../generated were made with (scripts/gen-proto.mjs): keepCase, longs as String, enums
// as String, defaults, oneofs. uint64 fields therefore arrive as decimal strings; convert them with
// `toBigInt` at the edge, never with Number().
import type * as Grpc from '@grpc/grpc-js';
import type * as ProtoLoader from '@grpc/proto-loader';
import type * as Protobuf from 'protobufjs';
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

let fastAttach: ((buf: Buffer) => unknown) | undefined;

/** Enum fields of a TelemetryReport and its parts (all isawatt.v1.Quality). */
interface RawTelemetry {
  host_quality: number | string;
  domains: { quality: number | string }[];
  functions: { quality: number | string }[];
}

/**
 * The deserializer of AgentLink.Attach's client messages for the coordinator's ingest path
 * (1,000 agents x 200 functions a second). A telemetry report is decoded once by protobufjs and
 * handed on as decoded: no toObject copy, 64-bit fields stay long.js objects ({low, high,
 * unsigned}) that `toBigInt` turns into bigint exactly (no long -> decimal string -> bigint round
 * trip), unset fields read their defaults from the message prototypes. Only the Quality enums are
 * rewritten in place from numbers to names, so the shape matches the typed stubs. Every other body
 * (Hello, ack, bag result: rare) is decoded again with the usual options, so its consumers see
 * decimal strings as everywhere else.
 */
export function agentMessageDeserializer(): (buf: Buffer) => unknown {
  if (fastAttach) return fastAttach;
  const includeDir = protoRoot();
  const pb = lazyRequire<typeof Protobuf>('protobufjs')();
  const root = new pb.Root();
  root.resolvePath = (_origin: string, target: string) => join(includeDir, target);
  root.loadSync('isawatt/v1/agent_link.proto', { keepCase: true });
  const agentMessage = root.lookupType('isawatt.v1.AgentMessage');
  const qualityNames = root.lookupEnum('isawatt.v1.Quality').valuesById;
  const name = (q: number | string): string => (typeof q === 'number' ? (qualityNames[q] ?? String(q)) : q);
  const usual = lazyRequire<typeof ProtoLoader>('@grpc/proto-loader')().loadSync(['isawatt/v1/agent_link.proto'], {
    ...PROTO_LOADER_OPTIONS,
    includeDirs: [includeDir],
  })['isawatt.v1.AgentLink'] as ProtoLoader.ServiceDefinition;
  const attach = usual.Attach;
  if (!attach) throw new Error('proto: isawatt.v1.AgentLink has no Attach method');
  const decodeUsual = attach.requestDeserialize;
  fastAttach = (buf: Buffer) => {
    const msg = agentMessage.decode(buf) as unknown as { body?: string; telemetry?: RawTelemetry };
    if (msg.body !== 'telemetry' || !msg.telemetry) return decodeUsual(buf);
    const t = msg.telemetry;
    t.host_quality = name(t.host_quality);
    for (const d of t.domains) d.quality = name(d.quality);
    for (const f of t.functions) f.quality = name(f.quality);
    return { body: 'telemetry', telemetry: t };
  };
  return fastAttach;
}
