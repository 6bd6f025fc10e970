// Runs minizinc/placement.mzn through the `minizinc` npm package, on one of two backends:
// - native: the package's Node build spawns the `minizinc` binary (Debian: 2.6.4 + Gecode);
// - wasm:   the package's bundled WebAssembly build (MiniZinc 2.10 with Gecode, Chuffed, COIN-BC,
//           HiGHS) in a worker_threads Worker, so no system package is needed.
// Both are cancelled on the AbortSignal or at the time limit plus a grace period: native by SIGINT
// through the package, wasm by worker.terminate() (MiniZinc in WebAssembly does not interrupt its
// own flattening at the time limit).
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type * as MiniZincLib from 'minizinc';
import { modelSource, type ModelName } from './minizinc-data.js';

export type MiniZincBackend = 'native' | 'wasm';
export const MINIZINC_SOLVERS = ['gecode', 'highs', 'chuffed', 'cbc'] as const;
export type MiniZincSolverName = (typeof MINIZINC_SOLVERS)[number];

export interface MiniZincRun {
  /** OPTIMAL_SOLUTION, SATISFIED, UNSATISFIABLE, UNKNOWN, ERROR, or TIMEOUT when we cut it. */
  readonly status: string;
  /** The model's `host` array of the best solution (1-based), or null. */
  readonly host: unknown;
  /** Everything the best solution output (e.g. the split model's `cores_out`), or null. */
  readonly output?: Record<string, unknown> | null | undefined;
  /** Solver statistics (objectiveBound when the solver reports one). */
  readonly statistics: Record<string, unknown>;
  readonly elapsedMs: number;
  /** Why there is no answer when the reason is ours to tell, e.g. the limit ran out while flattening. */
  readonly note?: string | undefined;
}

export interface MiniZincRunOptions {
  readonly backend: MiniZincBackend;
  readonly solver: MiniZincSolverName;
  readonly timeLimitMs: number;
  readonly signal?: AbortSignal | undefined;
  /** Which model under minizinc/ (default placement.mzn). */
  readonly model?: ModelName | undefined;
}

/** Grace after the time limit before we stop a solver that did not stop itself. */
const GRACE_MS = 2000;

/** Warnings of Debian's MiniZinc 2.6.4 about its own library, on every run. */
const NOISE = /overrides a global constraint/;

/**
 * Why a run ended without a plan, when flattening explains it. MiniZinc reports compile statistics
 * (flatTime) once flattening is done: without them the whole limit went into compiling the model.
 */
function noPlanNote(status: string, host: unknown, statistics: Record<string, unknown>, timeLimitMs: number): string | undefined {
  if ((status !== 'UNKNOWN' && status !== 'TIMEOUT') || host !== null) return undefined;
  const flat = statistics.flatTime;
  if (typeof flat !== 'number')
    return `the ${timeLimitMs} ms limit ran out while MiniZinc was still flattening (compiling) the model; the solver never started`;
  return `MiniZinc took ${flat.toFixed(1)} s of the ${timeLimitMs} ms limit to flatten the model; the solver found no plan in the rest`;
}

/** First lines of a solver's diagnostics, for an error message. */
function excerpt(lines: readonly string[]): string {
  const text = lines
    .flatMap((l) => l.split('\n'))
    .map((l) => l.trim())
    .filter((l) => l && !NOISE.test(l));
  return [...new Set(text)].slice(0, 12).join(' | ');
}

let nativeAvailable: boolean | undefined;
let nativeList: MiniZincSolverName[] | undefined;
/** True when a `minizinc` binary is on PATH (checked once). */
export function hasNativeMiniZinc(): boolean {
  nativeAvailable ??= spawnSync('minizinc', ['--version'], { stdio: 'ignore' }).status === 0;
  return nativeAvailable;
}

/** Solvers the native binary offers (by tag), e.g. ['gecode'] on Debian 12. */
export function nativeSolvers(): MiniZincSolverName[] {
  nativeList ??= listNativeSolvers();
  return nativeList;
}

