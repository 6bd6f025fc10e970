import { silentLogger } from '@isawatt/common';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { copyFixture, fixture } from '../hostfs/fixture-tree.test-support.js';
import { runProbe, type ProbeOptions, type ProbeReport } from './probe.js';

const NO_PERF = ['rapl', 'xgene-hwmon', 'altra-hwmon', 'hwmon', 'estimated'] as const;

/** Probe with a fake clock (0 then 1000 ms) and a hook that rewrites files between the samples. */
async function probe(sysfsRoot: string, between: () => Promise<void> = () => Promise.resolve(), extra: Partial<ProbeOptions> = {}): Promise<ProbeReport> {
  let t = 0;
  return runProbe({
    sysfsRoot,
    procfsRoot: '/proc',
    meters: NO_PERF,
    cpuModel: 'unknown',
    log: silentLogger(),
    nowMs: () => t,
    wait: async (ms) => {
      await between();
      t += ms;
    },
    ...extra,
  });
}

const used = (r: ProbeReport): string[] => r.energy.filter((s) => s.status === 'used').map((s) => s.kind);
const watts = (r: ProbeReport, kind: string): Record<string, number> =>
  Object.fromEntries((r.energy.find((s) => s.kind === kind)?.domains ?? []).map((d) => [d.domain, Math.round(d.powerW * 1000) / 1000]));

test('xeon-2s: RAPL package+dram per socket in watts from two counter reads; cpufreq per socket', async (t) => {
  const fx = await copyFixture('xeon-2s');
  t.after(() => fx.remove());
  const r = await probe(fx.root, async () => {
    await fx.write('class/powercap/intel-rapl:0/energy_uj', '84208569873'); // +85 J
    await fx.write('class/powercap/intel-rapl:0:0/energy_uj', '23026599210'); // +12 J
    await fx.write('class/powercap/intel-rapl:1/energy_uj', '79064731120'); // +62.5 J
    await fx.write('class/powercap/intel-rapl:1:0/energy_uj', '21910448711'); // +10 J
  });
  assert.deepEqual(used(r), ['rapl']);
  assert.deepEqual(watts(r, 'rapl'), { 'package-0': 85, 'dram-0': 12, 'package-1': 62.5, 'dram-1': 10 });
  assert.equal(r.energy[0]?.hostPowerW, 169.5);
  assert.equal(r.energy.find((s) => s.kind === 'estimated')?.status, 'available');
  assert.deepEqual(
    r.frequency.map((f) => [f.kind, f.status]),
    [
      ['cppc', 'skipped'],
      ['cpufreq', 'used'],
    ],
  );
  assert.deepEqual(r.frequency[1]?.mhzBySocket, { '0': 2700, '1': 2000 });
  assert.equal(r.emulated, null);
});

test('altra-max-1s: xgene CPU 16.28 W and IO 31.90 W read from the observed values; CPPC 2850 MHz from the formula', async (t) => {
  // The xgene chip and 16 of the 128 CPUs (enough for the default 8-per-socket CPPC subset).
  const cpus = Array.from({ length: 16 }, (_, c) => c);
  const fx = await copyFixture('altra-max-1s', ['class', 'devices/platform', ...cpus.map((c) => `devices/system/cpu/cpu${c}`)]);
  t.after(() => fx.remove());
  const r = await probe(fx.root, async () => {
    for (const c of cpus) await fx.write(`devices/system/cpu/cpu${c}/acpi_cppc/feedback_ctrs`, 'ref:6000000000 del:17100000000');
  });
  assert.deepEqual(used(r), ['xgene-hwmon']);
  const x = r.energy.find((s) => s.kind === 'xgene-hwmon');
  assert.deepEqual(
    x?.domains.map((d) => [d.domain, d.instantPowerW, d.powerW, d.energyUj]),
    [
      ['cpu-0', 16.28, 16.28, '16280000'],
      ['io-0', 31.9, 31.9, '31900000'],
    ],
  );
  const cppc = r.frequency.find((f) => f.kind === 'cppc');
  assert.equal(cppc?.status, 'used');
  assert.deepEqual(cppc?.mhzBySocket, { '0': 2850 });
  assert.deepEqual(cppc?.cpus, [0, 2, 4, 6, 8, 10, 12, 14]);
});

test('altra-max-2s: one xgene per socket; static CPPC counters report every sampled core idle', async () => {
  const r = await probe(fixture('altra-max-2s'));
  assert.deepEqual(watts(r, 'xgene-hwmon'), { 'cpu-0': 16.28, 'io-0': 31.9, 'cpu-1': 9.364, 'io-1': 32.452 });
  const cppc = r.frequency.find((f) => f.kind === 'cppc');
  assert.deepEqual(cppc?.mhzBySocket, {});
  assert.equal(cppc?.idleCpus.length, 16);
});

