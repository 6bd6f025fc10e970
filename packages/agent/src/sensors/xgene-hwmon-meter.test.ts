import assert from 'node:assert/strict';
import { test } from 'node:test';
import { copyFixture, fixture } from '../hostfs/fixture-tree.test-support.js';
import { XgeneHwmonMeter } from './xgene-hwmon-meter.js';

test('Altra Max 1S: CPU and IO power found by name and labels', async () => {
  const m = new XgeneHwmonMeter({ sysfsRoot: fixture('altra-max-1s') });
  await m.init();
  assert.deepEqual(
    m.domains().map((d) => [d.domain, d.socket, d.inHostTotal, d.path.replace(/^.*class\/hwmon\//, '')]),
    [
      ['cpu-0', 0, true, 'hwmon0/power1_input'],
      ['io-0', 0, true, 'hwmon0/power2_input'],
    ],
  );
});

test('trapezoid integration: 16.28 W then 18.00 W over 1 s -> 17.14 J; IO constant 31.90 W', async (t) => {
  const fx = await copyFixture('altra-max-1s', ['class', 'devices/platform']);
  t.after(() => fx.remove());
  const m = new XgeneHwmonMeter({ sysfsRoot: fx.root });
  await m.init();
  await m.sample(5000);
  await fx.write('class/hwmon/hwmon0/power1_input', '18000000');
  const s = await m.sample(6000);
  assert.deepEqual(
    s.domains.map((d) => [d.domain, d.energyUj]),
    [
      ['cpu-0', 17140000n],
      ['io-0', 31900000n],
    ],
  );
  assert.ok(Math.abs((s.domains[0]?.powerW ?? 0) - 17.14) < 1e-9);
});

test('two sockets: one apm_xgene chip each, ordered by ACPI instance', async () => {
  const m = new XgeneHwmonMeter({ sysfsRoot: fixture('altra-max-2s') });
  await m.init();
  assert.deepEqual(
    m.domains().map((d) => `${d.domain}@${d.socket}`),
    ['cpu-0@0', 'io-0@0', 'cpu-1@1', 'io-1@1'],
  );
  assert.match(m.notes().join('\n'), /sockets assigned by ACPI device instance: hwmon2=socket 0, hwmon3=socket 1/);
});

test('no labels: the driver fixed channels are used and said so', async () => {
  const m = new XgeneHwmonMeter({ sysfsRoot: fixture('broken-nolabels') });
  await m.init();
  assert.deepEqual(
    m.domains().map((d) => d.domain),
    ['cpu-0', 'io-0'],
  );
  assert.match(m.notes().join('\n'), /hwmon0\/power1_label missing; using the driver's fixed meaning of power1 \(CPU power\)/);
});

test('garbage CPU power: skipped naming the file; IO power still read', async () => {
  const m = new XgeneHwmonMeter({ sysfsRoot: fixture('broken-garbage') });
  await m.init();
  assert.deepEqual(
    m.domains().map((d) => d.domain),
    ['io-0'],
  );
  assert.match(m.notes().join('\n'), /hwmon0 cpu power skipped: .*hwmon0\/power1_input: expected an unsigned decimal integer in µW, got "garbage"/);
});

test('no apm_xgene chip (x86 host): unavailable, naming class/hwmon', async () => {
  await assert.rejects(new XgeneHwmonMeter({ sysfsRoot: fixture('xeon-2s') }).init(), /xgene-hwmon: no hwmon chip named "apm_xgene".*class\/hwmon/);
});

test('an emulated tree labels everything emulated', async (t) => {
  const fx = await copyFixture('altra-max-1s', ['class', 'devices/platform']);
  t.after(() => fx.remove());
  await fx.write('isawatt-emulated', 'altra-max-m128');
  const m = new XgeneHwmonMeter({ sysfsRoot: fx.root });
  await m.init();
  assert.equal(m.quality, 'emulated');
  assert.equal(m.emulated, 'altra-max-m128');
});
