// One warm worker process and its side of the line protocol (docs/design/worker-protocol.md): it
// waits for `ready`, sends one invocation at a time, enforces the timeout (SIGKILL) and the output
// size limit, and reports the process's exit. Restart policy lives in the pool, not here.
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { EventEmitter } from 'node:events';
import type { Readable, Writable } from 'node:stream';
import type { Logger } from '@isawatt/common';
import type { LaunchSpec } from './worker-launch.js';
import { JOIN_FAILED_EXIT } from './worker-launch.js';

export type RequestKind = 'seed' | 'json';
/** The pool's full-speed warm-up of a new worker (docs/design/worker-protocol.md); never a caller's request. */
export type WarmupKind = 'warmup';

export type InvokeOutcome =
  | { readonly status: 'ok'; readonly output: string; readonly durationUs: number }
  /** The handler threw or returned an error (the worker stays up). */
  | { readonly status: 'error'; readonly message: string; readonly durationUs: number }
  /** Past the timeout: the worker was killed. */
  | { readonly status: 'timeout'; readonly message: string }
  /** The worker died during the invocation, or its output line was too large (then it was killed). */
  | { readonly status: 'crash'; readonly message: string };

export interface WorkerProcessOptions {
  readonly launch: LaunchSpec;
  readonly log: Logger;
  /** Output line limit (the function's maxOutputBytes); past it the worker is killed. */
  readonly maxOutputBytes: number;
  /** How long the runtime may take to load the function and print `ready`. */
  readonly startTimeoutMs: number;
}

const STDERR_TAIL_LINES = 20;
const STDERR_LINE_CHARS = 500;

export class WorkerStartError extends Error {
  override readonly name = 'WorkerStartError';
}

interface Pending {
  readonly id: string;
  readonly resolve: (o: InvokeOutcome) => void;
  readonly timeoutMs: number;
  /** Armed when the invocation reaches the head of the line (the worker runs one at a time). */
  timer: NodeJS.Timeout | undefined;
}

export class WorkerProcess extends EventEmitter<{ exit: [code: number | null, signal: NodeJS.Signals | null] }> {
  readonly pid: number;
  private readonly child: ChildProcessByStdio<Writable, Readable, Readable>;
  private readonly stderrTail: string[] = [];
  private stdoutBuf = '';
  private stderrBuf = '';
  /** Invocations sent and not answered, oldest first (more than one only when pipelined). */
  private readonly inflight: Pending[] = [];
  private nextId = 1;
  private exited = false;
  /** Set by kill(): the process may still be running, but it takes no more work. */
  private killed = false;
  private exitInfo = '';
  private onReady: ((pid: number) => void) | undefined;
  private readonly exitPromise: Promise<void>;

