// Seeded fuzzing (fast-check) of every input isawatt reads from outside: workload, models and hosts
// files, agent and coordinator configs, Hello and telemetry messages, PDU payloads and state files.
// The property is the same everywhere: the input is accepted, or refused with the error class that
// names the problem (ConfigError, ValidationError, StateFileError) and a non-empty message. Anything
// else (a TypeError, a RangeError, a stack overflow, a hang) is a crash and fails the test. The
// seed is fixed so a failure reproduces; fast-check prints the shrunk counterexample.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';

import { join } from 'node:path';
import fc from 'fast-check';
import { ConfigError, silentLogger, ValidationError, type wire } from '@isawatt/common';
import { loadAgentConfig } from '../../packages/agent/src/config.js';
import { loadCoordinatorConfig } from '../../packages/coordinator/src/config.js';
import { pduSourceSchema } from '../../packages/coordinator/src/pdu/config.js';
import { PduIngest } from '../../packages/coordinator/src/pdu/ingest.js';
import { PduStore } from '../../packages/coordinator/src/pdu/store.js';
import { helloFromWire, hostMaxPowerW, reportFromWire } from '../../packages/coordinator/src/server/codec.js';
import { decodeWatermarkFile } from '../../packages/coordinator/src/store/watermark-file.js';
import { decodeHostFile } from '../../packages/coordinator/src/store/host-file.js';
import { StateFileError } from '../../packages/coordinator/src/store/state-file-error.js';
import { StateStore } from '../../packages/coordinator/src/store/state-store.js';
import { parseHosts, parseModels, parseWorkload } from '../../packages/coordinator/src/workload/parse.js';
import { tempDir } from '../helpers/temp-dir.js';

const SEED = 20261206;
const RUNS = 400;

/** Runs `f`; a throw must be one of `allowed` with a message, else it is a crash. */
function refusedClearly(f: () => unknown, allowed: readonly (new (...a: never[]) => Error)[]): boolean {
  try {
    f();
    return true;
  } catch (err) {
    const ok = allowed.some((C) => err instanceof C) && (err as Error).message.trim().length > 0;
    if (!ok) throw err;
    return true;
  }
}

async function refusedClearlyAsync(f: () => Promise<unknown>, allowed: readonly (new (...a: never[]) => Error)[]): Promise<boolean> {
  try {
    await f();
    return true;
  } catch (err) {
    if (!(allowed.some((C) => err instanceof C) && (err as Error).message.trim().length > 0)) throw err;
    return true;
  }
}

// Hostile scalars: the values that break naive code.
const nasty = fc.oneof(
  fc.constantFrom(
    0,
    -1,
    1.7e308,
    -1.7e308,
    Number.NaN,
    Infinity,
    -Infinity,
    2 ** 53 + 1,
    4_294_967_295,
    '',
    '__proto__',
    'constructor',
    'toString',
    '\u001b[2J',
    '../../etc/passwd',
    null,
    true,
    [],
    {},
  ),
  fc.double(),
  fc.integer(),
  fc.string({ maxLength: 40 }),
);
const jsonish = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    nasty,
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(
      fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom('__proto__', 'constructor', 'hosts', 'functions', 'hostTypes', 'arch', 'cores')),
      tie('value'),
      { maxKeys: 5 },
    ),
  ),
})).value;

/** A valid document with one field replaced by something hostile, to get past the outer checks. */
function mutate<T extends object>(base: T): fc.Arbitrary<unknown> {
  const paths: string[][] = [];
  const walk = (o: unknown, p: string[]): void => {
    paths.push(p);
    if (o && typeof o === 'object') for (const [k, v] of Object.entries(o)) walk(v, [...p, k]);
  };
  walk(base, []);
  return fc.tuple(fc.constantFrom(...paths.filter((p) => p.length > 0)), jsonish).map(([path, value]) => {
    const copy = structuredClone(base) as Record<string, unknown>;
    let cur: Record<string, unknown> = copy;
    for (const k of path.slice(0, -1)) cur = cur[k] as Record<string, unknown>;
    cur[path[path.length - 1] as string] = value;
    return copy;
  });
}

