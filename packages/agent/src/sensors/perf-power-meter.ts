// RAPL through the perf `power` PMU (x86): event descriptions from
// <sysfs>/bus/event_source/devices/power/events, counts read by a long-running
// `perf stat -a --per-socket -x, -I <ms>` child. The kernel accumulates the 32-bit MSR into a 64-bit
// count, so there is no wrap to handle; perf applies the 2^-32 J scale and prints joules. Energy of
// a tick is the sum of the perf intervals received since the previous sample, so a tick boundary is
// resolved to one perf interval (default 100 ms).
import { SensorUnavailableError, jToUj, msToS } from '@isawatt/common';
import { spawn, type ChildProcess } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { parseCpuList } from '../hardware/cpu-list.js';
import type { Quality } from '@isawatt/common';
import { emulatedProfileOf } from './emulated-marker.js';
import type { DomainSample, EnergyDomainInfo, EnergyMeter, MeterSample } from './energy-meter.js';
import { readOptionalTrimmed, readTextFile, readTrimmed, SensorFileError, type TextFileReader } from '../hostfs/sysfs-file.js';

export const PERF_PERMISSION_HINT = 'opening the power PMU needs root, CAP_PERFMON (Linux ≥ 5.8) or kernel.perf_event_paranoid ≤ 0';

/** Our domain prefix of each power PMU event, and whether it counts toward the host total. */
const EVENT_DOMAINS: Readonly<Record<string, { prefix: string; inHostTotal: boolean }>> = {
  'energy-pkg': { prefix: 'package', inHostTotal: true },
  'energy-ram': { prefix: 'dram', inHostTotal: true },
  'energy-cores': { prefix: 'core', inHostTotal: false },
  'energy-gpu': { prefix: 'gpu', inHostTotal: false },
  'energy-psys': { prefix: 'psys', inHostTotal: false },
};

export interface PowerPmuEvent {
  readonly event: string;
  /** perf config value from "event=0x02". */
  readonly config: number;
  /** Joules per count (2^-32 on every known kernel). */
  readonly scale: number;
  readonly unit: string;
}

export interface PowerPmu {
  readonly dir: string;
  readonly type: number;
  /** One CPU per package (or die): the number of sockets perf reports. */
  readonly cpumask: readonly number[];
  readonly events: readonly PowerPmuEvent[];
}

/** Reads the power PMU description; throws SensorUnavailableError naming the file. */
export async function readPowerPmu(sysfsRoot: string, read: TextFileReader = readTextFile): Promise<PowerPmu> {
  const dir = join(sysfsRoot, 'bus/event_source/devices/power');
  const eventsDir = join(dir, 'events');
  let files: string[];
  try {
    files = await readdir(eventsDir);
  } catch (err) {
    throw new SensorUnavailableError('perf-power', dir, 'no perf power PMU (not x86 with RAPL, or the kernel has no RAPL PMU for this CPU)', { cause: err });
  }
  try {
    const typeText = await readTrimmed(join(dir, 'type'), read);
    const cpumaskText = await readTrimmed(join(dir, 'cpumask'), read);
    const events: PowerPmuEvent[] = [];
    for (const f of files.filter((f) => !f.includes('.')).sort()) {
      const path = join(eventsDir, f);
      const desc = await readTrimmed(path, read);
      const m = /(?:^|,)event=(0x[0-9a-f]+|\d+)(?:,|$)/i.exec(desc);
      if (!m) throw new SensorFileError(path, `expected "event=0x.." in the event description, got "${desc}"`);
      const scaleText = (await readOptionalTrimmed(`${path}.scale`, read)) ?? '1';
      const scale = Number(scaleText);
      if (!Number.isFinite(scale) || scale <= 0) throw new SensorFileError(`${path}.scale`, `expected a positive number, got "${scaleText}"`);
      events.push({ event: f, config: Number(m[1]), scale, unit: (await readOptionalTrimmed(`${path}.unit`, read)) ?? '' });
    }
    if (!/^\d+$/.test(typeText)) throw new SensorFileError(join(dir, 'type'), `expected the PMU type number, got "${typeText}"`);
    let cpumask: number[];
    try {
      cpumask = parseCpuList(cpumaskText);
    } catch (err) {
      throw new SensorFileError(join(dir, 'cpumask'), (err as Error).message);
    }
    return { dir, type: Number(typeText), cpumask, events };
  } catch (err) {
    if (err instanceof SensorFileError) throw err.toUnavailable('perf-power');
    throw err;
  }
}