function listNativeSolvers(): MiniZincSolverName[] {
  if (!hasNativeMiniZinc()) return [];
  const r = spawnSync('minizinc', ['--solvers-json'], { encoding: 'utf8' });
  const usable: MiniZincSolverName[] = [];
  try {
    const list = JSON.parse(r.stdout) as { tags?: string[]; id?: string; requiredFlags?: string[] }[];
    for (const s of MINIZINC_SOLVERS) {
      // Matched by tag or by the last part of the id (org.gecode.gecode, org.minizinc.mip.coin-bc);
      // solvers that need a plugin/DLL flag (CPLEX, Gurobi, SCIP) are listed but unusable.
      const hit = list.some((x) => {
        const id = x.id ?? '';
        const last = id.split('.').pop() ?? '';
        const named = (x.tags ?? []).includes(s) || last === s || (s === 'cbc' && last === 'coin-bc');
        return named && !(x.requiredFlags ?? []).length;
      });
      if (hit) usable.push(s);
    }
  } catch {
    return [];
  }
  return usable;
}

export const WASM_SOLVERS: readonly MiniZincSolverName[] = MINIZINC_SOLVERS;

// The npm package is imported on the first native solve, not with this module: most plans
// (heuristic proven optimal, or too large for MiniZinc) never touch it, and the CLI's cold start
// should not pay for it (bench/plan-cli.ts).
let miniZincLib: typeof MiniZincLib | undefined;
async function loadMiniZinc(): Promise<typeof MiniZincLib> {
  miniZincLib ??= await import('minizinc');
  return miniZincLib;
}

export async function runMiniZinc(data: Record<string, unknown>, opts: MiniZincRunOptions): Promise<MiniZincRun> {
  return opts.backend === 'native' ? runNative(data, opts) : runWasm(data, opts);
}

async function runNative(data: Record<string, unknown>, opts: MiniZincRunOptions): Promise<MiniZincRun> {
  const started = performance.now();
  const MiniZinc = await loadMiniZinc();
  const model = new MiniZinc.Model();
  model.addFile('placement.mzn', modelSource(opts.model));
  model.addJson(data);
  const progress = model.solve({
    options: { solver: opts.solver, 'time-limit': opts.timeLimitMs, statistics: true, 'intermediate-solutions': true },
  });
  let cut = false;
  const cancel = (): void => {
    cut = true;
    progress.cancel();
  };
  const timer = setTimeout(cancel, opts.timeLimitMs + GRACE_MS);
  opts.signal?.addEventListener('abort', cancel, { once: true });
  let host: unknown = null;
  let output: Record<string, unknown> | null = null;
  // Everything the run says about failing: stderr lines (the FlatZinc solver's own errors, e.g.
  // Gecode's parser) and MiniZinc's JSON error messages.
  const diagnostics: string[] = [];
  let statistics: Record<string, unknown> = {};
  progress.on('stderr', (e) => {
    const v = (e as { value?: unknown }).value;
    if (diagnostics.length < 40 && typeof v === 'string') diagnostics.push(v);
  });
  progress.on('error', (e) => {
    const v = (e as { message?: unknown }).message;
    if (diagnostics.length < 40 && typeof v === 'string') diagnostics.push(v);
  });
  progress.on('statistics', (e) => {
    statistics = { ...statistics, ...(e as { statistics?: Record<string, unknown> }).statistics };
  });
  progress.on('solution', (e) => {
    output = e.output.json ?? null;
    host = output?.host ?? null;
  });
  try {
    const r = await progress;
    const status = cut ? 'TIMEOUT' : r.status;
    return {
      status,
      host,
      output,
      statistics: r.statistics,
      elapsedMs: performance.now() - started,
      note: noPlanNote(status, host ?? output, statistics, opts.timeLimitMs),
    };
  } catch (err: unknown) {
    if (cut)
      return {
        status: 'TIMEOUT',
        host,
        output,
        statistics,
        elapsedMs: performance.now() - started,
        note: noPlanNote('TIMEOUT', host ?? output, statistics, opts.timeLimitMs),
      };
    // The package rejects with its exit event ({type: 'exit', code}), plus the first error's message.
    const e = (typeof err === 'object' && err !== null ? err : {}) as { code?: unknown; message?: unknown };
    const how = typeof e.code === 'number' ? `exited with code ${e.code}` : 'failed';
    const text = excerpt(typeof e.message === 'string' ? [e.message, ...diagnostics] : diagnostics);
    throw new Error(`minizinc (native, ${opts.solver}) ${how}${text ? `: ${text}` : ' (no diagnostics)'}`);
  } finally {
    clearTimeout(timer);
    opts.signal?.removeEventListener('abort', cancel);
  }
}

