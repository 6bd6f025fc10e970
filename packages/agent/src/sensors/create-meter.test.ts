import { silentLogger } from '@isawatt/common';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createMeter, DEFAULT_METERS } from './create-meter.js';
import { fixture } from '../hostfs/fixture-tree.test-support.js';

const log = silentLogger();

test('Xeon: RAPL is chosen, later kinds not tried', async () => {
  const { meter, sources } = await createMeter(DEFAULT_METERS, { sysfsRoot: fixture('xeon-2s'), procfsRoot: '/proc' }, log);
  assert.equal(meter.kind, 'rapl');
  assert.deepEqual(sources[0], {
    kind: 'rapl',
    path: `${fixture('xeon-2s')}/class/powercap`,
    quality: 'measured',
    domains: ['package-0', 'dram-0', 'package-1', 'dram-1'],
    primary: true,
    detail: 'used for the host figure',
  });
  assert.deepEqual(
    sources.slice(1).map((s) => s.detail),
    Array(5).fill('not tried: rapl is used'),
  );
  await meter.close?.();
});

test('Altra with altra_hwmon: xgene is the host figure, per-core energy joins it outside the total', async () => {
  const { meter, sources } = await createMeter(DEFAULT_METERS, { sysfsRoot: fixture('altra-hwmon'), procfsRoot: '/proc' }, log);
  assert.equal(meter.kind, 'xgene-hwmon');
  const d = meter.domains();
  assert.equal(d.length, 2 + 128);
  assert.deepEqual(
    d.filter((x) => x.inHostTotal).map((x) => x.domain),
    ['cpu-0', 'io-0'],
  );
  assert.deepEqual(
    sources.map((s) => [s.kind, s.primary, s.detail.split(';')[0]]),
    [
      [
        'rapl',
        false,
        `skipped: rapl: no powercap class (not x86, or the intel_rapl_msr / intel_rapl_common modules are not loaded) (${fixture('altra-hwmon')}/class/powercap)`,
      ],
      [
        'perf-power',
        false,
        `skipped: perf-power: no perf power PMU (not x86 with RAPL, or the kernel has no RAPL PMU for this CPU) (${fixture('altra-hwmon')}/bus/event_source/devices/power)`,
      ],
      ['xgene-hwmon', true, 'used for the host figure'],
      ['altra-hwmon', true, 'used alongside xgene-hwmon: per-core energy inside CPU power, not added to the host total'],
      ['hwmon', false, 'not tried: xgene-hwmon is used'],
      ['estimated', false, 'not tried: xgene-hwmon is used'],
    ],
  );
  await meter.sample(0);
  const s = await meter.sample(1000);
  assert.equal(s.domains.length, 130);
});

test('no sensor at all: the estimated meter, labelled estimated', async () => {
  const { meter, sources } = await createMeter(
    DEFAULT_METERS,
    { sysfsRoot: fixture('broken-cppc-frozen'), cpuModel: 'Intel(R) Xeon(R) Gold 6130 CPU @ 2.10GHz', procfsRoot: '/proc' },
    log,
  );
  assert.equal(meter.kind, 'estimated');
  assert.equal(meter.quality, 'estimated');
  assert.equal(sources.at(-1)?.quality, 'estimated');
  assert.match(sources.at(-1)?.detail ?? '', /profile xeon-gold-6130/);
});

test('nothing works: one AggregateError listing every reason', async () => {
  await assert.rejects(createMeter(['rapl', 'xgene-hwmon'], { sysfsRoot: fixture('broken-cppc-frozen'), procfsRoot: '/proc' }, log), (err: AggregateError) => {
    assert.match(err.message, /no energy source works \(tried rapl, xgene-hwmon\)/);
    assert.equal(err.errors.length, 2);
    return true;
  });
});
