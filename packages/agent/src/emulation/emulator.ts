// The emulator service: writes an emulated host's sysfs tree and, every tick, advances its energy
// counters (or power readings) and CPPC counters from the real CPU time of the real worker
// processes, read from a cgroup v1 cpuacct subtree, turned into emulated busy CPUs and dynamic power
// by the profile's ground truth (host-activity.ts). It also plays the host's hwpc-sensor: the same
// interval's per-function counters go as hwpc-sensor socket output to the agent's real ingest path.
// The agent's meters read the tree like a real one and, finding the marker file, label every figure
// "emulated"; the hwpc sensor name says "emulated-<profile>".
import type { Logger, Service } from '@isawatt/common';
import { errorMessage, msToS } from '@isawatt/common';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { childDeltasNs, readCgroupUsage, type CgroupUsage } from './cgroup-usage.js';
import { EmulatedTree, emulatedPowerW } from './emulated-tree.js';
import { hostActivity, type HostActivity } from './host-activity.js';
import { hwpcTickLines } from './hwpc-stream.js';
import type { EmulatedProfile } from './profiles.js';

export interface EmulatorOptions {
  readonly profile: EmulatedProfile;
  /** Directory the emulated sysfs tree is written to (the agent's meters use it as sysfs root). */
  readonly sysfsRoot: string;
  /** cgroup filesystem root (required: a forgotten root must not silently read the live machine). */
  readonly cgroupRoot: string;
  /** Subtree whose CPU time drives the counters, relative to cgroupRoot (default "cpuacct/isawatt"). */
  readonly cgroupPath?: string;
  /** Update period, ms (default 500). */
  readonly tickMs?: number;
  /** xgene profiles: power files hold the mean over this trailing window, ms (EmulatedTree; default 0). */
  readonly powerWindowMs?: number;
  /** Start the energy counters here (tests of the wrap); default 0. */
  readonly initialEnergyUj?: bigint;
  /** The emulated CPUs each running function holds (the runtime's placements); default: none known. */
  readonly placement?: () => ReadonlyMap<string, readonly number[]>;
  /** Where to send the emulated hwpc-sensor stream (the agent's HwpcReportSource), once known. */
  readonly hwpc?: () => { readonly host: string; readonly port: number } | undefined;
  readonly log: Logger;
  /** Monotonic clock, ms (injected in tests). */
  readonly nowMs?: () => number;
  /** Wall clock, ms since epoch, for hwpc timestamps (injected in tests). */
  readonly wallMs?: () => number;
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
  private socket: Socket | undefined;
  private socketFailures = 0;
  /** Busy logical CPUs per socket over the last tick. */
  lastBusyCpus: readonly number[] = [];
  /** The last tick's activity (tests, logs). */
  lastActivity: HostActivity | undefined;
  /** With an hwpc stream: the interval whose energy is written at the next tick (see tick()). */
  private pending: { act: HostActivity; intervalMs: number } | undefined;
  /** Busy time that did not fit in its tick, carried into the next (host-activity.ts). */
  private carryNs: ReadonlyMap<string, bigint> = new Map();

  constructor(private readonly opts: EmulatorOptions) {
    this.tree = new EmulatedTree(opts.sysfsRoot, opts.profile, opts.powerWindowMs ?? 0);
    this.cgroupDir = join(opts.cgroupRoot, opts.cgroupPath ?? 'cpuacct/isawatt');
    this.tickMs = opts.tickMs ?? 500;
    this.log = opts.log.child({ component: this.name });
    this.now = opts.nowMs ?? (() => performance.now());
  }

  get intervalMs(): number {
    return this.tickMs;
  }

