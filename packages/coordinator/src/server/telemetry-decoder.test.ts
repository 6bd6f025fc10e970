// The ingest decoder against the reference decoder (protobufjs + reportFromWire): on valid
// reports, reports near every bound and byte-mutated ones (seeded), the fast path either gives the
// same report or leaves the message to the reference; it never accepts what the reference refuses.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { agentMessageDeserializer, COMPLETED_BY_AGE_TICKS, loadProtos, type wire } from '@isawatt/common';
import { hostMaxPowerW, reportFromWire, type ReportContext } from './codec.js';
import { TelemetryDecoder } from './telemetry-decoder.js';
import { attachDeserializer } from './agent-link-service.js';
import { Rng } from '../simulation/random.js';
import type { TelemetryTick } from '../registry/types.js';

const NOW = 1_764_200_000_500;
const ctx: ReportContext = { nowMs: NOW, maxPowerW: hostMaxPowerW(2), logicalCpus: 64 };
const attach = loadProtos().isawatt.v1.AgentLink.service.Attach;
const serialize = (t: wire.TelemetryReport | Partial<wire.TelemetryReport__Output>): Buffer => attach.requestSerialize({ telemetry: t });

function reference(bytes: Buffer): TelemetryTick | Error {
  try {
    const msg = agentMessageDeserializer()(bytes) as wire.AgentMessage__Output;
    if (!msg.telemetry) return new Error('not telemetry');
    return reportFromWire(msg.telemetry, ctx);
  } catch (err) {
    return err as Error;
  }
}

const QUALITIES = ['QUALITY_UNSPECIFIED', 'QUALITY_MEASURED', 'QUALITY_MODELLED', 'QUALITY_ESTIMATED', 'QUALITY_EMULATED'] as const;

/** A valid report of `n` functions, figures drawn from `rng`. */
function validReport(rng: Rng, n: number, seq = 1 + Math.floor(rng.next() * 1e6)): wire.TelemetryReport {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rng.next() * xs.length)] as T;
  const u64 = (max: number): string => String(Math.floor(rng.next() * max));
  return {
    seq: String(seq),
    timestamp_ms: String(NOW - Math.floor(rng.next() * 10_000)),
    interval_ms: 1000,
    session_id: pick(['s', 'session-1', 'ä-session']),
    cpu_utilization: rng.next(),
    cpu_utilization_per_cpu: rng.next() < 0.5 ? [] : Array.from({ length: 8 }, () => rng.next()),
    cpu_frequency_mhz: rng.next() * 3000,
    host_energy_uj: u64(3e9),
    host_power_w: rng.next() * 3000,
    host_quality: pick(QUALITIES),
    energy_source: pick(['rapl', 'emulated', '']),
    domains: Array.from({ length: Math.floor(rng.next() * 3) }, (_, i) => ({
      domain: `package-${i}`,
      socket: i,
      energy_uj: u64(3e9),
      power_w: rng.next() * 100,
      quality: pick(QUALITIES),
      source: 'rapl',
      in_host_total: rng.next() < 0.5,
    })),
    attribution: pick(['smartwatts', 'none']),
    model_error_w: rng.next() < 0.2 ? -1 : rng.next() * 10,
    idle_energy_uj: u64(3e9),
    functions: Array.from({ length: n }, (_, i) => ({
      function: `fn-${i % 7}-${pick(['a', 'b'])}`,
      dynamic_energy_uj: u64(3e9),
      total_energy_uj: u64(3e9),
      power_w: rng.next() * 100,
      cpu_time_us: u64(1e7),
      cores: Math.floor(rng.next() * 8),
      ...(rng.next() < 0.9
        ? {
            invocations: {
              completed: '20000',
              // Completions by age (field 11, packed): up to COMPLETED_BY_AGE_TICKS entries, no more
              // than completed in all; empty as from an older agent.
              completed_by_age: Array.from({ length: Math.floor(rng.next() * (COMPLETED_BY_AGE_TICKS + 1)) }, () => u64(2500)),
              errors: u64(3),
              timeouts: '0',
              dropped: u64(2),
              // The offered load (field 9): decoded on the fast path, not left to the reference.
              arrived: u64(1e4),
              // Of dropped, those that expired in the queue (field 10): on the fast path too.
              expired: u64(2),
              latency_p50_ms: rng.next() * 10,
              latency_p95_ms: rng.next() * 20,
              latency_p99_ms: rng.next() * 30,
              achieved_rps: rng.next() * 100,
            },
          }
        : {}),
      quality: pick(QUALITIES),
    })),
    assignment_version: u64(10),
    agent_cpu_time_us: u64(1e6),
    agent_rss_bytes: u64(1e9),
  };
}

