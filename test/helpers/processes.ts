// Spawning real isawatt processes in tests: the coordinator (CLI entry) and agents, run from the
// TypeScript sources with tsx and the "source" condition. Each spawned process is stopped (SIGTERM,
// then SIGKILL after 5 s) and reaped in t.after, so a failing test never leaves one behind. If the
// test process itself dies before its hooks run (the runner killing a file at its timeout, a
// SIGKILL), every isawatt process it started still stops: each gets ISAWATT_EXIT_WITH_PARENT=1 and a
// stdin pipe only this process holds, whose EOF tells it the parent is gone (docs/runtime.md). Output is kept line by line so a
// test can wait for a log line; on failure the last lines are included in the error.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { exitWithParentEnv } from '@isawatt/common';

import { freePort } from './free-port.js';
export { freePort } from './free-port.js';

/** Every process spawned here that has not exited yet, so a temp dir's cleanup can wait for them. */
const running = new Set<() => Promise<unknown>>();

/**
 * Stops every process spawned through these helpers that is still running (SIGTERM, then SIGKILL
 * after 5 s). A temp dir's cleanup calls it first: t.after hooks run in the order they were
 * registered, so a dir created before its processes would otherwise be removed while they still
 * write into it (ENOTEMPTY).
 */
export async function stopSpawned(): Promise<void> {
  await Promise.all([...running].map((stop) => stop()));
}

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const CLI_ENTRY = join(REPO_ROOT, 'packages/coordinator/src/cli/entry.ts');
export const AGENT_MAIN = join(REPO_ROOT, 'packages/agent/src/main.ts');
export const HOST_FIXTURES = join(REPO_ROOT, 'packages/agent/testdata/hosts');

/** The subset of node:test's TestContext we use (so helpers work in before/after hooks too). */
export interface Cleanup {
  after(fn: () => unknown): void;
}

export interface Proc {
  readonly child: ChildProcess;
  readonly name: string;
  readonly lines: string[];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Resolves with the first line (past or future) matching `re`. */
  waitForLine(re: RegExp, timeoutMs?: number): Promise<string>;
  /** Sends the signal and waits for the process to exit. */
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  tail(n?: number): string;
}

/** Runs a .ts file with node --conditions=source --import tsx. */
export function spawnTs(
  t: Cleanup,
  name: string,
  script: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv = {},
  nodeArgs: readonly string[] = [],
  cwd: string = REPO_ROOT,
): Proc {
  return spawnCommand(t, name, process.execPath, [...nodeArgs, '--conditions=source', '--import', 'tsx', script, ...args], env, cwd);
}

