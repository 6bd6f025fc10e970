import { test } from 'node:test';
import assert from 'node:assert/strict';
import { agentMessageDeserializer, loadProtos, telemetryToWire, ValidationError, type wire } from '@isawatt/common';
import { helloFromWire, hostMaxPowerW, reportFromWire, type ReportContext } from './codec.js';

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
    invoke_scheme: '',
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

test('a Hello says how to call its /invoke address: http (also when empty, an older agent) or https, nothing else', () => {
  assert.equal(helloFromWire(wireHello({ invoke_address: '127.0.0.1:9478' })).invokeScheme, 'http');
  assert.equal(helloFromWire(wireHello({ invoke_address: '127.0.0.1:9478', invoke_scheme: 'http' })).invokeScheme, 'http');
  assert.equal(helloFromWire(wireHello({ invoke_address: '10.0.0.7:9478', invoke_scheme: 'https' })).invokeScheme, 'https');
  assert.equal(helloFromWire(wireHello()).invokeScheme, undefined);
  for (const bad of ['HTTPS', 'ftp', 'https ', 'h\u001b[2J', 'x'.repeat(300)]) {
    assert.throws(
      () => helloFromWire(wireHello({ invoke_address: '127.0.0.1:9478', invoke_scheme: bad })),
      /invoke_scheme: expected empty, "http" or "https"/,
      bad,
    );
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
      invocations: {
        completed: '100',
        errors: '1',
        timeouts: '0',
        dropped: '0',
        arrived: '101',
        expired: '0',
        completed_by_age: ['98', '2'],
        latency_p50_ms: 3,
        latency_p95_ms: 9,
        latency_p99_ms: 12,
        achieved_rps: 100,
      },
      quality: 'QUALITY_MODELLED',
    },
  ],
  assignment_version: '4',
  agent_cpu_time_us: '1200',
  agent_rss_bytes: '50000000',
};

/** The coordinator's view when wireReport arrives: its clock, a 2-socket host of 64 CPUs. */
const ctx: ReportContext = { nowMs: 1_764_200_000_500, maxPowerW: hostMaxPowerW(2), logicalCpus: 64 };

test('a report survives wire -> domain -> wire, with 64-bit values exact', () => {
  const tick = reportFromWire(wireReport, ctx);
  assert.equal(tick.seq, 9_007_199_254_740_993n);
  assert.equal(tick.functions[0]?.quality, 'modelled');
  const back = telemetryToWire(tick);
  assert.equal(back.seq, '9007199254740993');
  assert.equal(back.functions?.[0]?.invocations?.completed, '100');
  assert.equal(back.host_quality, 'QUALITY_MEASURED');
});

test('the ingest deserializer (decoded once, 64-bit fields straight to bigint) gives the same report as the usual decoder', () => {
  const attach = loadProtos().isawatt.v1.AgentLink.service.Attach;
  const fast = agentMessageDeserializer();
  const bytes = attach.requestSerialize({ telemetry: { ...wireReport, agent_rss_bytes: '18446744073709551615' } });
  const viaFast = fast(bytes) as wire.AgentMessage__Output;
  const viaUsual = attach.requestDeserialize(bytes);
  assert.equal(viaFast.body, 'telemetry');
  assert.ok(viaFast.telemetry && viaUsual.telemetry);
  const tick = reportFromWire(viaFast.telemetry, ctx);
  assert.deepEqual(tick, reportFromWire(viaUsual.telemetry, ctx));
  assert.equal(tick.seq, 9_007_199_254_740_993n);
  assert.equal(tick.agentRssBytes, 18_446_744_073_709_551_615n);
  assert.equal(tick.functions[0]?.quality, 'modelled');
  // A bad value is still named with its exact decimal figure.
  const bad = fast(attach.requestSerialize({ telemetry: { ...wireReport, seq: '0' } })) as wire.AgentMessage__Output;
  assert.throws(() => reportFromWire(bad.telemetry!, ctx), /seq: expected >= 1/);
  // Other bodies come with the usual options (uint64 as decimal strings).
  const ack = fast(attach.requestSerialize({ assignment_ack: { version: '18446744073709551615', ok: true } })) as wire.AgentMessage__Output;
  assert.equal(ack.assignment_ack?.version, '18446744073709551615');
});

test('the ingest deserializer reads every varint length exactly, and refuses a cut message', () => {
  const attach = loadProtos().isawatt.v1.AgentLink.service.Attach;
  const fast = agentMessageDeserializer();
  const values = [0n, 1n, 127n, 128n, 1023n, 1024n, 2n ** 28n - 1n, 2n ** 28n, 2n ** 32n - 1n, 2n ** 32n, 2n ** 35n, 2n ** 53n + 1n, 2n ** 63n, 2n ** 64n - 1n];
  for (const v of values) {
    const bytes = attach.requestSerialize({ telemetry: { ...wireReport, host_energy_uj: v.toString(), timestamp_ms: (-v / 2n).toString() } });
    const t = (fast(bytes) as { telemetry: { host_energy_uj: unknown; timestamp_ms: unknown; raw?: unknown } }).telemetry;
    assert.equal(t.host_energy_uj, v, `uint64 ${v}`);
    assert.equal(t.timestamp_ms, -v / 2n, `int64 ${-v / 2n}`);
  }
  const whole = attach.requestSerialize({ telemetry: wireReport });
  assert.equal((fast(whole) as { raw?: unknown }).raw, whole);
  assert.throws(() => fast(whole.subarray(0, whole.length - 3)), /index out of range|invalid/);
});

