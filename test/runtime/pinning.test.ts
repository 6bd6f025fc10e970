// Acceptance: a 2-core function is pinned to two distinct CPUs, checked in /proc/<pid>/status and
// in the cgroup files, for every runtime; workers run unprivileged; closing leaves nothing behind.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatCpuList } from '../../packages/agent/src/hardware/cpu-list.js';
import { readCgroupFile, makeRuntime, procStatus, RUNTIMES, skipReason, subtreeDirs, isDead, waitFor } from './helpers.js';

for (const runtime of RUNTIMES) {
  test(`test-${runtime}: 2 workers pinned to 2 distinct CPUs through per-worker cgroups`, { skip: skipReason }, async (t) => {
    const { rt, subtree } = await makeRuntime(t);
    const fn = `test-${runtime}`;
    const usable = rt.usableCpus();
    assert.ok(usable.length >= 2, `needs 2 usable CPUs, host has ${usable.length}`);
    const res = await rt.apply({ version: 1n, functions: [{ function: fn, cores: 2, rateRps: 0, arrival: 'constant' }] });
    assert.ok(res.ok, res.ok ? '' : res.error);
    const placement = res.placements.find((p) => p.function === fn);
    assert.ok(placement);
    assert.equal(placement.cpus.length, 2);
    assert.equal(new Set(placement.cpus).size, 2);
    assert.equal(placement.workerPids.length, 2);

    const pinnedTo = new Set<string>();
    for (const pid of placement.workerPids) {
      const st = procStatus(pid);
      assert.ok(st, `worker ${pid} is alive`);
      assert.equal(st.uid, 65534, 'workers run as nobody');
      pinnedTo.add(st.cpusAllowed);
      const cpu = Number(st.cpusAllowed);
      assert.ok(placement.cpus.includes(cpu), `worker ${pid} allowed on "${st.cpusAllowed}", one of ${placement.cpus.join(',')}`);
      if (rt.pinning === 'cgroup-v1-cpuset') {
        assert.equal(readCgroupFile('cpuset', subtree, fn, `w${cpu}`, 'cpuset.cpus'), String(cpu));
        assert.ok(readCgroupFile('cpuset', subtree, fn, `w${cpu}`, 'cgroup.procs').split('\n').includes(String(pid)));
        assert.ok(readCgroupFile('cpuacct', subtree, fn, 'cgroup.procs').split('\n').includes(String(pid)), 'in cpuacct for CPU time');
        assert.ok(readCgroupFile('unified', subtree, fn, 'cgroup.procs').split('\n').includes(String(pid)), 'in the unified hierarchy for perf -G');
      }
    }
    assert.equal(pinnedTo.size, 2, `two distinct CPUs: ${[...pinnedTo].join(' / ')}`);
    if (rt.pinning === 'cgroup-v1-cpuset') {
      assert.equal(readCgroupFile('cpuset', subtree, fn, 'cpuset.cpus'), formatCpuList(placement.cpus), 'the function cgroup holds exactly its CPUs');
    }
    const target = rt.activityTargets().find((x) => x.name === fn);
    assert.deepEqual(target?.cpus, placement.cpus);

    const out = await rt.invoke(fn, '{"op":"echo","v":"é\\u0001"}');
    assert.equal(out.status, 'ok');
    assert.deepEqual(JSON.parse((out as { output: string }).output), { op: 'echo', v: 'é\u0001' });
    const printed = await rt.invoke(fn, '{"op":"print"}');
    assert.equal(printed.status, 'ok', 'function stdout does not break the protocol');

    await rt.close();
    for (const pid of placement.workerPids) await waitFor(`worker ${pid} to die`, () => isDead(pid));
    assert.deepEqual(subtreeDirs(subtree), [], 'no cgroup left');
  });
}

test('forced sched-affinity: each worker is pinned by taskset, accounting cgroups still used', { skip: skipReason }, async (t) => {
  const { rt, subtree } = await makeRuntime(t, { pinningMode: 'sched-affinity' });
  assert.equal(rt.pinning, 'sched-affinity');
  const res = await rt.apply({ version: 1n, functions: [{ function: 'test-native', cores: 2, rateRps: 0, arrival: 'constant' }] });
  assert.ok(res.ok, res.ok ? '' : res.error);
  const placement = res.placements[0];
  assert.ok(placement);
  const allowed = placement.workerPids.map((pid) => procStatus(pid)?.cpusAllowed);
  assert.deepEqual([...allowed].sort(), placement.cpus.map(String).sort());
  assert.equal(
    subtreeDirs(subtree).some((d) => d.includes('/cpuset/')),
    false,
    'no cpuset cgroup in affinity mode',
  );
  await rt.close();
  for (const pid of placement.workerPids) await waitFor(`worker ${pid} to die`, () => isDead(pid));
  assert.deepEqual(subtreeDirs(subtree), []);
});
