// Test and benchmark helper: starts one worker of a workload function through its runtime harness
// (the same command lines the agent uses, docs/design/worker-protocol.md) and speaks the line
// protocol with it. One invocation at a time, as the agent does.
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

export const repoRoot = resolve(fileURLToPath(new URL('../..', import.meta.url)));
export const functionsDir = join(repoRoot, 'functions');

export interface FunctionYaml {
  name: string;
  version: string;
  category: string;
  runtime: 'node' | 'python' | 'java' | 'native' | 'wasm';
  entry: string;
  description: string;
  input?: { seed?: number };
  timeoutMs?: number;
  memoryLimitMb?: number;
  classpath?: string[];
}

export function readFunctionYaml(name: string): FunctionYaml {
  const file = join(functionsDir, name, 'function.yaml');
  const doc = parse(readFileSync(file, 'utf8')) as FunctionYaml;
  if (doc.name !== name) throw new Error(`${file}: name "${doc.name}" differs from its folder "${name}"`);
  return doc;
}

/**
 * Command line that starts a worker of `fn`, as the agent builds it (worker-protocol.md): absolute
 * paths, run with the function folder as the working directory.
 */
export function workerCommand(fn: FunctionYaml): { cmd: string; args: string[]; cwd: string } {
  const dir = join(functionsDir, fn.name);
  const harness = join(functionsDir, '_harness');
  switch (fn.runtime) {
    case 'node':
      return { cmd: process.execPath, args: [join(harness, 'node/harness.mjs'), dir, fn.entry], cwd: dir };
    case 'wasm':
      return { cmd: process.execPath, args: ['--no-warnings', join(harness, 'wasm/harness.mjs'), dir, fn.entry], cwd: dir };
    case 'python':
      return { cmd: '/usr/bin/python3', args: [join(harness, 'python/harness.py'), dir, fn.entry], cwd: dir };
    case 'native':
      return { cmd: join(dir, fn.entry), args: [], cwd: dir };
    case 'java': {
      const lib = join(dir, 'build/lib');
      const jars = existsSync(lib)
        ? readdirSync(lib)
            .filter((f) => f.endsWith('.jar'))
            .map((f) => join(lib, f))
        : [];
      const cp = [join(harness, 'java/build'), join(dir, 'build/classes'), ...jars, ...(fn.classpath ?? [])];
      return { cmd: 'java', args: ['-XX:+UseSerialGC', '-cp', cp.join(':'), 'IsawattHarness', fn.entry], cwd: dir };
    }
  }
}

const built = new Set<string>();

/**
 * Runs the function's build.sh (and the Java harness's) once per process, so a test or benchmark
 * run straight after a checkout works; the scripts skip what is up to date.
 */
export function ensureBuilt(fn: FunctionYaml): void {
  const scripts = [join(functionsDir, fn.name, 'build.sh')];
  if (fn.runtime === 'java') scripts.unshift(join(functionsDir, '_harness/java/build.sh'));
  for (const script of scripts) {
    if (built.has(script) || !existsSync(script)) continue;
    const r = spawnSync('bash', [script], { cwd: repoRoot, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`${script} failed (exit ${r.status ?? r.signal}): ${r.stderr.slice(-2000)}`);
    built.add(script);
  }
}

export interface InvokeResult {
  ok: boolean;
  durationUs: number;
  /** Parsed JSON output when ok; the error text otherwise. */
  output: unknown;
  error?: string;
}

export class Worker {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly waiters: ((line: string) => void)[] = [];
  private readonly lines: string[] = [];
  private stderrTail = '';
  private exited = false;
  private nextId = 1;

  private constructor(child: ChildProcessWithoutNullStreams) {
    this.child = child;
    createInterface({ input: child.stdout, crlfDelay: Infinity }).on('line', (line) => {
      const w = this.waiters.shift();
      if (w) w(line);
      else this.lines.push(line);
    });
    child.stderr.on('data', (d: Buffer) => {
      this.stderrTail = (this.stderrTail + d.toString('utf8')).slice(-4000);
    });
    child.on('exit', () => {
      this.exited = true;
      for (const w of this.waiters.splice(0)) w('');
    });
  }

  /** Starts a worker of function `name` and waits for its `ready` line. */
  static async start(name: string, readyTimeoutMs = 60_000): Promise<Worker> {
    const fn = readFunctionYaml(name);
    ensureBuilt(fn);
    const { cmd, args, cwd } = workerCommand(fn);
    const child = spawn(cmd, args, { cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    const w = new Worker(child);
    const ready = await w.nextLine(readyTimeoutMs);
    const [tag, runtime] = ready.split('\t');
    if (tag !== 'ready' || runtime !== fn.runtime) {
      await w.close();
      throw new Error(`${name}: expected "ready\\t${fn.runtime}\\t<pid>", got ${JSON.stringify(ready)}; stderr: ${w.stderrTail}`);
    }
    return w;
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  get stderr(): string {
    return this.stderrTail;
  }

  private nextLine(timeoutMs: number): Promise<string> {
    const queued = this.lines.shift();
    if (queued !== undefined) return Promise.resolve(queued);
    if (this.exited) return Promise.resolve('');
    return new Promise((res, rej) => {
      const timer = setTimeout(() => {
        const i = this.waiters.indexOf(done);
        if (i >= 0) this.waiters.splice(i, 1);
        rej(new Error(`worker ${this.pid}: no answer within ${timeoutMs} ms; stderr: ${this.stderrTail}`));
      }, timeoutMs);
      const done = (line: string): void => {
        clearTimeout(timer);
        res(line);
      };
      this.waiters.push(done);
    });
  }

  private async request(kind: 'seed' | 'json', payload: string, timeoutMs: number): Promise<InvokeResult> {
    const id = String(this.nextId++);
    this.child.stdin.write(`${id}\t${kind}\t${payload}\n`);
    const line = await this.nextLine(timeoutMs);
    if (line === '') throw new Error(`worker ${this.pid} exited; stderr: ${this.stderrTail}`);
    const parts = line.split('\t');
    if (parts.length !== 4 || parts[0] !== id) throw new Error(`bad answer to request ${id}: ${line.slice(0, 300)}`);
    const [, status, dur, text] = parts as [string, string, string, string];
    const durationUs = Number(dur);
    if (status === 'ok') return { ok: true, durationUs, output: JSON.parse(text) as unknown };
    if (status === 'err') return { ok: false, durationUs, output: null, error: text };
    throw new Error(`bad status "${status}" in answer ${line.slice(0, 300)}`);
  }

  invokeSeed(seed: number | bigint, timeoutMs = 60_000): Promise<InvokeResult> {
    return this.request('seed', String(seed), timeoutMs);
  }

  invokeJson(input: unknown, timeoutMs = 60_000): Promise<InvokeResult> {
    return this.request('json', JSON.stringify(input), timeoutMs);
  }

  /** Closes stdin (the worker exits on EOF) and waits; kills it if it lingers. */
  async close(): Promise<void> {
    if (this.exited) return;
    const gone = new Promise<void>((res) => this.child.once('exit', () => res()));
    this.child.stdin.end();
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5_000);
    await gone;
    clearTimeout(timer);
  }
}

/** Invokes and insists on success; returns the output. */
export async function expectOk(r: Promise<InvokeResult>): Promise<unknown> {
  const res = await r;
  if (!res.ok) throw new Error(`invocation failed: ${res.error}`);
  return res.output;
}