/** Decodes with the fast path and checks it against the reference; returns whether the fast path decided. */
function check(decoder: TelemetryDecoder, bytes: Buffer, what: string): boolean {
  const ref = reference(bytes);
  let fast;
  try {
    fast = decoder.decode(bytes, ctx);
  } catch (err) {
    assert.fail(`${what}: the fast decoder threw (${String(err)}) instead of leaving the message to the reference`);
  }
  if (fast === undefined) return false;
  assert.ok(!(ref instanceof Error), `${what}: the fast decoder accepted a report the reference refuses: ${ref instanceof Error ? ref.message : ''}`);
  assert.deepStrictEqual(fast.tick(), ref, what);
  // The columns the learner reads agree with the objects.
  const t = fast.tick();
  for (let i = 0; i < fast.functionCount; i++) {
    const f = t.functions[i];
    assert.equal(fast.functionName(i), f?.function);
    assert.equal(fast.completed(i), Number(f?.invocations.completed));
    assert.equal(fast.totalEnergyUj(i), Number(f?.totalEnergyUj));
  }
  return true;
}

test('valid reports: the fast decoder decides them and gives what the reference gives', () => {
  const rng = new Rng(15, 'valid');
  const decoder = new TelemetryDecoder();
  for (let k = 0; k < 300; k++) {
    const bytes = serialize(validReport(rng, Math.floor(rng.next() * 40)));
    assert.equal(TelemetryDecoder.isTelemetry(bytes), true);
    assert.ok(check(decoder, bytes, `valid report ${k}`), `valid report ${k} was left to the reference`);
  }
  // A report of 200 functions, twice on the same stream (names reused from the first).
  const big = validReport(rng, 200);
  assert.ok(check(decoder, serialize(big), '200 functions'));
  assert.ok(check(decoder, serialize({ ...big, seq: '7' }), '200 functions again'));
});

