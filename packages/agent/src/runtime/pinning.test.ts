// Path logic of the pinning mechanisms on fake cgroup trees (plain files in a temp dir). The real
// kernel behaviour is tested as root in test/runtime/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { detectPinning } from './pinning.js';

function tree(t: { after: (fn: () => void) => void }, files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'isawatt-cgfake-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  for (const [rel, content] of Object.entries(files)) {
    const p = join(root, rel);
    mkdirSync(join(p, '..'), { recursive: true });
    writeFileSync(p, content);
  }
  return root;
}

const V1 = {
  'cpuset/cpuset.cpus': '0-3\n',
  'cpuset/cpuset.mems': '0\n',
  'cpuset/cgroup.procs': '',
  'cpuacct/cpuacct.usage': '0\n',
  'memory/memory.limit_in_bytes': '9223372036854771712\n',
  'unified/cgroup.controllers': 'hugetlb\n',
};

test('v1 host: cpuset with cpuacct, memory and the unified hierarchy; per-worker cgroups', async (t) => {
  const root = tree(t, V1);
  const killed: number[] = [];
  const pin = await detectPinning({ cgroupRoot: root, subtree: 'isawatt', procRoot: join(root, 'noproc'), kill: (p) => killed.push(p) });
  assert.equal(pin.mode, 'cgroup-v1-cpuset');
  assert.match(pin.description, /does not offer cpuset/);
  await pin.init();
  assert.equal(readFileSync(join(root, 'cpuset/isawatt/cpuset.cpus'), 'utf8'), '0-3');
  assert.equal(readFileSync(join(root, 'cpuset/isawatt/cpuset.mems'), 'utf8'), '0');

  await pin.ensureFunction('fn-a', [1, 2]);
  assert.equal(readFileSync(join(root, 'cpuset/isawatt/fn-a/cpuset.cpus'), 'utf8'), '1-2');
  assert.equal(readFileSync(join(root, 'cpuset/isawatt/fn-a/cpuset.mems'), 'utf8'), '0');
  const slot = await pin.workerSlot('fn-a', 2, 128);
  assert.deepEqual(slot.procsFiles, [
    join(root, 'cpuset/isawatt/fn-a/w2/cgroup.procs'),
    join(root, 'memory/isawatt/fn-a/w2/cgroup.procs'),
    join(root, 'cpuacct/isawatt/fn-a/cgroup.procs'),
    join(root, 'unified/isawatt/fn-a/cgroup.procs'),
  ]);
  assert.equal(slot.affinityCpu, undefined);
  assert.equal(readFileSync(join(root, 'cpuset/isawatt/fn-a/w2/cpuset.cpus'), 'utf8'), '2');
  assert.equal(readFileSync(join(root, 'memory/isawatt/fn-a/w2/memory.limit_in_bytes'), 'utf8'), String(128 * 1024 * 1024));

  assert.deepEqual(pin.activityTarget('fn-a', [1, 2]), {
    name: 'fn-a',
    cgroupV2Path: join(root, 'unified/isawatt/fn-a'),
    cgroupV1Paths: { cpuset: join(root, 'cpuset/isawatt/fn-a'), cpuacct: join(root, 'cpuacct/isawatt/fn-a'), memory: join(root, 'memory/isawatt/fn-a') },
    cpus: [1, 2],
  });

  await pin.releaseWorker('fn-a', 2);
  assert.ok(!existsSync(join(root, 'cpuset/isawatt/fn-a/w2')));
  assert.ok(existsSync(join(root, 'cpuset/isawatt/fn-a')));
  await pin.removeFunction('fn-a');
  assert.ok(!existsSync(join(root, 'cpuset/isawatt/fn-a')));
  assert.ok(!existsSync(join(root, 'unified/isawatt/fn-a')));
  await pin.close();
  assert.ok(!existsSync(join(root, 'cpuset/isawatt')));
  assert.deepEqual(killed, []);
});

test('init removes a stale subtree and kills the processes still listed in it', async (t) => {
  const root = tree(t, {
    ...V1,
    'cpuset/isawatt/old-fn/w0/cgroup.procs': '4242\n',
    'cpuset/isawatt/old-fn/cgroup.procs': '',
    'cpuacct/isawatt/old-fn/cgroup.procs': '4242\n4243\n',
    'cpuset/other-agent/keep/cgroup.procs': '77\n',
  });
  const killed: number[] = [];
  const pin = await detectPinning({ cgroupRoot: root, subtree: 'isawatt', procRoot: join(root, 'noproc'), kill: (p) => killed.push(p) });
  const report = await pin.init();
  assert.deepEqual([...report.killedPids].sort(), [4242, 4243]);
  assert.deepEqual([...killed].sort(), [4242, 4242, 4243]);
  assert.ok(report.removedCgroups.includes(join(root, 'cpuset/isawatt')));
  assert.ok(!existsSync(join(root, 'cpuset/isawatt/old-fn')));
  assert.ok(existsSync(join(root, 'cpuset/other-agent/keep')), 'another subtree is not touched');
  await pin.close();
});

test('v2 host with a delegated cpuset: enables controllers and pins per worker', async (t) => {
  const root = tree(t, {
    'cgroup.controllers': 'cpuset cpu io memory pids\n',
    'system.slice/isawatt-agent.service/cgroup.controllers': 'cpuset cpu memory pids\n',
    'system.slice/isawatt-agent.service/cgroup.procs': '',
    'system.slice/isawatt-agent.service/cgroup.subtree_control': '',
    'proc/self/cgroup': '0::/system.slice/isawatt-agent.service\n',
  });
  const pin = await detectPinning({ cgroupRoot: root, subtree: 'isawatt', procRoot: join(root, 'proc'), kill: () => undefined });
  assert.equal(pin.mode, 'cgroup-v2-cpuset');
  await pin.init();
  const base = join(root, 'system.slice/isawatt-agent.service');
  assert.equal(readFileSync(join(base, 'cgroup.subtree_control'), 'utf8'), '+cpuset +cpu +memory');
  await pin.ensureFunction('fn', [0, 1]);
  const slot = await pin.workerSlot('fn', 1, 64);
  assert.deepEqual(slot.procsFiles, [join(base, 'isawatt/fn/w1/cgroup.procs')]);
  assert.equal(readFileSync(join(base, 'isawatt/fn/cpuset.cpus'), 'utf8'), '0-1');
  assert.equal(readFileSync(join(base, 'isawatt/fn/w1/cpuset.cpus'), 'utf8'), '1');
  assert.equal(readFileSync(join(base, 'isawatt/fn/w1/memory.max'), 'utf8'), String(64 * 1024 * 1024));
  assert.equal(pin.activityTarget('fn', [0, 1]).cgroupV2Path, join(base, 'isawatt/fn'));
  await pin.close();
});

test('no cpuset anywhere: sched affinity, said so, with accounting cgroups kept', async (t) => {
  const root = tree(t, { 'cpuacct/cpuacct.usage': '0\n' });
  const pin = await detectPinning({ cgroupRoot: root, subtree: 'isawatt', procRoot: join(root, 'noproc'), kill: () => undefined });
  assert.equal(pin.mode, 'sched-affinity');
  assert.match(pin.description, /last resort/);
  await pin.init();
  await pin.ensureFunction('fn', [3]);
  const slot = await pin.workerSlot('fn', 3, 64);
  assert.equal(slot.affinityCpu, 3);
  assert.deepEqual(slot.procsFiles, [join(root, 'cpuacct/isawatt/fn/cgroup.procs')]);
  await pin.close();
});
