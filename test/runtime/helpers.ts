// Shared helpers of the root-only runtime tests: real cgroups under /sys/fs/cgroup, each test in
// its own agent subtree (isawatt-t-<pid>-<n>), real worker processes of the test functions.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { silentLogger } from '@isawatt/common';
import { LocalFunctionRuntime, type LocalRuntimeOptions } from '../../packages/agent/src/runtime/local-function-runtime.js';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
export const functionsDir = join(repoRoot, 'functions');
export const CGROUP_ROOT = '/sys/fs/cgroup';
export const RUNTIMES = ['node', 'python', 'java', 'native', 'wasm'] as const;

/** Why these tests cannot run here ('' when they can). */
export const skipReason: string | false =
  process.getuid?.() !== 0
    ? 'needs root (real cgroups)'
    : !existsSync(join(CGROUP_ROOT, 'cpuset', 'cpuset.cpus')) && !existsSync(join(CGROUP_ROOT, 'cgroup.controllers'))
      ? 'no cgroup filesystem'
      : false;

let built = false;
/** Builds the test functions and the harnesses once per process (skips what is up to date). */
export function buildTestFunctions(): void {
  if (built) return;
  execFileSync('bash', [join(functionsDir, 'build.sh'), ...RUNTIMES.map((r) => `test-${r}`)], { stdio: ['ignore', 'ignore', 'inherit'] });
  built = true;
}

let counter = 0;
export function uniqueSubtree(): string {
  return `isawatt-t-${process.pid}-${++counter}`;
}

export interface TestContextLike {
  after(fn: () => Promise<void> | void): void;
}

/** A runtime on a fresh subtree, closed after the test. */
export async function makeRuntime(t: TestContextLike, opts: Partial<LocalRuntimeOptions> = {}): Promise<{ rt: LocalFunctionRuntime; subtree: string }> {
  buildTestFunctions();
  const subtree = opts.cgroupSubtree ?? uniqueSubtree();
  const rt = await LocalFunctionRuntime.create({
    functionsDir,
    log: silentLogger(),
    cgroupRoot: CGROUP_ROOT,
    sysfsRoot: '/sys',
    procRoot: '/proc',
    cgroupSubtree: subtree,
    ...opts,
  });
  t.after(() => rt.close());
  return { rt, subtree };
}

export interface ProcStatus {
  readonly state: string;
  readonly cpusAllowed: string;
  readonly uid: number;
}

export function procStatus(pid: number): ProcStatus | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return undefined;
  }
  const field = (name: string): string => new RegExp(`^${name}:\\s*(.*)$`, 'm').exec(text)?.[1]?.trim() ?? '';
  return { state: field('State').charAt(0), cpusAllowed: field('Cpus_allowed_list'), uid: Number(field('Uid').split(/\s+/)[0]) };
}

export { isDead } from '../helpers/pid-state.js';

/** Polls `cond` until it holds; the bound is generous (a loaded 2-CPU machine) and monotonic. */
export async function waitFor(what: string, cond: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = performance.now() + timeoutMs; // monotonic: Date.now() can step
  while (!cond()) {
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Directories of this subtree that exist in any hierarchy. */
export function subtreeDirs(subtree: string): string[] {
  return ['cpuset', 'cpuacct', 'memory', 'unified', 'cpu'].map((h) => join(CGROUP_ROOT, h, subtree)).filter((d) => existsSync(d));
}

export function readCgroupFile(...parts: string[]): string {
  return readFileSync(join(CGROUP_ROOT, ...parts), 'utf8').trim();
}