test('reports at and beyond every bound: the fast decoder never accepts what the reference refuses', () => {
  const rng = new Rng(15, 'bounds');
  const base = validReport(rng, 3);
  const f0 = base.functions?.[0] as wire.FunctionEnergy;
  const maxUj = String(3000 * 1_000_000);
  const cases: Partial<wire.TelemetryReport>[] = [
    { seq: '0' },
    { seq: '9007199254740993' },
    { seq: '18446744073709551615' },
    { timestamp_ms: String(NOW + 3_600_000) },
    { timestamp_ms: String(NOW - 40 * 86_400_000) },
    { timestamp_ms: '-5' },
    { interval_ms: 0 },
    { interval_ms: 3_600_001 },
    { session_id: '' },
    { session_id: 'x'.repeat(129) },
    { session_id: 'a\u001b[2J' },
    { cpu_utilization: 1.5 },
    { cpu_utilization: Number.NaN },
    { cpu_utilization: -0.1 },
    { cpu_utilization_per_cpu: [0.5, 1.5] },
    { cpu_utilization_per_cpu: new Array<number>(65).fill(0) },
    { cpu_utilization_per_cpu: new Array<number>(64).fill(1) },
    { cpu_frequency_mhz: 100_001 },
    { host_energy_uj: maxUj },
    { host_energy_uj: String(3000 * 1_000_000 + 1) },
    { host_power_w: 3000.5 },
    { host_power_w: Number.POSITIVE_INFINITY },
    { energy_source: 'rapl\u001b]0;x\u0007' },
    { attribution: 'y'.repeat(65) },
    { model_error_w: -1.5 },
    { idle_energy_uj: '18446744073709551615' },
    { domains: new Array(257).fill({ domain: 'd', socket: 0, energy_uj: '1', power_w: 1, quality: 'QUALITY_MEASURED', source: '', in_host_total: false }) },
    { domains: [{ domain: 'd\u0007', socket: 0, energy_uj: '1', power_w: 1, quality: 'QUALITY_MEASURED', source: '', in_host_total: false }] },
    { domains: [{ domain: 'd', socket: 4_000_000_000, energy_uj: maxUj, power_w: -1, quality: 'QUALITY_MEASURED', source: '\u001b', in_host_total: true }] },
    { functions: new Array(4097).fill(f0) as wire.FunctionEnergy[] },
    { functions: new Array(4096).fill(f0) as wire.FunctionEnergy[] },
    { functions: [{ ...f0, function: 'f\u001b[2J' }] },
    { functions: [{ ...f0, function: 'f'.repeat(129) }] },
    { functions: [{ ...f0, function: '' }] },
    { functions: [{ ...f0, total_energy_uj: String(3000 * 1_000_000 + 1) }] },
    { functions: [{ ...f0, dynamic_energy_uj: '18446744073709551615' }] },
    { functions: [{ ...f0, power_w: Number.NaN }] },
    { functions: [{ ...f0, cpu_time_us: '18446744073709551615' }] },
    { functions: [{ ...f0, cpu_time_us: '9007199254740991' }] },
    { functions: [{ ...f0, invocations: { ...f0.invocations, completed: '9007199254740993' } }] },
    { functions: [{ ...f0, invocations: { ...f0.invocations, latency_p99_ms: -1 } }] },
    { functions: [{ ...f0, invocations: { ...f0.invocations, achieved_rps: Number.POSITIVE_INFINITY } }] },
    { functions: [{ ...f0, invocations: { ...f0.invocations, completed_by_age: new Array<string>(COMPLETED_BY_AGE_TICKS).fill('1') } }] },
    { functions: [{ ...f0, invocations: { ...f0.invocations, completed_by_age: new Array<string>(COMPLETED_BY_AGE_TICKS + 1).fill('1') } }] },
    { functions: [{ ...f0, invocations: { ...f0.invocations, completed: '3', completed_by_age: ['2', '1'] } }] },
    { functions: [{ ...f0, invocations: { ...f0.invocations, completed: '3', completed_by_age: ['2', '2'] } }] },
    { functions: [{ ...f0, invocations: { ...f0.invocations, completed_by_age: ['18446744073709551615'] } }] },
  ];
  const decoder = new TelemetryDecoder();
  cases.forEach((over, i) => check(decoder, serialize({ ...base, ...over }), `case ${i}: ${JSON.stringify(over).slice(0, 80)}`));
});

test('byte-mutated reports (seeded, 3,000 cases): the fast decoder agrees with the reference or leaves them to it', () => {
  const rng = new Rng(15, 'mutate');
  const decoder = new TelemetryDecoder();
  let decided = 0;
  for (let k = 0; k < 3000; k++) {
    const bytes = Buffer.from(serialize(validReport(rng, 1 + Math.floor(rng.next() * 6), 1 + Math.floor(rng.next() * 100))));
    const flips = 1 + Math.floor(rng.next() * 3);
    for (let j = 0; j < flips; j++) {
      // Past the 2-3 bytes of the AgentMessage tag and length: the report's own bytes.
      const at = 3 + Math.floor(rng.next() * (bytes.length - 3));
      bytes[at] = rng.next() < 0.5 ? Math.floor(rng.next() * 256) : (bytes[at] as number) ^ (1 << Math.floor(rng.next() * 8));
    }
    if (check(decoder, bytes, `mutation ${k}`)) decided++;
  }
  // Most single-byte changes land in figures and stay decodable: the fast path must still decide many.
  assert.ok(decided > 300, `only ${decided} of 3000 mutated reports decided by the fast path`);
});

test('the Attach deserializer leaves telemetry as bytes and decodes every other body as usual', () => {
  const des = attachDeserializer();
  const bytes = serialize(validReport(new Rng(15, 'des'), 2));
  assert.deepEqual(des(bytes), { body: 'telemetry', raw: bytes });
  const ack = des(attach.requestSerialize({ assignment_ack: { version: '18446744073709551615', ok: true } })) as wire.AgentMessage__Output;
  assert.equal(ack.assignment_ack?.version, '18446744073709551615');
  // A telemetry field followed by something else is not "only a report": the reference decides.
  const two = Buffer.concat([bytes, attach.requestSerialize({ assignment_ack: { version: '1', ok: true } })]);
  assert.equal(TelemetryDecoder.isTelemetry(two), false);
});
