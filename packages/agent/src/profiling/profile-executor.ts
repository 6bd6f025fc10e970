// Runs profile jobs (the paper's bags) on this host, one at a time: an optional idle interval with
// no function running, then every function of the bag on its own CPUs, driven saturated (the
// runtime's closed-loop driver, as `isawatt-agent run --saturate`), a warm-up, and the measured
// window; then everything is stopped (workers gone, cgroups removed) whatever happened. Figures
// come from the monitor's telemetry ticks: completions and attributed dynamic energy per function
// over the same whole ticks, host energy and its quality label.
import { delay, errorMessage, qualityToWire, toWireU64, type Logger, type wire, msToS, powerW, ujToJ, usToS } from '@isawatt/common';
import type { FunctionAssignmentSpec, FunctionRuntime } from '../runtime/function-runtime.js';
import type { TelemetrySource } from '../telemetry/snapshot.js';
import type { ProfileJobSpec } from './profile-job.js';
import { collectWindow, PhaseAbortedError, type WindowTotals } from './tick-window.js';

export interface ProfileExecutorOptions {
  readonly runtime: FunctionRuntime | undefined;
  readonly telemetry: TelemetrySource;
  /** Number of CPUs functions may use on this host (Hello.function_cpus). */
  readonly functionCpuCount: number;
  readonly log: Logger;
  /** Wall clock, ms (tests). */
  readonly nowMs?: () => number;
  /** A phase fails when no telemetry tick arrives for this long (default DEFAULT_STALL_MS, 20 s). */
  readonly stallMs?: number;
}

interface RunningJob {
  readonly jobId: string;
  readonly abort: AbortController;
  readonly done: Promise<wire.BagResult>;
}

/** A failed BagResult. */
export function failedBag(jobId: string, error: string, cancelled = false): wire.BagResult {
  return { job_id: jobId, ok: false, error, cancelled, functions: [] };
}

function powerOf(energyUj: bigint, ms: number): number {
  return powerW(energyUj, ms);
}

export class ProfileExecutor {
  private current: RunningJob | undefined;
  private readonly log: Logger;
  private readonly now: () => number;

  constructor(private readonly opts: ProfileExecutorOptions) {
    this.log = opts.log.child({ component: 'profiler' });
    this.now = opts.nowMs ?? Date.now;
  }

  /** Id of the job running now, if any. */
  busyWith(): string | undefined {
    return this.current?.jobId;
  }

  /** Runs a job; resolves with its BagResult (never rejects). */
  run(job: ProfileJobSpec): Promise<wire.BagResult> {
    if (this.current) return Promise.resolve(failedBag(job.jobId, `host is busy with profile job ${this.current.jobId}`));
    const abort = new AbortController();
    const done = this.execute(job, abort.signal).finally(() => {
      if (this.current?.jobId === job.jobId) this.current = undefined;
    });
    this.current = { jobId: job.jobId, abort, done };
    return done;
  }

  /** Cancels the job with that id; resolves once it has stopped (false: no such job running). */
  async cancel(jobId: string, reason = 'cancelled by the coordinator'): Promise<boolean> {
    const job = this.current;
    if (job?.jobId !== jobId) return false;
    this.log.warn({ jobId, reason }, 'cancelling profile job');
    job.abort.abort(new Error(reason));
    await job.done;
    return true;
  }

  /** Cancels whatever runs (link lost, shutdown) and waits until it has stopped. */
  async cancelAll(reason: string): Promise<void> {
    const job = this.current;
    if (job) await this.cancel(job.jobId, reason);
  }

  private coresPerFunction(job: ProfileJobSpec): number {
    if (job.coresPerFunction > 0) return job.coresPerFunction;
    return Math.floor(this.opts.functionCpuCount / job.functions.length);
  }

