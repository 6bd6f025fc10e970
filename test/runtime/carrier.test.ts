// Emulated CPUs with carrier workers (function-pool.ts `carrier`): a function on 4 emulated CPUs
// runs ONE real worker whose CFS quota is the 4 CPUs' summed share, warmed at full speed before the
// quota applies, fed pipelined requests; the placement still names the 4 CPUs; one on 20 runs
// three bounded carriers that take requests in turn; arrivals at an idle carrier wait for its next
// wake-up; closing leaves nothing behind. Real cgroups (root, cgroup v1 cpu controller).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { carrierGroups } from '../../packages/agent/src/runtime/function-pool.js';
import { cfsQuota } from '../../packages/agent/src/runtime/pinning.js';
import { isDead, makeRuntime, readCgroupFile, skipReason, subtreeDirs, waitFor } from './helpers.js';

const SHARE_PER_CPU = 0.05;
const skip = skipReason !== false ? skipReason : !existsSync('/sys/fs/cgroup/cpu/cpu.cfs_quota_us') ? 'needs the cgroup v1 cpu controller' : false;

test('carrier: one worker holds 4 emulated CPUs with their summed CFS quota; pipelined invocations answer in order', { skip }, async (t) => {
  // 8 emulated CPUs on whatever real CPUs this machine has.
  const topology = Array.from({ length: 8 }, (_, cpu) => ({ cpu, socket: cpu < 4 ? 0 : 1 }));
  const { rt, subtree } = await makeRuntime(t, {
    topology,
    emulatedCpus: { realCpus: () => [0], shareOf: () => SHARE_PER_CPU, carrier: true, warmupMs: 300 },
  });
  const fn = 'test-node';
  const res = await rt.apply({ version: 1n, functions: [{ function: fn, cores: 4, rateRps: 0, arrival: 'constant' }] });
  assert.ok(res.ok, res.ok ? '' : res.error);
  const placement = res.placements.find((p) => p.function === fn);
  assert.ok(placement);
  assert.equal(placement.cpus.length, 4, 'the assignment names 4 emulated CPUs');
  assert.equal(placement.workerPids.length, 1, 'one carrier worker');
  const carrierCpu = Math.min(...placement.cpus);
  const want = cfsQuota(SHARE_PER_CPU * 4);
  await waitFor(
    'the quota to apply after the warm-up',
    () => readCgroupFile('cpu', subtree, fn, `w${carrierCpu}`, 'cpu.cfs_quota_us') === String(want.quotaUs),
  );
  assert.equal(readCgroupFile('cpu', subtree, fn, `w${carrierCpu}`, 'cpu.cfs_period_us'), String(want.periodUs));
  assert.equal(want.quotaUs, 20_000, 'a 20 ms run per period');

  // 12 requests at once: at most 4 in flight (its CPU count) in the carrier's pipe, every one answered with its own input.
  const outs = await Promise.all(Array.from({ length: 12 }, (_, i) => rt.invoke(fn, JSON.stringify({ op: 'echo', i }))));
  outs.forEach((o, i) => {
    assert.equal(o.status, 'ok');
    assert.deepEqual(JSON.parse((o as { output: string }).output), { op: 'echo', i });
  });

  await rt.close();
  for (const pid of placement.workerPids) await waitFor(`worker ${pid} to die`, () => isDead(pid));
  assert.deepEqual(subtreeDirs(subtree), [], 'no cgroup left');
});

