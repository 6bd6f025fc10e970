// Acceptance: changing the assignment of one function leaves the workers of the others untouched
// (same PIDs); load changes never restart workers; removals free CPUs for others.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AssignmentSpec, FunctionAssignmentSpec } from '../../packages/agent/src/runtime/function-runtime.js';
import { makeRuntime, skipReason, isDead, waitFor } from './helpers.js';

function fa(fn: string, cores: number, rateRps = 0): FunctionAssignmentSpec {
  return { function: fn, cores, rateRps, arrival: 'constant' };
}

function asg(version: bigint, ...functions: FunctionAssignmentSpec[]): AssignmentSpec {
  return { version, functions };
}

test('only what differs is touched', { skip: skipReason }, async (t) => {
  const { rt } = await makeRuntime(t);
  const pidsOf = (fn: string): readonly number[] => rt.placements().find((p) => p.function === fn)?.workerPids ?? [];
  const cpusOf = (fn: string): readonly number[] => rt.placements().find((p) => p.function === fn)?.cpus ?? [];

  let r = await rt.apply(asg(1n, fa('test-native', 1), fa('test-python', 1)));
  assert.ok(r.ok, r.ok ? '' : r.error);
  assert.equal(rt.runningVersion(), 1n);
  const native1 = pidsOf('test-native');
  const python1 = pidsOf('test-python');
  assert.equal(native1.length, 1);
  assert.notDeepEqual(cpusOf('test-native'), cpusOf('test-python'));

  // A rate change of one function: no worker restarts anywhere.
  r = await rt.apply(asg(2n, fa('test-native', 1), fa('test-python', 1, 50)));
  assert.ok(r.ok);
  assert.deepEqual(pidsOf('test-native'), native1);
  assert.deepEqual(pidsOf('test-python'), python1);
  // Wait for the load driver's first completed invocation (not for a time that stands for it),
  // summing the figures over every take; native, with no rate, must complete none meanwhile.
  let pythonDone = 0;
  let nativeDone = 0;
  await waitFor(
    'the load driver to complete a test-python invocation',
    () => {
      const figures = rt.takeInvocationFigures();
      pythonDone += figures.get('test-python')?.completed ?? 0;
      nativeDone += figures.get('test-native')?.completed ?? 0;
      return pythonDone > 0;
    },
    30_000,
  );
  assert.ok(pythonDone > 0, 'the load driver invokes the function');
  assert.equal(nativeDone, 0);

  // Remove python: native untouched, python workers gone.
  r = await rt.apply(asg(3n, fa('test-native', 1), fa('test-python', 0)));
  assert.ok(r.ok);
  assert.deepEqual(pidsOf('test-native'), native1);
  assert.deepEqual(
    rt.placements().map((p) => p.function),
    ['test-native'],
  );
  for (const pid of python1) await waitFor(`python worker ${pid} to stop`, () => isDead(pid));

  // Grow native to 2 cores: its existing worker keeps its CPU and PID, one worker is added.
  r = await rt.apply(asg(4n, fa('test-native', 2)));
  assert.ok(r.ok);
  const native4 = pidsOf('test-native');
  assert.equal(native4.length, 2);
  assert.ok(native4.includes(native1[0] as number), 'the first worker survives the resize');

  // Add a function while changing nothing else: not enough cores is refused, nothing changes.
  r = await rt.apply(asg(5n, fa('test-native', 2), fa('test-node', 1)));
  assert.equal(r.ok, false);
  assert.equal(!r.ok && r.code, 'not-enough-cores');
  assert.deepEqual(pidsOf('test-native'), native4);
  assert.equal(rt.runningVersion(), 4n);

  // Shrink native back to 1 and add node: native keeps one of its workers.
  r = await rt.apply(asg(6n, fa('test-native', 1), fa('test-node', 1)));
  assert.ok(r.ok, r.ok ? '' : r.error);
  const native6 = pidsOf('test-native');
  assert.equal(native6.length, 1);
  assert.ok(native4.includes(native6[0] as number));
  assert.equal(pidsOf('test-node').length, 1);
});

test('concurrent apply calls are serialised', { skip: skipReason }, async (t) => {
  const { rt } = await makeRuntime(t);
  const results = await Promise.all([
    rt.apply(asg(1n, fa('test-native', 1))),
    rt.apply(asg(2n, fa('test-native', 2))),
    rt.apply(asg(3n, fa('test-native', 1))),
  ]);
  assert.ok(results.every((r) => r.ok));
  assert.equal(rt.runningVersion(), 3n);
  assert.equal(rt.placements()[0]?.workerPids.length, 1);
});
