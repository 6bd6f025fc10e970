// The bridge source over the real HostRegistry (no store): events and views map to bridge types.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { silentLogger } from '@isawatt/common';
import { HostRegistry } from '../registry/host-registry.js';
import type { Hello, TelemetryTick } from '../registry/types.js';
import type { BridgeEvent } from './bridge-source.js';
import { RegistryBridgeSource } from './registry-source.js';
import { testHello } from '../registry/hello.test-support.js';

const hello = (hostId: string): Hello =>
  testHello(hostId, {
    arch: 'aarch64',
    cpuModel: 'Ampere(R) Altra(R) Max Processor',
    sockets: 1,
    physicalCores: 128,
    logicalCpus: 128,
    hostType: 'altra-max-m128',
    pinning: 'cgroup-v1-cpuset',
    emulated: true,
    emulatedProfile: 'altra-max-1s',
    memoryBytes: 0n,
  });

const tick = (seq: bigint): TelemetryTick => ({
  seq,
  timestampMs: 1000 * Number(seq),
  intervalMs: 1000,
  sessionId: 's1',
  cpuUtilization: 0.25,
  cpuUtilizationPerCpu: [],
  cpuFrequencyMhz: 0,
  hostEnergyUj: 150_000_000n,
  hostPowerW: 150,
  hostQuality: 'emulated',
  energySource: 'emulated',
  domains: [],
  attribution: 'cputime-share',
  modelErrorW: -1,
  idleEnergyUj: 100_000_000n,
  functions: [],
  assignmentVersion: 0n,
  agentCpuTimeUs: 0n,
  agentRssBytes: 0n,
});

test('registry events and views become bridge events, hosts and placement', async (t) => {
  const registry = new HostRegistry({ store: undefined, hostDownAfterMs: 60_000, flushIntervalMs: 60_000, log: silentLogger() });
  await registry.start();
  t.after(() => registry.stop());
  const source = new RegistryBridgeSource(registry);
  const events: BridgeEvent[] = [];
  const unsubscribe = source.subscribe((e) => events.push(e));
  const sent: bigint[] = [];
  const { attachmentId } = await registry.attach(
    hello('altra-1'),
    { sendAssignment: (a) => (sent.push(a.version), true), close: () => undefined },
    '127.0.0.1:1',
    '',
  );
  registry.ingest('altra-1', attachmentId, tick(1n));
  registry.ingest('altra-1', attachmentId, tick(1n)); // duplicate: not emitted
  const { assignment } = await registry.issue('altra-1', [
    { function: 'jwt-sign', cores: 2, rateRps: 50, arrival: '' },
    { function: 'gone', cores: 0, rateRps: 0, arrival: '' },
  ]);
  await registry.ack('altra-1', attachmentId, {
    version: assignment.version,
    ok: true,
    error: '',
    errorCode: '',
    placements: [{ function: 'jwt-sign', cpus: [2, 3], workerPids: [] }],
  });
  registry.reportFailure('altra-1', assignment, 'not enough cores: 12 asked, 8 free', 'not-enough-cores');
  registry.detach('altra-1', attachmentId, 'stream closed');

  assert.deepEqual(
    events.map((e) => e.type),
    ['host-up', 'telemetry', 'assignment-applied', 'assignment-failed', 'host-down'],
  );
  const up = events[0];
  assert.equal(up?.type === 'host-up' && up.host.functionCpus, 4);
  const tel = events[1];
  assert.equal(tel?.type === 'telemetry' && tel.report.hostId, 'altra-1');
  assert.equal(tel?.type === 'telemetry' && tel.report.quality, 'emulated');
  const applied = events[2];
  assert.deepEqual(applied?.type === 'assignment-applied' && applied.placement.functions, [{ function: 'jwt-sign', cores: 2, rateRps: 50, cpus: [2, 3] }]);
  assert.deepEqual(
    source.placement().map((p) => [p.hostId, p.assignmentVersion, p.ackedVersion, p.functions.length]),
    [['altra-1', assignment.version, assignment.version, 1]],
  );
  assert.equal(source.hosts()[0]?.state, 'down');
  unsubscribe();
  assert.equal(registry.listenerCount('telemetry'), 0);
});
