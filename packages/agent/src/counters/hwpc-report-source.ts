// Activity from PowerAPI hwpc-sensor: a TCP server that the sensor's socket output connects to
// (`"output": {"type": "socket", "uri": "<agent host>", "port": <port>}`; one JSON report per line),
// and/or a reader of its CSV output directory (`"output": {"type": "csv", "directory": ...}`, one
// `<group>.csv` per group, appended to). Both feed the same aggregator. Malformed lines are counted,
// logged (rate-limited) and reported as warnings; they never stop ingestion.
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { open, readdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { SensorUnavailableError, type Logger } from '@isawatt/common';
import type { ActivitySample, ActivitySource, ActivityTarget, TargetActivity } from './activity-source.js';
import { HwpcAggregator, type HwpcAggregateOptions } from './hwpc-aggregate.js';
import { HwpcFormatError, parseHwpcCsvHeader, parseHwpcCsvRow, parseHwpcJsonLine, type HwpcCsvHeader, type HwpcReport } from './hwpc-report.js';

export interface HwpcReportSourceOptions extends Partial<HwpcAggregateOptions> {
  /** Listen for the sensor's socket output here (e.g. { host: '0.0.0.0', port: 9080 }). */
  readonly listen?: { readonly host: string; readonly port: number };
  /** Read the sensor's CSV output from this directory. */
  readonly csvDirectory?: string;
  /**
   * The cgroup base path the sensor monitors (its `cgroup_basepath`), as the agent sees it: a
   * function's target name is its cgroup path relative to this, with a leading "/".
   */
  readonly cgroupBasePath: string;
  /** Longest accepted NDJSON line, bytes (default 1 MiB); longer lines count as malformed. */
  readonly maxLineBytes?: number;
  readonly log: Logger;
}

/** Why a report was not used (the `reason` label of isawatt_hwpc_reports_rejected_total). */
export type HwpcRejectReason = 'not_json' | 'invalid_report' | 'csv_format' | 'line_too_long' | 'late';

/** What the source has seen, for /healthz, /metrics and `probe`. */
export interface HwpcSourceStats {
  /** Reports accepted into the aggregator (socket lines or CSV rows). */
  readonly reports: number;
  readonly rejected: ReadonlyMap<HwpcRejectReason, number>;
  readonly malformedLines: number;
  readonly pendingTicks: number;
  /** Monotonic time (performance.now()) the last report was accepted; undefined before the first. */
  readonly lastReportAtMs: number | undefined;
  /** Sensor timestamp (ms since epoch) of the newest accepted report. */
  readonly lastSensorTimestampMs: number | undefined;
  readonly listening: string | undefined;
  readonly connections: number;
  /** Sensor names seen (at most 16 kept). */
  readonly sensors: readonly string[];
  /** hwpc targets of the last released ticks -> function name, or null for cgroups that are not functions. */
  readonly targets: ReadonlyMap<string, string | null>;
}

const MAX_SENSOR_NAMES = 16;

function reasonOf(message: string): HwpcRejectReason {
  if (message.startsWith('not JSON')) return 'not_json';
  if (message.startsWith('csv')) return 'csv_format';
  if (message.startsWith('line longer')) return 'line_too_long';
  return 'invalid_report';
}

interface CsvFileState {
  offset: number;
  header: HwpcCsvHeader | undefined;
  partial: string;
}

export class HwpcReportSource implements ActivitySource {
  readonly kind = 'hwpc-sensor';
  private readonly log: Logger;
  private readonly aggregator: HwpcAggregator;
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private readonly csvFiles = new Map<string, CsvFileState>();
  private malformedTotal = 0;
  private malformedSinceSample = 0;
  private lastMalformed = '';
  private reportsTotal = 0;
  private readonly maxLineBytes: number;
  private readonly knownTargets = new Set<string>();
  private readonly rejected = new Map<HwpcRejectReason, number>();
  private lastReportAtMs: number | undefined;
  private lastSensorTimestampMs: number | undefined;
  private readonly sensors = new Set<string>();
  private lastTargets: ReadonlyMap<string, string | null> = new Map();

  constructor(private readonly opts: HwpcReportSourceOptions) {
    if (opts.listen === undefined && opts.csvDirectory === undefined) {
      throw new RangeError('hwpc-sensor: set listen (socket output) and/or csvDirectory (CSV output)');
    }
    this.log = opts.log.child({ component: 'hwpc-sensor' });
    this.aggregator = new HwpcAggregator(opts);
    this.maxLineBytes = opts.maxLineBytes ?? 1 << 20;
  }

  /** Counters for health reporting, /metrics, probe and tests. */
  stats(): HwpcSourceStats {
    const a = this.address();
    return {
      reports: this.reportsTotal,
      rejected: new Map(this.rejected),
      malformedLines: this.malformedTotal,
      pendingTicks: this.aggregator.pendingTicks,
      lastReportAtMs: this.lastReportAtMs,
      lastSensorTimestampMs: this.lastSensorTimestampMs,
      listening: a ? `${a.address}:${a.port}` : undefined,
      connections: this.sockets.size,
      sensors: [...this.sensors],
      targets: this.lastTargets,
    };
  }

  /** Milliseconds since the last accepted report (monotonic), or undefined before the first. */
  lastReportAgeMs(nowMonoMs = performance.now()): number | undefined {
    return this.lastReportAtMs === undefined ? undefined : Math.max(0, nowMonoMs - this.lastReportAtMs);
  }

  private accepted(report: HwpcReport): void {
    if (!this.aggregator.add(report)) {
      this.rejected.set('late', (this.rejected.get('late') ?? 0) + 1);
      return;
    }
    this.reportsTotal++;
    this.lastReportAtMs = performance.now();
    this.lastSensorTimestampMs = Math.max(this.lastSensorTimestampMs ?? 0, report.timestampMs);
    if (this.sensors.size < MAX_SENSOR_NAMES) this.sensors.add(report.sensor);
  }

  /** The TCP address actually bound (port 0 picks one), once init has run. */
  address(): AddressInfo | undefined {
    const a = this.server?.address();
    return a !== null && typeof a === 'object' ? a : undefined;
  }

  async init(): Promise<void> {
    if (this.opts.csvDirectory !== undefined) {
      try {
        await readdir(this.opts.csvDirectory);
      } catch (err) {
        throw new SensorUnavailableError('hwpc-sensor', this.opts.csvDirectory, 'csv output directory unreadable', { cause: err });
      }
    }
    const listen = this.opts.listen;
    if (listen === undefined) return;
    const server = createServer((socket) => this.accept(socket));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(listen.port, listen.host, () => {
        server.off('error', reject);
        resolve();
      });
    }).catch((err: unknown) => {
      throw new SensorUnavailableError('hwpc-sensor', `${listen.host}:${listen.port}`, 'cannot listen for the socket output', { cause: err });
    });
    server.on('error', (err) => this.log.error({ err }, 'hwpc report server error'));
    this.server = server;
    this.log.info({ address: this.address() }, 'listening for hwpc-sensor socket output');
  }

  private accept(socket: Socket): void {
    this.sockets.add(socket);
    const peer = `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`;
    this.log.info({ peer }, 'hwpc-sensor connected');
    socket.setEncoding('utf8');
    let buffer = '';
    let discarding = false;
    socket.on('data', (chunk: string) => {
      buffer += chunk;
      let nl = buffer.indexOf('\n');
      while (nl >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        if (discarding) discarding = false;
        else this.ingestJsonLine(line, peer);
        nl = buffer.indexOf('\n');
      }
      if (buffer.length > this.maxLineBytes) {
        if (!discarding) this.malformed(peer, `line longer than ${this.maxLineBytes} bytes`);
        discarding = true;
        buffer = '';
      }
    });
    socket.on('error', (err) => this.log.warn({ peer, err }, 'hwpc-sensor connection error'));
    socket.on('close', () => {
      this.sockets.delete(socket);
      if (buffer.trim() !== '' && !discarding) this.ingestJsonLine(buffer, peer);
      this.log.info({ peer }, 'hwpc-sensor disconnected');
    });
  }

  /** One NDJSON line from `origin`. Public so that a file replay can use the same path. */
  ingestJsonLine(line: string, origin: string): void {
    if (line.trim() === '') return;
    try {
      this.accepted(parseHwpcJsonLine(line));
    } catch (err) {
      if (!(err instanceof HwpcFormatError)) throw err;
      this.malformed(origin, err.message);
    }
  }

  private malformed(origin: string, reason: string): void {
    const key = reasonOf(reason);
    this.rejected.set(key, (this.rejected.get(key) ?? 0) + 1);
    this.malformedTotal++;
    this.malformedSinceSample++;
    this.lastMalformed = `${origin}: ${reason}`;
    // Rate-limited: a sensor stuck on a bad format would otherwise flood the log.
    if (this.malformedTotal <= 10 || this.malformedTotal % 1000 === 0) {
      this.log.warn({ origin, reason, malformedTotal: this.malformedTotal }, 'malformed hwpc-sensor report skipped');
    }
  }

  private async readCsv(): Promise<void> {
    const dir = this.opts.csvDirectory;
    if (dir === undefined) return;
    let names: string[];
    try {
      names = (await readdir(dir)).filter((n) => n.endsWith('.csv')).sort();
    } catch (err) {
      this.log.warn({ dir, err }, 'hwpc csv directory unreadable this tick');
      return;
    }
    for (const name of names) await this.readCsvFile(join(dir, name));
  }

  private async readCsvFile(path: string): Promise<void> {
    let state = this.csvFiles.get(path);
    if (state === undefined) this.csvFiles.set(path, (state = { offset: 0, header: undefined, partial: '' }));
    const group = basename(path, '.csv');
    const fh = await open(path, 'r');
    let text: string;
    try {
      const { size } = await fh.stat();
      if (size < state.offset) {
        // Truncated or replaced (a new sensor run uses O_EXCL on a fresh file): start over.
        state.offset = 0;
        state.header = undefined;
        state.partial = '';
      }
      if (size === state.offset) return;
      const buf = Buffer.alloc(size - state.offset);
      const { bytesRead } = await fh.read(buf, 0, buf.length, state.offset);
      state.offset += bytesRead;
      text = state.partial + buf.subarray(0, bytesRead).toString('utf8');
    } finally {
      await fh.close();
    }
    const lines = text.split('\n');
    state.partial = lines.pop() ?? '';
    for (const raw of lines) {
      const line = raw.replace(/\r$/, '');
      if (line.trim() === '') continue;
      try {
        if (state.header === undefined) {
          state.header = parseHwpcCsvHeader(line);
          continue;
        }
        this.accepted(parseHwpcCsvRow(state.header, group, line));
      } catch (err) {
        if (!(err instanceof HwpcFormatError)) throw err;
        this.malformed(path, err.message);
      }
    }
  }

  /** Maps the sensor's target names (relative cgroup paths) to function names. */
  private targetNames(targets: readonly ActivityTarget[]): Map<string, string> {
    const base = this.opts.cgroupBasePath.replace(/\/+$/, '');
    const map = new Map<string, string>();
    for (const t of targets) {
      const paths = [t.cgroupV2Path, ...Object.values(t.cgroupV1Paths ?? {})];
      for (const p of paths) {
        if (p === undefined) continue;
        const clean = p.replace(/\/+$/, '');
        if (clean.startsWith(`${base}/`)) map.set(clean.slice(base.length), t.name);
      }
    }
    return map;
  }

  async sample(targets: readonly ActivityTarget[], nowMs: number): Promise<ActivitySample> {
    await this.readCsv();
    const act = this.aggregator.release();
    const names = this.targetNames(targets);
    const warnings = [...act.warnings];
    if (this.malformedSinceSample > 0) {
      warnings.push(`hwpc: ${this.malformedSinceSample} malformed line(s) skipped (total ${this.malformedTotal}); last: ${this.lastMalformed}`);
      this.malformedSinceSample = 0;
    }
    const byFunction = new Map<string, TargetActivity>();
    const other = new Map<number, Map<string, bigint>>();
    if (act.ticks > 0) this.lastTargets = new Map([...act.eventsByTarget.keys()].slice(0, 1000).map((t) => [t, names.get(t) ?? null]));
    for (const [target, bySocket] of act.eventsByTarget) {
      const fn = names.get(target);
      if (fn === undefined) {
        for (const [s, counts] of bySocket) {
          let o = other.get(s);
          if (o === undefined) other.set(s, (o = new Map<string, bigint>()));
          for (const [e, n] of counts) o.set(e, (o.get(e) ?? 0n) + n);
        }
        continue;
      }
      this.knownTargets.add(target);
      const prev = byFunction.get(fn);
      const cpu = act.cpuTimeUsByTarget.get(target) ?? 0n;
      byFunction.set(fn, { name: fn, cpuTimeUs: (prev?.cpuTimeUs ?? 0n) + cpu, eventsBySocket: mergeSockets(prev?.eventsBySocket, bySocket) });
    }
    // Targets whose function left: drop their cumulative-time baselines.
    const live = new Set(names.keys());
    for (const t of this.knownTargets) {
      if (!live.has(t)) {
        this.aggregator.forgetTarget(t);
        this.knownTargets.delete(t);
      }
    }
    // The span the consumed sensor ticks cover (not the agent's own tick): the counts belong to it.
    const intervalMs = act.ticks > 0 ? act.intervalMs : 0;
    if (act.ticks === 0 && this.reportsTotal > 0) warnings.push('hwpc: no complete sensor tick since the previous sample');
    const sample: ActivitySample = {
      timestampMs: nowMs,
      intervalMs,
      targets: targets.map((t) => byFunction.get(t.name) ?? { name: t.name, cpuTimeUs: 0n, eventsBySocket: new Map() }),
      events: act.events,
      warnings,
      otherEventsBySocket: other,
      ...(act.energyUjBySocket.size > 0 ? { hostEnergyUjBySocket: act.energyUjBySocket } : {}),
      ...(act.frequencyMhzBySocket.size > 0 ? { frequencyMhzBySocket: act.frequencyMhzBySocket } : {}),
      ...(act.ticks > 0 ? { spanMs: { startMs: act.spanStartMs, endMs: act.spanEndMs } } : {}),
    };
    return sample;
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    const server = this.server;
    this.server = undefined;
    if (server !== undefined) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

function mergeSockets(
  a: ReadonlyMap<number, ReadonlyMap<string, bigint>> | undefined,
  b: ReadonlyMap<number, ReadonlyMap<string, bigint>>,
): Map<number, Map<string, bigint>> {
  const out = new Map<number, Map<string, bigint>>();
  for (const src of [a, b]) {
    for (const [s, counts] of src ?? []) {
      let o = out.get(s);
      if (o === undefined) out.set(s, (o = new Map<string, bigint>()));
      for (const [e, n] of counts) o.set(e, (o.get(e) ?? 0n) + n);
    }
  }
  return out;
}
