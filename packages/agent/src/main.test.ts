// The real agent as a process: the launcher from another working directory, a fixture host, a real
// gRPC coordinator stand-in, signals and exit codes.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { TestCoordinator } from './link/test-coordinator.test-support.js';
import { makeTestPki } from './link/tls-certs.test-support.js';

const bin = fileURLToPath(new URL('../bin/isawatt-agent.mjs', import.meta.url));
const hosts = fileURLToPath(new URL('../testdata/hosts/', import.meta.url));

interface Agent {
  child: ChildProcess;
  lines: Record<string, unknown>[];
  stderr: string[];
  exited: Promise<number | null>;
}

function startAgent(t: { after(fn: () => Promise<void>): void }, args: string[]): Agent {
  const cwd = mkdtempSync(join(tmpdir(), 'isawatt-agent-cwd-'));
  // Forces the TypeScript sources even when a dist/ exists, so the test runs what it reads.
  const child = spawn(process.execPath, [bin, ...args], { cwd, env: { ...process.env, ISAWATT_FROM_SOURCE: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: Record<string, unknown>[] = [];
  const stderr: string[] = [];
  let partial = '';
  child.stdout?.on('data', (b: Buffer) => {
    partial += b.toString();
    const parts = partial.split('\n');
    partial = parts.pop() ?? '';
    for (const l of parts) if (l.trim()) lines.push(JSON.parse(l) as Record<string, unknown>);
  });
  child.stderr?.on('data', (b: Buffer) => stderr.push(b.toString()));
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  t.after(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await exited;
    }
    rmSync(cwd, { recursive: true, force: true });
  });
  return { child, lines, stderr, exited };
}

async function until(what: string, cond: () => boolean, timeoutMs = 30_000): Promise<void> {
  const start = performance.now(); // monotonic: Date.now() can step
  while (!cond()) {
    if (performance.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

test('an agent on the Altra Max fixture says hello, streams ticks and stops cleanly on SIGTERM', async (t) => {
  const coord = new TestCoordinator();
  const port = await coord.start();
  t.after(() => Promise.resolve(coord.kill()));
  const root = join(hosts, 'altra-max-1s');
  const agent = startAgent(t, [
    '--coordinator',
    `127.0.0.1:${port}`,
    '--host-id',
    'altra-1',
    '--procfs-root',
    join(root, 'proc'),
    '--sysfs-root',
    join(root, 'sys'),
    '--tick-interval-ms',
    '100',
    '--http-listen',
    '127.0.0.1:0',
    '--log-level',
    'info',
  ]);
  await until('hello', () => coord.hellos.length === 1);
  const hello = coord.hellos[0];
  assert.ok(hello);
  assert.deepEqual(
    [hello.host_id, hello.arch, hello.cpu_model, hello.sockets, hello.physical_cores, hello.logical_cpus, hello.host_type],
    ['altra-1', 'ARCH_AARCH64', 'Ampere(R) Altra(R) Max Processor M128-30', 1, 128, 128, 'altra-max-m128-30'],
  );
  await until('3 reports', () => coord.seqs(hello.session_id).length >= 3);
  assert.deepEqual(coord.seqs(hello.session_id).slice(0, 3), [1, 2, 3]);

  const listening = agent.lines.find((l) => l.msg === 'http endpoint listening');
  const res = await fetch(`http://${String(listening?.address)}/healthz`);
  assert.equal(res.status, 200);
  assert.equal(((await res.json()) as { coordinatorConnected: boolean }).coordinatorConnected, true);

  agent.child.kill('SIGTERM');
  assert.equal(await agent.exited, 0);
  assert.ok(agent.lines.some((l) => l.msg === 'stopped' && l.reason === 'SIGTERM'));
});

test('a malformed config exits 2 listing every problem', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'isawatt-agent-badcfg-'));
  t.after(() => Promise.resolve(rmSync(dir, { recursive: true, force: true })));
  const file = join(dir, 'agent.yaml');
  writeFileSync(file, 'coordinator: 192.0.2.1:7000\ntickIntervalMs: -1\nbufferMaxReports: lots\nhost:\n  sysfs: 5\n');
  const agent = startAgent(t, ['--config', file]);
  assert.equal(await agent.exited, 2);
  const text = agent.stderr.join('');
  assert.match(text, /invalid agent config/);
  for (const key of ['tickIntervalMs', 'bufferMaxReports', 'host.sysfs', 'coordinator'])
    assert.match(text, new RegExp(`^  - ${key.replace('.', '\\.')}: `, 'm'));
});

test('an unreachable coordinator is a one-line warning and the agent keeps retrying', async (t) => {
  const coord = new TestCoordinator();
  const port = await coord.start();
  coord.kill(); // nobody listens there now
  const root = join(hosts, 'xeon-2s');
  const agent = startAgent(t, [
    '--coordinator',
    `127.0.0.1:${port}`,
    '--procfs-root',
    join(root, 'proc'),
    '--sysfs-root',
    join(root, 'sys'),
    '--http-listen',
    'off',
  ]);
  await until('2 retries', () => agent.lines.filter((l) => l.msg === 'coordinator unreachable; retrying').length >= 2);
  const warn = agent.lines.find((l) => l.msg === 'coordinator unreachable; retrying');
  assert.match(String(warn?.reason), /^14 UNAVAILABLE: .*ECONNREFUSED 127\.0\.0\.1:\d+$/);
  assert.equal(agent.child.exitCode, null, 'still running');
  agent.child.kill('SIGINT');
  assert.equal(await agent.exited, 0);
});

test('an emulated agent says so in Hello and in every report, and leaves no tree or cgroup behind', async (t) => {
  const coord = new TestCoordinator();
  const port = await coord.start();
  t.after(() => Promise.resolve(coord.kill()));
  const hostId = `emu-test-${process.pid}`;
  const agent = startAgent(t, [
    '--coordinator',
    `127.0.0.1:${port}`,
    '--host-id',
    hostId,
    '--emulate',
    'altra-max-m128',
    '--tick-interval-ms',
    '100',
    '--http-listen',
    'off',
  ]);
  await until('hello', () => coord.hellos.length === 1);
  const hello = coord.hellos[0];
  assert.ok(hello);
  assert.deepEqual([hello.emulated, hello.emulated_profile, hello.arch, hello.sockets, hello.physical_cores], [true, 'altra-max-m128', 'ARCH_AARCH64', 1, 128]);
  const primary = hello.energy_sources.find((e) => e.primary);
  assert.deepEqual([primary?.kind, primary?.quality], ['xgene-hwmon', 'QUALITY_EMULATED']);
  await until('2 reports', () => coord.seqs(hello.session_id).length >= 2);
  const report = coord.stored.get(hello.session_id)?.get('2');
  assert.deepEqual([report?.host_quality, report?.energy_source], ['QUALITY_EMULATED', 'xgene-hwmon']);
  assert.ok(Number(report?.host_energy_uj) > 0, 'idle power of the emulated host integrates to energy');
  const tree = agent.lines.find((l) => l.msg === 'emulated host tree written; every figure from it is labelled emulated');
  agent.child.kill('SIGTERM');
  assert.equal(await agent.exited, 0);
  assert.equal(existsSync(String(tree?.sysfsRoot)), false, 'emulated tree removed');
  assert.equal(existsSync(`/sys/fs/cgroup/cpuset/isawatt-${hostId}`), false, 'runtime cgroup removed');
});

test('the agent advertises its bound /invoke endpoint in Hello (the gateway dials it)', async (t) => {
  const coord = new TestCoordinator();
  const port = await coord.start();
  t.after(() => Promise.resolve(coord.kill()));
  const hostId = `invoke-addr-${process.pid}`;
  const agent = startAgent(t, [
    '--coordinator',
    `127.0.0.1:${port}`,
    '--host-id',
    hostId,
    '--emulate',
    'altra-max-m128',
    '--tick-interval-ms',
    '100',
    '--http-listen',
    '127.0.0.1:0',
  ]);
  await until('hello', () => coord.hellos.length === 1);
  const address = coord.hellos[0]?.invoke_address ?? '';
  assert.match(address, /^127\.0\.0\.1:\d+$/);
  assert.notEqual(address, '127.0.0.1:0', 'the bound port, not the configured one');
  assert.equal(coord.hellos[0]?.invoke_scheme, 'http', 'plain HTTP: the gateway calls it without credentials');
  // That address serves /invoke: a function the agent does not run is a 404 there.
  const res = await fetch(`http://${address}/invoke/not-running`, { method: 'POST', body: '{}' });
  assert.equal(res.status, 404);
  await res.text();
  agent.child.kill('SIGTERM');
  assert.equal(await agent.exited, 0);

  // With http.tls the endpoint is HTTPS and Hello says so: the gateway then brings its credentials.
  const pki = makeTestPki('unused');
  t.after(() => Promise.resolve(pki.remove()));
  const config = join(pki.dir, 'agent.json');
  writeFileSync(config, JSON.stringify({ http: { listen: '127.0.0.1:0', tls: { certFile: pki.serverCert, keyFile: pki.serverKey, caFile: pki.caFile } } }));
  const tlsAgent = startAgent(t, ['--config', config, '--coordinator', `127.0.0.1:${port}`, '--host-id', `${hostId}-tls`, '--emulate', 'altra-max-m128']);
  const tlsHello = (): (typeof coord.hellos)[number] | undefined => coord.hellos.find((h) => h.host_id === `${hostId}-tls`);
  await until('hello of the agent with http.tls', () => tlsHello() !== undefined, 60_000);
  assert.equal(tlsHello()?.invoke_scheme, 'https');
  assert.match(tlsHello()?.invoke_address ?? '', /^127\.0\.0\.1:\d+$/);
  tlsAgent.child.kill('SIGTERM');
  assert.equal(await tlsAgent.exited, 0);
});
