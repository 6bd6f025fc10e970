import assert from 'node:assert/strict';
import { test } from 'node:test';
import { silentLogger } from '@isawatt/common';
import { Command, CommanderError } from 'commander';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixture } from '../sensors/fixture-tree.test-support.js';
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
  const r = JSON.parse(out) as { energy: { kind: string; domains: { domain: string }[] }[]; frequency: { kind: string; mhzBySocket: Record<string, number> }[] };
  assert.deepEqual(r.energy[0]?.domains.map((d) => d.domain), ['package-0', 'dram-0', 'package-1', 'dram-1']);
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
  assert.deepEqual(none.map((c) => c.kind), ['perf', 'cgroup-cputime']);
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
  await assert.rejects(run(['--emulate', 'cray-1', '--no-counters']), /emulate: unknown profile "cray-1"; known: altra-max-m128, xeon-gold-5318y-2s, xeon-gold-6130-2s/);
});
