import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pduSourceSchema } from './config.js';
import { parsePduMessage, toWattHours, toWatts, topicMatches } from './parse.js';

const src = (over: Record<string, unknown>) =>
  pduSourceSchema.parse({ topicFilter: 'lab/pdu/+/power', outlet: { topicLevel: 2 }, hosts: { '1': 'h1' }, ...over });

test('topicMatches follows MQTT wildcard rules', () => {
  assert.equal(topicMatches('lab/pdu/+/power', 'lab/pdu/3/power'), true);
  assert.equal(topicMatches('lab/pdu/+/power', 'lab/pdu/3/energy'), false);
  assert.equal(topicMatches('lab/pdu/+/power', 'lab/pdu/3/power/x'), false);
  assert.equal(topicMatches('lab/#', 'lab/pdu/3/power'), true);
  assert.equal(topicMatches('lab/pdu/#', 'lab/pdu'), true);
  assert.equal(topicMatches('#', '$SYS/broker/load'), false);
  assert.equal(topicMatches('+/x', 'a/x'), true);
  assert.equal(topicMatches('a/b', 'a/b'), true);
  assert.equal(topicMatches('a/b', 'a'), false);
});

test('plain number payload with the outlet in a topic level', () => {
  const r = parsePduMessage(src({}), 'lab/pdu/1/power', Buffer.from(' 231.5\n'), 1000);
  assert.deepEqual(r, { ok: true, outlet: '1', value: 231.5, timestampMs: 1000 });
  const neg = parsePduMessage(src({ outlet: { topicLevel: -2 } }), 'lab/pdu/7/power', '12', 5);
  assert.deepEqual(neg, { ok: true, outlet: '7', value: 12, timestampMs: 5 });
});

test('JSON payload with value, outlet and timestamp fields', () => {
  const s = src({ topicFilter: 'lab/pdu', outlet: { field: 'outlet' }, valueField: 'data.power', timestampField: 'ts', timestampUnit: 's' });
  const r = parsePduMessage(s, 'lab/pdu', JSON.stringify({ outlet: 2, data: { power: '150.25' }, ts: 1700000000.5 }), 1);
  assert.deepEqual(r, { ok: true, outlet: '2', value: 150.25, timestampMs: 1700000000500 });
});

test('malformed payloads say what was expected', () => {
  const num = parsePduMessage(src({ format: 'number' }), 'lab/pdu/1/power', '{"power": 5}', 1);
  assert.equal(num.ok, false);
  assert.match(!num.ok ? num.detail : '', /expected a plain number/);
  const bad = parsePduMessage(src({}), 'lab/pdu/1/power', 'NaN', 1);
  assert.equal(bad.ok, false);
  const noField = parsePduMessage(src({ format: 'json' }), 'lab/pdu/1/power', '{"watts": 5}', 1);
  assert.match(!noField.ok ? noField.detail : '', /numeric "power"/);
  const noOutlet = parsePduMessage(src({ outlet: { field: 'outlet' } }), 'lab/pdu/1/power', '{"power": 5}', 1);
  assert.match(!noOutlet.ok ? noOutlet.detail : '', /no outlet field "outlet"/);
  const noTs = parsePduMessage(src({ timestampField: 'ts' }), 'lab/pdu/1/power', '{"power": 5}', 1);
  assert.match(!noTs.ok ? noTs.detail : '', /timestamp field "ts"/);
  const inf = parsePduMessage(src({}), 'lab/pdu/1/power', '1e999', 1);
  assert.equal(inf.ok, false);
});

test('unit conversions', () => {
  assert.equal(toWatts(1500, 'mW'), 1.5);
  assert.equal(toWatts(0.25, 'kW'), 250);
  assert.equal(toWatts(7, 'W'), 7);
  assert.equal(toWattHours(2, 'kWh'), 2000);
});

test('config rejects bad topic filters and empty host maps', () => {
  assert.equal(pduSourceSchema.safeParse({ topicFilter: 'a/#/b', outlet: { topicLevel: 1 }, hosts: { x: 'h' } }).success, false);
  assert.equal(pduSourceSchema.safeParse({ topicFilter: 'a/b+', outlet: { topicLevel: 1 }, hosts: { x: 'h' } }).success, false);
  assert.equal(pduSourceSchema.safeParse({ topicFilter: 'a/+', outlet: { topicLevel: 1 }, hosts: {} }).success, false);
  assert.equal(pduSourceSchema.safeParse({ topicFilter: 'a/+', outlet: { topicLevel: 1 }, hosts: { x: 'h' }, unit: 'MW' }).success, false);
});
