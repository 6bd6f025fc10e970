// Runs minizinc/placement.mzn through the `minizinc` npm package, on one of two backends:
// - native: the package's Node build spawns the `minizinc` binary (Debian: 2.6.4 + Gecode);
// - wasm:   the package's bundled WebAssembly build (MiniZinc 2.10 with Gecode, Chuffed, COIN-BC,
//           HiGHS) in a worker_threads Worker, so no system package is needed.
// Both are cancelled on the AbortSignal or at the time limit plus a grace period (CBC in WASM
// ignores --time-limit): native by SIGINT through the package, wasm by worker.terminate().
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import * as MiniZinc from 'minizinc';
import { modelSource } from './minizinc-data.js';

export type MiniZincBackend = 'native' | 'wasm';
export const MINIZINC_SOLVERS = ['gecode', 'highs', 'chuffed', 'cbc'] as const;
export type MiniZincSolverName = (typeof MINIZINC_SOLVERS)[number];

export interface MiniZincRun {
  /** OPTIMAL_SOLUTION, SATISFIED, UNSATISFIABLE, UNKNOWN, ERROR, or TIMEOUT when we cut it. */
  readonly status: string;
  /** The model's `host` array of the best solution (1-based), or null. */
  readonly host: unknown;
  /** Solver statistics (objectiveBound when the solver reports one). */
  readonly statistics: Record<string, unknown>;
  readonly elapsedMs: number;
}

export interface MiniZincRunOptions {
  readonly backend: MiniZincBackend;
  readonly solver: MiniZincSolverName;
  readonly timeLimitMs: number;
  readonly signal?: AbortSignal | undefined;
}

/** Grace after the time limit before we stop a solver that did not stop itself. */
const GRACE_MS = 2000;

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

export async function runMiniZinc(data: Record<string, unknown>, opts: MiniZincRunOptions): Promise<MiniZincRun> {
  return opts.backend === 'native' ? runNative(data, opts) : runWasm(data, opts);
}

async function runNative(data: Record<string, unknown>, opts: MiniZincRunOptions): Promise<MiniZincRun> {
  const started = performance.now();
  const model = new MiniZinc.Model();
  model.addFile('placement.mzn', modelSource());
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
  const stderr: string[] = [];
  progress.on('stderr', (e) => {
    const v = (e as { value?: unknown }).value;
    if (stderr.length < 20 && typeof v === 'string') stderr.push(v);
  });
  progress.on('solution', (e) => {
    host = (e.output.json)?.host ?? null;
  });
  try {
    const r = await progress;
    return {
      status: cut ? 'TIMEOUT' : r.status,
      host,
      statistics: r.statistics,
      elapsedMs: performance.now() - started,
    };
  } catch (err: unknown) {
    if (cut) return { status: 'TIMEOUT', host, statistics: {}, elapsedMs: performance.now() - started };
    const msg = typeof err === 'object' && err !== null && 'message' in err ? String(err.message) : JSON.stringify(err);
    const tail = stderr.filter((l) => !/overrides a global constraint/.test(l)).join(' ').trim();
    throw new Error(`minizinc (native, ${opts.solver}): ${msg}${tail ? `: ${tail}` : ''}`);
  } finally {
    clearTimeout(timer);
    opts.signal?.removeEventListener('abort', cancel);
  }
}

const SHIM = `const { parentPort } = require('node:worker_threads');
globalThis.postMessage = (m) => parentPort.postMessage(m);
globalThis.addEventListener = (t, fn) => { if (t === 'message') parentPort.on('message', (data) => fn({ data })); };\n`;

let wasmDist: { dir: string; worker: string } | undefined;
function wasmFiles(): { dir: string; worker: string } {
  if (!wasmDist) {
    // The package does not export './package.json'; resolve a file it does export.
    const dir = createRequire(import.meta.url).resolve('minizinc/minizinc.wasm').replace(/minizinc\.wasm$/, '');
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
  code?: number | null;
}

// One warm worker is kept between solves: a fresh one must compile 18 MB of WebAssembly and its
// first flattening runs on unoptimised code (seconds on a busy machine); a reused one announces
// 'ready' again after each solve. It is unref'd while idle (it never keeps the process alive) and
// shutdownMiniZinc() terminates it. A solve that is cut is cancelled by terminating its worker.
let idleWorker: Worker | undefined;
const REUSE_MAX_DATA_CHARS = 200_000;

async function acquireWorker(): Promise<Worker> {
  const reuse = idleWorker;
  if (reuse) {
    idleWorker = undefined;
    reuse.ref();
    return reuse;
  }
  const { dir, worker: code } = wasmFiles();
  const w = new Worker(code, { eval: true });
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
  return w;
}

/** Keeps a worker that finished cleanly for the next solve, once it says it is ready again. */
function releaseWorker(w: Worker): void {
  w.removeAllListeners('message');
  w.removeAllListeners('error');
  w.on('error', () => void w.terminate());
  w.on('message', (msg: WorkerMessage) => {
    if (msg.type !== 'ready') return;
    w.removeAllListeners('message');
    if (idleWorker) void w.terminate();
    else idleWorker = w;
  });
  w.unref();
}

async function runWasm(data: Record<string, unknown>, opts: MiniZincRunOptions): Promise<MiniZincRun> {
  const started = performance.now();
  const w = await acquireWorker();
  const files = { 'placement.mzn': modelSource(), 'data.json': JSON.stringify(data) };
  let host: unknown = null;
  let status = 'UNKNOWN';
  let statistics: Record<string, unknown> = {};
  let error: string | undefined;
  let clean = false;
  try {
    const outcome = await new Promise<'exit' | 'cut'>((resolve, reject) => {
      // The hard cut also covers flattening, which is slow in WebAssembly: a wider grace than native.
      const timer = setTimeout(() => resolve('cut'), 2 * opts.timeLimitMs + 5000);
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
            host = msg.output?.json?.host ?? null;
            status = 'SATISFIED';
            break;
          case 'status':
            status = msg.status ?? status;
            break;
          case 'statistics':
            statistics = { ...statistics, ...msg.statistics };
            break;
          case 'error':
            error ??= msg.message ?? 'error';
            break;
          case 'exit':
            done();
            if (msg.code !== 0 && error === undefined) error = `exit code ${msg.code}`;
            resolve('exit');
            break;
          default:
            break;
        }
      });
      w.postMessage({
        jsonStream: true,
        files,
        args: ['--solver', opts.solver, '--time-limit', String(opts.timeLimitMs), '-s', '-i', '--output-mode', 'json', 'placement.mzn', 'data.json'],
      });
    });
    // Only small solves hand their worker on: WebAssembly memory never shrinks, so a worker that
    // flattened a large instance is not kept.
    clean = outcome === 'exit' && error === undefined && files['data.json'].length < REUSE_MAX_DATA_CHARS;
    if (outcome === 'cut') status = 'TIMEOUT';
    else if (error !== undefined) throw new Error(`minizinc (wasm, ${opts.solver}): ${error}`);
    return { status, host, statistics, elapsedMs: performance.now() - started };
  } finally {
    if (clean) releaseWorker(w);
    else await w.terminate();
  }
}

/** Stops any native minizinc process the package still runs and the idle WASM worker (tests, shutdown). */
export function shutdownMiniZinc(): void {
  MiniZinc.shutdown();
  const w = idleWorker;
  idleWorker = undefined;
  if (w) void w.terminate();
}