test('workload, models and hosts files: accepted or a ConfigError, never a crash', () => {
  const hosts = { hosts: [{ id: 'xeon-1', type: 'xeon-gold-5318y', arch: 'x86_64', cores: 48, idlePowerW: 100 }] };
  const models = {
    hostTypes: { 'xeon-gold-5318y': { arch: 'x86_64', idlePowerW: 100, functions: { 'jwt-node': { execPerSecPerCore: 100, energyPerExecJ: 0.01 } } } },
  };
  const workload = { functions: [{ name: 'jwt-node', rate: 10 }] };
  for (const [doc, parse] of [
    [hosts, parseHosts],
    [models, parseModels],
    [workload, parseWorkload],
  ] as const) {
    fc.assert(
      fc.property(fc.oneof(jsonish, mutate(doc)), (d) => refusedClearly(() => (parse as (x: unknown) => unknown)(d), [ConfigError])),
      { seed: SEED, numRuns: RUNS },
    );
  }
});

test('agent and coordinator configs (flags and YAML files): accepted or a ConfigError', async (t) => {
  const agentKeys = [
    'coordinator',
    'hostId',
    'hostType',
    'tls.caFile',
    'insecure',
    'tickIntervalMs',
    'bufferMaxReports',
    'reservedCpus',
    'http.listen',
    'logLevel',
    'activitySource',
    'emulate',
    'shutdownGraceMs',
  ];
  const coordKeys = [
    'listen',
    'stateDir',
    'cluster',
    'tls.caFile',
    'tls.certFile',
    'insecure',
    'hostDownAfterMs',
    'metricsListen',
    'controlSocket',
    'controlSocketMode',
    'mqtt.broker',
    'logLevel',
  ];
  const flags = (keys: string[]) => fc.dictionary(fc.constantFrom(...keys), nasty, { maxKeys: 5 });
  fc.assert(
    fc.property(flags(agentKeys), (f) => refusedClearly(() => loadAgentConfig({ hostname: 'h', env: {}, flags: f }), [ConfigError])),
    { seed: SEED, numRuns: RUNS },
  );
  fc.assert(
    fc.property(flags(coordKeys), (f) => refusedClearly(() => loadCoordinatorConfig({ env: {}, flags: f }), [ConfigError])),
    { seed: SEED, numRuns: RUNS },
  );
  const dir = await tempDir(t, 'isawatt-fuzz-config-');
  const file = join(dir, 'c.yaml');
  const text = fc.oneof(
    fc.string({ maxLength: 200 }),
    jsonish.map((v) => JSON.stringify(v) ?? 'null'),
    fc.constantFrom(': : :', '- [', 'a: &x [*x]', '"\\u0000"', 'listen: !!binary AAAA'),
  );
  await fc.assert(
    fc.asyncProperty(text, async (body) => {
      await writeFile(file, body);
      refusedClearly(() => loadAgentConfig({ file, hostname: 'h', env: {}, flags: { coordinator: '127.0.0.1:7000' } }), [ConfigError]);
      return refusedClearly(() => loadCoordinatorConfig({ file, env: {}, flags: { insecure: true } }), [ConfigError]);
    }),
    { seed: SEED, numRuns: RUNS },
  );
});

const wireHello: wire.Hello__Output = {
  host_id: 'xeon-01',
  arch: 'ARCH_X86_64',
  cpu_model: 'Xeon',
  sockets: 2,
  physical_cores: 32,
  logical_cpus: 64,
  function_cpus: [2, 3],
  host_type: 'xeon',
  energy_sources: [{ kind: 'rapl', path: '/sys', quality: 'QUALITY_MEASURED', domains: ['package-0'], primary: true, detail: '' }],
  counter_source: 'perf',
  pinning: 'cgroup-v1-cpuset',
  catalogue: [{ name: 'jwt-node', version: '1', runtime: 'node', category: 'x', runnable: true, unavailable_reason: '' }],
  agent_version: '0.1.0',
  session_id: 's',
  emulated: false,
  emulated_profile: '',
  running_assignment_version: '0',
  memory_bytes: '1000',
  idle_power_w: 50,
  invoke_address: '',
  invoke_scheme: '',
};

