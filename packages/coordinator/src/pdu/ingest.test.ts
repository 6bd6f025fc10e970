import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { silentLogger } from '@isawatt/common';
import { pduSourceSchema } from './config.js';
import { PduIngest } from './ingest.js';
import { PduStore } from './store.js';

function setup(over: Record<string, unknown> = {}, log = silentLogger()) {
  const store = new PduStore({
    dir: undefined,
    maxPointsPerHost: 100,
    retentionMs: 3600_000,
    flushIntervalMs: 1000,
    staleAfterMs: 1e9,
    log,
    now: () => 5_000_000,
  });
  const source = pduSourceSchema.parse({
    topicFilter: 'lab/pdu/+/power',
    outlet: { topicLevel: 2 },
    hosts: { '1': 'xeon-1', '2': 'altra-1' },
    maxPowerW: 2000,
    ...over,
  });
  const ingest = new PduIngest({ sources: [source], store, log });
  return { store, ingest };
}

test('readings land on the host their outlet is mapped to, never another', () => {
  const { store, ingest } = setup();
  assert.equal(ingest.handle('lab/pdu/1/power', Buffer.from('210'), 1000), 1);
  assert.equal(ingest.handle('lab/pdu/2/power', Buffer.from('95.5'), 1000), 1);
  assert.equal(ingest.handle('lab/pdu/3/power', Buffer.from('500'), 1000), 0);
  assert.equal(ingest.handle('lab/other/1/power', Buffer.from('500'), 1000), 0);
  assert.deepEqual(store.latest('xeon-1'), { powerW: 210, timestampMs: 1000 });
  assert.deepEqual(store.latest('altra-1'), { powerW: 95.5, timestampMs: 1000 });
  assert.deepEqual(store.hostIds(), ['altra-1', 'xeon-1']);
  const c = ingest.counters();
  assert.equal(c.accepted, 2);
  assert.equal(c.rejected.unmapped, 1);
});

test('malformed and out-of-range readings are counted, logged and dropped', () => {
  const lines: string[] = [];
  const log = pino(
    { level: 'warn' },
    new Writable({
      write(chunk: Buffer, _e, cb) {
        lines.push(chunk.toString());
        cb();
      },
    }),
  );
  const { store, ingest } = setup({}, log);
  ingest.handle('lab/pdu/1/power', Buffer.from('hello'), 1000);
  ingest.handle('lab/pdu/1/power', Buffer.from('-5'), 1000);
  ingest.handle('lab/pdu/1/power', Buffer.from('25000'), 1000);
  ingest.handle('lab/pdu/2/power', Buffer.from('{"power": null}'), 1000);
  const c = ingest.counters();
  assert.equal(c.rejected.malformed, 2);
  assert.equal(c.rejected['out-of-range'], 2);
  assert.equal(c.accepted, 0);
  assert.equal(store.latest('xeon-1'), undefined);
  assert.equal(store.latest('altra-1'), undefined);
  const reasons = lines.map((l) => (JSON.parse(l) as { reason: string }).reason);
  assert.deepEqual(reasons.sort(), ['malformed', 'malformed', 'out-of-range']); // second out-of-range on outlet 1 is throttled
});

test('mW and kW readings are converted to watts', () => {
  const { store, ingest } = setup({ unit: 'kW' });
  ingest.handle('lab/pdu/1/power', Buffer.from('0.25'), 1000);
  assert.equal(store.latest('xeon-1')?.powerW, 250);
  const b = setup({ unit: 'mW' });
  b.ingest.handle('lab/pdu/1/power', Buffer.from('120000'), 1000);
  assert.equal(b.store.latest('xeon-1')?.powerW, 120);
});

test('energy counters in Wh/kWh are differentiated; resets and reordering are counted', () => {
  const { store, ingest } = setup({ unit: 'kWh', format: 'json', valueField: 'energy', timestampField: 'ts' });
  const msg = (kwh: number, ts: number) => Buffer.from(JSON.stringify({ energy: kwh, ts }));
  assert.equal(ingest.handle('lab/pdu/1/power', msg(100, 1_000_000), 4_100_000), 0); // baseline
  assert.equal(store.latest('xeon-1'), undefined);
  // 0.05 kWh = 50 Wh over 1000 s -> 180 W
  assert.equal(ingest.handle('lab/pdu/1/power', msg(100.05, 2_000_000), 4_100_000), 1);
  assert.equal(Math.round((store.latest('xeon-1')?.powerW ?? 0) * 1000) / 1000, 180);
  assert.equal(ingest.handle('lab/pdu/1/power', msg(100.06, 1_500_000), 4_100_000), 0);
  assert.equal(ingest.handle('lab/pdu/1/power', msg(3, 3_000_000), 4_100_000), 0); // counter reset -> new baseline
  assert.equal(ingest.handle('lab/pdu/1/power', msg(3.1, 4_000_000), 4_100_000), 1); // 100 Wh / 1000 s = 360 W
  assert.equal(Math.round(store.latest('xeon-1')?.powerW ?? 0), 360);
  // an implausible jump is out of range, not attributed
  assert.equal(ingest.handle('lab/pdu/1/power', msg(1000, 4_001_000), 4_100_000), 0);
  const c = ingest.counters();
  assert.equal(c.baseline, 1);
  assert.equal(c.rejected['out-of-order'], 1);
  assert.equal(c.rejected['counter-reset'], 1);
  assert.equal(c.rejected['out-of-range'], 1);
  assert.equal(c.accepted, 2);
});

test('outlets named like Object.prototype members never become hosts; a far-future reading is refused', () => {
  const { store, ingest } = setup({ timestampField: 'ts', format: 'json' });
  for (const outlet of ['__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
    assert.equal(ingest.handle(`lab/pdu/${outlet}/power`, Buffer.from('{"power": 100, "ts": 1000}'), 1000), 0, outlet);
  }
  assert.deepEqual(store.hostIds(), []);
  assert.equal(ingest.counters().rejected.unmapped, 4);
  // A reading an hour ahead of the coordinator clock is refused, so later readings stay in order.
  assert.equal(ingest.handle('lab/pdu/1/power', Buffer.from('{"power": 100, "ts": 3601000}'), 1000), 0);
  assert.equal(ingest.handle('lab/pdu/1/power', Buffer.from('{"power": 120, "ts": 2000}'), 2000), 1);
  assert.equal(ingest.handle('lab/pdu/1/power', Buffer.from('{"power": 130, "ts": 3000}'), 3000), 1);
  assert.equal(ingest.counters().rejected['out-of-order'], 0);
  assert.deepEqual(store.latest('xeon-1'), { powerW: 130, timestampMs: 3000 });
});