/** Runs any command from the repository root (env added to this process's), with the same cleanup. */
export function spawnCommand(t: Cleanup, name: string, command: string, args: readonly string[], env: NodeJS.ProcessEnv = {}, cwd: string = REPO_ROOT): Proc {
  const child = spawn(command, args, {
    cwd,
    env: { ...process.env, ...exitWithParentEnv, ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  // Never written: it only closes when this process dies (or the child exits).
  child.stdin?.on('error', () => undefined);
  const lines: string[] = [];
  const waiters: { re: RegExp; resolve: (l: string) => void }[] = [];
  const onChunk = (buf: { partial: string }) => (chunk: Buffer) => {
    const parts = (buf.partial + chunk.toString('utf8')).split('\n');
    buf.partial = parts.pop() ?? '';
    for (const line of parts) {
      lines.push(line);
      for (const w of [...waiters]) {
        if (w.re.test(line)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(line);
        }
      }
    }
  };
  child.stdout?.on('data', onChunk({ partial: '' }));
  child.stderr?.on('data', onChunk({ partial: '' }));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  let done = false;
  void exited.then(() => (done = true));
  const tail = (n = 30): string => lines.slice(-n).join('\n');
  const proc: Proc = {
    child,
    name,
    lines,
    exited,
    tail,
    waitForLine(re, timeoutMs = 30_000) {
      const found = lines.find((l) => re.test(l));
      if (found !== undefined) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const w = {
          re,
          resolve: (l: string) => {
            clearTimeout(timer);
            resolve(l);
          },
        };
        const timer = setTimeout(() => {
          waiters.splice(waiters.indexOf(w), 1);
          reject(new Error(`${name}: no line matching ${re} within ${timeoutMs} ms; last output:\n${tail()}`));
        }, timeoutMs);
        waiters.push(w);
      });
    },
    async stop(signal = 'SIGTERM') {
      if (!done) child.kill(signal);
      return exited;
    },
  };
  // Teardown asks first (SIGTERM: an agent removes its workers and cgroups), then insists.
  const teardown = async (): Promise<void> => {
    if (done) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  };
  running.add(teardown);
  void exited.then(() => running.delete(teardown));
  t.after(teardown);
  return proc;
}

export interface CoordinatorProcOptions {
  port: number;
  stateDir: string;
  args?: readonly string[];
  env?: NodeJS.ProcessEnv;
  /** Options for node itself (e.g. --cpu-prof, which NODE_OPTIONS refuses). */
  nodeArgs?: readonly string[];
  /**
   * Pass --insecure (default true): the TCP listener then serves unauthenticated callers, so
   * `--coordinator 127.0.0.1:PORT` works from any test. False for tests of the secure defaults
   * (mutual TLS, or the Control socket only).
   */
  insecure?: boolean;
  /** Run the coordinator of another checkout (a bench's baseline, bench/baseline-checkout.sh); default this one. */
  repoRoot?: string;
  /**
   * Run the compiled CLI (packages/coordinator/dist, from `tsc -b`) instead of the sources through
   * tsx: what ships, without the loader's hooks and name wrappers (benchmarks).
   */
  fromDist?: boolean;
}

/** The compiled coordinator CLI entry (`tsc -b` output). */
export const CLI_DIST_ENTRY = join(REPO_ROOT, 'packages/coordinator/dist/cli/entry.js');

/** The Control socket of a coordinator started with this state directory (its default). */
export function controlSocketOf(stateDir: string): string {
  return join(stateDir, 'control.sock');
}

/**
 * Starts `isawatt coordinator` on 127.0.0.1:PORT (plus its Control socket in the state directory)
 * and waits until it listens. CLI calls reach it with `--coordinator 127.0.0.1:PORT` (insecure,
 * the default here) or `--coordinator unix:<stateDir>/control.sock` (always).
 */
export async function startCoordinator(t: Cleanup, opts: CoordinatorProcOptions): Promise<Proc> {
  const root = opts.repoRoot ?? REPO_ROOT;
  const cliArgs = [
    'coordinator',
    '--listen',
    `127.0.0.1:${opts.port}`,
    '--state-dir',
    opts.stateDir,
    ...(opts.insecure === false ? [] : ['--insecure']),
    ...(opts.args ?? []),
  ];
  const p = opts.fromDist
    ? spawnCommand(
        t,
        `coordinator:${opts.port}`,
        process.execPath,
        [...(opts.nodeArgs ?? []), join(root, 'packages/coordinator/dist/cli/entry.js'), ...cliArgs],
        opts.env,
        root,
      )
    : spawnTs(t, `coordinator:${opts.port}`, join(root, 'packages/coordinator/src/cli/entry.ts'), cliArgs, opts.env, opts.nodeArgs, root);
  await Promise.race([
    p.waitForLine(/"msg":"listening"/, 30_000),
    p.exited.then((e) => {
      throw new Error(`coordinator exited early (${e.code ?? e.signal}):\n${p.tail()}`);
    }),
  ]);
  return p;
}

export interface AgentProcOptions {
  port: number;
  hostId: string;
  /** Fixture tree under packages/agent/testdata/hosts (xeon-2s, altra-max-1s). */
  fixture: string;
  tickIntervalMs?: number;
  args?: readonly string[];
}

/** Starts a real agent on a fixture host tree (the daemon's command line). */
export function startAgent(t: Cleanup, opts: AgentProcOptions): Proc {
  const root = join(HOST_FIXTURES, opts.fixture);
  return spawnTs(t, `agent:${opts.hostId}`, AGENT_MAIN, [
    '--coordinator',
    `127.0.0.1:${opts.port}`,
    '--host-id',
    opts.hostId,
    '--procfs-root',
    join(root, 'proc'),
    '--sysfs-root',
    join(root, 'sys'),
    '--tick-interval-ms',
    String(opts.tickIntervalMs ?? 200),
    '--http-listen',
    'off',
    '--log-level',
    'info',
    ...(opts.args ?? []),
  ]);
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `isawatt ...args` to completion. */
export async function runCli(args: readonly string[], env: NodeJS.ProcessEnv = {}, timeoutMs = 60_000): Promise<CliResult> {
  const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', CLI_ENTRY, ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...exitWithParentEnv, ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  child.stdin.on('error', () => undefined);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
  clearTimeout(timer);
  return { code, stdout, stderr };
}

/** Polls `check` until it returns a value (not undefined) or the time runs out. */
export async function eventually<T>(what: string, check: () => Promise<T | undefined> | T | undefined, timeoutMs = 30_000, everyMs = 100): Promise<T> {
  const deadline = performance.now() + timeoutMs; // monotonic: Date.now() can step
  let lastErr: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v !== undefined) return v;
    } catch (err) {
      lastErr = err;
    }
    if (performance.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastErr instanceof Error ? `: ${lastErr.message}` : ''}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Waits until the coordinator lists `hostId` as up (asked through the CLI, as a user would). */
export async function waitForHostUp(coordinator: string, hostId: string, timeoutMs = 60_000): Promise<void> {
  await eventually(
    `${hostId} attached`,
    async () => {
      const r = await runCli(['hosts', '--coordinator', coordinator, '--json']);
      const hosts = JSON.parse(r.stdout) as { hosts?: { host_id: string; state: string }[] } | { host_id: string; state: string }[];
      const list = Array.isArray(hosts) ? hosts : (hosts.hosts ?? []);
      return list.some((h) => h.host_id === hostId && h.state === 'HOST_STATE_UP') ? true : undefined;
    },
    timeoutMs,
    500,
  );
}

export interface LiveAgentOptions {
  readonly hostId: string;
  readonly functionsDir: string;
  /** The coordinator's state directory. */
  readonly stateDir: string;
  /** More agent flags (e.g. --emulate PROFILE). */
  readonly args?: readonly string[];
}

export interface LiveAgent {
  /** host:port of the coordinator's agent listener. */
  readonly coordinator: string;
  /** The agent's /metrics and /healthz port on 127.0.0.1. */
  readonly httpPort: number;
  readonly agent: Proc;
}

/**
 * A coordinator on a free port and an agent on this machine's own /proc, /sys and cgroups (ticks of
 * 1 s, HTTP on a free loopback port), returned once the agent is attached. Both stop with `t`.
 */
export async function startLiveAgent(t: Cleanup, opts: LiveAgentOptions): Promise<LiveAgent> {
  const port = await freePort();
  const httpPort = await freePort();
  const coordinator = `127.0.0.1:${port}`;
  await startCoordinator(t, { port, stateDir: opts.stateDir });
  const agent = spawnTs(t, `agent:${opts.hostId}`, AGENT_MAIN, [
    '--coordinator',
    coordinator,
    '--host-id',
    opts.hostId,
    ...(opts.args ?? []),
    '--functions-dir',
    opts.functionsDir,
    '--tick-interval-ms',
    '1000',
    '--http-listen',
    `127.0.0.1:${httpPort}`,
    '--log-level',
    'info',
  ]);
  await waitForHostUp(coordinator, opts.hostId);
  return { coordinator, httpPort, agent };
}
