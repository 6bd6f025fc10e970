// The workers of one function: one single-threaded worker per CPU, each in its own <fn>/w<cpu>
// cgroup (on an emulated host, optionally one carrier worker per group of up to CARRIER_CPUS of
// the function's emulated CPUs, see `carrier`, woken at most once per CFS period when out of work,
// see carrier-wake-gate.ts), a bounded FIFO of waiting requests (what does not
// fit is dropped and counted, never queued forever), crash restarts with backoff, timeout kills with immediate replacement, and the
// invocation figures. The load driver and the invoke endpoint both submit here.
import { performance } from 'node:perf_hooks';
import pLimit from 'p-limit';
import { Backoff, errorMessage, type BackoffOptions, type Logger, msToUs, usToMs } from '@isawatt/common';
import type { CatalogueEntry } from './catalogue.js';
import type { Toolchain } from './harness-command.js';
import { HandlerTimes } from './handler-times.js';
import { InvocationWindow, type InvocationResult, type WindowFigures } from './invocation-stats.js';
import { cfsQuota, type Pinning } from './pinning.js';
import { launchSpec, type LaunchOptions } from './worker-launch.js';
import { CarrierWakeGate } from './carrier-wake-gate.js';
import { createWorkerTempDir, removeWorkerTempDir } from './worker-temp-dir.js';
import { WorkerProcess, WorkerStartError, type InvokeOutcome, type RequestKind } from './worker-process.js';

export interface PoolRequest {
  readonly kind: RequestKind;
  readonly payload: string;
  /** When the request was due (performance.now() ms): latency counts from here. */
  readonly dueMs: number;
  /** Who submitted it, so that it can withdraw what still waits (`withdraw`); any object. */
  readonly owner?: object;
  /**
   * Hand it to a worker as soon as one can take it, never held for a carrier's next wake-up
   * (CarrierWakeGate): a closed-loop driver's requests, each sent when the one before it answered.
   */
  readonly prompt?: boolean;
}

export type SubmitOutcome =
  | InvokeOutcome
  /** The queue was full, or the request waited past the function's timeout for a worker. */
  | { readonly status: 'dropped'; readonly message: string }
  /** The function is stopping or has no worker slot at all. */
  | { readonly status: 'unavailable'; readonly message: string };

export interface FunctionPoolOptions {
  readonly entry: CatalogueEntry;
  readonly pinning: Pinning;
  readonly toolchain: Toolchain;
  readonly launch: LaunchOptions;
  readonly log: Logger;
  /** Waiting requests allowed per worker before new ones are dropped. */
  readonly queuePerWorker: number;
  readonly startTimeoutMs: number;
  readonly stopGraceMs: number;
  readonly restartBackoff?: BackoffOptions;
  /**
   * Emulated hosts: the share of one real CPU each worker may use now (cgroup CPU bandwidth, applied
   * once a worker is ready so the runtime's start-up runs at full speed). Timeouts stretch by 1/share:
   * a function's timeout is meant for a whole CPU.
   */
  readonly cpuShare?: () => number | undefined;
  /**
   * Emulated hosts: one carrier worker (on the lowest CPU of its group, in that CPU's cgroup)
   * carries a group of up to CARRIER_CPUS of the function's emulated CPUs, with their summed share
   * (cpuShare x the group's CPU count). Emulated CPUs are slices of a real CPU; a slice of 0.5 % per
   * worker is too small to run a managed runtime faithfully (docs/agent.md, "Slice geometry"), and
   * 96 + 128 workers per bag do not start in time on a small machine. The assignment still names
   * every CPU; only the process count differs. Groups are bounded so that what one execution costs
   * does not depend on how many CPUs a function holds (see carrierGroups).
   */
  readonly carrier?: boolean;
  /** Most emulated CPUs per carrier (default CARRIER_CPUS; bench/carrier-cost.ts compares sizes). */
  readonly carrierCpus?: number;
  /**
   * Carriers with a CPU share: wake one whose pipe is empty at most once per CFS period, handing it
   * what arrived meanwhile together (carrier-wake-gate.ts), instead of one wake-up per request, each
   * charged at 1/share. Default false (per-request delivery): with the gate a carrier's cost per
   * execution follows its work, but the experiment's runs missed their rates (a carrier idles
   * through its holds, capacity the profile's executions per busy core-second does not show;
   * docs/experiments.md, "Two open findings"). bench/carrier-cost.ts compares the two.
   */
  readonly batchWakeups?: boolean;
  /**
   * Emulated hosts: before its CPU share applies, a new worker runs its function's catalogue input
   * back to back at full speed, so that the runtime's JIT compilers and caches warm at a real CPU's
   * speed, not at a slice's (a JVM warming at 5 % of a CPU still compiles a minute later; jwt-node
   * still costs 2-3x its steady CPU per invocation after 300 invocations). In the harness (node and
   * wasm), this many ms of the worker's CPU time, bounded by WARMUP_WALL_FACTOR times as much wall
   * time; elsewhere this many ms of wall time, one agent round trip per invocation, at most
   * WARMUP_MAX_INVOCATIONS. Default 0: no warm-up.
   */
  readonly warmupMs?: number;
  /**
   * Where warm-ups wait their turn: one gate per host, shared by all its pools, letting as many run
   * at once as the host has real CPUs (warmupGate). Without it every new worker warms at once.
   */
  readonly warmupGate?: WarmupGate;
}

