// Fail clearly, never half-way: every kind of corrupt state file stops `isawatt coordinator` with
// exit 2 (the systemd unit does not restart on 2) and one message naming the file, what is wrong
// and what to do; `--repair-state` quarantines them and the coordinator then starts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readdir, writeFile } from 'node:fs/promises';

import { join } from 'node:path';
import { silentLogger } from '@isawatt/common';
import { PduStore } from '../../packages/coordinator/src/pdu/store.js';
import { StateStore } from '../../packages/coordinator/src/store/state-store.js';
import { StateFileError } from '../../packages/coordinator/src/store/state-file-error.js';
import { freePort, runCli } from '../helpers/processes.js';
import { tempDir } from '../helpers/temp-dir.js';

/** Marks an entry to create as a directory. */
const DIR = Symbol('directory');
const GOOD_STATE = JSON.stringify({ kind: 'isawatt.coordinator.state', schemaVersion: 1, cluster: 'isawatt', createdAtMs: 1 });

/** Each case: files to write in a fresh state directory, the path that must be named, and why. */
const CASES: { name: string; files: Record<string, string | typeof DIR>; path: string; problem: RegExp }[] = [
  {
    name: 'truncated host file',
    files: { 'state.json': GOOD_STATE, 'hosts/h1.json': '{"kind": "isawatt.coordinator.host", "sch' },
    path: 'hosts/h1.json',
    problem: /not valid JSON/,
  },
  { name: 'empty host file', files: { 'state.json': GOOD_STATE, 'hosts/h1.json': '' }, path: 'hosts/h1.json', problem: /is empty/ },
  {
    name: 'host file of the wrong type',
    files: { 'state.json': GOOD_STATE, 'hosts/h1.json': '[1, 2, 3]' },
    path: 'hosts/h1.json',
    problem: /expected object, received array|kind/,
  },
  {
    name: 'watermarks file of another kind',
    files: { 'state.json': GOOD_STATE, 'watermarks.json': '{"kind": "something else", "schemaVersion": 1, "hosts": []}' },
    path: 'watermarks.json',
    problem: /kind/,
  },
  { name: 'bad state.json', files: { 'state.json': '"just a string"' }, path: 'state.json', problem: /expected a JSON object, got string/ },
  {
    name: 'directory named like a host file',
    files: { 'state.json': GOOD_STATE, 'hosts/h1.json': DIR },
    path: 'hosts/h1.json',
    problem: /is a directory, expected a regular file/,
  },
];

async function populate(stateDir: string, files: Record<string, string | typeof DIR>): Promise<void> {
  await mkdir(join(stateDir, 'hosts'), { recursive: true });
  for (const [rel, content] of Object.entries(files)) {
    if (content === DIR) await mkdir(join(stateDir, rel), { recursive: true });
    else await writeFile(join(stateDir, rel), content);
  }
}

test('corrupt state files: exit 2 naming the file and the fix; --repair-state quarantines them', async (t) => {
  const dir = await tempDir(t, 'isawatt-corrupt-');
  await Promise.all(
    CASES.map(async (c, i) => {
      const stateDir = join(dir, `s${i}`);
      await populate(stateDir, c.files);
      const port = await freePort();
      const r = await runCli(['coordinator', '--state-dir', stateDir, '--listen', `127.0.0.1:${port}`, '--insecure', '--log-level', 'silent']);
      assert.equal(r.code, 2, `${c.name}: ${r.stderr}`);
      const line = r.stderr.trim();
      assert.equal(line.split('\n').length, 1, `${c.name}: one line, no stack trace:\n${r.stderr}`);
      assert.ok(line.includes(`state file ${join(stateDir, c.path)}: `), `${c.name}: names the file:\n${line}`);
      assert.match(line, c.problem, c.name);
      assert.match(line, /--repair-state/, c.name);

      const repaired = await runCli(['coordinator', '--state-dir', stateDir, '--repair-state', '--insecure']);
      assert.equal(repaired.code, 0, `${c.name}: ${repaired.stderr}`);
      assert.match(repaired.stdout, new RegExp(`quarantined ${join(stateDir, c.path).replace(/[.]/g, '\\.')} -> `), c.name);
      assert.equal((await readdir(join(stateDir, 'quarantine'))).length, 1, c.name);
      // Now the state directory loads.
      const store = new StateStore(stateDir, silentLogger());
      await store.init('isawatt');
      assert.deepEqual(await store.loadHosts(), []);
    }),
  );
});

test('a PDU history file whose name is not an encoded host id is a state-file error, and repair moves it', async (t) => {
  const dir = await tempDir(t, 'isawatt-corrupt-pdu-');
  const pduDir = join(dir, 'pdu');
  await mkdir(pduDir, { recursive: true });
  await writeFile(join(pduDir, '%ZZ.jsonl'), '{"timestamp_ms": 1, "power_w": 100}\n');
  const pdu = new PduStore({ dir: pduDir, maxPointsPerHost: 10, retentionMs: 1e12, flushIntervalMs: 1000, staleAfterMs: 1e9, log: silentLogger() });
  await assert.rejects(
    pdu.init(),
    (err: unknown) => err instanceof StateFileError && err.path === join(pduDir, '%ZZ.jsonl') && /not a percent-encoded host id/.test(err.message),
  );
  const store = new StateStore(dir, silentLogger());
  const moved = await store.repair('isawatt', pduDir);
  assert.deepEqual(
    moved.map((m) => m.path),
    [join(pduDir, '%ZZ.jsonl')],
  );
  assert.deepEqual(await readdir(pduDir), []);
});
