// The estimated meter: for hosts with no energy sensor at all. Host power is modelled from CPU
// utilisation and a per-CPU power profile (power-profiles.ts), integrated over each interval.
// Quality is always "estimated" (or "emulated" on an emulated tree); nothing here is a measurement.
import { energyUjOf, powerW } from '@isawatt/common';
import { cpus } from 'node:os';
import { readProcStat, utilization, type CpuTimes } from '../hostfs/proc-stat.js';
import type { Quality } from '@isawatt/common';
import type { EnergyDomainInfo, EnergyMeter, MeterSample } from './energy-meter.js';
import { estimatedPowerW, findPowerProfile, type PowerProfile } from './power-profiles.js';

export interface EstimatedMeterOptions {
  readonly procfsRoot: string;
  /** CPU model string used to pick the profile (default: the first CPU's model from node:os). */
  readonly cpuModel?: string;
  readonly sockets?: number;
  readonly logicalCpus?: number;
  /**
   * Physical cores over all sockets. A profile's "W per busy core" is 75 % of TDP spread over the
   * physical cores, so a fully busy host is all physical cores busy, not all logical CPUs: with
   * SMT, logical CPUs would count each core twice and put a busy 2 × 5318Y at ~610 W, far above
   * its 350 W TDP. Default: the logical CPUs (right without SMT).
   */
  readonly physicalCores?: number;
  /** Overrides the profile lookup. */
  readonly profile?: PowerProfile;
  /**
   * Host busy share 0..1 since the previous call. Default: /proc/stat deltas under procfsRoot.
   * The monitor already computes this; it may pass its own.
   */
  readonly utilization?: () => Promise<number>;
}

export class EstimatedMeter implements EnergyMeter {
  readonly kind = 'estimated';
  readonly quality: Quality = 'estimated';
  readonly profile: PowerProfile;
  private readonly sockets: number;
  private readonly logicalCpus: number;
  private readonly physicalCores: number;
  private readonly procfsRoot: string;
  private readonly utilizationFn: (() => Promise<number>) | undefined;
  private prevTimes: CpuTimes | undefined;
  private lastMs: number | undefined;

  constructor(opts: EstimatedMeterOptions) {
    this.procfsRoot = opts.procfsRoot;
    this.profile = opts.profile ?? findPowerProfile(opts.cpuModel ?? cpus()[0]?.model);
    this.sockets = Math.max(1, opts.sockets ?? 1);
    this.logicalCpus = Math.max(1, opts.logicalCpus ?? cpus().length);
    this.physicalCores = Math.max(1, Math.min(this.logicalCpus, opts.physicalCores ?? this.logicalCpus));
    this.utilizationFn = opts.utilization;
  }

  async init(): Promise<void> {
    this.lastMs = undefined;
    // Fails early (naming /proc/stat) when utilisation cannot be read at all.
    if (this.utilizationFn === undefined) this.prevTimes = (await readProcStat(this.procfsRoot)).total;
  }

  domains(): readonly EnergyDomainInfo[] {
    return [{ domain: 'estimated-cpu', socket: 0, inHostTotal: true, maxEnergyUj: null, path: 'model' }];
  }

  notes(): readonly string[] {
    const p = this.profile;
    return [
      `profile ${p.id}: ${p.idleWPerSocket.toFixed(1)} W idle per socket × ${this.sockets} + ${p.activeWPerCore.toFixed(2)} W per busy core × ${this.physicalCores} cores (${this.logicalCpus} CPUs) (${p.basis})`,
    ];
  }

  private async busyShare(): Promise<number> {
    if (this.utilizationFn) return Math.min(1, Math.max(0, await this.utilizationFn()));
    const cur = (await readProcStat(this.procfsRoot)).total;
    const prev = this.prevTimes ?? cur;
    this.prevTimes = cur;
    return utilization(prev, cur);
  }

  async sample(nowMs: number): Promise<MeterSample> {
    const share = await this.busyShare();
    const intervalMs = this.lastMs === undefined ? 0 : nowMs - this.lastMs;
    this.lastMs = nowMs;
    const modelW = estimatedPowerW(this.profile, this.sockets, share * this.physicalCores);
    const energyUj = energyUjOf(modelW, intervalMs);
    return {
      timestampMs: nowMs,
      intervalMs,
      domains: [{ domain: 'estimated-cpu', socket: 0, inHostTotal: true, energyUj, powerW: powerW(energyUj, intervalMs) }],
      warnings: [],
    };
  }
}