/** Runs a warm-up when its turn comes (p-limit's limiter has this shape). */
export type WarmupGate = <T>(warmUp: () => Promise<T>) => Promise<T>;

/**
 * The host's warm-up gate: at most `realCpus` full-speed warm-ups at once. A real server warms each
 * worker on its own core; here a deployment's carriers (ceil(k / CARRIER_CPUS) per function, dozens
 * per run) share a few real CPUs, and warming them all at once gave each 1/n of a CPU, so that a
 * warm-up hit its wall-time bound (WARMUP_WALL_FACTOR) before its CPU budget and the carrier
 * entered the run half warm, at a higher CPU cost per execution than the profile's carriers.
 * Queued, each warm-up runs at the speed of a real CPU and gets its whole budget; the deployment
 * takes the same CPU time, so about as long.
 */
export function warmupGate(realCpus: number): WarmupGate {
  return pLimit(Math.max(1, Math.floor(realCpus)));
}

type SlotState = 'starting' | 'ready' | 'restarting' | 'draining' | 'stopped';

interface Slot {
  readonly cpu: number;
  worker: WorkerProcess | undefined;
  state: SlotState;
  readonly backoff: Backoff;
  restartTimer: NodeJS.Timeout | undefined;
  startedAtMs: number;
  /** Set when the agent killed the worker for a timeout: replace at once, no backoff. */
  killedForTimeout: boolean;
  restarts: number;
  idleWaiters: (() => void)[];
  /** Bandwidth-limited carriers: when an empty pipe may take requests again (undefined: always). */
  readonly gate: CarrierWakeGate | undefined;
}

interface Queued {
  readonly req: PoolRequest;
  readonly resolve: (o: SubmitOutcome) => void;
  /** The pool's tick (closeTick count) when it arrived: its completion's age in ticks. */
  readonly arrivalTick: number;
}

/** Most invocations of a worker's full-speed warm-up through the agent (harnesses without `warmup`). */
const WARMUP_MAX_INVOCATIONS = 300;

/**
 * A harness warm-up's wall-time bound, in multiples of its CPU budget: with each host's warm-ups
 * gated to its real CPU count (warmupGate), both emulated hosts of this machine warm 4 workers on 2
 * real CPUs at most, each getting half a CPU, plus whatever else the machine runs.
 */
const WARMUP_WALL_FACTOR = 10;

/** A harness's answer to a request kind it does not know (docs/design/worker-protocol.md). */
const UNKNOWN_KIND = /unknown request kind/;

/** Most requests a carrier worker has in flight (see pipelineDepth). */
const PIPELINE_DEPTH = 32;

/**
 * How long the agent may take to answer a carrier and send it its next request, ms: the pipeline
 * holds enough requests to cover it (pipelineDepth).
 */
const PIPELINE_COVER_MS = 100;

/**
 * Requests a worker may have in flight. 1, except a carrier of two emulated CPUs or more: enough
 * that it never idles for the agent's round trip, i.e. one running plus those that cover
 * PIPELINE_COVER_MS at its typical handler time (the median of the recent ones), at least 2, at
 * most PIPELINE_DEPTH; 2 before any invocation has answered. No more than that: whatever sits in
 * its pipe runs before anything sent later (a load switched from saturated to a rate waits for
 * it), and a slow function's 16 requests were minutes of work at its emulated speed
 * (video-gif-node, 6 s each).
 *
 * Why the median and not the carrier's CPU count as a bound (both were used until 2026-12-07):
 * a handler cut by its carrier's CFS throttle reads a whole period (500 ms on 8 CPUs), and a running
 * mean of handler times jumped by a fifth of that after every throttle, so the pipe shrank to 2 at
 * the start of every 20 ms run, exactly when the carrier had its quota to spend. The CPU bound
 * dates from one carrier per function (up to 87 CPUs); with carriers of at most 8 CPUs it left
 * jwt-node 3-4 ms of work in the pipe and html-node about 1 ms, less than the agent can take to be
 * scheduled on a loaded machine, and every time the pipe ran dry the carrier paid a wake-up at
 * 1 / share (docs/agent.md, "Carrier size and wake-ups"). A one-CPU carrier stays at one request
 * at a time (the wake gate relies on it: carrier-wake-gate.ts).
 */
