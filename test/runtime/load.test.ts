// Acceptance: a rate run at 200 requests/s of the echo function for 10 s achieves it within 2 % and
// reports latency percentiles; an overload run reports dropped work instead of hanging; saturate
// keeps every worker busy.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { silentLogger } from '@isawatt/common';
import { executeRun, formatRunReport, type RunOptions } from '../../packages/agent/src/cli/run-command.js';
import { buildTestFunctions, CGROUP_ROOT, functionsDir, skipReason, subtreeDirs } from './helpers.js';

function options(over: Partial<RunOptions>): RunOptions {
  buildTestFunctions();
  return {
    function: 'test-node',
    saturate: false,
    arrival: 'constant',
    durationS: 1,
    warmupS: 0,
    functionsDir,
    cgroupRoot: CGROUP_ROOT,
    sysfsRoot: '/sys',
    procRoot: '/proc',
    pinning: 'auto',
    reservedCpus: [],
    log: silentLogger(),
    ...over,
  };
}

test('rate 200 req/s of echo for 10 s: achieved within 2 %, latency percentiles reported', { skip: skipReason }, async () => {
  const r = await executeRun(options({ rateRps: 200, cores: 2, durationS: 10 }));
  const text = formatRunReport(r);
  assert.ok(Math.abs(r.achievedRps - 200) / 200 <= 0.02, `achieved ${r.achievedRps.toFixed(2)} req/s\n${text}`);
  assert.equal(r.errors + r.timeouts + r.dropped, 0, text);
  assert.ok(r.latencyMs.p50 > 0 && r.latencyMs.p50 <= r.latencyMs.p95 && r.latencyMs.p95 <= r.latencyMs.p99, text);
  assert.match(text, /latency p50\/p95\/p99/);
  assert.ok(r.functionCpuTimeS !== null && r.functionCpuTimeS > 0, 'CPU time from the function cgroup');
  if (r.energy !== null) {
    assert.ok(r.energy.functionTotalEnergyJ > 0 && r.energy.functionTotalEnergyJ <= r.energy.hostEnergyJ, text);
    assert.ok(['measured', 'modelled', 'estimated', 'emulated'].includes(r.energy.quality));
    assert.match(text, new RegExp(r.energy.quality.toUpperCase()));
  } else {
    assert.notEqual(r.energyNote, '', 'a missing energy figure says why');
  }
  assert.deepEqual(subtreeDirs(`isawatt-run-${process.pid}`), [], 'the run removed its cgroups');
});

test('overload: 10 ms of CPU per call at 400 req/s on one core drops work and returns', { skip: skipReason }, async () => {
  const r = await executeRun(options({ function: 'test-native', rateRps: 400, cores: 1, seed: 1010, durationS: 2 }));
  assert.ok(r.dropped > 0, `dropped ${r.dropped}\n${formatRunReport(r)}`);
  assert.ok(r.completed > 0);
  assert.ok(r.achievedRps < 400);
  assert.ok(r.completed + r.dropped <= 400 * 2 + 5, 'nothing was generated beyond the offered rate');
});

test('saturate: closed loop reports throughput per core', { skip: skipReason }, async () => {
  const r = await executeRun(options({ function: 'test-python', saturate: true, cores: 2, durationS: 1 }));
  assert.ok(r.completed > 100, formatRunReport(r));
  assert.equal(r.dropped, 0);
  assert.ok(Math.abs(r.throughputPerCoreRps * 2 - r.achievedRps) < 1e-6);
});

test('run refuses unknown functions and bad CPU lists with clear errors', { skip: skipReason }, async () => {
  await assert.rejects(executeRun(options({ function: 'no-such-fn', rateRps: 1 })), /unknown function "no-such-fn"/);
  await assert.rejects(executeRun(options({ rateRps: 1, cpus: [99] })), /CPU 99 is not online/);
  await assert.rejects(executeRun(options({ rateRps: 1, cores: 64 })), /--cores 64: this host has \d+ usable CPUs/);
  await assert.rejects(executeRun(options({})), /exactly one of --rate R or --saturate/);
});
