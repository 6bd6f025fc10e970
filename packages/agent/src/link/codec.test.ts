import { loadProtos, ValidationError, type wire } from '@isawatt/common';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { detectHardware } from '../hardware/detect.js';
import type { TickSnapshot } from '../telemetry/snapshot.js';
import { decodeAssignment, decodeTelemetry, encodeAssignmentAck, encodeHello, encodeTelemetry } from './codec.js';

const attach = loadProtos().isawatt.v1.AgentLink.service.Attach;

/** Through real protobuf bytes, as on the wire. */
function overTheWire(msg: wire.AgentMessage): wire.AgentMessage__Output {
  return attach.requestDeserialize(attach.requestSerialize(msg));
}

const snapshot: TickSnapshot = {
  seq: 9_007_199_254_740_993n, // 2^53 + 1: survives only as bigint
  timestampMs: 1_764_201_600_123,
  intervalMs: 1001,
  cpuUtilization: 0.25,
  cpuUtilizationPerCpu: [0.5, 0, 0.125],
  cpuFrequencyMhz: 2100,
  hostEnergyUj: 18_446_744_073_709_551_615n, // uint64 max
  hostPowerW: 87.5,
  hostQuality: 'measured',
  energySource: 'rapl',
  domains: [
    { domain: 'package-0', socket: 0, energyUj: 60_000_000n, powerW: 60, quality: 'measured', source: 'rapl', inHostTotal: true },
    { domain: 'core-0', socket: 0, energyUj: 40_000_000n, powerW: 40, quality: 'measured', source: 'rapl', inHostTotal: false },
  ],
  attribution: 'smartwatts',
  modelErrorW: 1.25,
  idleEnergyUj: 50_000_000n,
  functions: [
    {
      function: 'jwt-node',
      dynamicEnergyUj: 10_000_000n,
      totalEnergyUj: 12_500_000n,
      powerW: 12.5,
      cpuTimeUs: 1_999_000n,
      cores: 2,
      quality: 'modelled',
      invocations: {
        completed: 120,
        errors: 2,
        timeouts: 1,
        dropped: 2,
        expired: 1,
        arrived: 124,
        completedByAge: [117, 3],
        latencyP50Ms: 3.5,
        latencyP95Ms: 8,
        latencyP99Ms: 12.25,
        achievedRps: 119.9,
      },
    },
    { function: 'zip-py', dynamicEnergyUj: 0n, totalEnergyUj: 0n, powerW: 0, cpuTimeUs: 0n, cores: 1, quality: 'estimated' },
  ],
  assignmentVersion: 4n,
  agentCpuTimeUs: 2_345n,
  agentRssBytes: 61_440_000,
};

test('TickSnapshot -> TelemetryReport -> bytes -> TickSnapshot is lossless', () => {
  const out = overTheWire({ telemetry: encodeTelemetry(snapshot, 'sess-1') });
  assert.equal(out.body, 'telemetry');
  assert.ok(out.telemetry);
  assert.equal(out.telemetry.seq, '9007199254740993');
  assert.equal(out.telemetry.host_quality, 'QUALITY_MEASURED');
  const back = decodeTelemetry(out.telemetry);
  assert.equal(back.sessionId, 'sess-1');
  assert.deepEqual(back.snapshot, snapshot);
});

test('Hello carries the detected hardware', async () => {
  const hosts = fileURLToPath(new URL('../../testdata/hosts/', import.meta.url));
  const hardware = await detectHardware({ procfsRoot: `${hosts}/altra-max-1s/proc`, sysfsRoot: `${hosts}/altra-max-1s/sys`, reservedCpus: [0] });
  const out = overTheWire({
    hello: encodeHello({
      hostId: 'altra-1',
      sessionId: 's',
      agentVersion: '0.1.0',
      hardware,
      energySources: [
        { kind: 'xgene-hwmon', path: '/sys/class/hwmon/hwmon0', quality: 'measured', domains: ['cpu-0', 'io-0'], primary: true, detail: 'apm_xgene' },
      ],
      counterSource: 'cgroup-cputime',
      pinning: 'none',
      catalogue: [],
      emulatedProfile: undefined,
      runningAssignmentVersion: 0n,
      idlePowerW: 0,
    }),
  }).hello;
  assert.ok(out);
  assert.equal(out.arch, 'ARCH_AARCH64');
  assert.equal(out.cpu_model, 'Ampere(R) Altra(R) Max Processor M128-30');
  assert.equal(out.sockets, 1);
  assert.equal(out.physical_cores, 128);
  assert.equal(out.logical_cpus, 128);
  assert.equal(out.function_cpus.length, 127);
  assert.equal(out.host_type, 'altra-max-m128-30');
  assert.equal(out.memory_bytes, String(263921920n * 1024n));
  assert.equal(out.emulated, false);
  assert.deepEqual(out.energy_sources[0]?.domains, ['cpu-0', 'io-0']);
});

test('assignments decode to specs; every problem of a bad one is listed', () => {
  const ok = decodeAssignment({
    version: '3',
    issued_at_ms: '0',
    functions: [
      { function: 'jwt-node', cores: 2, rate_rps: 150, arrival: '' },
      { function: 'zip-py', cores: 0, rate_rps: 0, arrival: 'poisson' },
    ],
  });
  assert.deepEqual(ok, {
    version: 3n,
    functions: [
      { function: 'jwt-node', cores: 2, rateRps: 150, arrival: 'constant' },
      { function: 'zip-py', cores: 0, rateRps: 0, arrival: 'poisson' },
    ],
  });
  assert.throws(
    () =>
      decodeAssignment({
        version: '0',
        issued_at_ms: '0',
        functions: [
          { function: 'Bad Name', cores: 1, rate_rps: -1, arrival: 'bursty' },
          { function: 'a', cores: 1, rate_rps: 1, arrival: '' },
          { function: 'a', cores: 1, rate_rps: 1, arrival: '' },
        ],
      }),
    (err: unknown) => {
      assert.ok(err instanceof ValidationError);
      assert.deepEqual(err.issues, [
        'version: must be > 0',
        'functions[0].function: "Bad Name" is not a function name',
        'functions[0].rate_rps: must be a finite number >= 0, got -1',
        'functions[0].arrival: expected "constant" or "poisson", got "bursty"',
        'functions[2].function: "a" appears twice',
      ]);
      return true;
    },
  );
});

test('acks carry placements or the precise error', () => {
  const ok = overTheWire({ assignment_ack: encodeAssignmentAck(5n, { ok: true, placements: [{ function: 'f', cpus: [2, 3], workerPids: [100, 101] }] }) });
  assert.deepEqual(ok.assignment_ack?.placements, [{ function: 'f', cpus: [2, 3], worker_pids: [100, 101] }]);
  assert.equal(ok.assignment_ack?.version, '5');
  const bad = encodeAssignmentAck(6n, { ok: false, code: 'not-enough-cores', error: 'not enough cores: 12 asked, 8 free' });
  assert.deepEqual([bad.ok, bad.error_code, bad.error], [false, 'not-enough-cores', 'not enough cores: 12 asked, 8 free']);
});