  private constructor(private readonly opts: WorkerProcessOptions) {
    super();
    const { launch } = opts;
    this.child = spawn(launch.command, [...launch.args], {
      cwd: launch.cwd,
      env: { ...launch.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    if (this.child.pid === undefined) {
      // spawn failed synchronously-ish (ENOENT of /bin/sh): the 'error' event follows.
      this.pid = -1;
    } else {
      this.pid = this.child.pid;
    }
    this.child.stdin.on('error', () => {
      // EPIPE when the worker died: the exit handler reports it.
    });
    this.child.stdout.setEncoding('utf8');
    this.child.stderr.setEncoding('utf8');
    this.child.stdout.on('data', (chunk: string) => this.onStdout(chunk));
    this.child.stderr.on('data', (chunk: string) => this.onStderr(chunk));
    this.exitPromise = new Promise((resolve) => {
      this.child.once('exit', (code, signal) => {
        this.exited = true;
        this.exitInfo =
          code === JOIN_FAILED_EXIT ? `could not join its cgroup (exit ${code})` : signal !== null ? `killed by ${signal}` : `exited with code ${code}`;
        for (const p of this.inflight.splice(0)) {
          clearTimeout(p.timer);
          p.resolve({ status: 'crash', message: `worker ${this.exitInfo}${this.tailText()}` });
        }
        this.emit('exit', code, signal);
        resolve();
      });
    });
    this.child.once('error', (err) => {
      this.opts.log.warn({ err, command: launch.command }, 'worker spawn error');
    });
  }

  /** Starts a worker and waits for its `ready` line; kills it and throws on failure or timeout. */
  static async start(opts: WorkerProcessOptions): Promise<WorkerProcess> {
    const w = new WorkerProcess(opts);
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new WorkerStartError(`no "ready" line within ${opts.startTimeoutMs} ms${w.tailText()}`)), opts.startTimeoutMs);
        w.onReady = (pid) => {
          clearTimeout(timer);
          if (pid !== w.pid) opts.log.warn({ reportedPid: pid, pid: w.pid }, 'worker reported another pid');
          resolve();
        };
        void w.exitPromise.then(() => {
          clearTimeout(timer);
          reject(new WorkerStartError(`worker ${w.exitInfo} before it was ready${w.tailText()}`));
        });
      });
    } catch (err) {
      w.kill();
      await w.exitPromise;
      throw err;
    } finally {
      w.onReady = undefined;
    }
    return w;
  }

  /** Running and usable (not killed). */
  get alive(): boolean {
    return !this.exited && !this.killed;
  }

  /** At least one invocation in flight. */
  get busy(): boolean {
    return this.inflight.length > 0;
  }

  /** Invocations sent and not yet answered. */
  get inFlight(): number {
    return this.inflight.length;
  }

  /** Last stderr lines, for error messages. */
  stderrLines(): readonly string[] {
    return this.stderrTail;
  }

  /**
   * Sends one invocation. Without `pipeline` the caller never overlaps two on the same worker; with
   * it, the request may be written while earlier ones are still in flight (the harnesses read stdin
   * one line at a time and answer in order): an emulated carrier worker keeps its next request
   * waiting in its pipe so that it does not idle for the agent's round trip. Each invocation's
   * timeout runs from when the worker starts it (when the one before it is answered).
   */
  invoke(kind: RequestKind | WarmupKind, payload: string, timeoutMs: number, pipeline = false): Promise<InvokeOutcome> {
    if (this.exited || this.killed) return Promise.resolve({ status: 'crash', message: `worker ${this.exited ? this.exitInfo : 'was killed'}` });
    if (this.inflight.length > 0 && !pipeline) throw new Error('worker is busy (one invocation at a time)');
    const id = String(this.nextId++);
    return new Promise<InvokeOutcome>((resolve) => {
      this.inflight.push({ id, resolve, timeoutMs, timer: undefined });
      if (this.inflight.length === 1) this.armHead();
      this.child.stdin.write(`${id}\t${kind}\t${payload}\n`);
    });
  }

  /** Starts the timeout of the invocation the worker is running now. */
  private armHead(): void {
    const p = this.inflight[0];
    if (p === undefined || p.timer !== undefined) return;
    p.timer = setTimeout(() => {
      if (this.inflight[0] !== p) return;
      this.inflight.shift();
      p.resolve({ status: 'timeout', message: `no answer within ${p.timeoutMs} ms; worker killed` });
      // The rest die with the worker (reported as crashes by the exit handler).
      this.kill();
    }, p.timeoutMs);
  }

  kill(): void {
    this.killed = true;
    if (!this.exited) this.child.kill('SIGKILL');
  }

  /** Closes stdin (the harness exits on EOF); SIGKILL after `graceMs`. Resolves once it is gone. */
  async stop(graceMs: number): Promise<void> {
    if (this.exited) return;
    this.child.stdin.end();
    const timer = setTimeout(() => this.kill(), graceMs);
    await this.exitPromise;
    clearTimeout(timer);
  }

  private tailText(): string {
    return this.stderrTail.length > 0 ? `; stderr: ${this.stderrTail.slice(-5).join(' | ')}` : '';
  }

  private onStderr(chunk: string): void {
    this.stderrBuf += chunk;
    let nl: number;
    while ((nl = this.stderrBuf.indexOf('\n')) >= 0) {
      const line = this.stderrBuf.slice(0, nl).slice(0, STDERR_LINE_CHARS);
      this.stderrBuf = this.stderrBuf.slice(nl + 1);
      this.stderrTail.push(line);
      if (this.stderrTail.length > STDERR_TAIL_LINES) this.stderrTail.shift();
      this.opts.log.debug({ pid: this.pid, line }, 'worker stderr');
    }
    if (this.stderrBuf.length > STDERR_LINE_CHARS * 4) this.stderrBuf = this.stderrBuf.slice(-STDERR_LINE_CHARS);
  }

  private onStdout(chunk: string): void {
    this.stdoutBuf += chunk;
    let nl: number;
    while ((nl = this.stdoutBuf.indexOf('\n')) >= 0) {
      const line = this.stdoutBuf.slice(0, nl);
      this.stdoutBuf = this.stdoutBuf.slice(nl + 1);
      this.onLine(line);
    }
    // Envelope (id, status, duration) plus the output: past the limit the worker is killed.
    if (this.stdoutBuf.length > this.opts.maxOutputBytes + 256) {
      const p = this.inflight.shift();
      this.stdoutBuf = '';
      if (p !== undefined) {
        clearTimeout(p.timer);
        p.resolve({ status: 'crash', message: `output larger than maxOutputBytes (${this.opts.maxOutputBytes}); worker killed` });
      }
      this.kill();
    }
  }

  private onLine(line: string): void {
    const parts = line.split('\t');
    if (parts[0] === 'ready') {
      this.onReady?.(Number(parts[2]));
      return;
    }
    const p = this.inflight[0];
    const [id, status, duration] = parts;
    if (p === undefined || id !== p.id || (status !== 'ok' && status !== 'err') || duration === undefined) {
      this.opts.log.warn({ pid: this.pid, line: line.slice(0, 200) }, 'unexpected line from worker, ignored');
      return;
    }
    // The payload is everything after the third TAB (JSON never holds a raw TAB, but be exact).
    const payload = parts.slice(3).join('\t');
    const durationUs = Number(duration);
    this.inflight.shift();
    clearTimeout(p.timer);
    this.armHead();
    if (status === 'ok' && payload.length > this.opts.maxOutputBytes) {
      p.resolve({ status: 'crash', message: `output larger than maxOutputBytes (${this.opts.maxOutputBytes}); worker killed` });
      this.kill();
      return;
    }
    p.resolve(status === 'ok' ? { status: 'ok', output: payload, durationUs } : { status: 'error', message: payload, durationUs });
  }
}
