import assert from 'node:assert/strict';
import { test } from 'node:test';
import { silentLogger } from '@isawatt/common';
import { Command, CommanderError } from 'commander';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fixture } from '../hostfs/fixture-tree.test-support.js';
import { probeCounters, registerProbe } from './probe-command.js';

async function run(args: string[]): Promise<{ out: string; err: string }> {
  let out = '';
  let err = '';
  const program = new Command('isawatt-agent').exitOverride().configureOutput({ writeOut: (s) => (out += s), writeErr: (s) => (err += s) });
  registerProbe(program);
  await program.parseAsync(['node', 'isawatt-agent', 'probe', ...args]);
  return { out, err };
}

test('probe prints sources, readings and skip reasons like `sensors`', async () => {
  const { out } = await run(['--sysfs-root', fixture('altra-max-1s'), '--interval-ms', '20', '--meters', 'rapl,xgene-hwmon', '--no-counters']);
  assert.match(out, /^isawatt-agent probe: sysfs .*sys-altra-max-1s, procfs \/proc, samples \d+ ms apart/);
  assert.match(out, /rapl {9}skipped: rapl: no powercap class/);
  assert.match(out, /xgene-hwmon {2}USED {2}\[measured\]/);
  assert.match(out, /cpu-0 {10}socket 0 {5}16\.28 W {2}\(\d\.\d{3} J, now 16\.28 W\)/);
  assert.match(out, /io-0 {11}socket 0 {5}31\.90 W/);
  assert.match(out, /cppc {9}USED {2}no figure \(all sampled CPUs idle\)/);
});

test('probe --json gives the report as JSON', async () => {
  const { out } = await run(['--sysfs-root', fixture('xeon-2s'), '--interval-ms', '10', '--meters', 'rapl', '--json', '--no-counters']);
  const r = JSON.parse(out) as {
    energy: { kind: string; domains: { domain: string }[] }[];
    frequency: { kind: string; mhzBySocket: Record<string, number> }[];
  };
  assert.deepEqual(
    r.energy[0]?.domains.map((d) => d.domain),
    ['package-0', 'dram-0', 'package-1', 'dram-1'],
  );
  assert.deepEqual(r.frequency[1]?.mhzBySocket, { '0': 2700, '1': 2000 });
});

test('bad flags are refused with what was expected', async () => {
  await assert.rejects(run(['--meters', 'rapl,nvml']), (e: CommanderError) => {
    assert.match(e.message, /unknown meter kind\(s\) nvml; expected a comma list of rapl, perf-power, xgene-hwmon, altra-hwmon, hwmon, estimated/);
    return true;
  });
  await assert.rejects(run(['--interval-ms', '5']), /expected milliseconds between 10 and 600000, got "5"/);
});

test('activity sources: perf is tried first, cgroup CPU time needs accounting under the cgroupfs root', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'isawatt-cg-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const none = await probeCounters(dir, silentLogger());
  assert.deepEqual(
    none.map((c) => c.kind),
    ['perf', 'cgroup-cputime'],
  );
  assert.equal(none[1]?.detail, `skipped: no CPU accounting under ${dir}`);
  await mkdir(join(dir, 'cpuacct'));
  await writeFile(join(dir, 'cpuacct', 'cpuacct.usage'), '0\n');
  const v1 = await probeCounters(dir, silentLogger());
  assert.match(v1[1]?.detail ?? '', /CPU time per function cgroup from cgroup v1 cpuacct/);
  assert.equal(v1[1]?.status, v1[0]?.status === 'used' ? 'available' : 'used');
});

test('probe --emulate: an emulated host tree, announced and labelled emulated, idle without CPU time', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'isawatt-cg-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const { out } = await run(['--emulate', 'altra-max-m128', '--cgroupfs-root', dir, '--interval-ms', '20', '--meters', 'xgene-hwmon', '--no-counters']);
  assert.match(out, /^EMULATED host \(profile altra-max-m128\): every figure below is emulated, not measured$/m);
  assert.match(out, /xgene-hwmon {2}USED {2}\[emulated\]/);
  assert.match(out, /cpu-0 {10}socket 0 {5}16\.28 W/);
  assert.match(out, /io-0 {11}socket 0 {5}31\.90 W/);
  assert.match(out, /cppc {9}USED {2}no figure \(all sampled CPUs idle\)/);
  await assert.rejects(
    run(['--emulate', 'cray-1', '--no-counters']),
    /emulate: unknown profile "cray-1"; known: altra-max-m128, xeon-gold-5318y-2s, xeon-gold-6130-2s/,
  );
});