/** One parsed `perf stat -x, --per-socket -I` line: joules of one event on one socket in one interval. */
export interface PerfIntervalReading {
  readonly socket: number;
  readonly event: string;
  readonly joules: number;
}

/**
 * Parses "   0.100192,S0,1,8.50,Joules,power/energy-pkg/,100123456,100.00,,". Returns undefined for
 * lines that are not readings (comments, blank) and throws for "<not supported>"/"<not counted>".
 */
export function parsePerfIntervalLine(line: string): PerfIntervalReading | undefined {
  const f = line.trim().split(',');
  const s = f.findIndex((x) => /^S\d+$/.test(x));
  if (s < 0 || f.length < s + 5) return undefined;
  const value = f[s + 2] as string;
  const event = /^power\/([a-z-]+)\/$/.exec(f[s + 4] as string)?.[1];
  if (event === undefined) return undefined;
  if (value.startsWith('<')) throw new Error(`perf reports ${value} for power/${event}/`);
  const joules = Number(value);
  if (!Number.isFinite(joules)) throw new Error(`perf printed "${value}" for power/${event}/, expected joules`);
  if ((f[s + 3] as string) !== 'Joules') throw new Error(`perf printed unit "${f[s + 3]}" for power/${event}/, expected Joules`);
  return { socket: Number((f[s] as string).slice(1)), event, joules };
}

export interface PerfPowerMeterOptions {
  readonly sysfsRoot: string;
  readonly readFile?: TextFileReader;
  /** perf binary (default "perf" on PATH). */
  readonly perfPath?: string;
  /** perf's own interval, ms (default 100; perf's minimum is 10). */
  readonly perfIntervalMs?: number;
  /** How long init waits for perf's first interval (default 3000 ms). */
  readonly startTimeoutMs?: number;
}

export class PerfPowerMeter implements EnergyMeter {
  readonly kind = 'perf-power';
  private qualityLabel: Quality = 'measured';
  private readonly opts: Required<Omit<PerfPowerMeterOptions, 'readFile'>> & { readFile: TextFileReader };
  private pmu: PowerPmu | undefined;
  private infos: EnergyDomainInfo[] = [];
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();
  private pending = new Map<string, number>();
  private failure: string | undefined;
  private lastMs: number | undefined;

  constructor(opts: PerfPowerMeterOptions) {
    this.opts = {
      sysfsRoot: opts.sysfsRoot,
      readFile: opts.readFile ?? readTextFile,
      perfPath: opts.perfPath ?? 'perf',
      perfIntervalMs: Math.max(10, opts.perfIntervalMs ?? 100),
      startTimeoutMs: opts.startTimeoutMs ?? 3000,
    };
  }

  get quality(): Quality {
    return this.qualityLabel;
  }

  /** The PMU description found by init. */
  get description(): PowerPmu | undefined {
    return this.pmu;
  }

  async init(): Promise<void> {
    await this.close();
    const pmu = await readPowerPmu(this.opts.sysfsRoot, this.opts.readFile);
    const events = pmu.events.filter((e) => EVENT_DOMAINS[e.event] !== undefined);
    if (events.length === 0) throw new SensorUnavailableError(this.kind, join(pmu.dir, 'events'), 'no energy-* event listed');
    this.pmu = { ...pmu, events };
    if ((await emulatedProfileOf(this.opts.sysfsRoot)) !== undefined) this.qualityLabel = 'emulated';
    this.infos = [];
    for (let socket = 0; socket < Math.max(1, pmu.cpumask.length); socket++) {
      for (const e of events) {
        const d = EVENT_DOMAINS[e.event] as { prefix: string; inHostTotal: boolean };
        if (d.prefix === 'psys' && socket > 0) continue;
        this.infos.push({
          domain: d.prefix === 'psys' ? 'psys' : `${d.prefix}-${socket}`,
          socket,
          inHostTotal: d.inHostTotal,
          maxEnergyUj: null,
          path: `perf:power/${e.event}/`,
        });
      }
    }
    await this.startPerf(events);
  }