test('carrier: arrivals at an idle carrier wait for its next wake-up, all answered in order; closing answers what waits', { skip }, async (t) => {
  // 4 CPUs at 0.5 % each: a 2 % carrier, a 1 s CFS period. After its first answer its pipe is
  // empty, so the requests that follow one by one are held (carrier-wake-gate.ts) until a period
  // after that wake-up and then written together; none may be lost or answered out of turn.
  const topology = Array.from({ length: 4 }, (_, cpu) => ({ cpu, socket: 0 }));
  const { rt, subtree } = await makeRuntime(t, {
    topology,
    emulatedCpus: { realCpus: () => [0], shareOf: () => 0.005, carrier: true, warmupMs: 0, batchWakeups: true },
  });
  const fn = 'test-node';
  const res = await rt.apply({ version: 1n, functions: [{ function: fn, cores: 4, rateRps: 0, arrival: 'constant' }] });
  assert.ok(res.ok, res.ok ? '' : res.error);
  const placement = res.placements.find((p) => p.function === fn);
  assert.ok(placement);
  assert.equal(cfsQuota(0.005 * 4).periodUs, 1_000_000);
  const first = await rt.invoke(fn, JSON.stringify({ op: 'echo', i: -1 }));
  assert.equal(first.status, 'ok');
  const pending: ReturnType<typeof rt.invoke>[] = [];
  for (let i = 0; i < 5; i++) {
    pending.push(rt.invoke(fn, JSON.stringify({ op: 'echo', i })));
    await new Promise((r) => setImmediate(r)); // separate arrivals, each finding the pipe empty
  }
  const outs = await Promise.all(pending);
  outs.forEach((o, i) => {
    assert.equal(o.status, 'ok');
    assert.deepEqual(JSON.parse((o as { output: string }).output), { op: 'echo', i });
  });
  assert.equal(rt.totals(fn)?.dropped, 0);

  // Right after those answers its pipe is empty again: these wait for a wake-up when the function
  // closes. Each resolves (held ones as unavailable), none hangs.
  const late = Array.from({ length: 3 }, (_, i) => rt.invoke(fn, JSON.stringify({ op: 'echo', i })));
  await rt.close();
  for (const o of await Promise.all(late)) assert.ok(['ok', 'unavailable', 'crash'].includes(o.status), o.status);
  for (const pid of placement.workerPids) await waitFor(`worker ${pid} to die`, () => isDead(pid));
  assert.deepEqual(subtreeDirs(subtree), [], 'no cgroup left');
});

test('carrier: a one-CPU carrier woken with several requests waiting takes them one at a time', { skip }, async (t) => {
  // A carrier of one emulated CPU has pipeline depth 1: its worker holds one invocation at a time.
  // Woken by its gate with several requests waiting, it must not be handed a batch (that threw
  // "worker is busy" from the gate's timer and ended the agent, 2026-12-07).
  const topology = [{ cpu: 0, socket: 0 }];
  const { rt, subtree } = await makeRuntime(t, {
    topology,
    emulatedCpus: { realCpus: () => [0], shareOf: () => 0.05, carrier: true, warmupMs: 0, batchWakeups: true },
  });
  const fn = 'test-node';
  const res = await rt.apply({ version: 1n, functions: [{ function: fn, cores: 1, rateRps: 0, arrival: 'constant' }] });
  assert.ok(res.ok, res.ok ? '' : res.error);
  const placement = res.placements.find((p) => p.function === fn);
  assert.ok(placement);
  assert.equal((await rt.invoke(fn, JSON.stringify({ op: 'echo', i: -1 }))).status, 'ok');
  const pending: ReturnType<typeof rt.invoke>[] = [];
  for (let i = 0; i < 6; i++) {
    pending.push(rt.invoke(fn, JSON.stringify({ op: 'echo', i })));
    await new Promise((r) => setImmediate(r));
  }
  const outs = await Promise.all(pending);
  outs.forEach((o, i) => {
    assert.equal(o.status, 'ok', JSON.stringify(o));
    assert.deepEqual(JSON.parse((o as { output: string }).output), { op: 'echo', i });
  });
  await rt.close();
  for (const pid of placement.workerPids) await waitFor(`worker ${pid} to die`, () => isDead(pid));
  assert.deepEqual(subtreeDirs(subtree), [], 'no cgroup left');
});

