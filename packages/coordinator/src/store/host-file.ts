// The on-disk form of one host (state-dir/hosts/<host-id>.json): a versioned JSON document whose
// 64-bit counters are decimal strings. `decodeHostFile` validates every field and names the
// problem, so a hand-edited or foreign file is refused with a clear message instead of half-loaded.
import { z } from 'zod';
import { formatIssues } from '@isawatt/common';
import type { PersistedHost } from '../registry/types.js';

export const HOST_FILE_KIND = 'isawatt.coordinator.host';
export const HOST_FILE_VERSION = 1;

/** Largest counter a state file may hold (2^63 - 1): a forged 2^64 - 1 cannot come back from disk. */
export const MAX_STORED_COUNTER = 2n ** 63n - 1n;

export const storedCounter = z
  .string()
  .regex(/^\d{1,20}$/, 'expected a decimal unsigned integer string')
  .transform((s) => BigInt(s))
  .refine((v) => v <= MAX_STORED_COUNTER, `expected at most ${MAX_STORED_COUNTER}`);
const quality = z.enum(['measured', 'modelled', 'estimated', 'emulated', 'unknown']);
const count = z.number().int().min(0);

const helloSchema = z.object({
  hostId: z.string().min(1),
  arch: z.enum(['x86_64', 'aarch64', 'unknown']),
  cpuModel: z.string(),
  sockets: count,
  physicalCores: count,
  logicalCpus: count,
  functionCpus: z.array(count),
  hostType: z.string(),
  energySources: z.array(
    z.object({
      kind: z.string(),
      path: z.string(),
      quality,
      domains: z.array(z.string()),
      primary: z.boolean(),
      detail: z.string(),
    }),
  ),
  counterSource: z.string(),
  pinning: z.string(),
  catalogue: z.array(
    z.object({
      name: z.string(),
      version: z.string(),
      runtime: z.string(),
      category: z.string(),
      runnable: z.boolean(),
      unavailableReason: z.string(),
    }),
  ),
  agentVersion: z.string(),
  sessionId: z.string(),
  emulated: z.boolean(),
  emulatedProfile: z.string(),
  runningAssignmentVersion: storedCounter,
  memoryBytes: storedCounter,
  idlePowerW: z.number().min(0),
  invokeAddress: z.string().max(262).optional(),
  invokeScheme: z.enum(['http', 'https']).optional(),
});

const assignmentSchema = z.object({
  version: storedCounter,
  functions: z.array(
    z.object({
      function: z.string().min(1),
      cores: count,
      rateRps: z.number().min(0),
      arrival: z.string(),
    }),
  ),
  issuedAtMs: z.number().int().min(0),
});

const hostFileSchema = z.object({
  kind: z.literal(HOST_FILE_KIND),
  schemaVersion: z.literal(HOST_FILE_VERSION),
  host: z.object({
    hostId: z.string().min(1),
    hello: helloSchema,
    registeredAtMs: z.number().int().min(0),
    lastSeenMs: z.number().int().min(0),
    lastSeqBySession: z.record(z.string(), storedCounter),
    assignment: assignmentSchema.nullable(),
    lastIssuedVersion: storedCounter,
    ackedAssignmentVersion: storedCounter,
    placements: z.array(z.object({ function: z.string(), cpus: z.array(count), workerPids: z.array(count) })),
  }),
});

/** Where the Hello's text goes in the document (no host id or fixed key can contain a quote). */
const HELLO_SLOT = '"@@hello@@"';

/** A Hello's JSON text, indented for its place in the host file, made once per Hello object. */
const helloTextCache = new WeakMap<PersistedHost['hello'], string>();

function helloText(hello: PersistedHost['hello']): string {
  let text = helloTextCache.get(hello);
  if (text === undefined) {
    const plain = { ...hello, runningAssignmentVersion: hello.runningAssignmentVersion.toString(), memoryBytes: hello.memoryBytes.toString() };
    // Nested under "host": every line after the first moves 4 spaces right.
    text = JSON.stringify(plain, null, 2).replaceAll('\n', '\n    ');
    helloTextCache.set(hello, text);
  }
  return text;
}

/**
 * The host file's text. The registry saves every host each flush interval (its telemetry
 * watermark moves with every report), so this is on the ingest path: bigints are converted up
 * front (no replacer, which JSON.stringify would call for every key) and the Hello, which changes
 * only on attach and holds the catalogue, is serialised once per Hello and spliced in.
 */
export function encodeHostFile(host: PersistedHost): string {
  const a = host.assignment;
  const sessions: Record<string, string> = {};
  for (const [s, seq] of Object.entries(host.lastSeqBySession)) sessions[s] = seq.toString();
  const doc = {
    kind: HOST_FILE_KIND,
    schemaVersion: HOST_FILE_VERSION,
    host: {
      hostId: host.hostId,
      hello: HELLO_SLOT.slice(1, -1),
      registeredAtMs: host.registeredAtMs,
      lastSeenMs: host.lastSeenMs,
      lastSeqBySession: sessions,
      assignment: a ? { version: a.version.toString(), functions: a.functions, issuedAtMs: a.issuedAtMs } : null,
      lastIssuedVersion: host.lastIssuedVersion.toString(),
      ackedAssignmentVersion: host.ackedAssignmentVersion.toString(),
      placements: host.placements,
    },
  };
  // A function replacement: the Hello's text is inserted as is ("$" patterns are not expanded).
  return JSON.stringify(doc, null, 2).replace(HELLO_SLOT, () => helloText(host.hello)) + '\n';
}

/** Parses a host file; throws an Error listing every problem, prefixed with `what` (the path). */
export function decodeHostFile(text: string, what: string): PersistedHost {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new Error(`${what}: not valid JSON (${(err as Error).message})`);
  }
  const r = hostFileSchema.safeParse(doc);
  if (!r.success) throw new Error(`${what}: ${formatIssues(r.error.issues).join('; ')}`);
  const h = r.data.host;
  if (h.hello.hostId !== h.hostId) throw new Error(`${what}: host.hello.hostId "${h.hello.hostId}" differs from host.hostId "${h.hostId}"`);
  // Versions come only from this coordinator: none may exceed the last one it issued.
  const issued = h.lastIssuedVersion;
  const over: string[] = [];
  if (h.ackedAssignmentVersion > issued) over.push(`host.ackedAssignmentVersion ${h.ackedAssignmentVersion} exceeds host.lastIssuedVersion ${issued}`);
  if (h.assignment && h.assignment.version > issued) over.push(`host.assignment.version ${h.assignment.version} exceeds host.lastIssuedVersion ${issued}`);
  if (over.length > 0) throw new Error(`${what}: ${over.join('; ')} (a version the coordinator never issued)`);
  return { ...h, assignment: h.assignment ?? undefined };
}
