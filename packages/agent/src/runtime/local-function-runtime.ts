// FunctionRuntime on this host: the catalogue, the pinning mechanism, one FunctionPool per running
// function and its load driver. apply() validates a whole assignment first (nothing changes on a
// bad one), maps core counts onto CPUs, then touches only what differs from the running state:
// functions whose CPUs and load are unchanged keep their workers (same PIDs).
import { rmdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { errorMessage, type InvocationFigures, type Logger } from '@isawatt/common';
import type { ActivityTarget } from '../counters/activity-source.js';
import { loadCatalogue, type Catalogue, type RunAs } from './catalogue.js';
import { killPid } from './cgroup-fs.js';
import { NotEnoughCoresError, planCpus } from './cpu-allocator.js';
import { formatCpuList } from '../hardware/cpu-list.js';
import { readCpuTopology, type CpuInfo } from './cpu-topology.js';
import { FunctionPool, warmupGate, type SubmitOutcome, type WarmupGate } from './function-pool.js';
import type {
  ApplyErrorCode,
  ApplyResult,
  Arrival,
  AssignmentSpec,
  CatalogueEntryInfo,
  FunctionAssignmentSpec,
  FunctionRuntime,
  PinningMode,
  PlacementInfo,
} from './function-runtime.js';
import { findOnPath, Toolchain } from './harness-command.js';
import type { WindowFigures } from './invocation-stats.js';
import { ClosedLoopDriver, OpenLoopDriver, type LoadDriver } from './load-driver.js';
import { detectPinning, type CleanupReport, type Pinning } from './pinning.js';
import { resolveRunAs } from './run-as.js';
import type { LaunchOptions } from './worker-launch.js';
import { removeStaleWorkerTempDirs, workerTempPrefix } from './worker-temp-dir.js';

export interface LocalRuntimeOptions {
  readonly functionsDir: string;
  readonly log: Logger;
  /** Repository root holding functions/_harness (default: functionsDir/..). */
  readonly repoRoot?: string;
  readonly cgroupRoot: string;
  /** The agent's cgroup subtree name (one per agent on a shared machine). */
  readonly cgroupSubtree?: string;
  readonly pinningMode?: PinningMode | 'auto';
  readonly sysfsRoot: string;
  readonly procRoot: string;
  /** CPUs never given to functions. */
  readonly reservedCpus?: readonly number[];
  /** Identity of workers: user name, "uid[:gid]", or "self" (default: nobody when root). */
  readonly runAs?: string;
  /** Waiting requests per worker before new ones are dropped (default 32). */
  readonly queuePerWorker?: number;
  readonly startTimeoutMs?: number;
  readonly stopGraceMs?: number;
  /** CPU topology (default: read from sysfs). */
  readonly topology?: readonly CpuInfo[];
  readonly nodePath?: string;
  readonly pythonPath?: string;
  readonly javaPath?: string;
  /**
   * Emulated hosts: CPU ids in `topology` are emulated CPUs that map onto this machine's CPUs, and
   * every worker gets a share of a real CPU that depends on its function and on what else runs here
   * (emulation/ground-truth.ts). Needs the cgroup cpu controller.
   */
  readonly emulatedCpus?: EmulatedCpuPolicy;
}

/** How emulated CPUs map onto real ones and what share of a real CPU each function's workers get. */
export interface EmulatedCpuPolicy {
  /** Real CPUs the worker of emulated CPU `cpu` may run on. */
  realCpus(cpu: number): readonly number[];
  /** Share of one real CPU per emulated CPU of `fn`, given every running function's CPU count. */
  shareOf(fn: string, placement: ReadonlyMap<string, number>): number;
  /**
   * One carrier worker per function holds all its emulated CPUs (their summed share) instead of one
   * worker per emulated CPU (function-pool.ts, `carrier`).
   */
  readonly carrier?: boolean;
  /** Most emulated CPUs per carrier worker (default function-pool.ts CARRIER_CPUS). */
  readonly carrierCpus?: number;
  /**
   * Wake a carrier whose pipe is empty at most once per CFS period (function-pool.ts
   * `batchWakeups`; default false: one wake-up per request, until the gate's capacity loss is
   * understood; bench/carrier-cost.ts compares both).
   */
  readonly batchWakeups?: boolean;
  /** Full-speed warm-up of every new worker before its share applies, ms (function-pool.ts). */
  readonly warmupMs?: number;
}

/** Load a running function gets. */
export type LoadSpec =
  | { readonly kind: 'none' }
  /** `seed` overrides the function's input.seed (the run command's --seed). */
  | { readonly kind: 'rate'; readonly rateRps: number; readonly arrival: Arrival; readonly seed?: number }
  | { readonly kind: 'saturate'; readonly seed?: number };

/** One function placed on explicit CPUs (the `run` command, and apply() after mapping counts). */
export interface ExplicitPlacement {
  readonly function: string;
  readonly cpus: readonly number[];
  readonly load: LoadSpec;
}

export type InvokeResult =
  SubmitOutcome | { readonly status: 'unknown-function'; readonly message: string } | { readonly status: 'too-large'; readonly message: string };

interface Running {
  readonly pool: FunctionPool;
  cpus: number[];
  load: LoadSpec;
  driver: LoadDriver | undefined;
}

class ApplyError extends Error {
  constructor(
    readonly code: ApplyErrorCode,
    message: string,
  ) {
    super(message);
  }
}

function sameLoad(a: LoadSpec, b: LoadSpec): boolean {
  if (a.kind !== b.kind) return false;
  if (a.kind === 'rate' && b.kind === 'rate') return a.rateRps === b.rateRps && a.arrival === b.arrival && a.seed === b.seed;
  if (a.kind === 'saturate' && b.kind === 'saturate') return a.seed === b.seed;
  return true;
}

function loadOf(f: FunctionAssignmentSpec): LoadSpec {
  if (f.saturate === true) return { kind: 'saturate' };
  return f.rateRps > 0 ? { kind: 'rate', rateRps: f.rateRps, arrival: f.arrival } : { kind: 'none' };
}

export class LocalFunctionRuntime implements FunctionRuntime {
  private readonly running = new Map<string, Running>();
  private version = 0n;
  private chain: Promise<unknown> = Promise.resolve();
  private closed = false;
  private gate: WarmupGate | undefined;

  private constructor(
    private cat: Catalogue,
    private readonly pin: Pinning,
    private readonly toolchain: Toolchain,
    private readonly topology: readonly CpuInfo[],
    private readonly reserved: readonly number[],
    private readonly runAs: RunAs | undefined,
    private readonly opts: LocalRuntimeOptions,
    private readonly log: Logger,
    /** What start-up cleaned (stale cgroups, processes and worker temp dirs of a previous agent). */
    readonly startupCleanup: CleanupReport & { readonly removedTempDirs: readonly string[] },
    private readonly launch: LaunchOptions,
  ) {}

  /** Loads the catalogue, picks the pinning mechanism, and cleans stale cgroups of a previous run. */
  static async create(opts: LocalRuntimeOptions): Promise<LocalFunctionRuntime> {
    const log = opts.log.child({ component: 'runtime' });
    const functionsDir = resolve(opts.functionsDir);
    const toolchain = new Toolchain({
      repoRoot: opts.repoRoot ?? dirname(functionsDir),
      ...(opts.nodePath !== undefined ? { nodePath: opts.nodePath } : {}),
      ...(opts.pythonPath !== undefined ? { pythonPath: opts.pythonPath } : {}),
      ...(opts.javaPath !== undefined ? { javaPath: opts.javaPath } : {}),
    });
    const runAs = resolveRunAs(opts.runAs);
    const cat = await loadCatalogue({ functionsDir, toolchain, ...(runAs !== undefined ? { runAs } : {}) });
    for (const p of cat.problems) log.warn({ file: p.file, issues: p.issues }, 'broken function manifest, function not runnable');
    const topology = opts.topology ?? (await readCpuTopology(opts.sysfsRoot));
    const pin = await detectPinning({
      cgroupRoot: opts.cgroupRoot,
      subtree: opts.cgroupSubtree ?? 'isawatt',
      mode: opts.pinningMode ?? 'auto',
      procRoot: opts.procRoot,
      kill: killPid,
      ...(opts.emulatedCpus !== undefined ? { bandwidth: true, cpuMap: (c: number) => opts.emulatedCpus?.realCpus(c) ?? [c] } : {}),
    });
    const subtree = opts.cgroupSubtree ?? 'isawatt';
    const pinCleanup = await pin.init();
    // What an agent of this subtree killed with SIGKILL left besides its function cgroups: the
    // workers' temp dirs and (emulated hosts) its own `cpu/<subtree>-agent` cgroup, if empty.
    const tempDirs = await removeStaleWorkerTempDirs(subtree);
    const agentCgroup = join(opts.cgroupRoot, 'cpu', `${subtree}-agent`);
    const agentCgroupRemoved = await rmdir(agentCgroup).then(
      () => true,
      () => false,
    );
    const cleanup: CleanupReport & { removedTempDirs: readonly string[] } = {
      removedCgroups: [...pinCleanup.removedCgroups, ...(agentCgroupRemoved ? [agentCgroup] : [])],
      killedPids: pinCleanup.killedPids,
      removedTempDirs: tempDirs,
    };
    if (cleanup.removedCgroups.length > 0 || tempDirs.length > 0)
      log.warn({ cgroups: cleanup.removedCgroups, killedPids: cleanup.killedPids, tempDirs }, 'removed stale cgroups and worker temp dirs of a previous run');
    log.info({ pinning: pin.mode, how: pin.description, runAsUid: runAs?.uid, functions: cat.names().length }, 'function runtime ready');
    const searchPath = process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin';
    const setprivPath = findOnPath('setpriv', searchPath);
    const tasksetPath = findOnPath('taskset', searchPath);
    if (setprivPath === undefined) log.warn('setpriv (util-linux) not found: workers get no parent-death signal');
    const launch: LaunchOptions = {
      ...(runAs !== undefined ? { runAs } : {}),
      ...(setprivPath !== undefined ? { setprivPath } : {}),
      ...(tasksetPath !== undefined ? { tasksetPath } : {}),
      tempPrefix: workerTempPrefix(subtree),
    };
    return new LocalFunctionRuntime(cat, pin, toolchain, topology, opts.reservedCpus ?? [], runAs, opts, log, cleanup, launch);
  }

  get pinning(): PinningMode {
    return this.pin.mode;
  }

  get pinningDescription(): string {
    return this.pin.description;
  }

  get catalogueData(): Catalogue {
    return this.cat;
  }

  catalogue(): readonly CatalogueEntryInfo[] {
    return this.cat.info();
  }

  /** Re-reads the catalogue (running functions keep running on their loaded spec). */
  async reloadCatalogue(): Promise<Catalogue> {
    this.cat = await loadCatalogue({
      functionsDir: this.cat.functionsDir,
      toolchain: this.toolchain,
      ...(this.runAs !== undefined ? { runAs: this.runAs } : {}),
    });
    return this.cat;
  }

  /** CPUs functions may use: online minus reserved. */
  usableCpus(): number[] {
    const reserved = new Set(this.reserved);
    return this.topology.map((c) => c.cpu).filter((c) => !reserved.has(c));
  }

  runningVersion(): bigint {
    return this.version;
  }

  placements(): readonly PlacementInfo[] {
    return [...this.running.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([name, r]) => ({ function: name, cpus: [...r.cpus], workerPids: r.pool.pids() }));
  }

  activityTargets(): readonly ActivityTarget[] {
    return [...this.running.entries()].map(([name, r]) => this.pin.activityTarget(name, r.cpus));
  }

  takeInvocationFigures(): ReadonlyMap<string, InvocationFigures<number>> {
    const now = performance.now();
    const out = new Map<string, InvocationFigures<number>>();
    for (const [name, r] of this.running) {
      out.set(name, r.pool.closeTick(now));
    }
    return out;
  }

  /** Figures since the function started or since resetTotals (the `run` command). */
  totals(fn: string): WindowFigures | undefined {
    return this.running.get(fn)?.pool.totalWindow.figures(performance.now());
  }

  resetTotals(fn: string): void {
    this.running.get(fn)?.pool.totalWindow.reset(performance.now());
  }

  /** Worker restarts since the function started (crashes and timeouts). */
  restarts(fn: string): number {
    return this.running.get(fn)?.pool.restarts() ?? 0;
  }

  apply(assignment: AssignmentSpec): Promise<ApplyResult> {
    return this.serialised(async () => {
      const wanted = this.validate(assignment.functions);
      const counts = new Map([...wanted].map(([n, f]) => [n, f.cores]));
      const current = new Map([...this.running].map(([n, r]) => [n, r.cpus]));
      let plan: Map<string, number[]>;
      try {
        plan = planCpus(this.topology, this.reserved, current, counts);
      } catch (err) {
        if (err instanceof NotEnoughCoresError)
          throw new ApplyError('not-enough-cores', `${err.message} (usable CPUs: ${formatCpuList(this.usableCpus()) || 'none'})`);
        throw err;
      }
      const target = [...wanted.values()].map((f) => ({ function: f.function, cpus: plan.get(f.function) ?? [], load: loadOf(f) }));
      await this.reconcile(target);
      await this.applyCpuShares();
      this.version = assignment.version;
    });
  }

  /** Places functions on explicit CPUs (validated: online, not reserved, not shared). */
  applyPlacement(version: bigint, placements: readonly ExplicitPlacement[]): Promise<ApplyResult> {
    return this.serialised(async () => {
      this.validate(
        placements.map((p) => ({
          function: p.function,
          cores: p.cpus.length,
          rateRps: p.load.kind === 'rate' ? p.load.rateRps : 0,
          arrival: p.load.kind === 'rate' ? p.load.arrival : 'constant',
        })),
      );
      const usable = new Set(this.usableCpus());
      const online = new Set(this.topology.map((c) => c.cpu));
      const seen = new Map<number, string>();
      for (const p of placements) {
        for (const cpu of p.cpus) {
          if (!online.has(cpu)) throw new ApplyError('invalid', `${p.function}: CPU ${cpu} is not online (online: ${formatCpuList([...online])})`);
          if (!usable.has(cpu))
            throw new ApplyError('invalid', `${p.function}: CPU ${cpu} is reserved for the system (reserved: ${formatCpuList(this.reserved)})`);
          const other = seen.get(cpu);
          if (other !== undefined) throw new ApplyError('invalid', `CPU ${cpu} given to both ${other} and ${p.function}`);
          seen.set(cpu, p.function);
        }
      }
      await this.reconcile(placements.filter((p) => p.cpus.length > 0));
      await this.applyCpuShares();
      this.version = version;
    });
  }

  /** Routes one invocation (invoke endpoint) to the function's workers. */
  async invoke(fn: string, inputJson: string, dueMs = performance.now()): Promise<InvokeResult> {
    const r = this.running.get(fn);
    if (r === undefined) {
      const known = this.cat.get(fn) !== undefined;
      return { status: 'unknown-function', message: known ? `function ${fn} is not running on this host` : `unknown function "${fn}"` };
    }
    const limit = this.cat.get(fn)?.spec.maxInputBytes ?? 0;
    const size = Buffer.byteLength(inputJson);
    if (size > limit) return { status: 'too-large', message: `input of ${size} bytes exceeds maxInputBytes ${limit} of ${fn}` };
    return r.pool.submit({ kind: 'json', payload: inputJson, dueMs });
  }

  /** Max input size of a running function (the endpoint stops reading past it), undefined if not running. */
  maxInputBytes(fn: string): number | undefined {
    return this.running.has(fn) ? this.cat.get(fn)?.spec.maxInputBytes : undefined;
  }

  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.closed = true;
    return this.serialised(async () => {
      await this.reconcile([]);
      const report = await this.pin.close();
      if (report.killedPids.length > 0) this.log.warn({ killedPids: report.killedPids }, 'killed stray processes at close');
    }, true).then((r) => {
      if (!r.ok) throw new Error(`runtime close: ${r.error}`);
    });
  }

  // -------------------------------------------------------------------------------------------

  private serialised(fn: () => Promise<void>, evenIfClosed = false): Promise<ApplyResult> {
    const run = async (): Promise<ApplyResult> => {
      if (this.closed && !evenIfClosed) return { ok: false, code: 'internal', error: 'runtime is closed' };
      try {
        await fn();
        return { ok: true, placements: this.placements() };
      } catch (err) {
        if (err instanceof ApplyError) return { ok: false, code: err.code, error: err.message };
        this.log.error({ err }, 'applying the assignment failed');
        return { ok: false, code: 'internal', error: errorMessage(err) };
      }
    };
    const p = this.chain.then(run, run);
    this.chain = p;
    return p;
  }

  /** Checks names, runnability, numbers and duplicates; throws ApplyError naming the problem. */
  private validate(functions: readonly FunctionAssignmentSpec[]): Map<string, FunctionAssignmentSpec> {
    const out = new Map<string, FunctionAssignmentSpec>();
    for (const f of functions) {
      if (out.has(f.function)) throw new ApplyError('invalid', `function ${f.function} appears twice in the assignment`);
      if (!Number.isInteger(f.cores) || f.cores < 0) throw new ApplyError('invalid', `${f.function}: cores must be a whole number >= 0, got ${f.cores}`);
      if (!Number.isFinite(f.rateRps) || f.rateRps < 0)
        throw new ApplyError('invalid', `${f.function}: rateRps must be a finite number >= 0, got ${f.rateRps}`);
      if (f.arrival !== 'constant' && f.arrival !== 'poisson')
        throw new ApplyError('invalid', `${f.function}: arrival must be "constant" or "poisson", got "${String(f.arrival)}"`);
      if (f.cores === 0) continue; // 0 removes the function: no catalogue checks needed
      const entry = this.cat.get(f.function);
      if (entry === undefined) {
        const broken = this.cat.problems.find((p) => p.folder === f.function);
        throw new ApplyError(
          'unknown-function',
          broken
            ? `function ${f.function}: broken manifest: ${broken.issues.join('; ')}`
            : `unknown function "${f.function}" (not in the catalogue of this host)`,
        );
      }
      if (!entry.runnable)
        throw new ApplyError('runtime-missing', `function ${f.function} (${entry.spec.runtime}) cannot run here: ${entry.unavailableReason}`);
      out.set(f.function, f);
    }
    return out;
  }

  /** Moves the running state to `target`: stops and shrinks first (freeing CPUs), then grows and starts. */
  private async reconcile(target: readonly ExplicitPlacement[]): Promise<void> {
    const want = new Map(target.map((t) => [t.function, t]));
    // 1. Functions that go away.
    // In parallel: each stop may wait out a worker's grace period (seconds for a bandwidth-limited one).
    await Promise.all(
      [...this.running]
        .filter(([name]) => !want.has(name))
        .map(async ([name, r]) => {
          // Together: the driver's stop waits for its in-flight requests, which the pool's stop drops
          // (waiting for them first took minutes at an emulated CPU's slice).
          await Promise.all([r.driver?.stop(), r.pool.stop()]);
          this.running.delete(name);
          this.log.info({ function: name }, 'function stopped');
        }),
    );
    // 2. Shrinks (free CPUs before anyone grows onto them).
    const sameSet = (a: readonly number[], b: readonly number[]): boolean => a.length === b.length && a.every((c) => b.includes(c));
    for (const t of target) {
      const r = this.running.get(t.function);
      if (r !== undefined && !sameSet(r.cpus, t.cpus) && t.cpus.every((c) => r.cpus.includes(c))) await this.resize(t.function, r, t.cpus);
    }
    // 3. Grows/moves, then new functions.
    const errors: string[] = [];
    for (const t of target) {
      const r = this.running.get(t.function);
      try {
        if (r === undefined) await this.startFunction(t);
        else if (!sameSet(r.cpus, t.cpus)) await this.resize(t.function, r, t.cpus);
      } catch (err) {
        errors.push(errorMessage(err));
      }
    }
    // 4. Load changes (workers untouched).
    for (const t of target) {
      const r = this.running.get(t.function);
      if (r !== undefined && (!sameLoad(r.load, t.load) || (r.driver === undefined && t.load.kind !== 'none'))) await this.setLoad(t.function, r, t.load);
    }
    if (errors.length > 0) throw new Error(errors.join('; '));
  }

  /** The host's one warm-up gate (function-pool.ts, warmupGate): as many at once as real CPUs. */
  private warmupGate(): WarmupGate {
    if (this.gate === undefined) {
      const policy = this.opts.emulatedCpus;
      const real = new Set(this.topology.flatMap((c) => [...(policy?.realCpus(c.cpu) ?? [c.cpu])]));
      this.gate = warmupGate(real.size);
    }
    return this.gate;
  }

  /** Function -> CPU count of what runs now (the emulated co-location slowdown depends on it). */
  coreCounts(): Map<string, number> {
    return new Map([...this.running].map(([n, r]) => [n, r.cpus.length]));
  }

  /** Emulated hosts: every worker's bandwidth follows the new placement. */
  private async applyCpuShares(): Promise<void> {
    if (this.opts.emulatedCpus === undefined) return;
    for (const r of this.running.values()) await r.pool.applyCpuShare();
  }

  private async startFunction(t: ExplicitPlacement): Promise<void> {
    const entry = this.cat.get(t.function);
    if (entry === undefined) throw new ApplyError('unknown-function', `unknown function "${t.function}"`);
    const pool = new FunctionPool({
      entry,
      pinning: this.pin,
      toolchain: this.toolchain,
      launch: this.launch,
      log: this.log,
      queuePerWorker: this.opts.queuePerWorker ?? 32,
      startTimeoutMs: this.opts.startTimeoutMs ?? 60_000,
      stopGraceMs: this.opts.stopGraceMs ?? 2000,
      ...(this.opts.emulatedCpus !== undefined
        ? {
            cpuShare: () => this.opts.emulatedCpus?.shareOf(t.function, this.coreCounts()),
            carrier: this.opts.emulatedCpus.carrier === true,
            ...(this.opts.emulatedCpus.carrierCpus !== undefined ? { carrierCpus: this.opts.emulatedCpus.carrierCpus } : {}),
            ...(this.opts.emulatedCpus.batchWakeups !== undefined ? { batchWakeups: this.opts.emulatedCpus.batchWakeups } : {}),
            warmupMs: this.opts.emulatedCpus.warmupMs ?? 0,
            warmupGate: this.warmupGate(),
          }
        : {}),
    });
    await pool.start(t.cpus);
    const r: Running = { pool, cpus: [...t.cpus].sort((a, b) => a - b), load: { kind: 'none' }, driver: undefined };
    this.running.set(t.function, r);
    this.log.info({ function: t.function, cpus: r.cpus, pids: pool.pids() }, 'function started');
  }

  private async resize(name: string, r: Running, cpus: readonly number[]): Promise<void> {
    await r.pool.resize(cpus);
    r.cpus = [...cpus].sort((a, b) => a - b);
    this.log.info({ function: name, cpus: r.cpus, pids: r.pool.pids() }, 'function resized');
    if (r.driver?.kind === 'saturate') await this.setLoad(name, r, r.load, true);
  }

  private async setLoad(name: string, r: Running, load: LoadSpec, force = false): Promise<void> {
    if (!force && sameLoad(r.load, load) && (r.driver !== undefined || load.kind === 'none')) return;
    await r.driver?.stop();
    r.driver = undefined;
    r.load = load;
    const entry = this.cat.get(name);
    const seed = String(load.kind !== 'none' && load.seed !== undefined ? load.seed : (entry?.spec.input.seed ?? 1));
    const request = (): { kind: 'seed'; payload: string } => ({ kind: 'seed', payload: seed });
    if (load.kind === 'rate') r.driver = new OpenLoopDriver(r.pool, load.rateRps, load.arrival, request);
    else if (load.kind === 'saturate') r.driver = new ClosedLoopDriver(r.pool, r.cpus.length, request);
  }
}
