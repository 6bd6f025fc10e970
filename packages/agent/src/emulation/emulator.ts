// The emulator service: writes an emulated host's sysfs tree and, every tick, advances its energy
// counters (or power readings) and CPPC counters from the real CPU time of the real worker
// processes, read from a cgroup v1 cpuacct subtree. The agent's meters then read that tree like a
// real one and, finding the marker file, label every figure "emulated".
import type { Logger, Service } from '@isawatt/common';
import { errorMessage } from '@isawatt/common';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { busyCpusBySocket, readCgroupUsage, type CgroupUsage } from './cgroup-usage.js';
import { EmulatedTree } from './emulated-tree.js';
import type { EmulatedProfile } from './profiles.js';

export interface EmulatorOptions {
  readonly profile: EmulatedProfile;
  /** Directory the emulated sysfs tree is written to (the agent's meters use it as sysfs root). */
  readonly sysfsRoot: string;
  /** cgroup filesystem root (default "/sys/fs/cgroup"). */
  readonly cgroupRoot?: string;
  /** Subtree whose CPU time drives the counters, relative to cgroupRoot (default "cpuacct/isawatt"). */
  readonly cgroupPath?: string;
  /** Update period, ms (default 500). */
  readonly tickMs?: number;
  /** Start the energy counters here (tests of the wrap); default 0. */
  readonly initialEnergyUj?: bigint;
  readonly log: Logger;
  /** Monotonic clock, ms (injected in tests). */
  readonly nowMs?: () => number;
}

export class Emulator implements Service {
  readonly name = 'emulator';
  readonly tree: EmulatedTree;
  private readonly cgroupDir: string;
  private readonly tickMs: number;
  private readonly log: Logger;
  private readonly now: () => number;
  private prevUsage: CgroupUsage | undefined;
  private prevMs = 0;
  private missingLogged = false;
  /** Busy logical CPUs per socket over the last tick. */
  lastBusyCpus: readonly number[] = [];

  constructor(private readonly opts: EmulatorOptions) {
    this.tree = new EmulatedTree(opts.sysfsRoot, opts.profile);
    this.cgroupDir = join(opts.cgroupRoot ?? '/sys/fs/cgroup', opts.cgroupPath ?? 'cpuacct/isawatt');
    this.tickMs = opts.tickMs ?? 500;
    this.log = opts.log.child({ component: this.name });
    this.now = opts.nowMs ?? (() => performance.now());
  }

  async init(): Promise<void> {
    await this.tree.create(this.opts.initialEnergyUj ?? 0n);
    this.prevUsage = await this.readUsage();
    this.prevMs = this.now();
    this.log.info({ profile: this.opts.profile.name, sysfsRoot: this.opts.sysfsRoot, cgroup: this.cgroupDir, tickMs: this.tickMs }, 'emulated host tree written; every figure from it is labelled emulated');
  }

  private async readUsage(): Promise<CgroupUsage | undefined> {
    try {
      const u = await readCgroupUsage(this.cgroupDir);
      if (u === undefined && !this.missingLogged) {
        this.missingLogged = true;
        this.log.info({ cgroup: this.cgroupDir }, 'emulated cgroup subtree absent: the emulated host reports idle power until functions run');
      }
      if (u !== undefined) this.missingLogged = false;
      return u;
    } catch (err) {
      this.log.warn({ cgroup: this.cgroupDir, err: errorMessage(err) }, 'emulated host: cannot read cgroup CPU time this tick; counted as idle');
      return undefined;
    }
  }

  /** One update: CPU time since the previous tick -> busy CPUs per socket -> counters. */
  async tick(): Promise<void> {
    const nowMs = this.now();
    const intervalMs = nowMs - this.prevMs;
    const usage = await this.readUsage();
    this.lastBusyCpus = busyCpusBySocket(this.prevUsage, usage, intervalMs, this.opts.profile.sockets, this.opts.profile.functionFactors);
    // A cgroup that appears (or comes back) counts its CPU time from its creation.
    this.prevUsage = usage;
    this.prevMs = nowMs;
    await this.tree.advance(this.lastBusyCpus, intervalMs);
    this.log.debug({ busyCpus: this.lastBusyCpus, intervalMs }, 'emulated host advanced');
  }

  async run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      try {
        await sleep(this.tickMs, undefined, { signal });
      } catch {
        return;
      }
      await this.tick();
    }
  }
}
