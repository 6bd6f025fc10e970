import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '@isawatt/common';
import { StateStore } from './state-store.js';
import { decodeHostFile, encodeHostFile } from './host-file.js';
import type { PersistedHost } from '../registry/types.js';

const host: PersistedHost = {
  hostId: 'altra-01',
  hello: {
    hostId: 'altra-01',
    arch: 'aarch64',
    cpuModel: 'Ampere(R) Altra(R) Max Processor M128-30',
    sockets: 1,
    physicalCores: 128,
    logicalCpus: 128,
    functionCpus: [1, 2, 3],
    hostType: 'altra-max-m128-30',
    energySources: [{ kind: 'xgene-hwmon', path: '/sys/class/hwmon/hwmon0', quality: 'measured', domains: ['cpu-0', 'io-0'], primary: true, detail: '' }],
    counterSource: 'perf',
    pinning: 'cgroup-v2-cpuset',
    catalogue: [],
    agentVersion: '0.1.0',
    sessionId: 'abc',
    emulated: false,
    emulatedProfile: '',
    runningAssignmentVersion: 3n,
    memoryBytes: 270_000_000_000n,
    idlePowerW: 62.5,
  },
  registeredAtMs: 1,
  lastSeenMs: 2,
  lastSeqBySession: { abc: 9_007_199_254_740_993n },
  assignment: { version: 3n, functions: [{ function: 'f', cores: 4, rateRps: 12.5, arrival: 'poisson' }], issuedAtMs: 5 },
  lastIssuedVersion: 3n,
  ackedAssignmentVersion: 3n,
  placements: [{ function: 'f', cpus: [1, 2, 3, 4], workerPids: [10, 11, 12, 13] }],
};

test('host files round-trip, including uint64 values above 2^53', () => {
  assert.deepEqual(decodeHostFile(encodeHostFile(host), 'x.json'), host);
});

test('host files keep the /invoke address and its scheme; an unknown scheme is refused', () => {
  const https = { ...host, hello: { ...host.hello, invokeAddress: '10.0.0.7:9478', invokeScheme: 'https' as const } };
  assert.deepEqual(decodeHostFile(encodeHostFile(https), 'x.json'), https);
  const text = encodeHostFile({ ...host, hello: { ...host.hello, invokeAddress: '10.0.0.7:9478', invokeScheme: 'ftp' as 'http' } });
  assert.throws(() => decodeHostFile(text, 'x.json'), /invokeScheme/);
});

test('host files are the plain indented JSON of the host, the cached Hello spliced in exactly', () => {
  const plain = JSON.stringify({ kind: 'isawatt.coordinator.host', schemaVersion: 1, host }, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v), 2);
  // Twice: the second encoding takes the Hello's text from the cache. A "$&" in a string must stay as is.
  const odd = { ...host, hello: { ...host.hello, cpuModel: 'Xeon $& "quoted" $1' } };
  const oddPlain = JSON.stringify(
    { kind: 'isawatt.coordinator.host', schemaVersion: 1, host: odd },
    (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v),
    2,
  );
  for (let i = 0; i < 2; i++) {
    assert.equal(encodeHostFile(host), plain + '\n');
    assert.equal(encodeHostFile(odd), oddPlain + '\n');
  }
});

test('a malformed host file is refused with its path and every problem', () => {
  const doc = JSON.parse(encodeHostFile(host)) as { host: Record<string, unknown> & { hello: Record<string, unknown> } };
  doc.host.hello.sockets = -1;
  doc.host.lastSeenMs = 'yesterday';
  doc.host.ackedAssignmentVersion = '-3';
  assert.throws(
    () => decodeHostFile(JSON.stringify(doc), '/state/hosts/altra-01.json'),
    (err: Error) => {
      assert.match(err.message, /^\/state\/hosts\/altra-01\.json: /);
      assert.match(err.message, /host\.hello\.sockets/);
      assert.match(err.message, /host\.lastSeenMs/);
      assert.match(err.message, /host\.ackedAssignmentVersion/);
      return true;
    },
  );
  assert.throws(() => decodeHostFile('{', 'y.json'), /y\.json: not valid JSON/);
});

test('the store writes atomically, reloads, removes crash leftovers and refuses foreign directories', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'isawatt-store-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const s = new StateStore(dir, silentLogger());
  await s.init('lab');
  // Many saves in a burst coalesce; the last content wins.
  await Promise.all([1, 2, 3, 4, 5].map((v) => s.saveHost({ ...host, lastSeenMs: v })));
  await s.flush();
  await writeFile(join(dir, 'hosts', '.altra-01.json.123.abcd.tmp'), 'half a file');
  const s2 = new StateStore(dir, silentLogger());
  await s2.init('lab');
  assert.deepEqual(await readdir(join(dir, 'hosts')), ['altra-01.json']);
  const [loaded] = await s2.loadHosts();
  assert.equal(loaded?.lastSeenMs, 5);
  assert.equal(loaded?.hello.memoryBytes, 270_000_000_000n);
  assert.match(await readFile(join(dir, 'state.json'), 'utf8'), /"kind": "isawatt.coordinator.state"/);

  await rejectsHostId(s2);
  const foreign = await mkdtemp(join(tmpdir(), 'isawatt-store-foreign-'));
  t.after(() => rm(foreign, { recursive: true, force: true }));
  await writeFile(join(foreign, 'state.json'), '{"kind":"something-else"}');
  await assert.rejects(new StateStore(foreign, silentLogger()).init('lab'), /not an isawatt coordinator state directory/);
});

async function rejectsHostId(s: StateStore): Promise<void> {
  await assert.rejects(s.saveHost({ ...host, hostId: '../../etc/passwd' }), /cannot be stored/);
}

test('watermarks: one file for every host, merged into the host files at load (the higher seq wins)', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'isawatt-watermarks-'));
  try {
    const s = new StateStore(dir, silentLogger());
    await s.init('isawatt');
    await s.saveHost(host);
    await s.saveWatermarks([
      { hostId: 'altra-01', lastSeenMs: 99, lastSeqBySession: { abc: 9_007_199_254_740_995n, 'new-session': 4n } },
      { hostId: 'gone-host', lastSeenMs: 1, lastSeqBySession: { x: 1n } },
    ]);
    const [loaded, ...rest] = await s.loadHosts();
    assert.equal(rest.length, 0, 'a watermark without its host file adds no host');
    assert.equal(loaded?.lastSeenMs, 99);
    assert.deepEqual(loaded?.lastSeqBySession, { abc: 9_007_199_254_740_995n, 'new-session': 4n });
    // An older watermark never moves a host file's seq back.
    await s.saveWatermarks([{ hostId: 'altra-01', lastSeenMs: 1, lastSeqBySession: { abc: 5n } }]);
    assert.equal((await s.loadHosts())[0]?.lastSeqBySession.abc, 9_007_199_254_740_993n);
    // A forged counter is refused with the file named.
    await writeFile(
      join(dir, 'watermarks.json'),
      JSON.stringify({
        kind: 'isawatt.coordinator.watermarks',
        schemaVersion: 1,
        hosts: [{ hostId: 'altra-01', lastSeenMs: 1, lastSeqBySession: { abc: '18446744073709551615' } }],
      }),
    );
    await assert.rejects(s.loadHosts(), /state file .*watermarks\.json: .*expected at most 9223372036854775807/);
    const moved = await s.repair('isawatt', undefined);
    assert.deepEqual(
      moved.map((m) => m.path),
      [join(dir, 'watermarks.json')],
    );
    assert.equal((await s.loadHosts()).length, 1);
    s.close();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
