// A new emulated worker's full-speed warm-up (function-pool.ts `warmupMs`). Node, wasm and Java harnesses
// run it themselves (`warmup` request, budgeted in the worker's CPU time), so a fast function warms
// past the agent loop's 300 invocations (JIT compilation must not fall inside a profile's measured
// window at a CPU slice); a harness without it (python) is warmed by the agent, one round trip per
// invocation. Real workers and cgroups (root, cgroup v1 cpu controller).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { createLogger } from '@isawatt/common';
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

test('warm-up: new carriers warm one real CPU at a time, each for its whole budget', { skip }, async (t) => {
  // Three carriers (a function on 20 emulated CPUs) on ONE real CPU: warmed at once, each would get
  // a third of it, and a deployment of dozens of carriers on a small machine ran into the warm-up's
  // wall-time bound (function-pool.ts, warmupGate). The pool logs when each warm-up starts and ends.
  const lines: string[] = [];
  const log = createLogger({ name: 'warmup-test', level: 'debug', destination: { write: (l: string) => void lines.push(l) } });
  const topology = Array.from({ length: 24 }, (_, cpu) => ({ cpu, socket: 0 }));
  const { rt, subtree } = await makeRuntime(t, {
    topology,
    log,
    emulatedCpus: { realCpus: () => [0], shareOf: () => 0.05, carrier: true, warmupMs: 200 },
  });
  const res = await rt.apply({ version: 1n, functions: [{ function: 'test-node', cores: 20, rateRps: 0, arrival: 'constant' }] });
  assert.ok(res.ok, res.ok ? '' : res.error);
  const pids = res.placements.find((p) => p.function === 'test-node')?.workerPids ?? [];
  assert.equal(pids.length, 3, 'three carriers');
  // Each warm-up's [start, end] in log order: with one real CPU they must not overlap.
  const events = lines
    .map((l) => JSON.parse(l) as { msg: string; pid?: number })
    .filter((e) => e.msg === 'worker warming at full speed' || e.msg === 'worker warmed at full speed in its harness');
  assert.equal(events.length, 6, 'a start and an end per carrier');
  let warming = 0;
  for (const e of events) {
    warming += e.msg === 'worker warming at full speed' ? 1 : -1;
    assert.ok(warming <= 1, `two warm-ups at once on one real CPU: ${events.map((x) => `${x.msg} ${x.pid}`).join('; ')}`);
  }
  for (const e of lines.map((l) => JSON.parse(l) as { msg: string; harness?: string }).filter((x) => x.msg === 'worker warmed at full speed in its harness')) {
    const { cpuMs } = JSON.parse(e.harness ?? '{}') as { cpuMs: number };
    assert.ok(cpuMs >= 200, `a warm-up ended before its CPU budget: ${cpuMs} ms of 200`);
  }
  await rt.close();
  for (const pid of pids) await waitFor(`worker ${pid} to die`, () => isDead(pid));
  assert.deepEqual(subtreeDirs(subtree), [], 'no cgroup left');
});
