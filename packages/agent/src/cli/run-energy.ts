// Energy of a one-shot `run`: the host's energy source (createMeter: RAPL, hwmon, ... or the
// estimated model, labelled as such) is sampled once a second, and each second's energy is split
// by CPU-time share (the attribution the agent uses when there are no per-cgroup counters) between
// the function's cgroup, the rest of the host, and the idle/static part. The figures carry the
// quality of the weakest input: "estimated" whenever the host energy is a model.
import { errorMessage, type Logger } from '@isawatt/common';
import { cpus } from 'node:os';
import type { ActivityTarget } from '../counters/activity-source.js';
import { attributeByCpuTime } from '../attribution/cputime-share.js';
import { createMeter, DEFAULT_METERS } from '../sensors/create-meter.js';
import type { EnergyMeter } from '../sensors/energy-meter.js';
import { functionCpuTimeUs, hostCpuTimeUs } from '../runtime/cpu-time.js';
import type { Quality } from '@isawatt/common';
import { weakerQuality } from '@isawatt/common';

export interface RunEnergy {
  /** Energy source kind ("rapl", "estimated", ...). */
  readonly source: string;
  readonly quality: Quality;
  readonly method: 'cputime-share';
  readonly hostEnergyJ: number;
  /** The function's share of the active (dynamic) energy. */
  readonly functionDynamicEnergyJ: number;
  /** Dynamic plus its share of the idle/static part. */
  readonly functionTotalEnergyJ: number;
  readonly intervals: number;
}

export interface RunEnergyOptions {
  readonly sysfsRoot: string;
  readonly procRoot: string;
  readonly target: ActivityTarget;
  readonly log: Logger;
  readonly intervalMs?: number;
}

/** Samples until `stop()`; undefined (with the reason logged) when no energy source works. */
export class RunEnergyTracker {
  private timer: NodeJS.Timeout | undefined;
  private hostUj = 0n;
  private dynamicUj = 0n;
  private totalUj = 0n;
  private intervals = 0;
  private quality: Quality;
  private busy: Promise<void> = Promise.resolve();
  private prevMs: number;

  private constructor(
    private readonly meter: EnergyMeter,
    private readonly opts: RunEnergyOptions,
    private prevFnUs: bigint,
    private prevHostUs: bigint,
  ) {
    this.quality = meter.quality;
    this.prevMs = Date.now();
    this.timer = setInterval(() => {
      this.busy = this.busy.then(() => this.safeTick());
    }, opts.intervalMs ?? 1000);
  }

  static async start(opts: RunEnergyOptions): Promise<RunEnergyTracker | string> {
    let meter: EnergyMeter;
    try {
      // Sources missing on this host are expected: their reasons only at debug level.
      const quiet = opts.log.isLevelEnabled('debug') ? opts.log : opts.log.child({ component: 'run-energy' }, { level: 'error' });
      meter = (await createMeter(DEFAULT_METERS, { sysfsRoot: opts.sysfsRoot, procfsRoot: opts.procRoot }, quiet)).meter;
    } catch (err) {
      return `no energy source: ${errorMessage(err)}`;
    }
    await meter.sample(Date.now()); // baseline
    const fn = (await functionCpuTimeUs(opts.target)) ?? 0n;
    const host = await hostCpuTimeUs(opts.procRoot);
    return new RunEnergyTracker(meter, opts, fn, host);
  }

  /** A failed sample loses that interval (logged), never the run. */
  private async safeTick(): Promise<void> {
    try {
      await this.tick();
    } catch (err) {
      this.opts.log.warn({ err: errorMessage(err) }, 'energy sample failed; interval skipped');
    }
  }

  private async tick(): Promise<void> {
    const now = Date.now();
    const sample = await this.meter.sample(now);
    const fnUs = (await functionCpuTimeUs(this.opts.target)) ?? this.prevFnUs;
    const hostUs = await hostCpuTimeUs(this.opts.procRoot);
    const intervalMs = now - this.prevMs;
    const nCpus = Math.max(1, cpus().length);
    const hostEnergyUj = sample.domains.filter((d) => d.inHostTotal).reduce((s, d) => s + d.energyUj, 0n);
    const activity = {
      timestampMs: now,
      intervalMs,
      targets: [{ name: this.opts.target.name, cpuTimeUs: fnUs - this.prevFnUs, eventsBySocket: new Map<number, ReadonlyMap<string, bigint>>() }],
      events: [],
      warnings: [],
    };
    const input = {
      timestampMs: now,
      intervalMs,
      hostEnergyUj,
      hostQuality: this.meter.quality,
      domains: sample.domains,
      activity,
      cpuUtilization: intervalMs > 0 ? Number(hostUs - this.prevHostUs) / (intervalMs * 1000 * nCpus) : 0,
      frequencyMhzBySocket: new Map<number, number>(),
      socketOfCpu: new Map<number, number>(),
    };
    const result = attributeByCpuTime(input, activity, { cpuCount: nCpus }, 'one-shot run: cpu-time share');
    const mine = result.functions[0];
    this.hostUj += hostEnergyUj;
    this.dynamicUj += mine?.dynamicEnergyUj ?? 0n;
    this.totalUj += mine?.totalEnergyUj ?? 0n;
    if (mine !== undefined) this.quality = weakerQuality(this.quality, mine.quality);
    this.intervals++;
    this.prevMs = now;
    this.prevFnUs = fnUs;
    this.prevHostUs = hostUs;
  }

  async stop(): Promise<RunEnergy> {
    if (this.timer !== undefined) clearInterval(this.timer);
    await this.busy;
    await this.safeTick();
    await this.meter.close?.();
    return {
      source: this.meter.kind,
      quality: this.quality,
      method: 'cputime-share',
      hostEnergyJ: Number(this.hostUj) / 1e6,
      functionDynamicEnergyJ: Number(this.dynamicUj) / 1e6,
      functionTotalEnergyJ: Number(this.totalUj) / 1e6,
      intervals: this.intervals,
    };
  }
}