export function pipelineDepth(carrier: boolean, cpus: number, handlerMs: number | undefined): number {
  if (!carrier || cpus <= 1) return 1;
  // Before the first answer: 2 (its handler time is not known; what is in the pipe stays there).
  if (handlerMs === undefined || !(handlerMs > 0)) return 2;
  return Math.min(PIPELINE_DEPTH, Math.max(2, 1 + Math.ceil(PIPELINE_COVER_MS / handlerMs)));
}

/** Most requests a carrier is handed at once when it is woken (wakeBatch). */
const WAKE_BATCH_MAX = 64;

/**
 * Requests handed at once to a bandwidth-limited carrier when it is woken after running out of
 * work (carrier-wake-gate.ts): what waits, up to what fills one CFS run (its quota) at its typical
 * handler time, at least its pipeline depth, at most WAKE_BATCH_MAX. Its pipeline depth alone (at
 * most its CPU count) split a period's arrivals into several small batches, each a wake-up when the
 * agent topped up the pipe more slowly than the carrier emptied it; more than a run's worth would
 * only wait in this carrier's pipe while another carrier could run them.
 */
export function wakeBatch(depth: number, runMs: number | undefined, handlerMs: number | undefined): number {
  if (runMs === undefined || handlerMs === undefined || !(handlerMs > 0) || !(runMs > 0)) return depth;
  return Math.max(depth, Math.min(WAKE_BATCH_MAX, Math.floor(runMs / handlerMs)));
}

/**
 * Most emulated CPUs one carrier worker carries. A carrier of k CPUs gets k times one CPU's share
 * in runs of the same length (pinning.ts, CFS_RUN_US), so k sets how often it runs and how many
 * arrivals each wake-up serves, and both change the real CPU time an execution costs (a Node worker
 * woken per request pays about twice the CPU per execution of one that serves a batch; measured by
 * bench/carrier-cost.ts). With one carrier for all of a function's CPUs, a function on 64 CPUs
 * paid 0.6x the energy per execution of the same function on 8 CPUs at the same utilisation; real
 * servers, one worker per core, pay the same. Bounded groups keep every carrier's geometry that of
 * the carriers a profiling bag runs (8 CPUs per function by default).
 */
export const CARRIER_CPUS = 8;

/**
 * A function's emulated CPUs split into carrier groups: first CPU of the group -> its CPU count.
 * ceil(k / CARRIER_CPUS) groups of consecutive CPUs whose sizes differ by at most one (87 CPUs:
 * ten of 8 and one of 7), so every carrier serves the same share of the function's arrivals.
 */
export function carrierGroups(cpus: readonly number[], maxCpus = CARRIER_CPUS): Map<number, number> {
  const sorted = [...cpus].sort((a, b) => a - b);
  const n = Math.ceil(sorted.length / maxCpus);
  const groups = new Map<number, number>();
  let at = 0;
  for (let g = 0; g < n; g++) {
    const size = Math.floor(sorted.length / n) + (g < sorted.length % n ? 1 : 0);
    const first = sorted[at];
    if (first !== undefined) groups.set(first, size);
    at += size;
  }
  return groups;
}

/** A healthy period after which the crash backoff starts again from its first delay. */
const HEALTHY_MS = 30_000;

export class FunctionPool {
  readonly name: string;
  /** Figures since the monitor last took them (one tick). */
  readonly tickWindow: InvocationWindow;
  /** Figures since `resetTotals` (the `run` command reads these). */
  readonly totalWindow: InvocationWindow;
  private readonly slots = new Map<number, Slot>();
  /** The slots as an array, for pump()'s turns on every submit and completion (kept by putSlot/dropSlot). */
  private slotList: Slot[] = [];
  /** The CPUs assigned (with carrier workers, more than the slots). */
  private assigned: number[] = [];
  /** Worker CPU -> the emulated CPUs its worker carries (1 without carriers). */
  private groups = new Map<number, number>();
  /** Where pump() starts looking for a worker: requests go round the workers in turn. */
  private nextSlot = 0;
  private readonly queue: Queued[] = [];
  private sweepTimer: NodeJS.Timeout | undefined;
  private stopping = false;
  private readonly log: Logger;
  /** The handler's typical wall time per invocation (pipelineDepth, wakeBatch). */
  private readonly handlerTimes = new HandlerTimes();

