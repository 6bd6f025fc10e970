// Starts Debian's mosquitto for a test: config in a temp dir (no pid or log file, so the drop to
// user "mosquitto" cannot trip over directory permissions), a free port on 127.0.0.1, stop =
// SIGKILL + reap, restart on the same port. Tests skip when mosquitto is not installed.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../helpers/processes.js';

export const MOSQUITTO = ['/usr/sbin/mosquitto', '/usr/bin/mosquitto'].find((p) => spawnSync(p, ['-h']).error === undefined);

/** Resolves when something accepts TCP connections on 127.0.0.1:port. */
export async function waitForPort(port: number, timeoutMs = 30_000): Promise<void> {
  const deadline = performance.now() + timeoutMs; // monotonic; generous for a loaded machine
  while (!(await portOpen(port))) {
    if (performance.now() > deadline) throw new Error(`nothing listens on 127.0.0.1:${port} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createConnection({ port, host: '127.0.0.1' });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

export class Mosquitto {
  private child: ChildProcess | undefined;
  private output = '';

  private constructor(
    readonly dir: string,
    readonly port: number,
  ) {}

  static async start(): Promise<Mosquitto> {
    if (!MOSQUITTO) throw new Error('mosquitto is not installed (apt-get install mosquitto)');
    const dir = await mkdtemp(join(tmpdir(), 'isawatt-mosq-'));
    await chmod(dir, 0o755);
    const m = new Mosquitto(dir, await freePort());
    await writeFile(
      join(dir, 'mosquitto.conf'),
      [`listener ${m.port} 127.0.0.1`, 'allow_anonymous true', 'persistence false', 'log_dest stdout', ''].join('\n'),
    );
    await chmod(join(dir, 'mosquitto.conf'), 0o644);
    await m.up();
    return m;
  }

  get url(): string {
    return `mqtt://127.0.0.1:${this.port}`;
  }

  get log(): string {
    return this.output;
  }

  /** Pid of the running broker (bench: its CPU time). */
  get pid(): number {
    const pid = this.child?.pid;
    if (pid === undefined) throw new Error('mosquitto is not running');
    return pid;
  }

  get running(): boolean {
    return this.child !== undefined;
  }

  /** Starts the broker and waits until it accepts connections. */
  async up(): Promise<void> {
    if (this.child) return;
    const child = spawn(MOSQUITTO as string, ['-c', join(this.dir, 'mosquitto.conf')], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    child.stdout?.on('data', (d: Buffer) => (this.output += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (this.output += d.toString()));
    const exited = new Promise<never>((_, reject) => child.once('exit', (code) => reject(new Error(`mosquitto exited (${code}):\n${this.output}`))));
    exited.catch(() => undefined);
    const deadline = performance.now() + 30_000; // monotonic; generous for a loaded machine
    for (;;) {
      if (await Promise.race([portOpen(this.port), exited])) return;
      if (performance.now() > deadline) throw new Error(`mosquitto did not open port ${this.port}:\n${this.output}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** SIGKILL and reap. */
  async kill(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const gone = new Promise<void>((r) => child.once('exit', () => r()));
    child.kill('SIGKILL');
    await gone;
  }

  async stop(): Promise<void> {
    await this.kill();
    await rm(this.dir, { recursive: true, force: true });
  }
}

/** Runs mosquitto_pub once (a separate process publishing, like the lab's PDU logger). */
export function mosquittoPub(port: number, topic: string, message: string): void {
  const r = spawnSync('mosquitto_pub', ['-h', '127.0.0.1', '-p', String(port), '-t', topic, '-m', message, '-q', '1'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`mosquitto_pub failed (${r.status}): ${r.stderr}`);
}

/** Polls `pred` until it holds; the bound is generous (a loaded 2-CPU machine) and monotonic. */
export async function waitFor(what: string, pred: () => boolean, timeoutMs = 30_000): Promise<void> {
  const start = performance.now(); // monotonic: Date.now() can step
  while (!pred()) {
    if (performance.now() - start > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
