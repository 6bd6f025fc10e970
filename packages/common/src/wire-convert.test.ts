import { test } from 'node:test';
import assert from 'node:assert/strict';
import { archFromWire, archToWire, placementToWire, qualityFromWire, qualityToWire, telemetryToWire } from './wire-convert.js';

test('quality and arch names map both ways; unspecified and unknown names map to undefined', () => {
  for (const q of ['measured', 'modelled', 'estimated', 'emulated'] as const) assert.equal(qualityFromWire(qualityToWire(q)), q);
  assert.equal(qualityToWire('unknown'), 'QUALITY_UNSPECIFIED');
  assert.equal(qualityFromWire('QUALITY_UNSPECIFIED'), undefined);
  assert.equal(qualityFromWire('toString'), undefined);
  for (const a of ['x86_64', 'aarch64'] as const) assert.equal(archFromWire(archToWire(a)), a);
  assert.equal(archToWire('unknown'), 'ARCH_UNSPECIFIED');
  assert.equal(archFromWire('ARCH_RISCV'), undefined);
});

test('telemetryToWire: number and bigint counters both travel as uint64 strings; absent invocations stay unset', () => {
  const report = telemetryToWire({
    seq: 1n,
    timestampMs: 1_764_201_600_123.4,
    intervalMs: 1000.6,
    sessionId: 's',
    cpuUtilization: 0,
    cpuUtilizationPerCpu: [],
    cpuFrequencyMhz: 0,
    hostEnergyUj: 0n,
    hostPowerW: 0,
    hostQuality: 'estimated',
    energySource: 'estimated',
    domains: [],
    attribution: 'none',
    modelErrorW: -1,
    idleEnergyUj: 0n,
    functions: [
      {
        function: 'a',
        dynamicEnergyUj: 1n,
        totalEnergyUj: 2n,
        powerW: 0,
        cpuTimeUs: 3n,
        cores: 1,
        quality: 'estimated',
        invocations: { completed: 5, errors: 6n, timeouts: 0, dropped: 0n, latencyP50Ms: 1, latencyP95Ms: 2, latencyP99Ms: 3, achievedRps: 4 },
      },
      { function: 'b', dynamicEnergyUj: 0n, totalEnergyUj: 0n, powerW: 0, cpuTimeUs: 0n, cores: 1, quality: 'unknown' },
    ],
    assignmentVersion: 0n,
    agentCpuTimeUs: 0n,
    agentRssBytes: 4096,
  });
  assert.equal(report.timestamp_ms, '1764201600123');
  assert.equal(report.interval_ms, 1001);
  assert.equal(report.functions?.[0]?.invocations?.completed, '5');
  assert.equal(report.functions?.[0]?.invocations?.errors, '6');
  assert.equal(report.functions?.[1]?.invocations, null);
  assert.equal(report.functions?.[1]?.quality, 'QUALITY_UNSPECIFIED');
  assert.equal(report.agent_rss_bytes, '4096');
});

test('placementToWire copies the arrays', () => {
  const cpus = [2, 3];
  const wire = placementToWire({ function: 'f', cpus, workerPids: [10, 11] });
  assert.deepEqual(wire, { function: 'f', cpus: [2, 3], worker_pids: [10, 11] });
  assert.notEqual(wire.cpus, cpus);
});