// Runs the package's browser worker under worker_threads. Its console output is forwarded as
// messages instead of printed: Emscripten reports a WebAssembly abort by printing "Aborted()" (and
// the worker a stack) with console.error, which would otherwise land on the user's terminal; the
// text goes into the error message instead. (Piping the Worker's stderr would do the same, but a
// worker with piped stdio keeps the process alive even when unref'd.)
const SHIM = `const { parentPort } = require('node:worker_threads');
globalThis.postMessage = (m) => parentPort.postMessage(m);
globalThis.addEventListener = (t, fn) => { if (t === 'message') parentPort.on('message', (data) => fn({ data })); };
const forward = (...a) => parentPort.postMessage({ type: 'console', value: a.map((x) => (x instanceof Error ? x.stack ?? String(x) : String(x))).join(' ') + '\\n' });
console.log = forward; console.info = forward; console.warn = forward; console.error = forward; console.debug = forward;
`;

let wasmDist: { dir: string; worker: string } | undefined;
function wasmFiles(): { dir: string; worker: string } {
  if (!wasmDist) {
    // The package does not export './package.json'; resolve a file it does export.
    const dir = createRequire(import.meta.url)
      .resolve('minizinc/minizinc.wasm')
      .replace(/minizinc\.wasm$/, '');
    wasmDist = { dir, worker: SHIM + readFileSync(dir + 'minizinc-worker.js', 'utf8') };
  }
  return wasmDist;
}

interface WorkerMessage {
  type?: string;
  status?: string;
  output?: { json?: Record<string, unknown> };
  statistics?: Record<string, unknown>;
  message?: string;
  value?: string;
  code?: number | null;
}

// One warm worker is kept between solves: a fresh one must compile 18 MB of WebAssembly and its
// first flattening runs on unoptimised code (seconds on a busy machine); a reused one announces
// 'ready' again after each solve. It is unref'd while idle (it never keeps the process alive) and
// shutdownMiniZinc() terminates it. A solve that is cut is cancelled by terminating its worker.
interface PooledWorker {
  readonly worker: Worker;
  /** What the worker printed (console, MiniZinc's stderr) during the current solve. */
  output: string[];
  outputChars: number;
}
let idleWorker: PooledWorker | undefined;
const REUSE_MAX_DATA_CHARS = 200_000;
const OUTPUT_MAX_CHARS = 16_000;

function capture(pw: PooledWorker, chunk: unknown): void {
  const text = String(chunk);
  if (pw.outputChars >= OUTPUT_MAX_CHARS) return;
  pw.output.push(text);
  pw.outputChars += text.length;
}

async function acquireWorker(): Promise<PooledWorker> {
  const reuse = idleWorker;
  if (reuse) {
    idleWorker = undefined;
    reuse.worker.ref();
    reuse.output = [];
    reuse.outputChars = 0;
    return reuse;
  }
  const { dir, worker: code } = wasmFiles();
  const w = new Worker(code, { eval: true });
  const pw: PooledWorker = { worker: w, output: [], outputChars: 0 };
  try {
    await new Promise<void>((resolve, reject) => {
      w.once('error', reject);
      const onMessage = (msg: WorkerMessage): void => {
        if (msg.type !== 'ready') return;
        w.off('message', onMessage);
        w.off('error', reject);
        resolve();
      };
      w.on('message', onMessage);
      w.postMessage({ wasmURL: dir + 'minizinc.wasm', dataURL: dir + 'minizinc.data' });
    });
  } catch (err) {
    await w.terminate();
    throw err;
  }
  return pw;
}

/** Keeps a worker that finished cleanly for the next solve, once it says it is ready again. */
function releaseWorker(pw: PooledWorker): void {
  const w = pw.worker;
  w.removeAllListeners('message');
  w.removeAllListeners('error');
  w.on('error', () => void w.terminate());
  w.on('message', (msg: WorkerMessage) => {
    if (msg.type !== 'ready') return;
    w.removeAllListeners('message');
    if (idleWorker) void w.terminate();
    else idleWorker = pw;
  });
  w.unref();
}

