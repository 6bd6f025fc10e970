// Emulated CPUs with a carrier worker (function-pool.ts `carrier`): a function on 4 emulated CPUs
// runs ONE real worker whose CFS quota is the 4 CPUs' summed share, warmed at full speed before the
// quota applies, fed pipelined requests; the placement still names the 4 CPUs; closing leaves
// nothing behind. Real cgroups (root, cgroup v1 cpu controller).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
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
