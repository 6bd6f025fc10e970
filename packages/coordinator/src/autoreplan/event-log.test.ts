import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { EventLog, EVENTS_FILE, readEvents } from './event-log.js';

test('the event log is bounded, numbered across restarts, and skips lines that are not events', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'isawatt-events-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const log = new EventLog(dir, 10);
  await log.init();
  for (let k = 0; k < 25; k++) await log.append({ kind: 'skipped', reason: `r${k}`, attempt: k }, 1000 + k);
  const text = await readFile(join(dir, EVENTS_FILE), 'utf8');
  const lines = text.trim().split('\n');
  assert.ok(lines.length <= 10, `at most 10 lines kept, got ${lines.length}`);
  const { events } = await readEvents(dir);
  assert.deepEqual(
    events.map((e) => e.seq),
    Array.from({ length: lines.length }, (_, k) => 25 - lines.length + 1 + k),
  );
  // A restart goes on from the last number; a cut line is skipped with a reason.
  await writeFile(join(dir, EVENTS_FILE), text + '{"seq": 26, "kind": "appl');
  const again = new EventLog(dir, 100);
  await again.init();
  const e = await again.append({ kind: 'applied', reason: 'x', attempt: 1 });
  assert.equal(e.seq, 26);
  const read = await readEvents(dir);
  assert.equal(read.problems.length, 1);
  assert.match(read.problems[0] ?? '', /not JSON/);
  assert.equal(read.events.at(-1)?.kind, 'applied');
  assert.deepEqual(await readEvents(join(dir, 'missing')), { events: [], problems: [] });
});