  /** Ticks closed so far (closeTick): arrivals are stamped with it. */
  private tick = 0;

  constructor(private readonly opts: FunctionPoolOptions) {
    this.name = opts.entry.spec.name;
    this.log = opts.log.child({ function: this.name });
    const now = performance.now();
    this.tickWindow = new InvocationWindow(now);
    this.totalWindow = new InvocationWindow(now);
  }

  /** The CPUs assigned to the function. */
  cpus(): number[] {
    return [...this.assigned];
  }

  /** CPUs that hold a worker slot (all assigned CPUs, or the carrier's). */
  private slotCpus(): number[] {
    return [...this.slots.keys()].sort((a, b) => a - b);
  }

  /** The workers of an assignment: worker CPU -> the CPUs it carries. */
  private groupsOf(cpus: readonly number[]): Map<number, number> {
    if (this.opts.carrier === true) return carrierGroups(cpus, this.opts.carrierCpus);
    return new Map([...cpus].sort((a, b) => a - b).map((c) => [c, 1]));
  }

  /** The share of a real CPU the worker on `cpu` gets: per emulated CPU, times the CPUs it carries. */
  private workerShare(cpu: number): number | undefined {
    const share = this.opts.cpuShare?.();
    if (share === undefined) return undefined;
    return share * Math.max(1, this.groups.get(cpu) ?? 1);
  }

  /** Carriers with a CPU share wake at most once per CFS period (FunctionPoolOptions.batchWakeups). */
  private batched(): boolean {
    return this.opts.carrier === true && this.opts.cpuShare !== undefined && this.opts.batchWakeups === true;
  }

  /** The CFS period of the worker on `cpu`, ms (pinning.ts cfsQuota), undefined without a share. */
  private periodMs(cpu: number): number | undefined {
    const share = this.workerShare(cpu);
    return share === undefined || !(share > 0) ? undefined : usToMs(cfsQuota(share).periodUs);
  }

  /** The CFS quota (one run) of the worker on `cpu`, ms, undefined without a share. */
  private runMs(cpu: number): number | undefined {
    const share = this.workerShare(cpu);
    return share === undefined || !(share > 0) ? undefined : usToMs(cfsQuota(share).quotaUs);
  }

  /** PIDs of the live workers, in CPU order. */
  pids(): number[] {
    return this.slotCpus()
      .map((c) => this.slots.get(c)?.worker)
      .filter((w): w is WorkerProcess => w?.alive === true)
      .map((w) => w.pid);
  }

  restarts(): number {
    return [...this.slots.values()].reduce((s, x) => s + x.restarts, 0);
  }

  /** Creates the function cgroup and starts one worker per CPU; on failure nothing is left behind. */
  async start(cpus: readonly number[]): Promise<void> {
    await this.opts.pinning.ensureFunction(this.name, cpus);
    this.assigned = [...cpus].sort((a, b) => a - b);
    this.groups = this.groupsOf(cpus);
    try {
      await Promise.all([...this.groups.keys()].map((cpu) => this.addSlot(cpu)));
    } catch (err) {
      await this.stop();
      throw err;
    }
  }

