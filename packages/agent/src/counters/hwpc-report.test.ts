import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HwpcFormatError, parseHwpcCsvHeader, parseHwpcCsvRow, parseHwpcJsonLine } from './hwpc-report.js';

test('NDJSON report: every count a bigint, values past 2^53 exact', () => {
  const r = parseHwpcJsonLine(
    '{"timestamp":1767225600000,"sensor":"xeon-node-07","target":"all","groups":{"rapl":{"0":{"0":' +
      '{"time_enabled":10368001000123457,"time_running":10368001000123457,"RAPL_ENERGY_PKG":18446744073709551615}}}}}',
  );
  assert.equal(r.timestampMs, 1767225600000);
  assert.equal(r.target, 'all');
  const reading = r.groups.get('rapl')?.get(0)?.get(0);
  assert.equal(reading?.timeEnabledNs, 10368001000123457n);
  assert.equal(reading?.events.get('RAPL_ENERGY_PKG'), 18446744073709551615n);
  assert.equal(reading?.events.has('time_enabled'), false);
});

test('malformed reports name the field and what was expected', () => {
  const bad: [string, RegExp][] = [
    ['{"timestamp":1', /not JSON/],
    ['[1,2]', /report: expected a JSON object/],
    ['{"timestamp":"x","sensor":"s","target":"t","groups":{}}', /timestamp: expected ms since epoch/],
    ['{"timestamp":1,"sensor":"s","target":"t"}', /groups: expected an object/],
    [
      '{"timestamp":1,"sensor":"s","target":"t","groups":{"core":{"0":{"0":{"time_enabled":1,"time_running":1,"X":1.5}}}}}',
      /groups\.core\.0\.0\.X: expected an unsigned 64-bit integer, got 1\.5/,
    ],
    [
      '{"timestamp":1,"sensor":"s","target":"t","groups":{"core":{"0":{"0":{"time_enabled":1,"time_running":1,"X":-1}}}}}',
      /X: expected an unsigned 64-bit integer, got -1/,
    ],
    ['{"timestamp":1,"sensor":"s","target":"t","groups":{"core":{"0":{"0":{"X":1}}}}}', /groups\.core\.0\.0: missing time_enabled/],
    ['{"timestamp":1,"sensor":"s","target":"t","groups":{"core":{"zero":{}}}}', /groups\.core\.zero: expected a numeric id, got "zero"/],
    ['{"timestamp":1,"sensor":"s","target":"t","groups":{"core":{"0":{"0":{"time_enabled":1,"time_running":1,"X":18446744073709551616}}}}}', /unsigned 64-bit/],
  ];
  for (const [line, re] of bad)
    assert.throws(
      () => parseHwpcJsonLine(line),
      (e: unknown) => e instanceof HwpcFormatError && re.test(e.message),
      line,
    );
});

test('CSV header and rows (format of docs/reference-readings.md)', () => {
  const h = parseHwpcCsvHeader(
    'timestamp,sensor,target,socket,cpu,CPU_CLK_THREAD_UNHALTED:REF_P,CPU_CLK_THREAD_UNHALTED:THREAD_P,INSTRUCTIONS_RETIRED,LLC_MISSES,time_enabled,time_running',
  );
  const r = parseHwpcCsvRow(
    h,
    'core',
    '1767225600000,xeon-node-07,/fnpool.slice/fn-resize-7f3c.scope,0,0,8652069,1186250112,2101334870,1834412,412003311,412003311',
  );
  assert.equal(r.target, '/fnpool.slice/fn-resize-7f3c.scope');
  const reading = r.groups.get('core')?.get(0)?.get(0);
  assert.equal(reading?.events.get('INSTRUCTIONS_RETIRED'), 2101334870n);
  assert.equal(reading?.timeRunningNs, 412003311n);
  assert.throws(() => parseHwpcCsvHeader('ts,sensor'), /csv header: expected it to start with timestamp,sensor,target,socket,cpu/);
  assert.throws(() => parseHwpcCsvRow(h, 'core', '1,2,3'), /csv row: 3 fields, header has 11/);
  assert.throws(
    () => parseHwpcCsvRow(h, 'core', '1767225600000,n,/t,0,0,1,2,3,x,5,5'),
    /groups\.core\.0\.0\.LLC_MISSES: expected an unsigned 64-bit integer, got "x"/,
  );
});
