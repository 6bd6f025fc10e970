// The workers of one function: one single-threaded worker per CPU, each in its own <fn>/w<cpu>
// cgroup, a bounded FIFO of waiting requests (what does not fit is dropped and counted, never
// queued forever), crash restarts with backoff, timeout kills with immediate replacement, and the
// invocation figures. The load driver and the invoke endpoint both submit here.
import { performance } from 'node:perf_hooks';
import { Backoff, errorMessage, type BackoffOptions, type Logger, msToUs } from '@isawatt/common';
import type { CatalogueEntry } from './catalogue.js';
import type { Toolchain } from './harness-command.js';
import { InvocationWindow, type InvocationResult } from './invocation-stats.js';
import type { Pinning } from './pinning.js';
import { launchSpec, type LaunchOptions } from './worker-launch.js';
import { WorkerProcess, type InvokeOutcome, type RequestKind } from './worker-process.js';

export interface PoolRequest {
  readonly kind: RequestKind;
  readonly payload: string;
  /** When the request was due (performance.now() ms): latency counts from here. */
  readonly dueMs: number;
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
}

interface Queued {
  readonly req: PoolRequest;
  readonly resolve: (o: SubmitOutcome) => void;
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
  private readonly queue: Queued[] = [];
  private sweepTimer: NodeJS.Timeout | undefined;
  private stopping = false;
  private readonly log: Logger;

  constructor(private readonly opts: FunctionPoolOptions) {
    this.name = opts.entry.spec.name;
    this.log = opts.log.child({ function: this.name });
    const now = performance.now();
    this.tickWindow = new InvocationWindow(now);
    this.totalWindow = new InvocationWindow(now);
  }

  cpus(): number[] {
    return [...this.slots.keys()].sort((a, b) => a - b);
  }

  /** PIDs of the live workers, in CPU order. */
  pids(): number[] {
    return this.cpus()
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
    try {
      await Promise.all(cpus.map((cpu) => this.addSlot(cpu)));
    } catch (err) {
      await this.stop();
      throw err;
    }
  }

  /** Moves to exactly `cpus`: removed workers finish their invocation and stop, new ones start. */
  async resize(cpus: readonly number[]): Promise<void> {
    const want = new Set(cpus);
    const removed = this.cpus().filter((c) => !want.has(c));
    const added = cpus.filter((c) => !this.slots.has(c));
    await Promise.all(removed.map((cpu) => this.removeSlot(cpu)));
    await this.opts.pinning.ensureFunction(this.name, cpus);
    const results = await Promise.allSettled(added.map((cpu) => this.addSlot(cpu)));
    const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed.length > 0) throw failed[0]?.reason instanceof Error ? failed[0].reason : new Error(String(failed[0]?.reason));
  }

  /** Queues a request; resolves with its outcome (never rejects). */
  submit(req: PoolRequest): Promise<SubmitOutcome> {
    if (this.stopping || this.slots.size === 0) {
      return Promise.resolve({ status: 'unavailable', message: `function ${this.name} is not running` });
    }
    const limit = this.opts.queuePerWorker * this.slots.size;
    if (this.queue.length >= limit && !this.hasIdleWorker()) {
      this.record('dropped', 0);
      return Promise.resolve({ status: 'dropped', message: `function ${this.name}: queue full (${limit} waiting)` });
    }
    return new Promise((resolve) => {
      this.queue.push({ req, resolve });
      this.pump();
      this.armSweep();
    });
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
    await Promise.all(this.cpus().map((cpu) => this.removeSlot(cpu, false)));
    await this.opts.pinning.removeFunction(this.name);
    this.tickWindow.close();
    this.totalWindow.close();
  }

  private hasIdleWorker(): boolean {
    for (const s of this.slots.values()) if (s.state === 'ready' && s.worker?.busy === false) return true;
    return false;
  }

  private record(result: InvocationResult, latencyUs: number, handlerUs = 0): void {
    this.tickWindow.record(result, latencyUs, handlerUs);
    this.totalWindow.record(result, latencyUs, handlerUs);
  }

  /** Re-applies the current CPU share to every ready worker (the placement changed). */
  async applyCpuShare(): Promise<void> {
    if (this.opts.cpuShare === undefined) return;
    const share = this.opts.cpuShare();
    for (const slot of this.slots.values()) if (slot.state === 'ready') await this.opts.pinning.setWorkerShare(this.name, slot.cpu, share);
  }

  /** The function's timeout, stretched for a worker that gets only a share of a CPU. */
  private timeoutMs(): number {
    const share = this.opts.cpuShare?.();
    const t = this.opts.entry.spec.timeoutMs;
    return share !== undefined && share > 0 && share < 1 ? Math.round(t / share) : t;
  }

  private async spawnWorker(cpu: number): Promise<WorkerProcess> {
    const { entry, pinning, toolchain } = this.opts;
    const slot = await pinning.workerSlot(this.name, cpu, entry.spec.memoryLimitMb);
    const launch = launchSpec(toolchain.command(entry.spec, entry.dir), slot, this.opts.launch);
    return WorkerProcess.start({
      launch,
      log: this.log,
      maxOutputBytes: entry.spec.maxOutputBytes,
      startTimeoutMs: this.opts.startTimeoutMs,
    });
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
    };
    this.slots.set(cpu, slot);
    try {
      const worker = await this.spawnWorker(cpu);
      this.attach(slot, worker);
    } catch (err) {
      this.slots.delete(cpu);
      await this.opts.pinning.releaseWorker(this.name, cpu).catch(() => undefined);
      throw new Error(`function ${this.name}: worker on CPU ${cpu} failed to start: ${errorMessage(err)}`, { cause: err });
    }
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
        .setWorkerShare(this.name, slot.cpu, this.opts.cpuShare())
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
      this.spawnWorker(slot.cpu).then(
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
    this.slots.delete(cpu);
    await this.opts.pinning.releaseWorker(this.name, cpu);
  }

  private pump(): void {
    if (this.queue.length === 0) return;
    for (const slot of this.slots.values()) {
      if (this.queue.length === 0) return;
      const worker = slot.worker;
      if (slot.state !== 'ready' || worker === undefined || worker.busy || !worker.alive) continue;
      const next = this.queue.shift();
      if (next !== undefined) void this.run(slot, worker, next);
    }
  }

  private async run(slot: Slot, worker: WorkerProcess, q: Queued): Promise<void> {
    const outcome = await worker.invoke(q.req.kind, q.req.payload, this.timeoutMs());
    const latencyUs = msToUs(performance.now() - q.req.dueMs);
    switch (outcome.status) {
      case 'ok':
        this.record('completed', latencyUs, outcome.durationUs);
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
    if (slot.state === 'draining') for (const w of slot.idleWaiters.splice(0)) w();
    this.pump();
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
        this.record('dropped', 0);
        q.resolve({ status: 'dropped', message: `function ${this.name}: no worker free within ${timeoutMs} ms` });
      }
      this.armSweep();
    }, 100);
    this.sweepTimer.unref();
  }
}
