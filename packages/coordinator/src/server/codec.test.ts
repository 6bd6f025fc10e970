import { test } from 'node:test';
import assert from 'node:assert/strict';
import { telemetryToWire, ValidationError, type wire } from '@isawatt/common';
import { helloFromWire, reportFromWire } from './codec.js';

function wireHello(over: Partial<wire.Hello__Output> = {}): wire.Hello__Output {
  return {
    host_id: 'xeon-01',
    arch: 'ARCH_X86_64',
    cpu_model: 'Intel(R) Xeon(R) Gold 6130 CPU @ 2.10GHz',
    sockets: 2,
    physical_cores: 32,
    logical_cpus: 64,
    function_cpus: [2, 3],
    host_type: 'xeon-gold-6130',
    energy_sources: [],
    counter_source: 'perf',
    pinning: 'cgroup-v1-cpuset',
    catalogue: [],
    agent_version: '0.1.0',
    session_id: 's',
    emulated: false,
    emulated_profile: '',
    running_assignment_version: '0',
    memory_bytes: '201326592000',
    idle_power_w: 0,
    invoke_address: '',
    ...over,
  };
}

test('a Hello carries its /invoke address, bounded and shaped as HOST:PORT', () => {
  assert.equal(helloFromWire(wireHello({ invoke_address: '127.0.0.1:9478' })).invokeAddress, '127.0.0.1:9478');
  assert.equal(helloFromWire(wireHello({ invoke_address: '[::1]:9478' })).invokeAddress, '[::1]:9478');
  assert.equal(helloFromWire(wireHello()).invokeAddress, undefined);
  for (const bad of ['http://x:1', 'host', 'a b:1', 'x:99999', `${'a'.repeat(300)}:1`]) {
    assert.throws(() => helloFromWire(wireHello({ invoke_address: bad })), /invoke_address: expected empty or HOST:PORT/, bad);
  }
});

test('a Hello is validated with every problem listed', () => {
  assert.equal(helloFromWire(wireHello()).memoryBytes, 201_326_592_000n);
  assert.throws(
    () => helloFromWire(wireHello({ host_id: '../x', arch: 'ARCH_UNSPECIFIED', sockets: 0, function_cpus: [2, 2, 99], session_id: '', memory_bytes: 'lots' })),
    (err: ValidationError) => {
      assert.ok(err instanceof ValidationError);
      const fields = err.issues.map((i) => i.split(':')[0]);
      assert.deepEqual(fields, ['host_id', 'arch', 'sockets', 'session_id', 'function_cpus', 'function_cpus', 'memory_bytes']);
      return true;
    },
  );
});

const wireReport: wire.TelemetryReport__Output = {
  seq: '9007199254740993',
  timestamp_ms: '1764200000000',
  interval_ms: 1000,
  session_id: 's',
  cpu_utilization: 0.25,
  cpu_utilization_per_cpu: [0.5, 0],
  cpu_frequency_mhz: 2100,
  host_energy_uj: '150000000',
  host_power_w: 150,
  host_quality: 'QUALITY_MEASURED',
  energy_source: 'rapl',
  domains: [{ domain: 'package-0', socket: 0, energy_uj: '150000000', power_w: 150, quality: 'QUALITY_MEASURED', source: 'rapl', in_host_total: true }],
  attribution: 'smartwatts',
  model_error_w: 1.5,
  idle_energy_uj: '100000000',
  functions: [
    {
      function: 'jwt-node',
      dynamic_energy_uj: '50000000',
      total_energy_uj: '70000000',
      power_w: 70,
      cpu_time_us: '2000000',
      cores: 2,
      invocations: { completed: '100', errors: '1', timeouts: '0', dropped: '0', latency_p50_ms: 3, latency_p95_ms: 9, latency_p99_ms: 12, achieved_rps: 100 },
      quality: 'QUALITY_MODELLED',
    },
  ],
  assignment_version: '4',
  agent_cpu_time_us: '1200',
  agent_rss_bytes: '50000000',
};

test('a report survives wire -> domain -> wire, with 64-bit values exact', () => {
  const tick = reportFromWire(wireReport);
  assert.equal(tick.seq, 9_007_199_254_740_993n);
  assert.equal(tick.functions[0]?.quality, 'modelled');
  const back = telemetryToWire(tick);
  assert.equal(back.seq, '9007199254740993');
  assert.equal(back.functions?.[0]?.invocations?.completed, '100');
  assert.equal(back.host_quality, 'QUALITY_MEASURED');
});

test('a malformed report names each bad field', () => {
  assert.throws(
    () => reportFromWire({ ...wireReport, seq: '0', cpu_utilization: 1.7, host_power_w: Number.NaN, interval_ms: 0, domains: [{ ...wireReport.domains[0]!, energy_uj: '-1' }] }),
    (err: ValidationError) => {
      assert.match(err.message, /^telemetry report seq 0: malformed/);
      const fields = err.issues.map((i) => i.split(':')[0]);
      assert.deepEqual(fields, ['seq', 'interval_ms', 'cpu_utilization', 'host_power_w', 'domains[0].energy_uj']);
      return true;
    },
  );
});
