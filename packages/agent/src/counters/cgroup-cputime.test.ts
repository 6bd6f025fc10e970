import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { silentLogger } from '@isawatt/common';
import { CgroupCpuTimeSource } from './cgroup-cputime.js';
import type { ActivityTarget } from './activity-source.js';

const TESTDATA = fileURLToPath(new URL('../../testdata/', import.meta.url));

async function fakeTree(t: { after: (fn: () => Promise<void>) => void }, name: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'isawatt-cg-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  await cp(join(TESTDATA, name), dir, { recursive: true });
  return dir;
}

test('cgroup v1: cpuacct.usage deltas in µs; first sample counts from 0', async (t) => {
  const root = await fakeTree(t, 'cgroup-v1');
  const jwt = join(root, 'cpuacct/isawatt.slice/fn-jwt-node');
  const zip = join(root, 'cpuacct/isawatt.slice/fn-zip-python');
  const targets: ActivityTarget[] = [
    { name: 'jwt-node', cpus: [0], cgroupV1Paths: { cpuacct: jwt } },
    { name: 'zip-python', cpus: [1], cgroupV1Paths: { cpuacct: zip } },
  ];
  const src = new CgroupCpuTimeSource({ log: silentLogger() });
  await src.init();
  const first = await src.sample(targets, 10_000);
  assert.equal(first.intervalMs, 0);
  assert.deepEqual(
    first.targets.map((x) => x.cpuTimeUs),
    [1834412003n, 95310n],
  );
  assert.deepEqual(first.events, []);
  // 750 ms and 250 ms of CPU in the next second (1834412003311 ns + 750e6 ns).
  await writeFile(join(jwt, 'cpuacct.usage'), '1835162003311\n');
  await writeFile(join(zip, 'cpuacct.usage'), '345310442\n');
  const second = await src.sample(targets, 11_000);
  assert.equal(second.intervalMs, 1000);
  assert.deepEqual(
    second.targets.map((x) => x.cpuTimeUs),
    [750_000n, 250_000n],
  );
  assert.deepEqual(second.warnings, []);
  await src.close();
});

test('cgroup v2: cpu.stat usage_usec; unreadable and garbage files are warnings, not failures', async (t) => {
  const root = await fakeTree(t, 'cgroup-v2');
  const jwt = join(root, 'isawatt.slice/fn-jwt-node');
  const zip = join(root, 'isawatt.slice/fn-zip-python');
  const targets: ActivityTarget[] = [
    { name: 'jwt-node', cpus: [0], cgroupV2Path: jwt },
    { name: 'zip-python', cpus: [1], cgroupV2Path: zip },
    { name: 'gone', cpus: [1], cgroupV2Path: join(root, 'isawatt.slice/fn-gone') },
    { name: 'nowhere', cpus: [] },
  ];
  const src = new CgroupCpuTimeSource({ log: silentLogger(), prefer: 'v2' });
  await src.sample(targets, 0);
  await writeFile(join(jwt, 'cpu.stat'), 'usage_usec 1834912003\nuser_usec 1\nsystem_usec 2\n');
  await writeFile(join(zip, 'cpu.stat'), 'usage_usec banana\n');
  const s = await src.sample(targets, 1000);
  assert.deepEqual(
    s.targets.map((x) => x.cpuTimeUs),
    [500_000n, 0n, 0n, 0n],
  );
  assert.equal(s.warnings.length, 3);
  assert.match(s.warnings.join('\n'), /fn-zip-python\/cpu.stat: usage_usec is not an unsigned integer: "banana"/);
  assert.match(s.warnings.join('\n'), /gone: .*fn-gone\/cpu.stat: ENOENT/);
  assert.match(s.warnings.join('\n'), /nowhere: no cpuacct \(v1\) or unified \(v2\) cgroup/);
});
