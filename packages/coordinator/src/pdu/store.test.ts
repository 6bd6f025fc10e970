import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '@isawatt/common';
import { PduStore } from './store.js';

async function tempDir(t: { after: (fn: () => Promise<void>) => void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'isawatt-pdu-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

const opts = (dir: string | undefined, now: () => number, max = 10) => ({
  dir,
  maxPointsPerHost: max,
  retentionMs: 1_000_000,
  flushIntervalMs: 60_000,
  staleAfterMs: 5000,
  log: silentLogger(),
  now,
});

test('readings persist in the state directory and come back after a restart', async (t) => {
  const dir = await tempDir(t);
  let now = 100_000;
  const a = new PduStore(opts(dir, () => now));
  await a.init();
  a.add('host/1', { timestampMs: 99_000, powerW: 200, outlet: '1' });
  a.add('host/1', { timestampMs: 100_000, powerW: 210, outlet: '1' });
  await a.close();
  const text = await readFile(join(dir, 'host%2F1.jsonl'), 'utf8');
  assert.equal(text.trim().split('\n').length, 2);
  assert.deepEqual(JSON.parse(text.split('\n')[0] ?? ''), { timestamp_ms: 99_000, power_w: 200, outlet: '1' });

  const b = new PduStore(opts(dir, () => now));
  await b.init();
  t.after(() => b.close());
  assert.deepEqual(b.latest('host/1'), { powerW: 210, timestampMs: 100_000 });
  now = 200_000;
  assert.equal(b.latest('host/1'), undefined, 'stale readings are not current');
  assert.equal(b.series('host/1').length, 2);
});

test('a torn last line is skipped, the rest is kept', async (t) => {
  const dir = await tempDir(t);
  await writeFile(join(dir, 'h.jsonl'), '{"timestamp_ms":1,"power_w":5,"outlet":"1"}\n{"timestamp_ms":2,"pow');
  const s = new PduStore(opts(dir, () => 3));
  await s.init();
  t.after(() => s.close());
  assert.equal(s.series('h').length, 1);
});

test('memory and file stay bounded: the file is compacted past twice the bound', async (t) => {
  const dir = await tempDir(t);
  const s = new PduStore(opts(dir, () => 1000, 10));
  await s.init();
  t.after(() => s.close());
  for (let i = 1; i <= 35; i++) {
    s.add('h', { timestampMs: i, powerW: i, outlet: 'o' });
    await s.flush();
  }
  assert.equal(s.series('h').length, 10);
  assert.equal(s.series('h')[0]?.powerW, 26);
  const lines = (await readFile(join(dir, 'h.jsonl'), 'utf8')).trim().split('\n');
  assert.ok(lines.length <= 20, `file has ${lines.length} lines, bound is 2 x 10`);
  assert.ok(lines.length >= 10);
});

test('energy over a window integrates readings and reports coverage, gaps excluded', () => {
  const s = new PduStore(opts(undefined, () => 0, 100));
  s.add('h', { timestampMs: 0, powerW: 100, outlet: 'o' });
  s.add('h', { timestampMs: 1000, powerW: 100, outlet: 'o' });
  s.add('h', { timestampMs: 2000, powerW: 200, outlet: 'o' });
  s.add('h', { timestampMs: 200_000, powerW: 200, outlet: 'o' }); // after a gap longer than maxGapMs
  s.add('h', { timestampMs: 1500, powerW: 150, outlet: 'o' }); // late reading is inserted in order
  const e = s.energyJ('h', 0, 300_000);
  assert.equal(e.energyJ, 100 + (125 + 175) / 2);
  assert.equal(e.coveredMs, 2000);
  assert.equal(e.points, 5);
});
