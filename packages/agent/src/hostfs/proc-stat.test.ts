import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parseProcStat, readProcStat, utilizationBetween } from './proc-stat.js';

const A = `cpu  100 0 50 800 50 0 0 0 0 0
cpu0 60 0 20 400 20 0 0 0 0 0
cpu1 40 0 30 400 30 0 0 0 0 0
intr 1 2 3
ctxt 5
`;
const B = `cpu  250 10 60 870 50 0 10 0 0 0
cpu0 160 10 25 405 20 0 10 0 0 0
cpu1 90 0 35 465 30 0 0 0 0 0
`;

test('parses busy and idle jiffies as bigint', () => {
  const s = parseProcStat(A);
  assert.deepEqual(s.total, { busy: 150n, idle: 850n });
  assert.deepEqual(s.perCpu.get(1), { busy: 70n, idle: 430n });
  assert.equal(s.perCpu.size, 2);
});

test('utilisation between two reads, host and per CPU', () => {
  const u = utilizationBetween(parseProcStat(A), parseProcStat(B));
  // host: busy 330-150 = 180, idle 920-850 = 70 -> 180/250
  assert.equal(u.host, 180 / 250);
  // cpu0: busy 205-80 = 125, idle 425-420 = 5; cpu1: busy 125-70 = 55, idle 495-430 = 65
  assert.deepEqual(u.perCpu, [125 / 130, 55 / 120]);
});

test('no time passed gives 0, not NaN', () => {
  const s = parseProcStat(A);
  assert.deepEqual(utilizationBetween(s, s), { host: 0, perCpu: [0, 0] });
});

test('malformed input names the file and the line', () => {
  assert.throws(() => parseProcStat('cpu  1 2 x 4\n', '/fx/proc/stat'), /\/fx\/proc\/stat: malformed line "cpu  1 2 x 4"/);
  assert.throws(() => parseProcStat('intr 1\n', '/fx/proc/stat'), /no aggregate "cpu" line/);
});

test('reads the fixture hosts', async () => {
  const xeon = await readProcStat(fileURLToPath(new URL('../../testdata/hosts/xeon-2s/proc', import.meta.url)));
  assert.equal(xeon.perCpu.size, 64);
  const altra = await readProcStat(fileURLToPath(new URL('../../testdata/hosts/altra-max-1s/proc', import.meta.url)));
  assert.equal(altra.perCpu.size, 128);
  assert.ok(altra.total.idle > altra.total.busy);
});
