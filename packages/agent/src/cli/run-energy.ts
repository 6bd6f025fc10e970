// Energy of a one-shot `run`: the daemon's tick loop (TelemetryMonitor) over the run's own
// runtime, with the host's energy source (createMeter: RAPL, hwmon, ... or the estimated model,
// labelled as such), cgroup CPU time as the activity (the function's cgroup accounting) and the
// attributor the daemon's "auto" method picks for that meter. Without counters the attributor
// splits each second by CPU-time share between the function's cgroup, the rest of the host and
// the idle/static part. The monitor's final partial tick at stop keeps the last fraction of a
// second. The figures carry the quality of the weakest input: "estimated" whenever the host
// energy is a model.
import { errorMessage, ujToJ, weakerQuality, type Logger, type Quality } from '@isawatt/common';
import { createAttributor, resolveAttributionMethod } from '../attribution/create-attributor.js';
import { CgroupCpuTimeSource } from '../counters/cgroup-cputime.js';
import { readTopology } from '../hardware/topology.js';
import type { FunctionRuntime } from '../runtime/function-runtime.js';
import { createMeter, DEFAULT_METERS } from '../sensors/create-meter.js';
import type { EnergyMeter } from '../sensors/energy-meter.js';
import { TelemetryMonitor } from '../telemetry/monitor.js';
import type { TickSnapshot } from '../telemetry/snapshot.js';

export interface RunEnergy {
  /** Energy source kind ("rapl", "estimated", ...). */
  readonly source: string;
  readonly quality: Quality;
  /** The attribution method of the ticks ("cputime-share" without counters). */
  readonly method: string;
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
  /** The run's runtime: its one function is the activity target. */
  readonly runtime: FunctionRuntime;
  /** The function whose energy is reported. */
  readonly function: string;
  readonly log: Logger;
  readonly intervalMs?: number;
}

/** Ticks until `stop()`; a string (the reason) instead when no energy source works. */
export class RunEnergyTracker {
  private readonly abort = new AbortController();
  private readonly running: Promise<void>;
  private hostUj = 0n;
  private dynamicUj = 0n;
  private totalUj = 0n;
  private intervals = 0;
  private quality: Quality;
  private method = 'none';

  private constructor(
    private readonly meter: EnergyMeter,
    private readonly monitor: TelemetryMonitor,
    private readonly fn: string,
  ) {
    this.quality = meter.quality;
    monitor.on('snapshot', (s) => this.add(s));
    this.running = monitor.run(this.abort.signal);
  }

  static async start(opts: RunEnergyOptions): Promise<RunEnergyTracker | string> {
    let meter: EnergyMeter;
    // The topology also sizes the estimated meter (sockets, physical cores), as in the daemon.
    const topology = await readTopology(opts.sysfsRoot, []);
    try {
      // Sources missing on this host are expected: their reasons only at debug level.
      const quiet = opts.log.isLevelEnabled('debug') ? opts.log : opts.log.child({ component: 'run-energy' }, { level: 'error' });
      const size = { sockets: topology.sockets, logicalCpus: topology.onlineCpus.length, physicalCores: topology.physicalCores };
      meter = (await createMeter(DEFAULT_METERS, { sysfsRoot: opts.sysfsRoot, procfsRoot: opts.procRoot, ...size }, quiet)).meter;
    } catch (err) {
      return `no energy source: ${errorMessage(err)}`;
    }
    const monitor = new TelemetryMonitor({
      procfsRoot: opts.procRoot,
      intervalMs: opts.intervalMs ?? 1000,
      log: opts.log.child({ component: 'run-energy' }),
      socketOfCpu: new Map(topology.cpus.map((c) => [c.id, c.socket])),
      meter,
      activity: new CgroupCpuTimeSource({ log: opts.log }),
      attributor: createAttributor({ method: resolveAttributionMethod('auto', meter.quality) }),
      runtime: opts.runtime,
      finalTickOnStop: true,
    });
    await monitor.baseline();
    return new RunEnergyTracker(meter, monitor, opts.function);
  }

  private add(s: TickSnapshot): void {
    const mine = s.functions.find((f) => f.function === this.fn);
    this.hostUj += s.hostEnergyUj;
    this.dynamicUj += mine?.dynamicEnergyUj ?? 0n;
    this.totalUj += mine?.totalEnergyUj ?? 0n;
    this.quality = weakerQuality(this.quality, mine?.quality ?? s.hostQuality);
    this.method = s.attribution;
    this.intervals++;
  }

  /** Ends the loop after its final partial tick, closes the meter, and sums the ticks. */
  async stop(): Promise<RunEnergy> {
    this.abort.abort();
    await this.running;
    await this.monitor.shutdown();
    return {
      source: this.meter.kind,
      quality: this.quality,
      method: this.method,
      hostEnergyJ: ujToJ(this.hostUj),
      functionDynamicEnergyJ: ujToJ(this.dynamicUj),
      functionTotalEnergyJ: ujToJ(this.totalUj),
      intervals: this.intervals,
    };
  }
}
