import { silentLogger } from '@isawatt/common';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { copyFixture, fixture } from '../hostfs/fixture-tree.test-support.js';
import { CppcReader } from './cppc-reader.js';
import { CpufreqReader } from './cpufreq-reader.js';
import { createFrequencyReader, DEFAULT_FREQUENCY_READERS } from './create-frequency-reader.js';

const ctrs = (cpu: number): string => `devices/system/cpu/cpu${cpu}/acpi_cppc/feedback_ctrs`;

test('CPPC on 2S Altra Max: a spread subset per socket, per-socket mean from the formula', async (t) => {
  // The first 8 CPUs of each socket (cpu0-7 on socket 0, cpu128-135 on socket 1) keep the copy small.
  const cpus = [0, 1, 2, 3, 4, 5, 6, 7, 128, 129, 130, 131, 132, 133, 134, 135];
  const fx = await copyFixture(
    'altra-max-2s',
    cpus.map((c) => `devices/system/cpu/cpu${c}`),
  );
  t.after(() => fx.remove());
  const r = new CppcReader({ sysfsRoot: fx.root, maxCpusPerSocket: 4 });
  await r.init();
  assert.deepEqual(r.cpus(), [0, 2, 4, 6, 128, 130, 132, 134]);
  const base = await r.sample(0);
  assert.equal(base.intervalMs, 0);
  assert.equal(base.mhzBySocket.size, 0);
  // Socket 0 cores run at 2.85 GHz, socket 1 cores at 2.0 GHz except one idle core (Δdel = 0).
  for (const c of [0, 2, 4, 6]) await fx.write(ctrs(c), 'ref:6000000000 del:17100000000');
  for (const c of [128, 130, 132]) await fx.write(ctrs(c), 'ref:6000000000 del:16250000000');
  await fx.write(ctrs(134), 'ref:6000000000 del:14250000000');
  const s = await r.sample(1000);
  assert.deepEqual(
    [...s.mhzBySocket],
    [
      [0, 2850],
      [1, 2000],
    ],
  );
  assert.deepEqual(
    s.cores.find((c) => c.cpu === 134),
    { cpu: 134, socket: 1, mhz: null },
  );
});

test('CPPC reads no more often than the minimum interval (firmware round trips)', async (t) => {
  const fx = await copyFixture('altra-max-1s', ['devices/system/cpu/cpu5']);
  t.after(() => fx.remove());
  const r = new CppcReader({ sysfsRoot: fx.root, cpus: [5], minIntervalMs: 1000 });
  await r.init();
  await r.sample(0);
  await fx.write(ctrs(5), 'ref:6000000000 del:17100000000');
  assert.equal((await r.sample(1000)).mhzBySocket.get(0), 2850);
  await fx.write(ctrs(5), 'ref:7000000000 del:18100000000');
  const cached = await r.sample(1500);
  assert.equal(cached.cached, true);
  assert.equal(cached.mhzBySocket.get(0), 2850);
  assert.equal((await r.sample(2000)).mhzBySocket.get(0), 1000);
});

test('CPPC counters that never move: every core idle, said once; a core without feedback_ctrs skipped at init', async () => {
  const r = new CppcReader({ sysfsRoot: fixture('broken-cppc-frozen') });
  await r.init();
  assert.deepEqual(r.cpus(), [0, 1, 2]);
  assert.match(r.notes().join('\n'), /cpu3 skipped: .*cpu3\/acpi_cppc\/feedback_ctrs: missing/);
  await r.sample(0);
  const s = await r.sample(1000);
  assert.equal(s.mhzBySocket.size, 0);
  assert.ok(s.cores.every((c) => c.mhz === null));
  assert.deepEqual(s.warnings, ["cppc: no sampled core's counters moved over 1000 ms: all reported idle"]);
});

test('CPPC garbage: bad capability skips the core at init; bad feedback_ctrs is a per-tick warning', async () => {
  const r = new CppcReader({ sysfsRoot: fixture('broken-garbage') });
  await r.init();
  assert.deepEqual(r.cpus(), [0, 2]);
  assert.match(r.notes().join('\n'), /cpu1 skipped: .*cpu1\/acpi_cppc\/nominal_freq: expected an unsigned decimal integer in MHz, got "fast"/);
  const s = await r.sample(0);
  assert.match(s.warnings[0] as string, /cpu0\/acpi_cppc\/feedback_ctrs: expected "ref:<u64> del:<u64>", got "ref:12 delx:5"; cpu0 skipped/);
});

test('cpufreq: scaling_cur_freq per CPU, mean per socket', async () => {
  const r = new CpufreqReader({ sysfsRoot: fixture('xeon-2s') });
  await r.init();
  const s = await r.sample(0);
  assert.deepEqual(
    [...s.mhzBySocket],
    [
      [0, 2700],
      [1, 2000],
    ],
  );
});

test('createFrequencyReader: CPPC on Altra, cpufreq on the Xeon, none on an empty tree', async () => {
  const log = silentLogger();
  assert.equal((await createFrequencyReader(DEFAULT_FREQUENCY_READERS, { sysfsRoot: fixture('altra-max-1s') }, log)).reader?.kind, 'cppc');
  const x = await createFrequencyReader(DEFAULT_FREQUENCY_READERS, { sysfsRoot: fixture('xeon-2s') }, log);
  assert.equal(x.reader?.kind, 'cpufreq');
  assert.match(x.sources[0]?.detail ?? '', /skipped: cppc: no cpuN\/acpi_cppc directory/);
  const none = await createFrequencyReader(DEFAULT_FREQUENCY_READERS, { sysfsRoot: fixture('amd') }, log);
  assert.equal(none.reader, undefined);
});