/** User + system CPU time of a process so far, ms (from /proc/<pid>/stat, clock ticks of 10 ms). */
function cpuMsOf(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

test('carrier: a function on 20 emulated CPUs runs 3 carriers of 7, 7 and 6 CPUs, each given its turn', { skip }, async (t) => {
  // A carrier's cost per execution depends on how many CPUs it carries (function-pool.ts,
  // CARRIER_CPUS): a function on many CPUs runs several bounded carriers, each with its group's
  // summed quota, and requests go round them so that each serves the same share of the arrivals.
  const topology = Array.from({ length: 24 }, (_, cpu) => ({ cpu, socket: 0 }));
  const { rt, subtree } = await makeRuntime(t, {
    topology,
    emulatedCpus: { realCpus: () => [0], shareOf: () => SHARE_PER_CPU, carrier: true, warmupMs: 0 },
  });
  const fn = 'test-node';
  const res = await rt.apply({ version: 1n, functions: [{ function: fn, cores: 20, rateRps: 0, arrival: 'constant' }] });
  assert.ok(res.ok, res.ok ? '' : res.error);
  const placement = res.placements.find((p) => p.function === fn);
  assert.ok(placement);
  assert.equal(placement.cpus.length, 20, 'the assignment names 20 emulated CPUs');
  assert.equal(placement.workerPids.length, 3, 'three carriers');
  const groups = carrierGroups(placement.cpus);
  assert.deepEqual([...groups.values()], [7, 7, 6]);
  for (const [cpu, size] of groups) {
    const want = cfsQuota(SHARE_PER_CPU * size);
    await waitFor(`the quota of the carrier on CPU ${cpu}`, () => readCgroupFile('cpu', subtree, fn, `w${cpu}`, 'cpu.cfs_period_us') === String(want.periodUs));
    assert.equal(readCgroupFile('cpu', subtree, fn, `w${cpu}`, 'cpu.cfs_quota_us'), String(want.quotaUs));
  }

  // Three requests of 60 ms of CPU each at once: one per carrier (a first carrier that could take 7
  // would have run all three).
  const before = placement.workerPids.map(cpuMsOf);
  const outs = await Promise.all(Array.from({ length: 3 }, () => rt.invoke(fn, JSON.stringify({ op: 'cpu', ms: 60 }))));
  for (const o of outs) assert.equal(o.status, 'ok');
  const spent = placement.workerPids.map((pid, i) => cpuMsOf(pid) - (before[i] ?? 0));
  for (const ms of spent) assert.ok(ms >= 40, `every carrier ran one request (CPU ms per carrier: ${spent.join(', ')})`);

  await rt.close();
  for (const pid of placement.workerPids) await waitFor(`worker ${pid} to die`, () => isDead(pid));
  assert.deepEqual(subtreeDirs(subtree), [], 'no cgroup left');
});

test('carrierGroups: ceil(k / 8) groups of consecutive CPUs, sizes within one of each other', () => {
  const range = (n: number, from = 0): number[] => Array.from({ length: n }, (_, i) => from + i);
  assert.deepEqual([...carrierGroups(range(4, 10))], [[10, 4]]);
  assert.deepEqual([...carrierGroups(range(8))], [[0, 8]]);
  assert.deepEqual(
    [...carrierGroups(range(9))],
    [
      [0, 5],
      [5, 4],
    ],
  );
  assert.deepEqual(
    [...carrierGroups(range(64)).values()],
    Array.from({ length: 8 }, () => 8),
  );
  const g87 = [...carrierGroups(range(87)).values()];
  assert.equal(g87.length, 11);
  assert.equal(
    g87.reduce((a, b) => a + b, 0),
    87,
  );
  assert.deepEqual(g87.filter((s) => s === 7).length, 1);
  assert.deepEqual([...carrierGroups([5, 3, 9])], [[3, 3]], 'unsorted input, first CPU of the group');
});
