import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fixture } from '../hostfs/fixture-tree.test-support.js';
import { parsePerfIntervalLine, PerfPowerMeter, readPowerPmu } from './perf-power-meter.js';
import { waitUntil } from '../../../../test/helpers/wait-until.js';

test('power PMU description from sysfs: events, scale 2^-32 J, cpumask', async () => {
  const pmu = await readPowerPmu(fixture('xeon-2s'));
  assert.equal(pmu.type, 24);
  assert.deepEqual(pmu.cpumask, [0, 16]);
  assert.deepEqual(
    pmu.events.map((e) => [e.event, e.config, e.scale, e.unit]),
    [
      ['energy-pkg', 2, 2 ** -32, 'Joules'],
      ['energy-ram', 3, 2 ** -32, 'Joules'],
    ],
  );
  // docs/reference-readings.md, "perf power PMU": 365072220160 counts × 2^-32 J = 85.0 J.
  assert.equal(365072220160 * (pmu.events[0]?.scale ?? 0), 85);
});

test('no power PMU: unavailable, naming the directory', async () => {
  await assert.rejects(readPowerPmu(fixture('altra-max-1s')), /perf-power: no perf power PMU .*bus\/event_source\/devices\/power/);
});

test('perf -x, --per-socket interval lines', () => {
  assert.deepEqual(parsePerfIntervalLine('     0.100192,S1,1,8.50,Joules,power/energy-pkg/,100123456,100.00,,'), {
    socket: 1,
    event: 'energy-pkg',
    joules: 8.5,
  });
  assert.equal(parsePerfIntervalLine('# started on Fri'), undefined);
  assert.throws(() => parsePerfIntervalLine('0.1,S0,1,<not supported>,Joules,power/energy-pkg/,0,100.00,,'), /<not supported> for power\/energy-pkg\//);
});

test('meter sums perf intervals between samples (a real child process standing in for perf)', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'isawatt-perf-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const fake = join(dir, 'perf');
  const go = join(dir, 'go');
  const done = join(dir, 'done');
  // One interval before the baseline; then, once the test says go (after its baseline sample), four
  // 0.1 s intervals of 8.5 J (socket 0) / 6.25 J (socket 1) package and 1 J dram, then a marker file,
  // then it waits for SIGINT like perf -I does.
  await writeFile(
    fake,
    `#!/bin/sh
echo "     0.1,S0,1,99.00,Joules,power/energy-pkg/,100000000,100.00,," >&2
while [ ! -e ${go} ]; do sleep 0.02; done
for i in 2 3 4 5; do
  echo "     0.$i,S0,1,8.50,Joules,power/energy-pkg/,100000000,100.00,," >&2
  echo "     0.$i,S1,1,6.25,Joules,power/energy-pkg/,100000000,100.00,," >&2
  echo "     0.$i,S0,1,1.00,Joules,power/energy-ram/,100000000,100.00,," >&2
  echo "     0.$i,S1,1,1.00,Joules,power/energy-ram/,100000000,100.00,," >&2
done
touch ${done}
trap 'exit 130' INT
while :; do sleep 0.05; done
`,
  );
  await chmod(fake, 0o755);
  const m = new PerfPowerMeter({ sysfsRoot: fixture('xeon-2s'), perfPath: fake });
  t.after(() => m.close());
  await m.init();
  assert.deepEqual(
    m.domains().map((d) => d.domain),
    ['package-0', 'dram-0', 'package-1', 'dram-1'],
  );
  await m.sample(0);
  await writeFile(go, '');
  await waitUntil('the fake perf to write its intervals', () => existsSync(done));
  // The lines are in the pipe before the marker exists, but the meter reads them when the event loop
  // gets to it: sample until all four intervals are in (each sample holds what arrived since the
  // previous one, so the sums over samples must be exactly the four intervals, none lost or twice).
  const sums = new Map<string, bigint>();
  let nowMs = 0;
  await waitUntil('the meter to read the four intervals', async () => {
    nowMs += 100;
    for (const d of (await m.sample(nowMs)).domains) sums.set(d.domain, (sums.get(d.domain) ?? 0n) + d.energyUj);
    return (sums.get('package-0') ?? 0n) >= 34000000n && (sums.get('dram-1') ?? 0n) >= 4000000n;
  });
  assert.deepEqual(
    [...sums],
    [
      ['package-0', 34000000n],
      ['dram-0', 4000000n],
      ['package-1', 25000000n],
      ['dram-1', 4000000n],
    ],
  );
});

test('perf that cannot open the PMU: init fails with perf stderr and the permission hint', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'isawatt-perf-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const fake = join(dir, 'perf');
  await writeFile(fake, '#!/bin/sh\necho "Error: No permission to enable power/energy-pkg/ event." >&2\nexit 1\n');
  await chmod(fake, 0o755);
  const m = new PerfPowerMeter({ sysfsRoot: fixture('xeon-2s'), perfPath: fake });
  await assert.rejects(
    m.init(),
    /perf-power: perf exited \(code 1\): Error: No permission to enable power\/energy-pkg\/ event\.; opening the power PMU needs root, CAP_PERFMON/,
  );
  await m.close();
});