  /** Moves to exactly `cpus`: removed workers finish their invocation and stop, new ones start. */
  async resize(cpus: readonly number[]): Promise<void> {
    const groups = this.groupsOf(cpus);
    const workers = [...groups.keys()];
    const want = new Set(workers);
    const removed = this.slotCpus().filter((c) => !want.has(c));
    const added = workers.filter((c) => !this.slots.has(c));
    await Promise.all(removed.map((cpu) => this.removeSlot(cpu)));
    await this.opts.pinning.ensureFunction(this.name, cpus);
    this.assigned = [...cpus].sort((a, b) => a - b);
    this.groups = groups;
    // A carrier that stays gets the share of its new CPU count.
    if (this.opts.carrier === true) await this.applyCpuShare();
    const results = await Promise.allSettled(added.map((cpu) => this.addSlot(cpu)));
    const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed.length > 0) throw failed[0]?.reason instanceof Error ? failed[0].reason : new Error(String(failed[0]?.reason));
  }

  /** Queues a request; resolves with its outcome (never rejects). */
  submit(req: PoolRequest): Promise<SubmitOutcome> {
    if (this.stopping || this.slots.size === 0) {
      return Promise.resolve({ status: 'unavailable', message: `function ${this.name} is not running` });
    }
    // Offered load: every request that reaches a running function, before it is queued or dropped.
    this.tickWindow.arrive();
    this.totalWindow.arrive();
    // Per assigned CPU: a carrier queues the requests its emulated CPUs would run side by side.
    const limit = this.opts.queuePerWorker * Math.max(this.slots.size, this.assigned.length);
    if (this.queue.length >= limit && !this.hasIdleWorker()) {
      this.record('dropped', 0);
      return Promise.resolve({ status: 'dropped', message: `function ${this.name}: queue full (${limit} waiting)` });
    }
    return new Promise((resolve) => {
      this.queue.push({ req, resolve, arrivalTick: this.tick });
      this.pump();
      this.armSweep();
    });
  }

  /**
   * The figures of the tick that ends now, and a new tick. Completions carry their age in ticks
   * (completedByAge), so whoever reads the reports can tell which tick's arrivals they served.
   */
  closeTick(nowMs: number): WindowFigures {
    const figures = this.tickWindow.figures(nowMs);
    this.tickWindow.reset(nowMs);
    this.tick++;
    return figures;
  }

  /** Stops every worker (after in-flight invocations, bounded by stopGraceMs) and removes the cgroups. */
  async stop(): Promise<void> {
    this.stopping = true;
    for (const q of this.queue.splice(0)) {
      this.record('dropped', 0);
      q.resolve({ status: 'unavailable', message: `function ${this.name} stopped` });
    }
    if (this.sweepTimer !== undefined) clearTimeout(this.sweepTimer);
    // Stopping the function does not wait for in-flight invocations (a long timeout would hold up
    // the agent's shutdown): stdin EOF, then SIGKILL after stopGraceMs.
    await Promise.all(this.slotCpus().map((cpu) => this.removeSlot(cpu, false)));
    this.assigned = [];
    this.groups = new Map();
    await this.opts.pinning.removeFunction(this.name);
    this.tickWindow.close();
    this.totalWindow.close();
  }

  /**
   * Requests the worker on `cpu` may have in flight: 1, or for a carrier of two CPUs or more up to
   * PIPELINE_DEPTH (pipelineDepth), so that its next requests wait in its pipe instead of the worker
   * idling for the agent's round trip (a fast function at a carrier's share needs thousands of round
   * trips a second, and on a loaded machine one round trip takes milliseconds).
   */
  private depth(cpu: number): number {
    return pipelineDepth(this.opts.carrier === true, this.groups.get(cpu) ?? 1, this.handlerTimes.typicalMs);
  }

  /**
   * Withdraws the requests `owner` submitted that still wait for a worker (not those a worker
   * holds): each resolves `unavailable`, counted nowhere (nothing ran). Returns how many.
   */
  withdraw(owner: object): number {
    let n = 0;
    for (let i = this.queue.length - 1; i >= 0; i--) {
      const q = this.queue[i];
      if (q?.req.owner !== owner) continue;
      this.queue.splice(i, 1);
      q.resolve({ status: 'unavailable', message: `function ${this.name}: request withdrawn by its load driver` });
      n++;
    }
    return n;
  }

  private canTake(slot: Slot, worker: WorkerProcess | undefined): worker is WorkerProcess {
    return worker !== undefined && worker.alive && worker.inFlight < this.depth(slot.cpu);
  }

  private hasIdleWorker(): boolean {
    for (const s of this.slots.values()) if (s.state === 'ready' && this.canTake(s, s.worker)) return true;
    return false;
  }

  private record(result: InvocationResult, latencyUs: number, handlerUs = 0): void {
    this.tickWindow.record(result, latencyUs, handlerUs);
    this.totalWindow.record(result, latencyUs, handlerUs);
  }

  /** Re-applies the current CPU share to every ready worker (the placement changed). */
  async applyCpuShare(): Promise<void> {
    if (this.opts.cpuShare === undefined) return;
    for (const slot of this.slots.values()) if (slot.state === 'ready') await this.opts.pinning.setWorkerShare(this.name, slot.cpu, this.workerShare(slot.cpu));
  }

  /**
   * The function's timeout, stretched for the worker on `cpu` that gets only a share of a CPU (for
   * requests not yet given to a worker: the smallest carrier's, the longest).
   */
  private timeoutMs(cpu?: number): number {
    const smallest = [...this.groups].reduce<[number, number] | undefined>((m, g) => (m === undefined || g[1] < m[1] ? g : m), undefined);
    const share = this.workerShare(cpu ?? smallest?.[0] ?? -1);
    const t = this.opts.entry.spec.timeoutMs;
    return share !== undefined && share > 0 && share < 1 ? Math.round(t / share) : t;
  }

  private async spawnWorker(cpu: number): Promise<WorkerProcess> {
    const { entry, pinning, toolchain } = this.opts;
    const slot = await pinning.workerSlot(this.name, cpu, entry.spec.memoryLimitMb);
    const cmd = toolchain.command(entry.spec, entry.dir);
    // Its own TMPDIR, removed when it exits however it exits (worker-temp-dir.ts).
    const scratch = await createWorkerTempDir(this.name, this.opts.launch.runAs, this.opts.launch.tempPrefix);
    const drop = (): void =>
      void removeWorkerTempDir(scratch).catch((err: unknown) =>
        this.log.warn({ dir: scratch, err: errorMessage(err) }, "cannot remove a worker's temp directory"),
      );
    let worker: WorkerProcess;
    try {
      const launch = launchSpec({ ...cmd, env: { ...cmd.env, TMPDIR: scratch } }, slot, this.opts.launch);
      worker = await WorkerProcess.start({
        launch,
        log: this.log,
        maxOutputBytes: entry.spec.maxOutputBytes,
        startTimeoutMs: this.opts.startTimeoutMs,
      });
    } catch (err) {
      drop();
      throw err;
    }
    worker.once('exit', drop);
    return worker;
  }

  private async addSlot(cpu: number): Promise<void> {
    const slot: Slot = {
      cpu,
      worker: undefined,
      state: 'starting',
      backoff: new Backoff({ initialMs: 100, maxMs: 10_000, ...this.opts.restartBackoff }),
      restartTimer: undefined,
      startedAtMs: performance.now(),
      killedForTimeout: false,
      restarts: 0,
      idleWaiters: [],
      // Only a carrier that can take a batch (pipeline depth > 1: two CPUs or more) is gated: a
      // one-CPU carrier holds one invocation at a time, so holding its arrivals for a wake-up would
      // only cap it at one request per CFS period (a backlog then took minutes to drain).
      gate:
        this.batched() && pipelineDepth(true, this.groups.get(cpu) ?? 1, undefined) > 1
          ? new CarrierWakeGate(
              () => this.periodMs(cpu),
              () => this.pump(),
            )
          : undefined,
    };
    this.putSlot(cpu, slot);
    try {
      const worker = await this.spawnWorker(cpu);
      await this.warm(worker);
      this.attach(slot, worker);
    } catch (err) {
      this.dropSlot(cpu);
      await this.opts.pinning.releaseWorker(this.name, cpu).catch(() => undefined);
      throw new Error(`function ${this.name}: worker on CPU ${cpu} failed to start: ${errorMessage(err)}`, { cause: err });
    }
  }

  /**
   * Runs the catalogue input back to back, unthrottled (see FunctionPoolOptions.warmupMs): in the
   * harness if it knows the `warmup` request (docs/design/worker-protocol.md; budgeted in the
   * worker's CPU time), else one agent round trip per invocation for warmupMs of wall time.
   */
  private async warm(worker: WorkerProcess): Promise<void> {
    const ms = this.opts.warmupMs ?? 0;
    if (ms <= 0) return;
    const gate = this.opts.warmupGate;
    // The wall-time bound counts from the turn, not from the queue.
    await (gate === undefined ? this.warmNow(worker, ms) : gate(() => this.warmNow(worker, ms)));
  }

  private async warmNow(worker: WorkerProcess, ms: number): Promise<void> {
    if (this.stopping) return; // stopped while it waited its turn: attach() stops the worker
    if (!worker.alive) throw new WorkerStartError(`worker ${worker.pid} exited before its warm-up`);
    this.log.debug({ pid: worker.pid, warmupCpuMs: ms }, 'worker warming at full speed');
    const { spec } = this.opts.entry;
    const wallMs = ms * WARMUP_WALL_FACTOR;
    const inHarness = await worker.invoke('warmup', `${spec.input.seed} ${Math.round(ms)} ${Math.round(wallMs)}`, wallMs + spec.timeoutMs);
    if (inHarness.status === 'ok') {
      if (!worker.alive) throw new WorkerStartError(`worker ${worker.pid} exited during its warm-up`);
      this.log.debug({ pid: worker.pid, warmupCpuMs: ms, harness: inHarness.output }, 'worker warmed at full speed in its harness');
      return;
    }
    if (inHarness.status !== 'error' || !UNKNOWN_KIND.test(inHarness.message)) {
      throw new WorkerStartError(`worker ${worker.pid} failed its warm-up: ${inHarness.message}`);
    }
    const end = performance.now() + ms;
    let n = 0;
    // Bounded in invocations too: a fast function would otherwise keep the agent's event loop busy
    // with thousands of round trips (its monitor must keep ticking while a bag starts).
    while (performance.now() < end && n < WARMUP_MAX_INVOCATIONS && worker.alive && !this.stopping) {
      const o = await worker.invoke('seed', String(spec.input.seed), spec.timeoutMs);
      n++;
      if (o.status === 'timeout' || o.status === 'crash') break;
    }
    if (!worker.alive) throw new WorkerStartError(`worker ${worker.pid} exited during its warm-up`);
    this.log.debug({ pid: worker.pid, invocations: n, warmupMs: ms }, 'worker warmed at full speed');
  }

  private attach(slot: Slot, worker: WorkerProcess): void {
    if (slot.state === 'draining' || slot.state === 'stopped' || this.stopping) {
      void worker.stop(this.opts.stopGraceMs);
      return;
    }
    slot.worker = worker;
    slot.state = 'ready';
    slot.startedAtMs = performance.now();
    if (this.opts.cpuShare !== undefined) {
      this.opts.pinning
        .setWorkerShare(this.name, slot.cpu, this.workerShare(slot.cpu))
        .catch((err: unknown) => this.log.error({ cpu: slot.cpu, err: errorMessage(err) }, "cannot limit the worker's CPU bandwidth"));
    }
    worker.once('exit', (code, signal) => this.onExit(slot, worker, code, signal));
    this.pump();
  }

  private onExit(slot: Slot, worker: WorkerProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (slot.worker !== worker) return;
    slot.worker = undefined;
    for (const w of slot.idleWaiters.splice(0)) w();
    if (slot.state !== 'ready') return; // draining/stopped: expected
    slot.state = 'restarting';
    let delayMs = 0;
    if (slot.killedForTimeout) {
      slot.killedForTimeout = false;
    } else {
      if (performance.now() - slot.startedAtMs > HEALTHY_MS) slot.backoff.reset();
      delayMs = slot.backoff.nextDelayMs();
      this.log.warn({ cpu: slot.cpu, pid: worker.pid, code, signal, delayMs, stderr: worker.stderrLines().slice(-3) }, 'worker exited, restarting');
    }
    this.scheduleRestart(slot, delayMs);
  }

  private scheduleRestart(slot: Slot, delayMs: number): void {
    slot.restartTimer = setTimeout(() => {
      slot.restartTimer = undefined;
      if (slot.state !== 'restarting' || this.stopping) return;
      this.spawnWorker(slot.cpu)
        .then(async (worker) => {
          await this.warm(worker).catch(async (err: unknown) => {
            await worker.stop(this.opts.stopGraceMs);
            throw err;
          });
          return worker;
        })
        .then(
          (worker) => {
            slot.restarts++;
            this.attach(slot, worker);
          },
          (err: unknown) => {
            if (slot.state !== 'restarting' || this.stopping) return;
            const next = slot.backoff.nextDelayMs();
            this.log.warn({ cpu: slot.cpu, err: errorMessage(err), delayMs: next }, 'worker restart failed, retrying');
            this.scheduleRestart(slot, next);
          },
        );
    }, delayMs);
    slot.restartTimer.unref();
  }

  private async removeSlot(cpu: number, finishInFlight = true): Promise<void> {
    const slot = this.slots.get(cpu);
    if (slot === undefined) return;
    slot.state = 'draining';
    if (slot.restartTimer !== undefined) clearTimeout(slot.restartTimer);
    const worker = slot.worker;
    // A bandwidth-limited worker (emulated CPU) would take seconds to exit at its slice: lift it.
    if (this.opts.cpuShare !== undefined && !finishInFlight) await this.opts.pinning.setWorkerShare(this.name, cpu, undefined).catch(() => undefined);
    if (finishInFlight && worker?.busy === true) {
      // Let the in-flight invocation finish (bounded: it has a timeout of its own).
      await new Promise<void>((resolve) => slot.idleWaiters.push(resolve));
    }
    await worker?.stop(this.opts.stopGraceMs);
    slot.state = 'stopped';
    this.dropSlot(cpu);
    await this.opts.pinning.releaseWorker(this.name, cpu);
  }

  /**
   * Gives waiting requests to the workers, one at a time and in turn, so that every carrier of a
   * function serves the same share of its arrivals (a first carrier taking all it can would run
   * saturated while the others idle, at another cost per execution). A bandwidth-limited carrier
   * that ran out of work takes nothing until its CarrierWakeGate opens (at most one CFS period after
   * its last wake-up; the gate calls pump() then): what arrives meanwhile waits here, counted for
   * the queue bound and the sweep like any waiting request, and goes over with the rest.
   */
  private pump(): void {
    if (this.queue.length === 0) return;
    const slots = this.slotList;
    let misses = 0;
    while (this.queue.length > 0 && misses < slots.length) {
      const slot = slots[this.nextSlot % slots.length];
      this.nextSlot = (this.nextSlot + 1) % slots.length;
      const worker = slot?.worker;
      const prompt = this.queue[0]?.req.prompt === true;
      if (slot === undefined || slot.state !== 'ready' || !this.canTake(slot, worker) || !(prompt || (slot.gate?.mayTake(worker.inFlight) ?? true))) {
        misses++;
        continue;
      }
      misses = 0;
      const next = this.queue.shift();
      if (next === undefined) continue;
      const waking = slot.gate?.outOfWork() === true;
      slot.gate?.handed();
      void this.run(slot, worker, next);
      if (!waking) continue;
      // Woken: what waits goes over in this one wake-up, up to a run's worth (only carriers of two
      // CPUs or more have a gate; the guard keeps a batch from ever reaching a depth-1 worker).
      const depth = this.depth(slot.cpu);
      const most = depth > 1 ? wakeBatch(depth, this.runMs(slot.cpu), this.handlerTimes.typicalMs) : depth;
      while (this.queue.length > 0 && worker.alive && worker.inFlight < most) {
        const more = this.queue.shift();
        if (more !== undefined) void this.run(slot, worker, more);
      }
    }
  }

  private async run(slot: Slot, worker: WorkerProcess, q: Queued): Promise<void> {
    let outcome: InvokeOutcome;
    try {
      outcome = await worker.invoke(q.req.kind, q.req.payload, this.timeoutMs(slot.cpu), this.depth(slot.cpu) > 1);
    } catch (err) {
      // A request handed to a worker that cannot take it is this pool's bug: answer it and log it
      // rather than let the rejection end the agent (run() is called without awaiting).
      this.log.error({ cpu: slot.cpu, err: errorMessage(err) }, 'invocation not handed to the worker');
      outcome = { status: 'crash', message: `not handed to the worker: ${errorMessage(err)}` };
    }
    const latencyUs = msToUs(performance.now() - q.req.dueMs);
    switch (outcome.status) {
      case 'ok':
        this.record('completed', latencyUs, outcome.durationUs);
        this.tickWindow.recordCompletionAge(this.tick - q.arrivalTick);
        this.handlerTimes.note(usToMs(outcome.durationUs));
        break;
      case 'error':
        this.record('error', latencyUs);
        break;
      case 'timeout':
        slot.killedForTimeout = true;
        this.record('timeout', latencyUs);
        break;
      case 'crash':
        this.record('error', latencyUs);
        break;
    }
    q.resolve(outcome);
    // Out of work: its next requests wait for its next wake-up (CarrierWakeGate). With requests
    // waiting it only answered faster than the agent topped it up: pump() hands them over now.
    if (!worker.busy && this.queue.length === 0) slot.gate?.markIdle();
    if (slot.state === 'draining' && !worker.busy) for (const w of slot.idleWaiters.splice(0)) w();
    this.pump();
  }

  private putSlot(cpu: number, slot: Slot): void {
    this.slots.set(cpu, slot);
    this.slotList = [...this.slots.values()];
  }

  private dropSlot(cpu: number): void {
    this.slots.get(cpu)?.gate?.close();
    this.slots.delete(cpu);
    this.slotList = [...this.slots.values()];
  }

  /** Requests that waited past the function's timeout without a worker are dropped. */
  private armSweep(): void {
    if (this.sweepTimer !== undefined || this.queue.length === 0) return;
    this.sweepTimer = setTimeout(() => {
      this.sweepTimer = undefined;
      const timeoutMs = this.timeoutMs();
      const limit = performance.now() - timeoutMs;
      while (this.queue.length > 0 && (this.queue[0]?.req.dueMs ?? Infinity) < limit) {
        const q = this.queue.shift();
        if (q === undefined) break;
        this.record('expired', 0);
        q.resolve({ status: 'dropped', message: `function ${this.name}: no worker free within ${timeoutMs} ms` });
      }
      this.armSweep();
    }, 100);
    this.sweepTimer.unref();
  }
}