test("probe --meters estimated on host roots uses the CPU of <procfs>/cpuinfo (the daemon's detection), not this machine's", async () => {
  const hosts = fileURLToPath(new URL('../../testdata/hosts/', import.meta.url));
  for (const [tree, model, profile] of [
    [
      'xeon-5318y-2s',
      'Intel\\(R\\) Xeon\\(R\\) Gold 5318Y CPU @ 2\\.10GHz \\(x86_64\\), 2 sockets, 96 logical CPUs, host type xeon-gold-5318y',
      'xeon-gold-5318y: 43\\.8 W idle per socket × 2 \\+ 5\\.47 W per busy core × 48 cores \\(96 CPUs\\)',
    ],
    [
      'altra-max-1s',
      'Ampere\\(R\\) Altra\\(R\\) Max Processor M128-30 \\(aarch64\\), 1 socket, 128 logical CPUs, host type altra-max-m128-30',
      'altra-max-m128: 48\\.2 W idle per socket × 1',
    ],
  ] as const) {
    const root = join(hosts, tree);
    const { out } = await run([
      '--procfs-root',
      join(root, 'proc'),
      '--sysfs-root',
      join(root, 'sys'),
      '--meters',
      'estimated',
      '--interval-ms',
      '10',
      '--no-counters',
    ]);
    assert.match(out, new RegExp(`^Hardware: ${model} \\[detected from ${root}/proc/cpuinfo`, 'm'));
    assert.match(out, new RegExp(`note: profile ${profile}`));
  }
});

test('probe --hwpc-listen shows what a sensor sends: sensors, rejected lines, targets mapped to functions', async (t) => {
  const { createServer, connect } = await import('node:net');
  const port = await new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => resolve(typeof a === 'object' && a ? a.port : 0));
    });
  });
  const probe = run([
    '--hwpc-listen',
    `127.0.0.1:${port}`,
    '--hwpc-cgroup-base',
    '/sys/fs/cgroup/unified/isawatt',
    '--meters',
    'estimated',
    '--cpu-model',
    'x',
    '--interval-ms',
    '10',
    '--no-counters',
  ]);
  // Connect once the probe listens, then send three ticks (the last one completes the others).
  let sock: import('node:net').Socket | undefined;
  const deadline = performance.now() + 30_000; // the probe starts beside a loaded machine's other work
  while (sock === undefined && performance.now() < deadline) {
    sock = await new Promise((resolve) => {
      const c = connect(port, '127.0.0.1');
      c.once('connect', () => resolve(c)).once('error', () => resolve(undefined));
    });
    if (sock === undefined) await new Promise((r) => setTimeout(r, 20));
  }
  assert.ok(sock, 'probe listening');
  t.after(() => sock?.destroy());
  const row = { time_enabled: 1000, time_running: 1000, INSTRUCTIONS_RETIRED: 5000 };
  const lines = ['garbage'];
  for (let k = 0; k < 3; k++) {
    for (const target of ['/jwt-node', '/system.slice/cron.service']) {
      lines.push(JSON.stringify({ timestamp: 1_767_225_600_000 + k * 1000, sensor: 'xeon-1', target, groups: { core: { 0: { 0: row } } } }));
    }
  }
  sock.write(lines.join('\n') + '\n');
  const { out } = await probe;
  assert.match(out, /hwpc-sensor {2}listening on 127\.0\.0\.1:\d+ for \d+ ms, cgroup base \/sys\/fs\/cgroup\/unified\/isawatt: 6 report\(s\) from xeon-1/);
  assert.match(out, /rejected: 1 not_json/);
  assert.match(out, /target \/jwt-node -> function jwt-node/);
  assert.match(out, /target \/system\.slice\/cron\.service -> not a function cgroup/);
});