  private startPerf(events: readonly PowerPmuEvent[]): Promise<void> {
    const args = ['stat', '-a', '--per-socket', '-x', ',', '-I', String(this.opts.perfIntervalMs), '-e', events.map((e) => `power/${e.event}/`).join(',')];
    const child = spawn(this.opts.perfPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    this.child = child;
    this.failure = undefined;
    const stderrTail: string[] = [];
    return new Promise<void>((resolve, reject) => {
      let started = false;
      const fail = (why: string): void => {
        this.failure = why;
        if (!started) {
          started = true;
          clearTimeout(timer);
          reject(new SensorUnavailableError(this.kind, `${this.opts.perfPath} ${args.join(' ')}`, why));
        }
      };
      const timer = setTimeout(() => fail(`perf printed no interval within ${this.opts.startTimeoutMs} ms`), this.opts.startTimeoutMs);
      this.exited = new Promise<void>((done) => {
        child.on('error', (err) => {
          fail(`cannot run perf (${(err as NodeJS.ErrnoException).code ?? err.message}); install linux-perf`);
          done();
        });
        child.on('exit', (code, signal) => {
          this.child = undefined;
          // perf's usage text follows the actual error; keep the lines that say what went wrong.
          const said = stderrTail.filter((l) => /error|cannot|permission|not supported|no such|missing|denied|access/i.test(l)).slice(0, 3);
          const tail = (said.length > 0 ? said : stderrTail.slice(0, 2)).join(' | ');
          const live = this.opts.sysfsRoot === '/sys' ? '' : ` (perf always opens the live kernel's PMU, not the one described under ${this.opts.sysfsRoot})`;
          fail(`perf exited (${signal ?? `code ${code}`})${tail ? `: ${tail}` : ''}; ${PERF_PERMISSION_HINT}${live}`);
          done();
        });
      });
      if (child.stderr === null) return;
      createInterface({ input: child.stderr }).on('line', (line) => {
        let r: PerfIntervalReading | undefined;
        try {
          r = parsePerfIntervalLine(line);
        } catch (err) {
          fail((err as Error).message);
          return;
        }
        if (r === undefined) {
          if (line.trim() !== '' && !line.startsWith('#') && stderrTail.length < 50) stderrTail.push(line.trim());
          return;
        }
        const key = `${r.event}@${r.socket}`;
        this.pending.set(key, (this.pending.get(key) ?? 0) + r.joules);
        if (!started) {
          started = true;
          clearTimeout(timer);
          resolve();
        }
      });
    });
  }

  domains(): readonly EnergyDomainInfo[] {
    return this.infos;
  }

  notes(): readonly string[] {
    const pmu = this.pmu;
    if (pmu === undefined) return [];
    return [
      `power PMU type ${pmu.type}, cpumask ${pmu.cpumask.join(',')}; events ${pmu.events.map((e) => `${e.event} (event=0x${e.config.toString(16)}, scale ${e.scale} ${e.unit})`).join(', ')}; perf interval ${this.opts.perfIntervalMs} ms`,
    ];
  }

  sample(nowMs: number): Promise<MeterSample> {
    if (this.failure !== undefined && this.child === undefined) return Promise.reject(new SensorUnavailableError(this.kind, 'perf', this.failure));
    const intervalMs = this.lastMs === undefined ? 0 : nowMs - this.lastMs;
    const baseline = this.lastMs === undefined;
    this.lastMs = nowMs;
    const taken = this.pending;
    this.pending = new Map();
    const domains: DomainSample[] = this.infos.map((info) => {
      const event = info.path.slice('perf:power/'.length, -1);
      const joules = baseline ? 0 : (taken.get(`${event}@${info.socket}`) ?? 0);
      const energyUj = jToUj(joules);
      return { domain: info.domain, socket: info.socket, inHostTotal: info.inHostTotal, energyUj, powerW: intervalMs > 0 ? joules / msToS(intervalMs) : 0 };
    });
    return Promise.resolve({ timestampMs: nowMs, intervalMs, domains, warnings: [] });
  }

  async close(): Promise<void> {
    const child = this.child;
    if (child?.pid !== undefined) child.kill('SIGINT');
    await this.exited;
    this.child = undefined;
  }
}