/** Same-typed replacement values, as protobuf decoding would give (strings for uint64). */
function wireMutations<T extends object>(base: T): fc.Arbitrary<T> {
  const keys = Object.keys(base) as (keyof T)[];
  return fc
    .array(
      fc.constantFrom(...keys).chain((k) => {
        const v = base[k];
        const arb: fc.Arbitrary<unknown> =
          typeof v === 'number'
            ? fc.oneof(fc.double(), fc.integer(), fc.constantFrom(4_294_967_295, -1, 0))
            : typeof v === 'string'
              ? fc.oneof(
                  fc.string({ maxLength: 300 }),
                  fc.constantFrom('18446744073709551615', '-1', '1e999', '', '\u001b]0;x\u0007'),
                  fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }).map(String),
                )
              : typeof v === 'boolean'
                ? fc.boolean()
                : Array.isArray(v) && v.length > 0
                  ? typeof v[0] === 'number'
                    ? fc.array(fc.oneof(fc.double(), fc.integer({ min: 0, max: 70_000 })), { maxLength: 5000 })
                    : fc.array(fc.constantFrom(...(v as unknown[])), { maxLength: 5000 })
                  : fc.constant(v);
        return arb.map((x) => [k, x] as const);
      }),
      { maxLength: 4 },
    )
    .map((changes) => ({ ...base, ...Object.fromEntries(changes) }));
}

test('Hello and telemetry messages: accepted or a ValidationError', () => {
  fc.assert(
    fc.property(wireMutations(wireHello), (h) => refusedClearly(() => helloFromWire(h), [ValidationError])),
    { seed: SEED, numRuns: RUNS },
  );
  const report: wire.TelemetryReport__Output = {
    seq: '5',
    timestamp_ms: '1764200000000',
    interval_ms: 1000,
    session_id: 's',
    cpu_utilization: 0.5,
    cpu_utilization_per_cpu: [0.5, 0.2],
    cpu_frequency_mhz: 2000,
    host_energy_uj: '150000000',
    host_power_w: 150,
    host_quality: 'QUALITY_MEASURED',
    energy_source: 'rapl',
    domains: [{ domain: 'package-0', socket: 0, energy_uj: '1', power_w: 1, quality: 'QUALITY_MEASURED', source: 'rapl', in_host_total: true }],
    attribution: 'smartwatts',
    model_error_w: 1,
    idle_energy_uj: '1',
    functions: [
      {
        function: 'jwt-node',
        dynamic_energy_uj: '10',
        total_energy_uj: '20',
        power_w: 1,
        cpu_time_us: '5',
        cores: 1,
        invocations: {
          completed: '1',
          errors: '0',
          timeouts: '0',
          dropped: '0',
          expired: '0',
          arrived: '1',
          completed_by_age: ['1'],
          latency_p50_ms: 1,
          latency_p95_ms: 1,
          latency_p99_ms: 1,
          achieved_rps: 1,
        },
        quality: 'QUALITY_MODELLED',
      },
    ],
    assignment_version: '1',
    agent_cpu_time_us: '1',
    agent_rss_bytes: '1',
  };
  const ctx = { nowMs: 1_764_200_000_000, maxPowerW: hostMaxPowerW(2), logicalCpus: 64 };
  fc.assert(
    fc.property(wireMutations(report), (r) => refusedClearly(() => reportFromWire(r, ctx), [ValidationError])),
    { seed: SEED, numRuns: RUNS },
  );
});

