// Prometheus /metrics for the agent, fed from the monitor's TelemetrySource (one update per tick
// snapshot, as Kepler's exporter reads its PowerDataProvider). Energies are counters in joules,
// powers gauges in watts; every energy/power series carries where it came from (source, quality,
// attribution method). A private Registry per exporter: no process-global state.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import { ujToJ, type Logger, msToS, usToS } from '@isawatt/common';
import type { TelemetrySource, TickSnapshot } from '../telemetry/snapshot.js';

export interface PrometheusExporterOptions {
  readonly source: TelemetrySource;
  readonly log: Logger;
  /** Also export Node's process metrics (CPU, RSS, event loop lag) with prefix isawatt_agent_. Default true. */
  readonly processMetrics?: boolean;
}

type MetricsHandler = (req: IncomingMessage, res: ServerResponse) => void;

type CounterChild = ReturnType<Counter['labels']>;
type GaugeChild = ReturnType<Gauge['labels']>;

/** A function's series for one quality, bound once: labels are hashed on creation, not every tick. */
interface FunctionSeries {
  readonly quality: string;
  readonly dynamic: CounterChild;
  readonly total: CounterChild;
  readonly power: GaugeChild;
  readonly cpu: CounterChild;
  readonly cores: GaugeChild;
  invocations?: { completed: CounterChild; error: CounterChild; timeout: CounterChild; dropped: CounterChild; expired: CounterChild };
}

export class PrometheusExporter {
  readonly name = 'prometheus';
  readonly registry = new Registry();
  private readonly log: Logger;
  private readonly listener = (s: TickSnapshot): void => this.update(s);
  /** Series of the functions present in the previous snapshot (gauges of those that left are dropped). */
  private series = new Map<string, FunctionSeries>();
  private methodShown: string | undefined;

  private readonly hostEnergy = new Counter({
    name: 'isawatt_host_energy_joules_total',
    help: 'Host energy per domain (package-0, dram-0, cpu-0, io-0, estimated-cpu, ...), J',
    labelNames: ['domain', 'source', 'quality'] as const,
    registers: [this.registry],
  });
  private readonly hostDomainPower = new Gauge({
    name: 'isawatt_host_domain_power_watts',
    help: 'Mean power of each host energy domain over the last tick, W',
    labelNames: ['domain', 'source', 'quality'] as const,
    registers: [this.registry],
  });
  private readonly hostPower = new Gauge({
    name: 'isawatt_host_power_watts',
    help: 'Host power over the last tick (sum of domains that count toward the host total), W',
    labelNames: ['source', 'quality'] as const,
    registers: [this.registry],
  });
  private readonly idleEnergy = new Counter({
    name: 'isawatt_host_idle_energy_joules_total',
    help: 'Host energy not attributed to functions as dynamic energy (static/idle power and other processes), J',
    labelNames: ['attribution', 'quality'] as const,
    registers: [this.registry],
  });
  private readonly fnEnergy = new Counter({
    name: 'isawatt_function_energy_joules_total',
    help: 'Energy attributed to a function, J: kind="dynamic" its own, kind="total" with its share of the static part',
    labelNames: ['function', 'kind', 'quality'] as const,
    registers: [this.registry],
  });
  private readonly fnPower = new Gauge({
    name: 'isawatt_function_power_watts',
    help: 'Power attributed to a function over the last tick (dynamic + static share), W',
    labelNames: ['function', 'quality'] as const,
    registers: [this.registry],
  });
  private readonly fnCpu = new Counter({
    name: 'isawatt_function_cpu_seconds_total',
    help: 'CPU time used by a function cgroup, s',
    labelNames: ['function'] as const,
    registers: [this.registry],
  });
  private readonly fnCores = new Gauge({
    name: 'isawatt_function_cores',
    help: 'Cores assigned to a function',
    labelNames: ['function'] as const,
    registers: [this.registry],
  });
  private readonly invocations = new Counter({
    name: 'isawatt_function_invocations_total',
    help: 'Invocations of a function by outcome (completed, error, timeout, dropped: the queue was full, expired: no worker free within the timeout)',
    labelNames: ['function', 'outcome'] as const,
    registers: [this.registry],
  });
  private readonly modelError = new Gauge({
    name: 'isawatt_attribution_model_error_watts',
    help: 'Attribution model error (median |measured - predicted| over the window), W; -1 when unknown (no model)',
    labelNames: ['attribution'] as const,
    registers: [this.registry],
  });
  private readonly attributionInfo = new Gauge({
    name: 'isawatt_attribution_info',
    help: 'Attribution method and energy source of the last tick (value 1)',
    labelNames: ['attribution', 'energy_source', 'quality'] as const,
    registers: [this.registry],
  });
  private readonly utilization = new Gauge({
    name: 'isawatt_host_cpu_utilization_ratio',
    help: 'Host CPU utilisation over the last tick, 0..1',
    registers: [this.registry],
  });
  private readonly frequency = new Gauge({
    name: 'isawatt_cpu_frequency_mhz',
    help: 'Mean frequency of the function CPUs over the last tick, MHz (0 unknown)',
    registers: [this.registry],
  });
  private readonly tickSeq = new Gauge({
    name: 'isawatt_tick_seq',
    help: 'Number of the last telemetry tick',
    registers: [this.registry],
  });
  private readonly tickTime = new Gauge({
    name: 'isawatt_tick_timestamp_seconds',
    help: 'Wall-clock time of the last telemetry tick, s since epoch',
    registers: [this.registry],
  });

