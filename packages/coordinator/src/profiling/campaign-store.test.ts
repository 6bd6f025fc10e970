// Stored campaign results: saved atomically per job, loaded back in order, forgotten on reset;
// ids that could escape the directory are refused; a foreign file is an error naming its path.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { wire } from '@isawatt/common';
import { CampaignStore } from './campaign-store.js';

const dir = mkdtempSync(join(tmpdir(), 'isawatt-campaigns-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const result = (jobId: string): wire.BagResult => ({
  job_id: jobId,
  ok: true,
  error: '',
  functions: [{ function: 'f', completed: '10', exec_per_sec_per_core: 5 }],
});

test('save, load, reset', async () => {
  const store = new CampaignStore(dir);
  await store.save('c1', { hostId: 'h1', hostType: 't', storedAtMs: 1, result: result('c1:b1:t:a1') });
  await store.save('c1', { hostId: 'h1', hostType: 't', storedAtMs: 2, result: result('c1:b0:t:a2') });
  const loaded = await store.load('c1');
  assert.deepEqual(
    loaded.map((r) => r.result.job_id),
    ['c1:b0:t:a2', 'c1:b1:t:a1'],
  );
  assert.equal(loaded[0]?.result.functions?.[0]?.completed, '10');
  assert.deepEqual(await store.load('other'), []);
  await store.reset('c1');
  assert.deepEqual(await store.load('c1'), []);
});

test('ids that are not plain names are refused; foreign files are reported', async () => {
  const store = new CampaignStore(dir);
  await assert.rejects(store.load('../etc'), /campaign_id: expected/);
  await assert.rejects(store.reset('..'), /campaign_id: expected/);
  await assert.rejects(store.save('c2', { hostId: 'h', hostType: 't', storedAtMs: 0, result: result('a/b') }), /job_id: expected/);
  await store.save('c3', { hostId: 'h', hostType: 't', storedAtMs: 0, result: result('c3:b0:t:a1') });
  writeFileSync(join(dir, 'profiles', 'c3', 'x.json'), '{"kind":"something else"}');
  await assert.rejects(store.load('c3'), /x\.json: not a stored bag result/);
});