test('PDU payloads and topics: never throw; nothing reaches an unmapped host', () => {
  const store = new PduStore({ dir: undefined, maxPointsPerHost: 100, retentionMs: 1e12, flushIntervalMs: 1000, staleAfterMs: 1e12, log: silentLogger() });
  const sources = [
    pduSourceSchema.parse({ topicFilter: 'lab/pdu/+/power', outlet: { topicLevel: 2 }, hosts: { '1': 'xeon-1' } }),
    pduSourceSchema.parse({
      topicFilter: 'lab/json',
      outlet: { field: 'outlet' },
      format: 'json',
      unit: 'kWh',
      valueField: 'e',
      timestampField: 'ts',
      hosts: { a: 'altra-1' },
    }),
  ];
  const ingest = new PduIngest({ sources, store, log: silentLogger() });
  const topic = fc.oneof(
    fc.constantFrom('lab/json', 'lab/pdu/1/power', 'lab/pdu/__proto__/power', 'lab/pdu/constructor/power'),
    fc.string({ maxLength: 30 }).map((s) => `lab/pdu/${s}/power`),
  );
  const payload = fc.oneof(
    fc.string({ maxLength: 100 }),
    jsonish.map((v) => JSON.stringify(v) ?? ''),
    fc.record({ outlet: nasty, e: nasty, ts: nasty }).map((o) => JSON.stringify(o)),
  );
  fc.assert(
    fc.property(topic, payload, fc.integer({ min: 0, max: 2 ** 45 }), (tp, body, now) => {
      ingest.handle(tp, body, now);
      return store.hostIds().every((h) => h === 'xeon-1' || h === 'altra-1');
    }),
    { seed: SEED, numRuns: RUNS * 2 },
  );
});

test('state files: loaded or a StateFileError naming the file', async (t) => {
  const dir = await tempDir(t, 'isawatt-fuzz-state-');
  const good = JSON.parse(
    '{"kind":"isawatt.coordinator.host","schemaVersion":1,"host":{"hostId":"h1","hello":{"hostId":"h1","arch":"x86_64","cpuModel":"x","sockets":1,"physicalCores":1,"logicalCpus":1,"functionCpus":[],"hostType":"x","energySources":[],"counterSource":"x","pinning":"x","catalogue":[],"agentVersion":"x","sessionId":"s","emulated":false,"emulatedProfile":"","runningAssignmentVersion":"0","memoryBytes":"0","idlePowerW":0},"registeredAtMs":1,"lastSeenMs":1,"lastSeqBySession":{"s":"3"},"assignment":null,"lastIssuedVersion":"0","ackedAssignmentVersion":"0","placements":[]}}',
  ) as object;
  fc.assert(
    fc.property(
      fc.oneof(
        fc.string({ maxLength: 200 }),
        mutate(good).map((d) => JSON.stringify(d)),
      ),
      (text) => refusedClearly(() => decodeHostFile(text, 'x.json'), [Error]),
    ),
    { seed: SEED, numRuns: RUNS },
  );
  // The watermark file (every host's telemetry watermark, rewritten each flush).
  const marks = JSON.parse(
    '{"kind":"isawatt.coordinator.watermarks","schemaVersion":1,"hosts":[{"hostId":"h1","lastSeenMs":1,"lastSeqBySession":{"s":"3"}}]}',
  ) as object;
  fc.assert(
    fc.property(
      fc.oneof(
        fc.string({ maxLength: 200 }),
        mutate(marks).map((d) => JSON.stringify(d)),
      ),
      (text) => refusedClearly(() => decodeWatermarkFile(text, 10), [Error]),
    ),
    { seed: SEED, numRuns: RUNS },
  );
  let n = 0;
  await fc.assert(
    fc.asyncProperty(
      fc.oneof(
        fc.string({ maxLength: 200 }),
        mutate(good).map((d) => JSON.stringify(d)),
      ),
      async (text) => {
        const stateDir = join(dir, `s${n++}`);
        await mkdir(join(stateDir, 'hosts'), { recursive: true });
        await writeFile(join(stateDir, 'hosts', 'h1.json'), text);
        const store = new StateStore(stateDir, silentLogger());
        await store.init('isawatt');
        return refusedClearlyAsync(async () => {
          try {
            await store.loadHosts();
          } catch (err) {
            if (err instanceof StateFileError) assert.equal(err.path, join(stateDir, 'hosts', 'h1.json'));
            throw err;
          }
        }, [StateFileError]);
      },
    ),
    { seed: SEED, numRuns: 150 },
  );
});
