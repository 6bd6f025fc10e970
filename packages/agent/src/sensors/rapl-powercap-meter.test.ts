import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { copyFixture, fixture } from '../hostfs/fixture-tree.test-support.js';
import { parseRaplZoneName, RaplPowercapMeter } from './rapl-powercap-meter.js';

const PKG0 = 'class/powercap/intel-rapl:0/energy_uj';

test('zone names parse hexadecimal indices and ignore control-type dirs', () => {
  assert.deepEqual(parseRaplZoneName('intel-rapl:a:b'), { controlType: 'intel-rapl', indices: [10, 11] });
  assert.deepEqual(parseRaplZoneName('intel-rapl-tpmi:1'), { controlType: 'intel-rapl-tpmi', indices: [1] });
  assert.equal(parseRaplZoneName('intel-rapl'), undefined);
  assert.equal(parseRaplZoneName('dtpm'), undefined);
});

test('two-socket Xeon: package and dram per socket, with their ranges', async () => {
  const m = new RaplPowercapMeter({ sysfsRoot: fixture('xeon-2s') });
  await m.init();
  assert.equal(m.quality, 'measured');
  assert.deepEqual(
    m.domains().map((d) => [d.domain, d.socket, d.inHostTotal, d.maxEnergyUj]),
    [
      ['package-0', 0, true, 262143328850n],
      ['dram-0', 0, true, 65712999613n],
      ['package-1', 1, true, 262143328850n],
      ['dram-1', 1, true, 65712999613n],
    ],
  );
  const base = await m.sample(1000);
  assert.equal(base.intervalMs, 0);
  assert.ok(base.domains.every((d) => d.energyUj === 0n));
});

test('energy over an interval, and a wrap mid-run (1528850 µJ) with a warning', async (t) => {
  const fx = await copyFixture('broken-wrap');
  t.after(() => fx.remove());
  const m = new RaplPowercapMeter({ sysfsRoot: fx.root });
  await m.init();
  await m.sample(0);
  await fx.write(PKG0, '1200000');
  await fx.write('class/powercap/intel-rapl:0:0/energy_uj', '65712500000');
  const s = await m.sample(1000);
  assert.equal(s.intervalMs, 1000);
  const pkg = s.domains.find((d) => d.domain === 'package-0');
  assert.equal(pkg?.energyUj, 1528850n);
  assert.ok(Math.abs((pkg?.powerW ?? 0) - 1.52885) < 1e-9);
  assert.equal(s.domains.find((d) => d.domain === 'dram-0')?.energyUj, 500000n);
  assert.equal(s.warnings.length, 1);
  assert.match(s.warnings[0] as string, /intel-rapl:0\/energy_uj: counter wrapped at max_energy_range 262143328850/);
});

test('client part: core/uncore/psys never count toward the host total; the MMIO duplicate is dropped', async () => {
  const m = new RaplPowercapMeter({ sysfsRoot: fixture('client-rapl') });
  await m.init();
  assert.deepEqual(
    m.domains().map((d) => [d.domain, d.inHostTotal]),
    [
      ['package-0', true],
      ['core-0', false],
      ['uncore-0', false],
      ['psys', false],
    ],
  );
  assert.ok(m.notes().some((n) => /intel-rapl-mmio:0 \(package-0\) skipped: duplicates intel-rapl:0/.test(n)));
});

test('AMD: package and core from the same intel-rapl tree', async () => {
  const m = new RaplPowercapMeter({ sysfsRoot: fixture('amd') });
  await m.init();
  assert.deepEqual(
    m.domains().map((d) => d.domain),
    ['package-0', 'core-0'],
  );
});