  private async execute(job: ProfileJobSpec, signal: AbortSignal): Promise<wire.BagResult> {
    const runtime = this.opts.runtime;
    const log = this.log.child({ jobId: job.jobId, campaign: job.campaignId });
    if (!runtime) return failedBag(job.jobId, 'runtime unavailable: this agent was started without a function runtime');
    const running = runtime.placements();
    if (running.length > 0) {
      return failedBag(
        job.jobId,
        `host runs assignment v${runtime.runningVersion()} with ${running.length} function(s); clear it (isawatt assign HOST --clear) before profiling`,
      );
    }
    const cores = this.coresPerFunction(job);
    if (cores < 1) {
      return failedBag(
        job.jobId,
        `a bag of ${job.functions.length} functions does not fit on ${this.opts.functionCpuCount} function CPUs (at least one CPU each)`,
      );
    }
    const version = runtime.runningVersion();
    let started = false;
    try {
      // 1. Idle: nothing of ours runs; the host's power is its idle power.
      let idle: WindowTotals | undefined;
      if (job.idleMs > 0) {
        log.info({ idleMs: job.idleMs }, 'profile job: measuring idle power');
        idle = await collectWindow(this.opts.telemetry, this.now(), job.idleMs, signal, this.opts.stallMs);
      }
      // 2. Start the bag: each function on its own CPUs, closed loop (or open loop at rate_rps).
      const functions: FunctionAssignmentSpec[] = job.functions.map((f) => ({
        function: f,
        cores,
        rateRps: job.saturate ? 0 : job.rateRps,
        arrival: 'constant',
        saturate: job.saturate,
      }));
      started = true;
      const applied = await runtime.apply({ version, functions });
      if (!applied.ok) return failedBag(job.jobId, `starting the bag failed: ${applied.error}`);
      if (signal.aborted) throw new PhaseAbortedError('cancelled');
      log.info(
        { functions: job.functions, coresPerFunction: cores, placements: applied.placements.map((p) => ({ function: p.function, cpus: p.cpus })) },
        'profile job: bag started',
      );
      // 3. Warm-up, then the measured window (whole ticks after the warm-up).
      const warmEnd = this.now() + job.warmupMs;
      if (job.warmupMs > 0 && !(await delay(job.warmupMs, signal))) throw new PhaseAbortedError('cancelled');
      const w = await collectWindow(this.opts.telemetry, warmEnd, job.durationMs, signal, this.opts.stallMs);
      const saturated = this.result(job, cores, w, idle);
      log.info({ windowMs: w.intervalMs }, 'profile job: saturated window measured');
      // One open-loop phase per utilisation, lowest first; each adds its point to every function.
      for (const u of job.openLoopUtilisations) await this.openLoopPhase(job, u, cores, saturated, runtime, version, signal, log);
      return saturated;
    } catch (err) {
      if (err instanceof PhaseAbortedError || signal.aborted) {
        const reason = signal.reason instanceof Error ? signal.reason.message : 'cancelled';
        return failedBag(job.jobId, reason, true);
      }
      log.warn({ err: errorMessage(err) }, 'profile job failed');
      return failedBag(job.jobId, errorMessage(err));
    } finally {
      // 4. Stop everything: workers, drivers, cgroups (apply of an empty set removes them all).
      if (started) {
        const stopped = await runtime.apply({ version, functions: [] });
        if (!stopped.ok) log.error({ error: stopped.error }, 'profile job: stopping the bag failed');
        else log.info('profile job: bag stopped, cgroups removed');
      }
    }
  }

