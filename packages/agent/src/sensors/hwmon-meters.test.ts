import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AltraHwmonMeter } from './altra-hwmon-meter.js';
import { EstimatedMeter } from './estimated-meter.js';
import { copyFixture, fixture } from '../hostfs/fixture-tree.test-support.js';
import { HwmonMeter, hwmonZoneName } from './hwmon-meter.js';
import { estimatedPowerW, findPowerProfile } from './power-profiles.js';

test('altra_hwmon: one counter per core, overlapping (not in the host total)', async (t) => {
  const fx = await copyFixture('altra-hwmon');
  t.after(() => fx.remove());
  const m = new AltraHwmonMeter({ sysfsRoot: fx.root });
  await m.init();
  const d = m.domains();
  assert.equal(d.length, 128);
  assert.deepEqual([d[0]?.domain, d[127]?.domain], ['core-0-0', 'core-0-127']);
  assert.ok(d.every((x) => !x.inHostTotal && x.maxEnergyUj === null));
  await m.sample(0);
  await fx.write('class/hwmon/hwmon4/energy1_input', '2791500000');
  const s = await m.sample(1000);
  assert.equal(s.domains[0]?.energyUj, 1500000n);
  assert.equal(s.domains[0]?.powerW, 1.5);
  assert.equal(s.domains[1]?.energyUj, 0n);
});

test('generic hwmon without labels: power_average preferred, energy counters, named after chip and channel', async () => {
  const m = new HwmonMeter({ sysfsRoot: fixture('broken-nolabels') });
  await m.init();
  assert.deepEqual(
    m.domains().map((d) => [d.domain, d.path.replace(/^.*class\/hwmon\//, '')]),
    [
      ['power_meter-power1', 'hwmon1/power1_average'],
      ['amd_energy-energy1', 'hwmon2/energy1_input'],
      ['amd_energy-energy2', 'hwmon2/energy2_input'],
    ],
  );
  assert.match(m.notes().join('\n'), /hwmon1\/power1_label missing/);
  assert.equal(hwmonZoneName('CPU power'), 'cpu_power');
});

test('generic hwmon skips the Ampere chips (they have their own meters)', async () => {
  await assert.rejects(new HwmonMeter({ sysfsRoot: fixture('altra-max-1s') }).init(), /hwmon: no usable domain|no hwmon chip with energy or power/);
});

test('estimated meter: profile power from utilisation, labelled estimated', async () => {
  const profile = findPowerProfile('Intel(R) Xeon(R) Gold 6130 CPU @ 2.10GHz');
  assert.equal(profile.id, 'xeon-gold-6130');
  // 2 sockets × 31.25 W idle + 32 busy CPUs × 5.859375 W = 250 W.
  assert.equal(estimatedPowerW(profile, 2, 32), 250);
  const m = new EstimatedMeter({ procfsRoot: '/proc', profile, sockets: 2, logicalCpus: 64, utilization: () => Promise.resolve(0.5) });
  await m.init();
  assert.equal(m.quality, 'estimated');
  await m.sample(0);
  const s = await m.sample(1000);
  assert.deepEqual(s.domains, [{ domain: 'estimated-cpu', socket: 0, inHostTotal: true, energyUj: 250000000n, powerW: 250 }]);
  assert.match(m.notes()[0] as string, /profile xeon-gold-6130: 31\.3 W idle per socket × 2/);
});

test('estimated meter: a fully busy SMT host is its physical cores busy, never above TDP', async () => {
  // 2 × Xeon Gold 5318Y: 48 physical cores, 96 logical CPUs, TDP 2 × 175 W.
  const profile = findPowerProfile('Intel(R) Xeon(R) Gold 5318Y CPU @ 2.10GHz');
  const meter = (physicalCores?: number) =>
    new EstimatedMeter({
      procfsRoot: '/proc',
      profile,
      sockets: 2,
      logicalCpus: 96,
      ...(physicalCores ? { physicalCores } : {}),
      utilization: () => Promise.resolve(1),
    });
  const powerAtFullLoad = async (m: EstimatedMeter) => {
    await m.init();
    await m.sample(0);
    return (await m.sample(1000)).domains[0]?.powerW;
  };
  assert.equal(await powerAtFullLoad(meter(48)), 350);
  // Without the physical core count every logical CPU is a core: the old ~612 W.
  assert.ok(((await powerAtFullLoad(meter())) ?? 0) > 600);
  assert.match(meter(48).notes()[0] as string, /× 48 cores \(96 CPUs\)/);
});

test('estimated meter reads /proc/stat under the procfs root', async (t) => {
  const fx = await copyFixture('amd');
  t.after(() => fx.remove());
  await fx.write('stat', 'cpu  100 0 100 800 0 0 0 0 0 0\ncpu0 100 0 100 800 0 0 0 0 0 0');
  const m = new EstimatedMeter({ procfsRoot: fx.root, cpuModel: 'unknown cpu', sockets: 1, logicalCpus: 1 });
  await m.init();
  await m.sample(0);
  await fx.write('stat', 'cpu  150 0 150 900 0 0 0 0 0 0\ncpu0 150 0 150 900 0 0 0 0 0 0');
  const s = await m.sample(2000);
  // busy 100 of 200 jiffies -> 0.5 busy CPU: default profile 20 W + 0.5 × 4 W = 22 W over 2 s.
  assert.equal(s.domains[0]?.energyUj, 44000000n);
  assert.equal(m.profile.id, 'default');
});