test('a malformed report names each bad field', () => {
  assert.throws(
    () =>
      reportFromWire(
        { ...wireReport, seq: '0', cpu_utilization: 1.7, host_power_w: Number.NaN, interval_ms: 0, domains: [{ ...wireReport.domains[0]!, energy_uj: '-1' }] },
        ctx,
      ),
    (err: ValidationError) => {
      assert.match(err.message, /^telemetry report seq 0: malformed/);
      const fields = err.issues.map((i) => i.split(':')[0]);
      assert.deepEqual(fields, ['seq', 'interval_ms', 'cpu_utilization', 'host_power_w', 'domains[0].energy_uj']);
      return true;
    },
  );
});

test('completions by age are bounded: at most 8 entries, adding up to no more than completed', () => {
  const inv = wireReport.functions[0]!.invocations!;
  const withAges = (completed: string, ages: string[]): wire.TelemetryReport__Output => ({
    ...wireReport,
    functions: [{ ...wireReport.functions[0]!, invocations: { ...inv, completed, completed_by_age: ages } }],
  });
  assert.deepEqual(reportFromWire(withAges('100', ['98', '2']), ctx).functions[0]?.invocations.completedByAge, [98n, 2n]);
  // An older agent sends none: the figures carry no breakdown rather than an empty one.
  assert.equal('completedByAge' in (reportFromWire(withAges('100', []), ctx).functions[0]?.invocations ?? {}), false);
  assert.throws(
    () => reportFromWire(withAges('100', new Array<string>(9).fill('1')), ctx),
    /functions\[0\]\.invocations\.completed_by_age: 9 entries, at most 8 allowed/,
  );
  assert.throws(() => reportFromWire(withAges('3', ['2', '2']), ctx), /functions\[0\]\.invocations\.completed_by_age: adds up to 4, more than the 3 completed/);
});

test('Hello figures outside physical bounds and text with escape sequences are refused', () => {
  assert.throws(
    () =>
      helloFromWire(
        wireHello({
          sockets: 1,
          physical_cores: 4_294_967_295,
          logical_cpus: 4_294_967_295,
          idle_power_w: 1e308,
          cpu_model: 'Xeon\u001b[2J\u001b]0;pwned\u0007',
          host_type: 'x'.repeat(300),
        }),
      ),
    (err: ValidationError) => {
      const fields = err.issues.map((i) => i.split(':')[0]);
      assert.deepEqual(fields, ['physical_cores', 'logical_cpus', 'cpu_model', 'host_type', 'idle_power_w']);
      assert.match(err.message, /physical_cores: expected 1\.\.1024 \(1024 per socket\)/);
      return true;
    },
  );
  assert.throws(() => helloFromWire(wireHello({ memory_bytes: '18446744073709551615' })), /memory_bytes: .* exceeds/);
});

test('a report is bounded: utilisation in [0, 1], timestamps near the coordinator clock, energy within the host maximum, functions capped', () => {
  const bad = (over: Partial<wire.TelemetryReport__Output>, re: RegExp): void => {
    assert.throws(() => reportFromWire({ ...wireReport, ...over }, ctx), re);
  };
  // A fake 9,999 W reading on a host whose sockets cannot draw it.
  bad(
    { host_power_w: 9999, host_energy_uj: String(9999 * 1000 * 1000) },
    /host_energy_uj: .* exceeds .*maximum 3000 W over 1000 ms.*host_power_w: expected a finite number in \[0, 3000\]/s,
  );
  bad({ cpu_utilization_per_cpu: [0.5, 1.5] }, /cpu_utilization_per_cpu\[1\]: expected 0\.\.1, got 1\.5/);
  bad({ cpu_utilization_per_cpu: new Array<number>(65).fill(0) }, /cpu_utilization_per_cpu: 65 entries, at most 64/);
  bad({ timestamp_ms: String(ctx.nowMs + 3_600_000) }, /timestamp_ms: .* outside the window of the coordinator clock/);
  bad({ timestamp_ms: String(ctx.nowMs - 40 * 86_400_000) }, /timestamp_ms: .* outside the window/);
  bad(
    { functions: new Array(4097).fill(wireReport.functions[0]) as wire.TelemetryReport__Output['functions'] },
    /functions: 4097 entries, at most 4096 allowed/,
  );
  bad({ energy_source: 'rapl\u001b[2J' }, /energy_source: expected at most 64 printable characters/);
  // Inside the bounds it is accepted.
  assert.equal(reportFromWire({ ...wireReport, cpu_utilization_per_cpu: [1, 0] }, ctx).cpuUtilizationPerCpu[0], 1);
});