  /**
   * The open-loop phase: the same workers, each function now driven at the job's utilisation of the
   * capacity its saturated window just measured (constant arrivals, as a run's load drivers), warmed
   * up and measured like the saturated window. Below saturation every execution pays for waking its
   * worker (and, on real servers, its core out of a C-state, its caches cold), so CPU and energy per
   * execution here are what a planned run pays, not the back-to-back cost. Appends the point to
   * `open_loop_points` of each function of `saturated` in place and makes it `open_loop` (the
   * phases run in ascending utilisation, so `open_loop` ends as the highest point).
   */
  private async openLoopPhase(
    job: ProfileJobSpec,
    u: number,
    cores: number,
    saturated: wire.BagResult,
    runtime: FunctionRuntime,
    version: bigint,
    signal: AbortSignal,
    log: Logger,
  ): Promise<void> {
    const rates = new Map((saturated.functions ?? []).map((f) => [f.function ?? '', u * cores * Number(f.exec_per_sec_per_core ?? 0)]));
    const functions: FunctionAssignmentSpec[] = job.functions.map((f) => ({ function: f, cores, rateRps: rates.get(f) ?? 0, arrival: 'constant' }));
    const applied = await runtime.apply({ version, functions });
    if (!applied.ok) throw new Error(`switching the bag to open loop failed: ${applied.error}`);
    log.info({ utilisation: u, ratesRps: Object.fromEntries([...rates].map(([k, v]) => [k, Number(v.toFixed(2))])) }, 'profile job: open-loop phase');
    const warmEnd = this.now() + job.warmupMs;
    if (job.warmupMs > 0 && !(await delay(job.warmupMs, signal))) throw new PhaseAbortedError('cancelled');
    const w = await collectWindow(this.opts.telemetry, warmEnd, job.durationMs, signal, this.opts.stallMs);
    log.info({ windowMs: w.intervalMs }, 'profile job: open-loop window measured');
    const seconds = msToS(w.intervalMs);
    for (const fp of saturated.functions ?? []) {
      const f = w.functions.get(fp.function ?? '');
      const completed = f?.completed ?? 0;
      const busyS = usToS(f?.cpuTimeUs ?? 0n);
      const dynamicUj = f?.dynamicEnergyUj ?? 0n;
      const point: wire.OpenLoopProfile = {
        utilisation: u,
        offered_rps: rates.get(fp.function ?? '') ?? 0,
        achieved_rps: seconds > 0 ? completed / seconds : 0,
        completed: toWireU64(completed),
        dropped: toWireU64(f?.dropped ?? 0),
        cpu_time_us: toWireU64(f?.cpuTimeUs ?? 0n),
        exec_per_sec_per_core: busyS > 0 ? completed / busyS : 0,
        dynamic_energy_uj: toWireU64(dynamicUj),
        energy_per_exec_j: completed > 0 ? ujToJ(dynamicUj) / completed : 0,
        busy_fraction: cores > 0 && seconds > 0 ? busyS / (cores * seconds) : 0,
        duration_ms: w.intervalMs,
      };
      fp.open_loop = point;
      fp.open_loop_points = [...(fp.open_loop_points ?? []), point];
    }
  }

  private result(job: ProfileJobSpec, cores: number, w: WindowTotals, idle: WindowTotals | undefined): wire.BagResult {
    const seconds = msToS(w.intervalMs);
    const methods = [...w.attributionMethods];
    const functions: wire.FunctionProfile[] = job.functions.map((name) => {
      const f = w.functions.get(name);
      const completed = f?.completed ?? 0;
      const dynamicUj = f?.dynamicEnergyUj ?? 0n;
      const span =
        f !== undefined && f.spanCompleted === completed && f.firstStartMs !== undefined && f.lastCompletionMs !== undefined
          ? { firstStartMs: f.firstStartMs, lastMs: f.lastCompletionMs }
          : undefined;
      const rate = throughputPerCore(completed, f?.latencySum ?? Number.NaN, seconds, cores, job.saturate, span);
      // Executions the window holds: whole completions counted, or (saturated) the work the
      // workers did at their measured rate, which does not depend on where the window cut the
      // invocations in flight.
      const executions = rate * cores * seconds;
      const busy = perBusyCore(executions, usToS(f?.cpuTimeUs ?? 0n), cores, seconds, job.saturate);
      if (busy.unsaturated)
        this.log.warn(
          { jobId: job.jobId, function: name, busyFraction: Number(busy.busyFraction.toFixed(3)) },
          "profile job: the load did not keep the function's cores busy (the agent could not feed its workers fast enough or, on an emulated host, this machine's real CPUs did not deliver their quota); executions/s per core counted per busy core-second",
        );
      const perCore = busy.unsaturated ? busy.perCore : rate;
      return {
        function: name,
        completed: toWireU64(completed),
        errors: toWireU64((f?.errors ?? 0) + (f?.timeouts ?? 0)),
        exec_per_sec_per_core: perCore,
        energy_uj: toWireU64(f?.totalEnergyUj ?? 0n),
        dynamic_energy_uj: toWireU64(dynamicUj),
        energy_per_exec_j: executions > 0 && completed > 0 ? ujToJ(dynamicUj) / executions : 0,
        quality: qualityToWire(f?.quality ?? w.hostQuality ?? 'estimated'),
        cores,
        cpu_time_us: toWireU64(f?.cpuTimeUs ?? 0n),
        invocations: {
          completed: toWireU64(completed),
          errors: toWireU64(f?.errors ?? 0),
          timeouts: toWireU64(f?.timeouts ?? 0),
          dropped: toWireU64(f?.dropped ?? 0),
          latency_p50_ms: completed > 0 ? (f?.p50Sum ?? 0) / completed : 0,
          latency_p95_ms: completed > 0 ? (f?.p95Sum ?? 0) / completed : 0,
          latency_p99_ms: completed > 0 ? (f?.p99Sum ?? 0) / completed : 0,
          achieved_rps: seconds > 0 ? completed / seconds : 0,
        },
      };
    });
    return {
      job_id: job.jobId,
      ok: true,
      error: '',
      cancelled: false,
      functions,
      host_energy_uj: toWireU64(w.hostEnergyUj),
      host_power_w: powerOf(w.hostEnergyUj, w.intervalMs),
      duration_ms: w.intervalMs,
      idle_power_w: idle ? powerOf(idle.hostEnergyUj, idle.intervalMs) : 0,
      idle_duration_ms: idle?.intervalMs ?? 0,
      host_quality: qualityToWire(w.hostQuality ?? 'estimated'),
      energy_source: w.energySource,
      attribution: methods.length === 1 ? (methods[0] ?? 'none') : methods.length === 0 ? 'none' : 'mixed',
      model_error_w: w.modelErrorW,
      idle_energy_uj: toWireU64(w.idleEnergyUj),
      ticks: w.ticks,
    };
  }
}