test('TPMI: packages read once (intel-rapl preferred), dram from the TPMI tree', async () => {
  const m = new RaplPowercapMeter({ sysfsRoot: fixture('tpmi') });
  await m.init();
  assert.deepEqual(
    m.domains().map((d) => [d.domain, d.path.replace(/^.*class\/powercap\//, '')]),
    [
      ['package-0', 'intel-rapl:0/energy_uj'],
      ['package-1', 'intel-rapl:1/energy_uj'],
      ['psys', 'intel-rapl:2/energy_uj'],
      ['dram-0', 'intel-rapl-tpmi:0:0/energy_uj'],
      ['dram-1', 'intel-rapl-tpmi:1:0/energy_uj'],
    ],
  );
  assert.equal(m.notes().filter((n) => /duplicates/.test(n)).length, 2);
});

test('hexadecimal zone index intel-rapl:a is package-10 (socket from its name)', async () => {
  const m = new RaplPowercapMeter({ sysfsRoot: fixture('rapl-hex') });
  await m.init();
  assert.deepEqual(
    m.domains().map((d) => [d.domain, d.socket]),
    [
      ['package-0', 0],
      ['package-10', 10],
      ['dram-10', 10],
    ],
  );
});

test('unreadable energy_uj (a directory, a dangling symlink): named, and the dram zones still work', async () => {
  const m = new RaplPowercapMeter({ sysfsRoot: fixture('broken-unreadable') });
  await m.init();
  assert.deepEqual(
    m.domains().map((d) => d.domain),
    ['dram-0', 'dram-1'],
  );
  const notes = m.notes().join('\n');
  assert.match(notes, /intel-rapl:0 \(package-0\) skipped: .*intel-rapl:0\/energy_uj: is a directory, expected a file/);
  assert.match(notes, /intel-rapl:1 \(package-1\) skipped: .*intel-rapl:1\/energy_uj: missing \(no such file, or a dangling symlink\)/);
});

test('EACCES (non-root agent): every zone refused -> init fails with how to grant access', async () => {
  // Root reads mode-0000 files anyway, so the errno is injected; everything else is real files.
  const denied = async (path: string): Promise<string> => {
    if (path.endsWith('/energy_uj')) throw Object.assign(new Error(`EACCES: permission denied, open '${path}'`), { code: 'EACCES' });
    return readFile(path, 'utf8');
  };
  const m = new RaplPowercapMeter({ sysfsRoot: fixture('xeon-2s'), readFile: denied });
  await assert.rejects(m.init(), (err: Error) => {
    assert.equal(err.name, 'SensorUnavailableError');
    assert.match(err.message, /^rapl: no usable domain: /);
    assert.match(err.message, /intel-rapl:0\/energy_uj: permission denied \(EACCES\): energy_uj is root-only since Linux 5\.10/);
    assert.match(err.message, /chgrp powercap \+ chmod g\+r/);
    return true;
  });
});

test('garbage values: the zone is skipped naming the value; a bad range disables wrap correction only', async () => {
  const m = new RaplPowercapMeter({ sysfsRoot: fixture('broken-garbage') });
  await m.init();
  assert.deepEqual(
    m.domains().map((d) => [d.domain, d.maxEnergyUj]),
    [['package-1', null]],
  );
  const notes = m.notes().join('\n');
  assert.match(notes, /intel-rapl:0\/energy_uj: expected an unsigned decimal integer in µJ, got "not-a-number"/);
  assert.match(notes, /intel-rapl:1\/max_energy_range_uj: expected an unsigned decimal integer in µJ, got "-5"; a wrap cannot be corrected/);
});

test('a zone that turns bad mid-run is skipped with a warning, then re-baselined', async (t) => {
  const fx = await copyFixture('xeon-2s');
  t.after(() => fx.remove());
  const m = new RaplPowercapMeter({ sysfsRoot: fx.root });
  await m.init();
  await m.sample(0);
  await fx.write(PKG0, 'garbage');
  const s1 = await m.sample(1000);
  assert.deepEqual(
    s1.domains.map((d) => d.domain),
    ['dram-0', 'package-1', 'dram-1'],
  );
  assert.match(
    s1.warnings[0] as string,
    /intel-rapl:0\/energy_uj: expected an unsigned decimal integer in µJ, got "garbage"; domain package-0 skipped this tick/,
  );
  await fx.write(PKG0, '84200000000');
  const s2 = await m.sample(2000);
  assert.match(s2.warnings[0] as string, /re-baselined/);
  await fx.write(PKG0, '84285000000');
  const s3 = await m.sample(3000);
  assert.equal(s3.domains.find((d) => d.domain === 'package-0')?.powerW, 85);
});

test('no powercap class: init names the directory', async () => {
  const m = new RaplPowercapMeter({ sysfsRoot: fixture('altra-max-1s') });
  await assert.rejects(m.init(), /rapl: no powercap class .*sys-altra-max-1s\/class\/powercap/);
});
