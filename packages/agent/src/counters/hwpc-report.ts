// PowerAPI hwpc-sensor reports: parsing and validation of one socket-output line (compact JSON,
// NDJSON) or one CSV row, into a typed report with every count as bigint. hwpc-sensor writes uint64
// JSON integers; time_enabled in <= v1.6.0 is cumulative and passes 2^53 on long runs, so JSON is
// parsed with lossless-json (integers -> bigint, never through a double).
// Shape (docs/reference-readings.md, "hwpc-sensor reports"): {timestamp, sensor, target, groups: {<group>: {<socket>: {<cpu>:
// {<event>: n, time_enabled: ns, time_running: ns}}}}}; socket and cpu ids are strings.
import { parse as parseLossless } from 'lossless-json';

export interface HwpcCpuReading {
  /** Event counts (time fields excluded), as reported. */
  readonly events: ReadonlyMap<string, bigint>;
  readonly timeEnabledNs: bigint;
  readonly timeRunningNs: bigint;
}

/** socket -> cpu -> reading. */
export type HwpcGroupReadings = ReadonlyMap<number, ReadonlyMap<number, HwpcCpuReading>>;

export interface HwpcReport {
  /** Wall clock of the sensor tick, ms since epoch (shared by all targets of the tick). */
  readonly timestampMs: number;
  readonly sensor: string;
  /** "all" for the system target, else the cgroup path relative to the sensor's base path. */
  readonly target: string;
  readonly groups: ReadonlyMap<string, HwpcGroupReadings>;
}

/** A line or row that is not a valid report; `reason` names the field and what was expected. */
export class HwpcFormatError extends Error {
  override readonly name = 'HwpcFormatError';
}

const U64_MAX = 0xffff_ffff_ffff_ffffn;

function integerOrFloat(text: string): bigint | number {
  return /^-?\d+$/.test(text) ? BigInt(text) : Number(text);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function u64(v: unknown, where: string): bigint {
  if (typeof v !== 'bigint' || v < 0n || v > U64_MAX) {
    throw new HwpcFormatError(`${where}: expected an unsigned 64-bit integer, got ${typeof v === 'string' ? `"${v}"` : String(v)}`);
  }
  return v;
}

function id(key: string, where: string): number {
  if (!/^\d{1,6}$/.test(key)) throw new HwpcFormatError(`${where}: expected a numeric id, got "${key}"`);
  return Number(key);
}

function readingOf(raw: unknown, where: string): HwpcCpuReading {
  if (!isRecord(raw)) throw new HwpcFormatError(`${where}: expected an object of event counts`);
  const events = new Map<string, bigint>();
  let te: bigint | undefined;
  let tr: bigint | undefined;
  for (const [k, v] of Object.entries(raw)) {
    const n = u64(v, `${where}.${k}`);
    if (k === 'time_enabled') te = n;
    else if (k === 'time_running') tr = n;
    else events.set(k, n);
  }
  if (te === undefined || tr === undefined) throw new HwpcFormatError(`${where}: missing time_enabled/time_running`);
  return { events, timeEnabledNs: te, timeRunningNs: tr };
}

/** Validates a decoded JSON value as a report. Throws HwpcFormatError naming the bad field. */
export function toHwpcReport(doc: unknown): HwpcReport {
  if (!isRecord(doc)) throw new HwpcFormatError('report: expected a JSON object');
  const ts = doc.timestamp;
  if (typeof ts !== 'bigint' || ts < 0n || ts > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new HwpcFormatError(`timestamp: expected ms since epoch as an integer, got ${String(ts)}`);
  }
  // Strings from the wire are keyed and printed (logs, /healthz, probe): printable ASCII, bounded.
  if (typeof doc.sensor !== 'string' || !/^[\x20-\x7e]{1,256}$/.test(doc.sensor))
    throw new HwpcFormatError('sensor: expected a string of 1 to 256 printable ASCII characters');
  if (typeof doc.target !== 'string' || !/^[\x20-\x7e]{1,4096}$/.test(doc.target))
    throw new HwpcFormatError('target: expected a cgroup path of 1 to 4096 printable ASCII characters');
  if (!isRecord(doc.groups)) throw new HwpcFormatError('groups: expected an object');
  const groups = new Map<string, Map<number, Map<number, HwpcCpuReading>>>();
  for (const [g, sockets] of Object.entries(doc.groups)) {
    if (!isRecord(sockets)) throw new HwpcFormatError(`groups.${g}: expected an object of sockets`);
    const bySocket = new Map<number, Map<number, HwpcCpuReading>>();
    for (const [s, cpus] of Object.entries(sockets)) {
      const where = `groups.${g}.${s}`;
      if (!isRecord(cpus)) throw new HwpcFormatError(`${where}: expected an object of CPUs`);
      const byCpu = new Map<number, HwpcCpuReading>();
      for (const [c, reading] of Object.entries(cpus)) byCpu.set(id(c, `${where}.${c}`), readingOf(reading, `${where}.${c}`));
      bySocket.set(id(s, where), byCpu);
    }
    groups.set(g, bySocket);
  }
  return { timestampMs: Number(ts), sensor: doc.sensor, target: doc.target, groups };
}

/** Parses one NDJSON line of hwpc-sensor's socket output. Throws HwpcFormatError. */
export function parseHwpcJsonLine(line: string): HwpcReport {
  let doc: unknown;
  try {
    doc = parseLossless(line, null, integerOrFloat);
  } catch (err) {
    throw new HwpcFormatError(`not JSON: ${(err as Error).message}`);
  }
  return toHwpcReport(doc);
}

/** Header of a hwpc CSV file: timestamp,sensor,target,socket,cpu,<events sorted, time_* last>. */
export interface HwpcCsvHeader {
  readonly columns: readonly string[];
}

const FIXED = ['timestamp', 'sensor', 'target', 'socket', 'cpu'];

export function parseHwpcCsvHeader(line: string): HwpcCsvHeader {
  const columns = line.trim().split(',');
  if (FIXED.some((c, i) => columns[i] !== c)) {
    throw new HwpcFormatError(`csv header: expected it to start with ${FIXED.join(',')}, got "${line.slice(0, 80)}"`);
  }
  if (!columns.includes('time_enabled') || !columns.includes('time_running')) {
    throw new HwpcFormatError('csv header: missing time_enabled/time_running columns');
  }
  return { columns };
}

/** One CSV row -> a single-CPU report of `group`. Throws HwpcFormatError naming the column. */
export function parseHwpcCsvRow(header: HwpcCsvHeader, group: string, line: string): HwpcReport {
  const cells = line.trim().split(',');
  if (cells.length !== header.columns.length) {
    throw new HwpcFormatError(`csv row: ${cells.length} fields, header has ${header.columns.length}`);
  }
  const raw: Record<string, unknown> = {};
  const reading: Record<string, unknown> = {};
  header.columns.forEach((col, i) => {
    const cell = cells[i] ?? '';
    if (col === 'sensor' || col === 'target') raw[col] = cell;
    else if (col === 'socket' || col === 'cpu') raw[col] = cell;
    else {
      const v = /^\d{1,20}$/.test(cell) ? BigInt(cell) : cell;
      if (col === 'timestamp') raw.timestamp = v;
      else reading[col] = v;
    }
  });
  const socket = String(raw.socket);
  const cpu = String(raw.cpu);
  return toHwpcReport({ ...raw, groups: { [group]: { [socket]: { [cpu]: reading } } } });
}
