// Per-cgroup counters from a long-running `perf stat -a -A -x, -I <ms> -e <events>
// --for-each-cgroup <cgroups>` child, parsed line by line. Which events to count is decided at init
// by a probe run: hardware counters (cycles, instructions, cache misses, stalled cycles) where the CPU
// has them, otherwise software events (task-clock, msr/tsc/) — said in the log and in every sample's
// warnings, never silently. perf resolves cgroup names against the cgroup2 mount, so targets need a
// cgroupV2Path under `unifiedRoot` (on hybrid hosts: /sys/fs/cgroup/unified). The cgroup list is
// fixed per perf process: when the set of targets changes, perf is restarted (that interval is lost).
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { relative, isAbsolute } from 'node:path';
import { createInterface } from 'node:readline';
import { SensorUnavailableError, type Logger, nsToUs, sToMs } from '@isawatt/common';
import type { ActivitySample, ActivitySource, ActivityTarget, TargetActivity } from './activity-source.js';
import { parsePerfIntervalLine, parsePerfProbeLine } from './perf-stat-parser.js';

export interface PerfStatOptions {
  /** perf binary (default "perf" on PATH). */
  readonly perfPath?: string;
  /** Hardware events to try, in order (default cycles, instructions, cache-misses, stalled-cycles-backend). */
  readonly hardwareEvents?: readonly string[];
  /** Used when no hardware event is supported (default task-clock, msr/tsc/). */
  readonly softwareEvents?: readonly string[];
  /** perf -I interval, ms (default 1000; perf needs >= 10). Match the agent's tick. */
  readonly intervalMs?: number;
  /** cgroup2 mount that perf -G names are relative to (default /sys/fs/cgroup/unified). */
  readonly unifiedRoot: string;
  /**
   * Socket of each logical CPU. perf counts per CPU (-A) and the source sums by socket; CPUs not in
   * the map (or no map) count as socket 0.
   */
  readonly socketOfCpu?: ReadonlyMap<number, number>;
  readonly log: Logger;
}

export const PERF_HARDWARE_EVENTS = ['cycles', 'instructions', 'cache-misses', 'stalled-cycles-backend'];
export const PERF_SOFTWARE_EVENTS = ['task-clock', 'msr/tsc/'];
const CPU_TIME_EVENT = 'task-clock';

type Counts = Map<number, Map<string, bigint>>;

interface Batch {
  lines: number;
  readonly byCgroup: Map<string, Counts>;
}

function runPerf(perf: string, args: readonly string[]): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(perf, args, { timeout: 15_000, maxBuffer: 1 << 20 }, (err, _stdout, stderr) => {
      const e = err as (NodeJS.ErrnoException & { code?: unknown }) | null;
      if (e !== null && typeof e.code === 'string') {
        reject(e);
        return;
      }
      resolve({ code: e === null ? 0 : typeof e.code === 'number' ? e.code : 1, stderr });
    });
  });
}

export class PerfStatSource implements ActivitySource {
  readonly kind = 'perf';
  private readonly log: Logger;
  private readonly perf: string;
  private readonly intervalMs: number;
  private readonly unifiedRoot: string;
  private readonly socketOfCpu: ReadonlyMap<number, number>;
  private eventList: string[] = [];
  /** "hardware" or "software" counters (after init). */
  counterKind: 'hardware' | 'software' | 'none' = 'none';
  private child: ChildProcess | undefined;
  private childKey = '';
  private childExited: Promise<void> = Promise.resolve();
  private batches = new Map<number, Batch>();
  private lastBatchLines = 0;
  private lastIntervalS: number | undefined;
  private readonly stderrTail: string[] = [];
  private failures = 0;
  private nextStartMs = 0;

  constructor(private readonly opts: PerfStatOptions) {
    this.log = opts.log.child({ component: 'perf-stat' });
    this.perf = opts.perfPath ?? 'perf';
    this.intervalMs = opts.intervalMs ?? 1000;
    if (!(this.intervalMs >= 10)) throw new RangeError(`perf: intervalMs must be >= 10 (perf -I), got ${this.intervalMs}`);
    this.unifiedRoot = opts.unifiedRoot;
    this.socketOfCpu = opts.socketOfCpu ?? new Map();
  }

  /** The events counted, in feature order (after init). */
  get events(): readonly string[] {
    return this.eventList;
  }