  constructor(private readonly opts: PrometheusExporterOptions) {
    this.log = opts.log.child({ component: this.name });
    if (opts.processMetrics ?? true) collectDefaultMetrics({ register: this.registry, prefix: 'isawatt_agent_' });
  }

  /** Subscribes to the snapshots (and applies the latest one, if any). */
  start(): void {
    this.opts.source.on('snapshot', this.listener);
    const last = this.opts.source.snapshot();
    if (last !== undefined) this.update(last);
  }

  stop(): void {
    this.opts.source.off('snapshot', this.listener);
  }

  /** Applies one tick. Public for tests and benchmarks; normally driven by the 'snapshot' event. */
  update(s: TickSnapshot): void {
    for (const d of s.domains) {
      const labels = { domain: d.domain, source: d.source, quality: d.quality };
      if (d.energyUj > 0n) this.hostEnergy.inc(labels, ujToJ(d.energyUj));
      this.hostDomainPower.set(labels, d.powerW);
    }
    this.hostPower.reset();
    this.hostPower.set({ source: s.energySource, quality: s.hostQuality }, s.hostPowerW);
    if (s.idleEnergyUj > 0n) this.idleEnergy.inc({ attribution: s.attribution, quality: s.hostQuality }, ujToJ(s.idleEnergyUj));

    const next = new Map<string, FunctionSeries>();
    for (const f of s.functions) {
      const fs = this.seriesOf(f.function, f.quality);
      next.set(f.function, fs);
      if (f.dynamicEnergyUj > 0n) fs.dynamic.inc(ujToJ(f.dynamicEnergyUj));
      if (f.totalEnergyUj > 0n) fs.total.inc(ujToJ(f.totalEnergyUj));
      fs.power.set(f.powerW);
      if (f.cpuTimeUs > 0n) fs.cpu.inc(usToS(f.cpuTimeUs));
      fs.cores.set(f.cores);
      const inv = f.invocations;
      if (inv !== undefined) {
        const name = f.function;
        fs.invocations ??= {
          completed: this.invocations.labels({ function: name, outcome: 'completed' }),
          error: this.invocations.labels({ function: name, outcome: 'error' }),
          timeout: this.invocations.labels({ function: name, outcome: 'timeout' }),
          dropped: this.invocations.labels({ function: name, outcome: 'dropped' }),
          expired: this.invocations.labels({ function: name, outcome: 'expired' }),
        };
        fs.invocations.completed.inc(inv.completed);
        fs.invocations.error.inc(inv.errors);
        fs.invocations.timeout.inc(inv.timeouts);
        // The outcomes add up to the answers: the wire's dropped includes the expired ones.
        const expired = inv.expired ?? 0;
        fs.invocations.dropped.inc(inv.dropped - expired);
        fs.invocations.expired.inc(expired);
      }
    }
    // Gauges of functions that left would otherwise report their last value forever. Counters stay:
    // their totals are history.
    for (const [name, fs] of this.series) {
      if (next.get(name) === fs) continue;
      this.fnPower.remove({ function: name, quality: fs.quality });
      if (!next.has(name)) this.fnCores.remove({ function: name });
    }
    this.series = next;

    if (this.methodShown !== s.attribution) {
      this.modelError.reset();
      this.attributionInfo.reset();
      this.methodShown = s.attribution;
    }
    this.modelError.set({ attribution: s.attribution }, s.modelErrorW);
    this.attributionInfo.reset();
    this.attributionInfo.set({ attribution: s.attribution, energy_source: s.energySource, quality: s.hostQuality }, 1);
    this.utilization.set(s.cpuUtilization);
    this.frequency.set(s.cpuFrequencyMhz);
    this.tickSeq.set(Number(s.seq));
    this.tickTime.set(msToS(s.timestampMs));
  }

  private seriesOf(name: string, quality: string): FunctionSeries {
    const known = this.series.get(name);
    if (known !== undefined && known.quality === quality) return known;
    const fs: FunctionSeries = {
      quality,
      dynamic: this.fnEnergy.labels({ function: name, kind: 'dynamic', quality }),
      total: this.fnEnergy.labels({ function: name, kind: 'total', quality }),
      power: this.fnPower.labels({ function: name, quality }),
      cpu: this.fnCpu.labels({ function: name }),
      cores: this.fnCores.labels({ function: name }),
    };
    if (known?.invocations !== undefined) fs.invocations = known.invocations;
    // Make the energy series exist from the first tick, even at zero energy.
    fs.dynamic.inc(0);
    fs.total.inc(0);
    return fs;
  }

  /** The /metrics text (Prometheus exposition format). */
  metrics(): Promise<string> {
    return this.registry.metrics();
  }

  /** A node:http handler for GET /metrics (http/ mounts it). */
  handler(): MetricsHandler {
    return (req, res) => {
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain' }).end('method not allowed\n');
        return;
      }
      this.registry.metrics().then(
        (text) => {
          res.writeHead(200, { 'content-type': this.registry.contentType });
          res.end(req.method === 'HEAD' ? undefined : text);
        },
        (err: unknown) => {
          this.log.error({ err }, 'metrics: rendering failed');
          res.writeHead(500, { 'content-type': 'text/plain' }).end('metrics unavailable\n');
        },
      );
    };
  }
}