  async init(): Promise<void> {
    await this.tree.create(this.opts.initialEnergyUj ?? 0n);
    this.prevUsage = await this.readUsage();
    this.prevMs = this.now();
    this.log.info(
      {
        profile: this.opts.profile.name,
        file: this.opts.profile.file,
        sysfsRoot: this.opts.sysfsRoot,
        cgroup: this.cgroupDir,
        tickMs: this.tickMs,
        hwpcStream: this.opts.hwpc !== undefined,
      },
      'emulated host tree written; every figure from it is labelled emulated',
    );
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

  /** One update: CPU time since the previous tick -> busy CPUs and power per socket -> counters and hwpc reports. */
  async tick(): Promise<void> {
    const nowMs = this.now();
    const intervalMs = nowMs - this.prevMs;
    const usage = await this.readUsage();
    const placement = this.opts.placement?.() ?? new Map<string, readonly number[]>();
    const act = hostActivity(this.opts.profile, childDeltasNs(this.prevUsage, usage), placement, intervalMs, this.carryNs);
    this.carryNs = act.carryNs;
    // A cgroup that appears (or comes back) counts its CPU time from its creation.
    this.prevUsage = usage;
    this.prevMs = nowMs;
    this.lastBusyCpus = act.busyCpus;
    this.lastActivity = act;
    if (this.opts.hwpc === undefined) {
      await this.tree.advance(act.busyCpus, intervalMs, act.powerWeightedBusyCpus);
    } else {
      // hwpc-sensor's reports of a tick become usable when the next tick's arrive (the agent cannot
      // know a tick is complete before). So the energy of an interval is written one emulator tick
      // late, together with the reports that release that interval's counts: the agent then pairs
      // energy and counts of the same interval, as with a real sensor's own RAPL group.
      // The reports go out first: writing the tree can take a while (the Altra's 128 CPPC files,
      // under load up to a few hundred ms), and every ms the stream waits is a ms the agent's ticks
      // have no counts for.
      const prev = this.pending;
      this.pending = { act, intervalMs };
      this.sendHwpc(act, intervalMs);
      if (prev !== undefined) await this.tree.advance(prev.act.busyCpus, prev.intervalMs, prev.act.powerWeightedBusyCpus);
      else await this.tree.advance([], intervalMs, []);
    }
    this.log.debug({ busyCpus: act.busyCpus, powerWeightedBusyCpus: act.powerWeightedBusyCpus, intervalMs }, 'emulated host advanced');
  }

  private sendHwpc(act: HostActivity, intervalMs: number): void {
    const target = this.opts.hwpc?.();
    if (target === undefined) return;
    if (this.socket === undefined || this.socket.destroyed) {
      const s = connect(target.port, target.host);
      s.on('error', (err) => {
        // One line per outage, not per tick.
        if (this.socketFailures++ === 0)
          this.log.warn({ err: errorMessage(err), target }, "emulated hwpc-sensor: cannot reach the agent's hwpc listener; retrying every tick");
        s.destroy();
      });
      s.on('connect', () => {
        if (this.socketFailures > 0) this.log.info({ target }, 'emulated hwpc-sensor: connected again');
        this.socketFailures = 0;
      });
      this.socket = s;
    }
    const p = this.opts.profile;
    // The energy of this very interval (the tree advances by it one tick later, see tick()).
    const energy =
      p.energy.kind === 'rapl'
        ? emulatedPowerW(p, act.powerWeightedBusyCpus).bySocket.map((w) => ({
            pkg: (w.package ?? 0) * msToS(intervalMs),
            dram: (w.dram ?? 0) * msToS(intervalMs),
          }))
        : undefined;
    const lines = hwpcTickLines(p, act.functions, (this.opts.wallMs ?? Date.now)(), intervalMs, (fn) => `/${fn}`, energy);
    this.socket.write(`${lines.join('\n')}\n`);
  }

  async run(signal: AbortSignal): Promise<void> {
    try {
      while (!signal.aborted) {
        try {
          await sleep(this.tickMs, undefined, { signal });
        } catch {
          return;
        }
        await this.tick();
      }
    } finally {
      this.socket?.destroy();
    }
  }
}
