// Everything `--emulate <profile>` changes in the agent, in one place so that main.ts only asks:
// the emulated machine laid over the detected one, the emulator service (sysfs tree + hwpc-sensor
// stream), the runtime's emulated CPUs (bandwidth-limited slices of this machine's CPUs), and the
// emulated hwpc-sensor activity source that the emulator feeds over TCP on 127.0.0.1.
import type { Logger } from '@isawatt/common';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HwpcReportSource } from '../counters/hwpc-report-source.js';
import type { HostHardware } from '../hardware/detect.js';
import { emulatedHardware } from '../hardware/emulated.js';
import type { CpuInfo } from '../runtime/cpu-topology.js';
import type { EmulatedCpuPolicy } from '../runtime/local-function-runtime.js';
import { Emulator } from './emulator.js';
import { workerShare } from './ground-truth.js';
import { nominalMhz } from './hwpc-stream.js';
import { emulatedHostFacts, type EmulatedProfile } from './profiles.js';
import { pidAlive } from '../runtime/pid-alive.js';

export interface EmulatedHostOptions {
  readonly profile: EmulatedProfile;
  readonly hostId: string;
  /** Host type from the config (else derived from the emulated CPU model). */
  readonly hostType: string | undefined;
  /** The detected (real) hardware. */
  readonly real: HostHardware;
  readonly cgroupRoot: string;
  /** The agent's runtime cgroup subtree name. */
  readonly cgroupSubtree: string;
  readonly tickMs: number;
  readonly log: Logger;
  /** One worker per emulated CPU (the old layout) instead of carrier workers of up to CARRIER_CPUS each. */
  readonly workerPerCpu?: boolean;
  /** Most emulated CPUs per carrier worker (default function-pool.ts CARRIER_CPUS). */
  readonly carrierCpus?: number | undefined;
}

/** Full-speed warm-up of each worker before its slice applies, ms (function-pool.ts, warmupMs). */
export const WORKER_WARMUP_MS = 2000;

export class EmulatedHost {
  readonly hardware: HostHardware;
  readonly emulator: Emulator;
  /** The running functions' emulated CPUs; main.ts points it at the runtime once it exists. */
  placement: () => ReadonlyMap<string, readonly number[]> = () => new Map();
  private source: HwpcReportSource | undefined;

  private constructor(
    private readonly opts: EmulatedHostOptions,
    readonly dir: string,
  ) {
    const p = opts.profile;
    this.hardware = emulatedHardware(opts.real, emulatedHostFacts(p.name), opts.hostType);
    this.emulator = new Emulator({
      profile: p,
      sysfsRoot: join(dir, 'sys'),
      cgroupRoot: opts.cgroupRoot,
      cgroupPath: `cpuacct/${opts.cgroupSubtree}`,
      // Short against the agent's tick: the hwpc counts reach the agent a sensor tick late, and the
      // shorter that tick, the better counts and energy cover the same interval.
      tickMs: Math.max(50, Math.min(100, Math.round(opts.tickMs / 5))),
      // The agent reads the Altra's power files once per tick: each reading is that tick's mean.
      powerWindowMs: opts.tickMs,
      placement: () => this.placement(),
      hwpc: () => {
        const a = this.source?.address();
        return a === undefined ? undefined : { host: '127.0.0.1', port: a.port };
      },
      log: opts.log,
    });
  }

  static async create(opts: EmulatedHostOptions): Promise<EmulatedHost> {
    // An agent killed with SIGKILL leaves its tree behind: remove the trees of dead agents first
    // (the name carries the agent's pid; a live agent's tree is left alone).
    for (const name of await readdir(tmpdir()).catch(() => [] as string[])) {
      const m = /^isawatt-emulated-.+-p(\d+)-[^-]+$/.exec(name);
      if (m && !pidAlive(Number(m[1]))) await rm(join(tmpdir(), name), { recursive: true, force: true });
    }
    const dir = await mkdtemp(join(tmpdir(), `isawatt-emulated-${opts.hostId}-p${process.pid}-`));
    const host = new EmulatedHost(opts, dir);
    await host.emulator.init();
    return host;
  }

  /** The emulated sysfs tree (the meters' and frequency readers' root). */
  get sysfsRoot(): string {
    return this.emulator.tree.root;
  }

  /** Emulated CPU topology for the runtime. */
  topology(): CpuInfo[] {
    return this.hardware.onlineCpus.map((cpu) => ({ cpu, socket: this.hardware.socketOfCpu.get(cpu) ?? 0 }));
  }

  /** Every emulated CPU runs on any of this machine's function CPUs, with its bandwidth slice. */
  cpuPolicy(): EmulatedCpuPolicy {
    const real = [...this.opts.real.functionCpus];
    return {
      realCpus: () => real,
      shareOf: (fn, placement) => workerShare(this.opts.profile, fn, placement),
      carrier: this.opts.workerPerCpu !== true,
      ...(this.opts.carrierCpus !== undefined ? { carrierCpus: this.opts.carrierCpus } : {}),
      // The JVM needs about 2 s at full speed to compile its hot paths (bench/functions.ts).
      warmupMs: WORKER_WARMUP_MS,
    };
  }

  /**
   * The emulated host's hwpc-sensor, as the agent's real ingest path sees it: a HwpcReportSource
   * listening on 127.0.0.1 (ephemeral port) for the emulator's socket output.
   */
  async activitySource(log: Logger): Promise<HwpcReportSource> {
    const src = new HwpcReportSource({
      listen: { host: '127.0.0.1', port: 0 },
      cgroupBasePath: join(this.opts.cgroupRoot, 'cpuacct', this.opts.cgroupSubtree),
      timeSemantics: 'delta',
      cpuBaseFreqMhz: nominalMhz(this.opts.profile),
      sensorFrequencyMs: this.emulator.intervalMs,
      log,
    });
    await src.init();
    this.source = src;
    log.info(
      { component: 'hwpc-sensor', profile: this.opts.profile.name, address: src.address() },
      'activity: EMULATED hwpc-sensor stream of the emulated host (counts follow its ground truth, not a real PMU)',
    );
    return src;
  }

  async close(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true });
  }
}