test('altra-hwmon: xgene plus per-core energy, both "used", per-core outside the host total', async (t) => {
  const fx = await copyFixture('altra-hwmon');
  t.after(() => fx.remove());
  const r = await probe(fx.root, () => fx.write('class/hwmon/hwmon4/energy3_input', '2605000000'));
  assert.deepEqual(used(r), ['xgene-hwmon', 'altra-hwmon']);
  const a = r.energy.find((s) => s.kind === 'altra-hwmon');
  assert.equal(a?.domains.length, 128);
  assert.equal(a?.hostPowerW, null);
  assert.equal(a?.domains.find((d) => d.domain === 'core-0-2')?.powerW, 3);
  assert.equal(r.energy.find((s) => s.kind === 'xgene-hwmon')?.hostPowerW, 48.18);
});

test('client, AMD, TPMI and hex fixtures name the right RAPL domains', async () => {
  const cases: [string, string[]][] = [
    ['client-rapl', ['package-0', 'core-0', 'uncore-0', 'psys']],
    ['amd', ['package-0', 'core-0']],
    ['tpmi', ['package-0', 'package-1', 'psys', 'dram-0', 'dram-1']],
    ['rapl-hex', ['package-0', 'package-10', 'dram-10']],
  ];
  for (const [name, domains] of cases) {
    const r = await probe(fixture(name));
    assert.deepEqual(used(r), ['rapl'], name);
    assert.deepEqual(
      r.energy[0]?.domains.map((d) => d.domain),
      domains,
      name,
    );
  }
});

test('broken trees: every problem names its file; working sources keep going', async () => {
  const unreadable = await probe(fixture('broken-unreadable'));
  assert.deepEqual(
    unreadable.energy[0]?.domains.map((d) => d.domain),
    ['dram-0', 'dram-1'],
  );
  assert.match(unreadable.energy[0]?.notes.join('\n') ?? '', /intel-rapl:0\/energy_uj: is a directory, expected a file/);

  const garbage = await probe(fixture('broken-garbage'));
  assert.deepEqual(used(garbage), ['rapl']);
  assert.match(garbage.energy[0]?.notes.join('\n') ?? '', /energy_uj: expected an unsigned decimal integer in µJ, got "not-a-number"/);
  const xg = garbage.energy.find((s) => s.kind === 'xgene-hwmon');
  assert.equal(xg?.status, 'available');
  assert.match(xg?.notes.join('\n') ?? '', /power1_input: expected an unsigned decimal integer in µW, got "garbage"/);
  const cppc = garbage.frequency.find((f) => f.kind === 'cppc');
  assert.match(cppc?.warnings.join('\n') ?? '', /cpu0\/acpi_cppc\/feedback_ctrs: expected "ref:<u64> del:<u64>", got "ref:12 delx:5"/);
  assert.match(cppc?.detail ?? '', /cpu1\/acpi_cppc\/nominal_freq: expected an unsigned decimal integer in MHz, got "fast"/);

  const nolabels = await probe(fixture('broken-nolabels'));
  assert.deepEqual(used(nolabels), ['xgene-hwmon']);
  assert.equal(nolabels.energy.find((s) => s.kind === 'hwmon')?.status, 'available');

  const frozen = await probe(fixture('broken-cppc-frozen'), undefined, { meters: ['rapl', 'estimated'] });
  assert.deepEqual(used(frozen), ['estimated']);
  assert.match(frozen.energy[0]?.detail ?? '', /rapl: no powercap class/);
  assert.match(frozen.frequency[0]?.warnings[0] ?? '', /no sampled core's counters moved/);
});

test('wrap mid-run in probe: 1528850 µJ with a warning naming the file', async (t) => {
  const fx = await copyFixture('broken-wrap');
  t.after(() => fx.remove());
  const r = await probe(fx.root, () => fx.write('class/powercap/intel-rapl:0/energy_uj', '1200000'));
  const rapl = r.energy[0];
  assert.equal(rapl?.domains[0]?.energyUj, '1528850');
  assert.match(rapl?.warnings[0] ?? '', /intel-rapl:0\/energy_uj: counter wrapped/);
});

test('an emulated tree is announced and its figures labelled emulated', async (t) => {
  const fx = await copyFixture('xeon-2s');
  t.after(() => fx.remove());
  await fx.write('isawatt-emulated', 'xeon-gold-6130-2s');
  const r = await probe(fx.root);
  assert.equal(r.emulated, 'xeon-gold-6130-2s');
  assert.equal(r.energy[0]?.quality, 'emulated');
});