  /** Probes which events this CPU and kernel support. */
  async init(): Promise<void> {
    const hw = this.opts.hardwareEvents ?? PERF_HARDWARE_EVENTS;
    const sw = this.opts.softwareEvents ?? PERF_SOFTWARE_EVENTS;
    const supported = await this.probe([...hw, ...sw]);
    const hwOk = hw.filter((e) => supported.has(e));
    const swOk = sw.filter((e) => supported.has(e));
    if (hwOk.length > 0) {
      this.counterKind = 'hardware';
      this.eventList = [...hwOk, ...(supported.has(CPU_TIME_EVENT) && !hwOk.includes(CPU_TIME_EVENT) ? [CPU_TIME_EVENT] : [])];
    } else if (swOk.length > 0) {
      this.counterKind = 'software';
      this.eventList = swOk;
      this.log.warn({ tried: hw, using: swOk }, 'perf: no hardware counters on this CPU (no PMU); using software events');
    } else {
      throw new SensorUnavailableError('perf', this.perf, `none of the events ${[...hw, ...sw].join(', ')} is supported`);
    }
    this.log.info({ events: this.eventList, counterKind: this.counterKind }, 'perf events selected');
  }

  private async probe(events: readonly string[]): Promise<Set<string>> {
    const once = async (list: readonly string[]): Promise<{ code: number; stderr: string }> => {
      try {
        return await runPerf(this.perf, ['stat', '-x,', '-a', '-e', list.join(','), '--', 'true']);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        throw new SensorUnavailableError(
          'perf',
          this.perf,
          code === 'ENOENT' ? 'perf not installed (linux-perf / linux-tools)' : `cannot run perf (${String(code)})`,
          {
            cause: err,
          },
        );
      }
    };
    const read = (stderr: string): Map<string, boolean> => {
      const m = new Map<string, boolean>();
      for (const line of stderr.split('\n')) {
        const p = parsePerfProbeLine(line);
        if (p !== undefined) m.set(p.event, p.supported);
      }
      return m;
    };
    const all = await once(events);
    if (/not allowed|limited|permission/i.test(all.stderr) && all.code !== 0) {
      throw new SensorUnavailableError(
        'perf',
        this.perf,
        `system-wide counting refused: ${all.stderr.trim().split('\n')[0] ?? ''} (run as root or with CAP_PERFMON)`,
      );
    }
    let result = read(all.stderr);
    if (all.code !== 0 || result.size === 0) {
      // One unknown PMU (e.g. msr/ on ARM) makes perf reject the whole list: try each event alone.
      result = new Map();
      for (const e of events) {
        const r = await once([e]);
        result.set(e, r.code === 0 && read(r.stderr).get(e) === true);
      }
    }
    return new Set([...result].filter(([, ok]) => ok).map(([e]) => e));
  }

  /** perf -G names, relative to the cgroup2 mount, for targets that have one. */
  private cgroupNames(targets: readonly ActivityTarget[], warnings: string[]): Map<string, string> {
    const names = new Map<string, string>();
    for (const t of targets) {
      const p = t.cgroupV2Path;
      const rel = p === undefined ? undefined : relative(this.unifiedRoot, p);
      if (rel === undefined || rel === '' || rel.startsWith('..') || isAbsolute(rel) || rel.includes(',')) {
        warnings.push(`${t.name}: no cgroup2 directory under ${this.unifiedRoot} for perf -G (${p ?? 'none'}); no counters`);
        continue;
      }
      names.set(rel, t.name);
    }
    return names;
  }

