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
 * handed on as decoded: no toObject copy. 64-bit fields that are present on the wire are read
 * straight to bigint by BigintReader (no long.js object, no decimal string in between); unset ones
 * read their defaults from the message prototypes (a shared long.js zero, which `toBigInt` also
 * takes). Only the Quality enums are rewritten in place from numbers to names, so the shape matches
 * the typed stubs. Every other body (Hello, ack, bag result: rare) is decoded again with the usual
 * options, so its consumers see decimal strings as everywhere else. A telemetry message also
 * carries its bytes as `raw` (see IngestMessage).
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
  const Reader = bigintReaderClass(pb);
  fastAttach = (buf: Buffer) => {
    const msg = agentMessage.decode(new Reader(buf)) as unknown as { body?: string; telemetry?: RawTelemetry };
    if (msg.body !== 'telemetry' || !msg.telemetry) return decodeUsual(buf);
    const t = msg.telemetry;
    t.host_quality = name(t.host_quality);
    for (const d of t.domains) d.quality = name(d.quality);
    for (const f of t.functions) f.quality = name(f.quality);
    // The message's bytes ride along (not copied): the coordinator may keep a copy as the
    // compact form of a host's latest report and decode it again when it is read.
    return { body: 'telemetry', telemetry: t, raw: buf };
  };
  return fastAttach;
}

/** bigints 0..1023, shared: counters that are small (errors, timeouts, drops: mostly 0) allocate nothing. */
const SMALL_BIGINTS: readonly bigint[] = Array.from({ length: 1024 }, (_, i) => BigInt(i));

/** The low and high 32 bits of the last varint read by readVarint64 (module state: no object per read). */
let varLo = 0;
let varHi = 0;

/** Reads a base-128 varint of up to 64 bits at reader.pos into varLo/varHi (as protobufjs's readLongVarint). */
function readVarint64(r: { buf: Uint8Array; pos: number; len: number }): void {
  const buf = r.buf;
  const len = r.len;
  let pos = r.pos;
  let lo = 0;
  let hi = 0;
  let b = 0;
  // Bytes 1-4: bits 0..27 of lo.
  for (let shift = 0; shift < 28; shift += 7) {
    if (pos >= len) throw new RangeError(`index out of range: ${pos} + 1 > ${len}`);
    b = buf[pos++] as number;
    lo |= (b & 127) << shift;
    if (b < 128) {
      r.pos = pos;
      varLo = lo >>> 0;
      varHi = 0;
      return;
    }
  }
  // Byte 5: bits 28..31 of lo and 0..2 of hi.
  if (pos >= len) throw new RangeError(`index out of range: ${pos} + 1 > ${len}`);
  b = buf[pos++] as number;
  lo = (lo | ((b & 127) << 28)) >>> 0;
  hi = (b & 127) >> 4;
  if (b < 128) {
    r.pos = pos;
    varLo = lo;
    varHi = hi;
    return;
  }
  // Bytes 6-10: bits 3..31 of hi.
  for (let shift = 3; shift < 32; shift += 7) {
    if (pos >= len) throw new RangeError(`index out of range: ${pos} + 1 > ${len}`);
    b = buf[pos++] as number;
    hi = (hi | ((b & 127) << shift)) >>> 0;
    if (b < 128) {
      r.pos = pos;
      varLo = lo;
      varHi = hi;
      return;
    }
  }
  throw new Error('invalid varint encoding');
}

function unsignedBits(): bigint {
  if (varHi === 0) return varLo < SMALL_BIGINTS.length ? (SMALL_BIGINTS[varLo] as bigint) : BigInt(varLo);
  return (BigInt(varHi) << 32n) | BigInt(varLo);
}

/**
 * A protobufjs BufferReader whose uint64 and int64 return bigint. The generated decoders call
 * `reader.uint64()` for every 64-bit field (nested messages share the reader), so a report's
 * counters become bigint without a long.js object or a LongBits per field.
 */
function bigintReaderClass(pb: typeof Protobuf): new (buf: Buffer) => Protobuf.Reader {
  const Base = pb.BufferReader as unknown as new (buf: Buffer) => Protobuf.BufferReader;
  class BigintReader extends Base {}
  const proto = BigintReader.prototype as unknown as Record<string, unknown>;
  proto.uint64 = function (this: { buf: Uint8Array; pos: number; len: number }): bigint {
    readVarint64(this);
    return unsignedBits();
  };
  proto.int64 = function (this: { buf: Uint8Array; pos: number; len: number }): bigint {
    readVarint64(this);
    return varHi === 0 ? unsignedBits() : BigInt.asIntN(64, unsignedBits());
  };
  return BigintReader;
}
