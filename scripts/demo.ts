// `npm start`: the whole loop on one machine. Starts a real coordinator (temporary state
// directory) and one real agent for this machine, both on 127.0.0.1, and shows the live host
// table (as `isawatt watch` does) until Ctrl-C, then stops both and removes the temporary files.
// Every figure carries its quality: on a machine without energy sensors (VMs, laptops) host power
// is ESTIMATED from CPU utilisation, and with --emulate it is EMULATED; neither is a measurement.
//
//   npm start [-- --emulate xeon-gold-6130-2s|altra-max-m128] [--tick-interval-ms 1000]
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { wire } from '@isawatt/common';
import { ControlClient } from '../packages/coordinator/src/cli/control-client.js';
import { WatchModel } from '../packages/coordinator/src/cli/commands/watch.js';

const root = fileURLToPath(new URL('..', import.meta.url));

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => resolve(typeof a === 'object' && a ? a.port : 0));
    });
  });
}

function start(name: string, script: string, args: string[], logFile: string): ChildProcess {
  const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', join(root, script), ...args], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
    // Own process group: the terminal's Ctrl-C reaches only the demo, which stops them in order.
    detached: true,
  });
  const log = createWriteStream(logFile);
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  child.on('exit', (code, signal) => {
    if (!stopping) process.stderr.write(`demo: ${name} exited (${code ?? signal}); see ${logFile}\n`);
  });
  return child;
}

let stopping = false;

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
}

async function main(): Promise<void> {
  const emulate = arg('--emulate');
  const tickMs = arg('--tick-interval-ms') ?? '1000';
  const dir = await mkdtemp(join(tmpdir(), 'isawatt-demo-'));
  const port = await freePort();
  const address = `127.0.0.1:${port}`;
  const children: ChildProcess[] = [];
  const cleanup = async (): Promise<void> => {
    stopping = true;
    for (const c of [...children].reverse()) await stopChild(c);
    await rm(dir, { recursive: true, force: true });
  };

  process.stderr.write(`demo: coordinator on ${address}, state and logs in ${dir}\n`);
  children.push(start('coordinator', 'packages/coordinator/src/cli/entry.ts', ['coordinator', '--listen', address, '--state-dir', join(dir, 'state'), '--host-down-after-ms', '5000'], join(dir, 'coordinator.log')));
  const agentArgs = ['--coordinator', address, '--host-id', emulate ? `demo-${emulate}` : 'demo-local', '--tick-interval-ms', tickMs, '--http-listen', 'off', '--log-level', 'info'];
  if (emulate) agentArgs.push('--emulate', emulate);
  children.push(start('agent', 'packages/agent/src/main.ts', agentArgs, join(dir, 'agent.log')));

  const client = new ControlClient({ address, tls: {}, insecure: false, deadlineMs: 3000 });
  const model = new WatchModel();
  let stream: ReturnType<ControlClient['watchTelemetry']> | undefined;
  let redraw: NodeJS.Timeout | undefined;
  const banner = [
    'isawatt demo: one coordinator and one agent on this machine (real processes, real gRPC).',
    emulate
      ? `The agent runs the EMULATED host profile "${emulate}": its hardware and power figures are emulated, not measured.`
      : 'This machine has no energy sensor the agent can read unless the QUALITY column says "measured":',
    emulate ? '' : '"estimated" power is CPU utilisation x a power profile, not a measurement.',
    `Logs: ${dir}/{coordinator,agent}.log    Ctrl-C to stop (both processes are stopped, temp files removed).`,
  ]
    .filter(Boolean)
    .join('\n');

  let done: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => (done = resolve));
  const onSignal = (): void => done();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  try {
    // Wait for the coordinator to answer, then for the agent's host to appear.
    const waitUntil = async (what: string, check: () => Promise<boolean>): Promise<void> => {
      const deadline = Date.now() + 60_000;
      while (!(await check().catch(() => false))) {
        if (Date.now() > deadline) throw new Error(`demo: ${what} did not happen within 60 s; see the logs in ${dir}`);
        await Promise.race([new Promise((r) => setTimeout(r, 250)), finished]);
      }
    };
    await waitUntil('coordinator start', async () => (await client.health()).status === 'serving');
    await waitUntil('agent attach', async () => (await client.listHosts()).hosts.length > 0);
    for (const h of (await client.listHosts()).hosts) model.addHost(h);
    stream = client.watchTelemetry('');
    stream.on('data', (ev: wire.TelemetryEvent__Output) => model.add(ev));
    stream.on('error', () => undefined);
    const tty = process.stdout.isTTY;
    const draw = (): void => {
      const text = `${banner}\n\n${model.render(`coordinator ${address} - ${new Date().toISOString()} - ${model.events} events`, 15)}`;
      process.stdout.write(tty ? '\x1b[H\x1b[2J' + text : text + '\n');
    };
    draw();
    redraw = setInterval(draw, tty ? 1000 : 5000);
    await finished;
  } finally {
    if (redraw) clearInterval(redraw);
    stream?.cancel();
    client.close();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    process.stderr.write('\ndemo: stopping agent and coordinator...\n');
    await cleanup();
    process.stderr.write('demo: stopped, temporary files removed\n');
  }
}

await main();