  private start(cgroups: readonly string[], nowMs: number): void {
    const args = ['stat', '-a', '-x,', '-I', String(this.intervalMs), '-A', '-e', this.eventList.join(','), '--for-each-cgroup', cgroups.join(',')];
    this.batches = new Map();
    this.lastBatchLines = 0;
    this.lastIntervalS = undefined;
    const child = spawn(this.perf, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    this.child = child;
    this.childKey = cgroups.join(',');
    this.childExited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        if (this.child === child) {
          this.child = undefined;
          this.failures++;
          // Back off: 1, 2, 4 ... 60 intervals before the next start.
          this.nextStartMs = Date.now() + Math.min(60, 2 ** (this.failures - 1)) * this.intervalMs;
          this.log.warn({ code, signal, stderr: this.stderrTail.join('\n') }, 'perf stat exited; will restart');
        }
        resolve();
      });
      child.once('error', (err) => {
        this.log.warn({ err }, 'perf stat failed to start');
        resolve();
      });
    });
    const rl = createInterface({ input: child.stderr });
    rl.on('line', (line) => this.onLine(line));
    this.log.debug({ args, nowMs }, 'perf stat started');
  }

  private onLine(line: string): void {
    const l = parsePerfIntervalLine(line, 'per-cpu');
    if (l === undefined) {
      if (line.trim() !== '') {
        this.stderrTail.push(line.trim());
        if (this.stderrTail.length > 5) this.stderrTail.shift();
      }
      return;
    }
    if (this.failures > 0 && this.batches.size === 0) this.failures = 0;
    let b = this.batches.get(l.intervalS);
    if (b === undefined) this.batches.set(l.intervalS, (b = { lines: 0, byCgroup: new Map() }));
    b.lines++;
    if (l.status !== 'counted') return;
    let counts = b.byCgroup.get(l.cgroup);
    if (counts === undefined) b.byCgroup.set(l.cgroup, (counts = new Map<number, Map<string, bigint>>()));
    const socket = l.cpu === undefined ? (l.socket ?? 0) : (this.socketOfCpu.get(l.cpu) ?? 0);
    let ev = counts.get(socket);
    if (ev === undefined) counts.set(socket, (ev = new Map<string, bigint>()));
    ev.set(l.event, (ev.get(l.event) ?? 0n) + l.count);
  }

  private async stop(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    this.childKey = '';
    if (child === undefined) return;
    const kill = setTimeout(() => child.kill('SIGKILL'), 2000);
    child.kill('SIGINT');
    await this.childExited;
    clearTimeout(kill);
  }

  /** Complete interval batches: all but the newest, and the newest once it has as many lines as the one before. */
  private takeComplete(expectedLines: number): { batches: Batch[]; spanMs: number } {
    const keys = [...this.batches.keys()].sort((a, b) => a - b);
    const newest = keys[keys.length - 1];
    const out: Batch[] = [];
    let spanMs = 0;
    for (const k of keys) {
      const b = this.batches.get(k);
      if (b === undefined) continue;
      const want = this.lastBatchLines > 0 ? this.lastBatchLines : expectedLines;
      if (k === newest && b.lines < want) break;
      this.batches.delete(k);
      this.lastBatchLines = b.lines;
      spanMs += this.lastIntervalS === undefined ? this.intervalMs : Math.round(sToMs(k - this.lastIntervalS));
      this.lastIntervalS = k;
      out.push(b);
    }
    return { batches: out, spanMs };
  }

  async sample(targets: readonly ActivityTarget[], nowMs: number): Promise<ActivitySample> {
    const warnings: string[] = [];
    if (this.counterKind === 'software') warnings.push(`perf: software events only (${this.eventList.join(', ')}): no hardware counters on this CPU`);
    const names = this.cgroupNames(targets, warnings);
    const cgroups = [...names.keys()].sort();
    const key = cgroups.join(',');
    if (key !== this.childKey || this.child === undefined) {
      if (this.child !== undefined) await this.stop();
      if (cgroups.length > 0 && Date.now() >= this.nextStartMs) this.start(cgroups, nowMs);
      else if (cgroups.length > 0) warnings.push(`perf: restarting after a failure (${this.stderrTail[this.stderrTail.length - 1] ?? 'no output'})`);
    }
    // Lines per interval: events × cgroups (× CPUs, learnt from the first batch).
    const { batches, spanMs } = this.takeComplete(this.eventList.length * cgroups.length);
    const byFn = new Map<string, Counts>();
    for (const b of batches) {
      for (const [cg, counts] of b.byCgroup) {
        const fn = names.get(cg);
        if (fn === undefined) continue;
        let acc = byFn.get(fn);
        if (acc === undefined) byFn.set(fn, (acc = new Map<number, Map<string, bigint>>()));
        for (const [s, ev] of counts) {
          let a = acc.get(s);
          if (a === undefined) acc.set(s, (a = new Map<string, bigint>()));
          for (const [e, n] of ev) a.set(e, (a.get(e) ?? 0n) + n);
        }
      }
    }
    const activity: TargetActivity[] = targets.map((t) => {
      const counts = byFn.get(t.name) ?? new Map<number, Map<string, bigint>>();
      let cpuNs = 0n;
      for (const ev of counts.values()) cpuNs += ev.get(CPU_TIME_EVENT) ?? 0n;
      return { name: t.name, cpuTimeUs: nsToUs(cpuNs), eventsBySocket: counts };
    });
    return { timestampMs: nowMs, intervalMs: batches.length > 0 ? spanMs : 0, targets: activity, events: this.eventList, warnings };
  }

  async close(): Promise<void> {
    await this.stop();
  }
}
