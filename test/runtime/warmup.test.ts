// A new emulated worker's full-speed warm-up (function-pool.ts `warmupMs`). Node, wasm and Java harnesses
// run it themselves (`warmup` request, budgeted in the worker's CPU time), so a fast function warms
// past the agent loop's 300 invocations (JIT compilation must not fall inside a profile's measured
// window at a CPU slice); a harness without it (python) is warmed by the agent, one round trip per
// invocation. Real workers and cgroups (root, cgroup v1 cpu controller).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { isDead, makeRuntime, skipReason, subtreeDirs, waitFor } from './helpers.js';

const skip = skipReason !== false ? skipReason : !existsSync('/sys/fs/cgroup/cpu/cpu.cfs_quota_us') ? 'needs the cgroup v1 cpu controller' : false;
/** The agent loop's cap (function-pool.ts WARMUP_MAX_INVOCATIONS). */
const AGENT_LOOP_MAX = 300;

async function startOne(t: Parameters<typeof makeRuntime>[0], fn: string, warmupMs: number) {
  const topology = Array.from({ length: 2 }, (_, cpu) => ({ cpu, socket: 0 }));
  const { rt, subtree } = await makeRuntime(t, {
    topology,
    emulatedCpus: { realCpus: () => [0], shareOf: () => 0.05, carrier: true, warmupMs },
  });
  const res = await rt.apply({ version: 1n, functions: [{ function: fn, cores: 1, rateRps: 0, arrival: 'constant' }] });
  assert.ok(res.ok, res.ok ? '' : res.error);
  const pids = res.placements.find((p) => p.function === fn)?.workerPids ?? [];
  return { rt, subtree, pids };
}

// Node, wasm and Java harnesses answer the `warmup` request; test-node and test-java count their
// handler's calls, so the warm-up's invocations show in the first real one's answer.
for (const fn of ['test-node', 'test-java']) {
  test(`warm-up: a ${fn} worker warms in its harness for its CPU budget, past the agent loop cap`, { skip }, async (t) => {
    // 400 ms of CPU on echo invocations (microseconds each) is thousands of them on any machine.
    const { rt, subtree, pids } = await startOne(t, fn, 400);
    const o = await rt.invoke(fn, JSON.stringify({ op: 'count' }));
    assert.equal(o.status, 'ok', JSON.stringify(o));
    const { calls } = JSON.parse((o as { output: string }).output) as { calls: number };
    assert.ok(calls > AGENT_LOOP_MAX + 1, `the warm-up ran ${calls - 1} invocations; the agent loop stops at ${AGENT_LOOP_MAX}`);
    await rt.close();
    for (const pid of pids) await waitFor(`worker ${pid} to die`, () => isDead(pid));
    assert.deepEqual(subtreeDirs(subtree), [], 'no cgroup left');
  });
}

test('warm-up: a harness without the warmup request (python) is warmed by the agent and serves', { skip }, async (t) => {
  const { rt, subtree, pids } = await startOne(t, 'test-python', 200);
  const o = await rt.invoke('test-python', JSON.stringify({ op: 'echo', i: 7 }));
  assert.equal(o.status, 'ok', JSON.stringify(o));
  assert.deepEqual(JSON.parse((o as { output: string }).output), { op: 'echo', i: 7 });
  await rt.close();
  for (const pid of pids) await waitFor(`worker ${pid} to die`, () => isDead(pid));
  assert.deepEqual(subtreeDirs(subtree), [], 'no cgroup left');
});
