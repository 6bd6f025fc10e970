// `isawatt experiment` against a real coordinator with two FakeAgents (synthetic telemetry,
// labelled emulated; 10 completions per function per 250 ms tick = 40 req/s): the matrix runs
// every cell, stores each run with the experiment id, prints per-cell totals with the saving vs rr,
// and `--resume` skips what is stored and refuses changed flags.
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';

import { join } from 'node:path';
import { test } from 'node:test';
import { EXIT } from '@isawatt/common';
import { runCli as runInProcess } from '../../packages/coordinator/src/cli/index.js';
import { ControlClient } from '../../packages/coordinator/src/cli/control-client.js';
import { FakeAgent } from '../helpers/fake-agent.js';
import { eventually, freePort, startCoordinator } from '../helpers/processes.js';
import { tempDir } from '../helpers/temp-dir.js';

// Rates of the web mix at load 0.1 on 12 cores: 1.2 cores, all to fn-000 (the only web function),
// x mean E 30/s = 36 req/s; FakeAgents serve 40/s.
const MODELS = `source: test figures (not measured)
hostTypes:
  fake:
    arch: x86_64
    idlePowerW: 20
    functions:
      fn-000: { execPerSecPerCore: 30, energyPerExecJ: 0.1 }
      fn-001: { execPerSecPerCore: 30, energyPerExecJ: 0.2 }
categories: { fn-000: web, fn-001: crypto }
`;

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runInProcess(['node', 'isawatt', ...args], { stdout: (t) => (out += t), stderr: (t) => (err += t), env: {}, stdoutIsTty: false });
  return { code, out, err };
}

test('experiment: every cell stored under the experiment id, totals per cell, resume skips done cells', { timeout: 180_000 }, async (t) => {
  const dir = await tempDir(t, 'isawatt-exp-');
  const models = join(dir, 'models.yaml');
  await writeFile(models, MODELS);
  const port = await freePort();
  await startCoordinator(t, { port, stateDir: join(dir, 'state') });
  const agents = ['fake-a', 'fake-b'].map((hostId) => new FakeAgent({ address: `127.0.0.1:${port}`, hostId, functions: 2, functionCpus: 6 }));
  for (const a of agents) {
    t.after(() => a.close());
    await a.attach();
  }
  const ticker = setInterval(() => {
    for (const a of agents) a.tick(250);
  }, 250);
  t.after(() => clearInterval(ticker));
  const c = new ControlClient({ address: `127.0.0.1:${port}`, tls: {}, insecure: false, deadlineMs: 5000 });
  t.after(() => c.close());
  await eventually('both fake hosts up', async () => ((await c.listHosts()).hosts.filter((h) => h.state === 'HOST_STATE_UP').length === 2 ? true : undefined));

  const common = [
    '--coordinator',
    `127.0.0.1:${port}`,
    '-m',
    models,
    '--mixes',
    'web',
    '--load',
    '0.1',
    '--duration',
    '1.5',
    '--warmup',
    '0',
    '--settle',
    '0',
    '--seed',
    '3',
  ];
  const first = await cli(['experiment', ...common, '--policies', 'rr,energy-aware', '--json']);
  assert.equal(first.code, EXIT.OK, first.err + first.out);
  const res = JSON.parse(first.out) as {
    experimentId: string;
    runs: { policy: string; mix: string; metRates: boolean; energyJ: number; predictedEnergyJ: number }[];
    cells: { policy: string; savingVsRrPct?: number }[];
  };
  assert.match(res.experimentId, /^exp-/);
  assert.deepEqual(res.runs.map((r) => r.policy).sort(), ['energy-aware', 'rr']);
  for (const r of res.runs) {
    assert.equal(r.mix, 'web-dominated');
    assert.equal(r.metRates, true);
    assert.ok(r.energyJ > 0 && r.predictedEnergyJ > 0);
  }
  assert.equal(res.cells.find((x) => x.policy === 'rr')?.savingVsRrPct, 0);
  const stored = (await c.listRuns(res.experimentId)).runs;
  assert.equal(stored.length, 2);

  // Resume with the same flags: nothing left to do, the same runs reported.
  const again = await cli(['experiment', ...common, '--policies', 'rr,energy-aware', '--resume', res.experimentId, '--json']);
  assert.equal(again.code, EXIT.OK, again.err);
  assert.match(again.err, /2 runs \(0 to do\)/);
  assert.equal((JSON.parse(again.out) as { runs: unknown[] }).runs.length, 2);
  assert.equal((await c.listRuns(res.experimentId)).runs.length, 2);

  // Resume with other flags is refused, naming the flag.
  const changed = await cli(['experiment', ...common, '--policies', 'rr,core-aware', '--resume', res.experimentId]);
  assert.equal(changed.code, EXIT.BAD_INPUT);
  assert.match(changed.err, /policies was \["rr","energy-aware"\]/);
  const robustNow = await cli(['experiment', ...common, '--policies', 'rr,energy-aware', '--resume', res.experimentId, '--robust-quantile', '0.1']);
  assert.equal(robustNow.code, EXIT.BAD_INPUT);
  assert.match(robustNow.err, /robust was null in the stored runs, \{"quantile":0\.1,"joint":false,"arrivals":null\} now/);

  // Robust planning: the plans are made on a quantile of each function's speed, and the runs say so.
  const robust = await cli(['experiment', ...common, '--policies', 'energy-aware', '--robust-quantile', '0.1', '--json']);
  assert.equal(robust.code, EXIT.OK, robust.err + robust.out);
  const robustId = (JSON.parse(robust.out) as { experimentId: string }).experimentId;
  const [run] = (await c.listRuns(robustId)).runs;
  assert.ok(run, 'the robust experiment stored its run');
  const record = JSON.parse((await c.getRun(run.run_id)).record_json) as {
    inputs: { experiment: { robust: unknown }; plan?: { robust?: { quantile: number } } };
  };
  assert.deepEqual(record.inputs.experiment.robust, { quantile: 0.1, joint: false, arrivals: null });
  assert.equal(record.inputs.plan?.robust?.quantile, 0.1);
  const back = await cli(['experiment', ...common, '--policies', 'energy-aware', '--resume', robustId]);
  assert.equal(back.code, EXIT.BAD_INPUT);
  assert.match(back.err, /robust was \{"quantile":0\.1,"joint":false,"arrivals":null\} in the stored runs, null now/);
});

test('experiment: bad robust-planning flags are refused before the coordinator is asked', async () => {
  const base = ['experiment', '--coordinator', '127.0.0.1:1', '-m', 'models.yaml', '--duration', '1'];
  for (const [args, expected] of [
    [['--robust-quantile', '1.5'], /--robust-quantile: expected a number between 0 and 1/],
    [['--robust-joint'], /--robust-joint: only with --robust-quantile Q/],
    [['--robust-quantile', '0.1', '--robust-arrivals', 'uniform'], /--robust-arrivals: expected "poisson", got "uniform"/],
  ] as const) {
    const r = await cli([...base, ...args]);
    assert.equal(r.code, EXIT.BAD_INPUT, args.join(' '));
    assert.match(r.err, expected, args.join(' '));
  }
});