/**
 * Whether a worker may run another solve after this one. Not after a large instance (WebAssembly
 * memory never shrinks), and never after Chuffed: Chuffed keeps its engine in global objects that
 * a second run in the same WebAssembly instance finds still populated, and it aborts
 * ("Aborted()", exit code -1) within a second, whatever the instance (bench/placement.ts saw it as
 * "wasm/chuffed: exit code -1" at 100 x 10, the second Chuffed solve of that worker).
 */
function reusable(solver: MiniZincSolverName, dataChars: number): boolean {
  return solver !== 'chuffed' && dataChars < REUSE_MAX_DATA_CHARS;
}

/**
 * Solver flags the WebAssembly build needs. CBC measures its time limit in CPU time by default,
 * which it reads from getrusage(); Emscripten's libc returns zeros there, so CBC never reached the
 * limit MiniZinc passes it (bench: 45 s, cut by us, on a 20 s limit). Wall-clock time fixes that.
 */
function wasmSolverFlags(solver: MiniZincSolverName): string[] {
  return solver === 'cbc' ? ['--cbcArgs', '-timeMode elapsed'] : [];
}

async function runWasm(data: Record<string, unknown>, opts: MiniZincRunOptions): Promise<MiniZincRun> {
  const started = performance.now();
  const pw = await acquireWorker();
  const w = pw.worker;
  const files = { 'placement.mzn': modelSource(opts.model), 'data.json': JSON.stringify(data) };
  let host: unknown = null;
  let output: Record<string, unknown> | null = null;
  let status = 'UNKNOWN';
  let statistics: Record<string, unknown> = {};
  const errors: string[] = [];
  let exitCode: number | null | undefined;
  let clean = false;
  try {
    const outcome = await new Promise<'exit' | 'cut'>((resolve, reject) => {
      // MiniZinc in WebAssembly does not stop flattening at its time limit, so the hard cut also
      // ends a flattening that overruns; solvers stop themselves at the limit.
      const timer = setTimeout(() => resolve('cut'), opts.timeLimitMs + GRACE_MS);
      const onAbort = (): void => resolve('cut');
      opts.signal?.addEventListener('abort', onAbort, { once: true });
      const done = (): void => {
        clearTimeout(timer);
        opts.signal?.removeEventListener('abort', onAbort);
      };
      w.on('error', (err) => {
        done();
        reject(err);
      });
      w.on('message', (msg: WorkerMessage) => {
        switch (msg.type) {
          case 'solution':
            output = msg.output?.json ?? null;
            host = output?.host ?? null;
            status = 'SATISFIED';
            break;
          case 'status':
            status = msg.status ?? status;
            break;
          case 'statistics':
            statistics = { ...statistics, ...msg.statistics };
            break;
          case 'error':
            errors.push(msg.message ?? 'error');
            break;
          case 'stderr':
          case 'console':
            if (typeof msg.value === 'string') capture(pw, msg.value);
            break;
          case 'exit':
            done();
            exitCode = msg.code;
            if (msg.code !== 0 && msg.message) errors.push(msg.message);
            resolve('exit');
            break;
          default:
            break;
        }
      });
      w.postMessage({
        jsonStream: true,
        files,
        args: [
          '--solver',
          opts.solver,
          ...wasmSolverFlags(opts.solver),
          '--time-limit',
          String(opts.timeLimitMs),
          '-s',
          '-i',
          '--output-mode',
          'json',
          'placement.mzn',
          'data.json',
        ],
      });
    });
    const failed = outcome === 'exit' && (exitCode !== 0 || errors.length > 0);
    clean = outcome === 'exit' && !failed && reusable(opts.solver, files['data.json'].length);
    if (outcome === 'cut') status = 'TIMEOUT';
    else if (failed) {
      const text = excerpt([...errors, ...pw.output]);
      throw new Error(`minizinc (wasm, ${opts.solver}) exited with code ${String(exitCode)}${text ? `: ${text}` : ' (no diagnostics)'}`);
    }
    return { status, host, output, statistics, elapsedMs: performance.now() - started, note: noPlanNote(status, host ?? output, statistics, opts.timeLimitMs) };
  } finally {
    if (clean) releaseWorker(pw);
    else await w.terminate();
  }
}

/** Stops any native minizinc process the package still runs and the idle WASM worker (tests, shutdown). */
export function shutdownMiniZinc(): void {
  miniZincLib?.shutdown();
  const pw = idleWorker;
  idleWorker = undefined;
  if (pw) void pw.worker.terminate();
}
