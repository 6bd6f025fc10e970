import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseCpuStatUsageUs, parseCpuacctUsageNs, parseCpuacctUsageUs, readCgroupCpuTimeUs } from './cgroup-cpu-time.js';

test('parsers name the file and say what was expected', () => {
  assert.equal(parseCpuacctUsageUs('123456789\n', 'f'), 123456n);
  assert.throws(() => parseCpuacctUsageUs('-1', '/x/cpuacct.usage'), /\/x\/cpuacct.usage: expected CPU time in ns/);
  assert.throws(() => parseCpuStatUsageUs('user_usec 1\n', '/y/cpu.stat'), /\/y\/cpu.stat: no usage_usec line/);
  // uint64 beyond 2^53 stays exact
  assert.equal(parseCpuStatUsageUs('usage_usec 18446744073709551615\n', 'f'), 18446744073709551615n);
});

test('one-shot read: v1 cpuacct first, cgroup2 cpu.stat when v1 is unreadable, undefined without accounting', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'isawatt-cgtime-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const v1 = join(dir, 'cpuacct', 'fn');
  const v2 = join(dir, 'unified', 'fn');
  await mkdir(v1, { recursive: true });
  await mkdir(v2, { recursive: true });
  await writeFile(join(v1, 'cpuacct.usage'), '5000000\n');
  await writeFile(join(v2, 'cpu.stat'), 'usage_usec 7000\nuser_usec 1\n');
  assert.equal(parseCpuacctUsageNs('5000000\n', 'f'), 5_000_000n);
  assert.equal(await readCgroupCpuTimeUs({ cgroupV1Paths: { cpuacct: v1 }, cgroupV2Path: v2 }), 5000n);
  assert.equal(await readCgroupCpuTimeUs({ cgroupV1Paths: { cpuacct: join(dir, 'missing') }, cgroupV2Path: v2 }), 7000n);
  assert.equal(await readCgroupCpuTimeUs({ cgroupV2Path: join(dir, 'missing') }), undefined);
  assert.equal(await readCgroupCpuTimeUs({}), undefined);
});