/** Below this fraction of its cores kept busy, a saturated function is counted per busy core-second. */
export const SATURATED_BUSY_FRACTION = 0.95;

/**
 * A saturated bag must keep every core of a function busy; a fast function can outrun its load
 * generator (each invocation is a round trip through the agent, which shares the machine), and
 * then completions per wall second measure the agent, not the core: on the emulated pair, fast
 * Node functions kept 50-75 % of their cores busy, differently per host, and their x86/ARM ratio
 * came out 20-60 % off. A core's throughput is then executions per busy core-second (the CPU time
 * the function's cgroup, or its emulated cores, actually ran), which is what a saturated core does.
 */
export function perBusyCore(
  executions: number,
  busyCoreS: number,
  cores: number,
  seconds: number,
  saturate: boolean,
): { perCore: number; busyFraction: number; unsaturated: boolean } {
  const busyFraction = cores > 0 && seconds > 0 ? busyCoreS / (cores * seconds) : 0;
  const unsaturated = saturate && busyCoreS > 0 && executions > 0 && busyFraction < SATURATED_BUSY_FRACTION;
  return { perCore: unsaturated ? executions / busyCoreS : 0, busyFraction, unsaturated };
}

/**
 * Executions per second per core. Saturated (closed loop, every core's work queued), the function's
 * workers never idle, so the n invocations completed in the window ran back to back between the
 * earliest start of one of them (its answer's time minus the handler time its harness measured) and
 * the last answer: n / (last - first start) / CPUs. Unlike completions / window it is not off by
 * the invocations the window's edges cut (a worker that completes 3 slow invocations in the window
 * is counted 3, whatever fraction of a fourth it did), and it holds for one completion, which is
 * what a carrier's slowest function gives in a short window (video-gif-node on 12 emulated CPUs:
 * one invocation every 7-10 s in a 20 s window). Unlike Little's law (1 / mean latency) it needs
 * no steady state: an emulated host's carrier worker serves all of the function's k emulated CPUs
 * from one queue, which the driver fills with k requests at once; the n-th completes after n
 * service times, so the latencies only reach k service times (Little's steady state) after k
 * invocations: 81 s / speed for video-gif-node (0.4 s of CPU at 0.5 % of a CPU per emulated CPU),
 * far past a 3 s warm-up. In a 20 s window the mean latency was about 13 s on both hosts, whatever
 * their speed: 6-10x the executions, and an x86/ARM ratio of 1.0 for a truth of 1.6. Little's law
 * stays for ticks that lack the times. Open loop: completions / window / cores.
 */
export function throughputPerCore(
  completed: number,
  latencySumMs: number,
  seconds: number,
  cores: number,
  saturate: boolean,
  span?: { readonly firstStartMs: number; readonly lastMs: number },
): number {
  if (completed <= 0 || seconds <= 0 || cores <= 0) return 0;
  if (saturate && span !== undefined && span.lastMs > span.firstStartMs) {
    return completed / msToS(span.lastMs - span.firstStartMs) / cores;
  }
  const meanMs = latencySumMs / completed;
  if (saturate && Number.isFinite(meanMs) && meanMs > 0) return 1 / msToS(meanMs);
  return completed / seconds / cores;
}
