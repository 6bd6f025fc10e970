import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parsePerfIntervalLine, parsePerfProbeLine } from './perf-stat-parser.js';

// Lines captured on the project machine (linux-perf 6.1, no PMU; see docs/reference-readings.md, "perf on the development machine").
test('interval lines with a cgroup column', () => {
  assert.deepEqual(parsePerfIntervalLine('     1.001195984,1002.44,msec,task-clock,eapperf,1002442772,100.00,1.002,CPUs utilized', 'none'), {
    intervalS: 1.001195984,
    socket: undefined,
    cpu: undefined,
    event: 'task-clock',
    cgroup: 'eapperf',
    count: 1_002_440_000n,
    status: 'counted',
  });
  assert.equal(parsePerfIntervalLine('     1.001195984,<not supported>,,cycles,eapperf,0,100.00,,', 'none')?.status, 'not-supported');
  const nc = parsePerfIntervalLine('     2.002817130,<not counted>,,msr/tsc/,h4b,0,100.00,,', 'none');
  assert.equal(nc?.status, 'not-counted');
  assert.equal(nc?.count, 0n);
  assert.equal(parsePerfIntervalLine('     1.0,9412920,,msr/tsc/,isawatt/fn-a,4716125,100.00,1.995,G/sec', 'none')?.count, 9_412_920n);
});

test('interval lines with --per-socket', () => {
  const l = parsePerfIntervalLine('     1.001100156,S1,24,123456789012,,cycles,fn-x,1000,100.00,,', 'per-socket');
  assert.equal(l?.socket, 1);
  assert.equal(l?.count, 123_456_789_012n);
  assert.equal(l?.cgroup, 'fn-x');
  assert.equal(parsePerfIntervalLine('     1.001100156,S0,1,<not counted>,msec,task-clock,h4a,0,100.00,,', 'per-socket')?.status, 'not-counted');
});

test('interval lines with -A (per CPU), as captured here with a busy loop on CPU 1', () => {
  const l = parsePerfIntervalLine('     0.503022275,CPU1,132.75,msec,task-clock,h4x,132750446,100.00,0.265,CPUs utilized', 'per-cpu');
  assert.equal(l?.cpu, 1);
  assert.equal(l?.count, 132_750_000n);
  assert.equal(parsePerfIntervalLine('     0.503022275,CPU0,<not counted>,,msr/tsc/,h4x,0,100.00,,', 'per-cpu')?.status, 'not-counted');
  assert.equal(parsePerfIntervalLine('     0.503022275,S0,2,1,,x,h4x,0,100.00,,', 'per-cpu'), undefined);
});

test('non-data lines are ignored', () => {
  for (const line of ['# started on Fri Nov 27 00:00:00 2026', '', 'event syntax error: x', '     1.0,S0,1', 'garbage,,,,,']) {
    assert.equal(parsePerfIntervalLine(line, 'per-socket'), undefined, line);
    assert.equal(parsePerfIntervalLine(line, 'per-cpu'), undefined, line);
    assert.equal(parsePerfIntervalLine(line, 'none'), undefined, line);
  }
});

test('probe lines', () => {
  assert.deepEqual(parsePerfProbeLine('<not supported>,,cycles,0,100.00,,'), { event: 'cycles', supported: false });
  assert.deepEqual(parsePerfProbeLine('4.72,msec,task-clock,4718048,100.00,1.967,CPUs utilized'), { event: 'task-clock', supported: true });
  assert.deepEqual(parsePerfProbeLine('9412920,,msr/tsc/,4716125,100.00,1.995,G/sec'), { event: 'msr/tsc/', supported: true });
  assert.equal(parsePerfProbeLine("Run 'perf list' for a list of valid events"), undefined);
});
