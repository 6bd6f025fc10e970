// `isawatt simulate` through the CLI's real entry: --json lists every cell, --save writes
// RunRecords (kind simulated), --report a self-contained HTML file with SVG charts, the ARM-share
// sweep; bad cluster/models files and bad flags exit 2 with one line per problem.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { EXIT } from '@isawatt/common';
import type { RunRecord } from '../../results/run-record.js';
import { runCli } from '../index.js';

const root = resolve(fileURLToPath(import.meta.url), '../../../../../../');
const ex = (f: string): string => join(root, 'examples', f);

async function run(args: string[]): Promise<{ out: string; err: string; code: number }> {
  let out = '';
  let err = '';
  const code = await runCli(['node', 'isawatt', 'simulate', ...args], { stdout: (t) => (out += t), stderr: (t) => (err += t), env: {}, stdoutIsTty: false });
  return { out, err, code };
}

interface JsonCell {
  mix: string;
  policy: string;
  load: number;
  armShare?: number;
  metRates: boolean;
  energyJ: number | null;
  energyQuality: string;
  savingVsRrPct: number | null;
  recordId: string | null;
}

describe('isawatt simulate', () => {
  const dir = mkdtempSync(join(tmpdir(), 'isawatt-simulate-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, text: string): string => {
    const p = join(dir, name);
    writeFileSync(p, text);
    return p;
  };
  const pair = ['--cluster', ex('cluster-paper-pair.yaml'), '-m', ex('models-simulation.yaml')];

  test('--json lists every cell (mix, policy, load, rates met, energy in J); --save writes the records; --report the HTML', async () => {
    const records = join(dir, 'records');
    const report = join(dir, 'report.html');
    const { out, err, code } = await run([
      ...pair,
      '--mixes',
      'general,web',
      '--policies',
      'all',
      '--load',
      '0.3,0.7',
      '--duration',
      '30',
      '--json',
      '--save',
      records,
      '--report',
      report,
    ]);
    assert.equal(code, EXIT.OK, err);
    const j = JSON.parse(out) as { simulation: { energyQuality: string }; cells: JsonCell[] };
    assert.equal(j.simulation.energyQuality, 'simulated');
    assert.equal(j.cells.length, 2 * 6 * 2);
    for (const c of j.cells) {
      assert.ok(['general', 'web-dominated'].includes(c.mix), "['general', 'web-dominated'].includes(c.mix)");
      assert.ok([0.3, 0.7].includes(c.load), '[0.3, 0.7].includes(c.load)');
      assert.equal(typeof c.metRates, 'boolean');
      assert.equal(c.energyQuality, 'simulated');
      if (c.recordId) assert.ok((c.energyJ ?? 0) > 0, '(c.energyJ ?? 0) > 0');
    }
    assert.ok(
      j.cells.filter((c) => c.policy === 'rr').every((c) => c.savingVsRrPct === 0),
      "j.cells.filter((c) => c.policy === 'rr').every((c) => c.savingVsRrPct === 0)",
    );
    const files = readdirSync(records);
    assert.equal(files.length, j.cells.filter((c) => c.recordId).length);
    const rec = JSON.parse(readFileSync(join(records, files[0] as string), 'utf8')) as RunRecord;
    assert.equal(rec.kind, 'simulated');
    assert.equal(rec.energyQuality, 'simulated');
    assert.ok(
      rec.hosts.every((h) => h.energySource === 'simulation'),
      "rec.hosts.every((h) => h.energySource === 'simulation')",
    );
    const html = readFileSync(report, 'utf8');
    // The simulation's section first (labelled SIMULATED), then isawatt report's sections on the records.
    assert.match(html, /<section id="simulation"><h2>[^<]*SIMULATED/);
    assert.match(html, /Energy figures in this report are <b>SIMULATED<\/b>/);
    // Bars per load (energy, saving) and the load curve for each mix: 2 x 2 + 2.
    assert.equal(html.match(/data-chart="simulation chart \d+"/g)?.length, 6);
    assert.ok((html.match(/<svg /g)?.length ?? 0) > 6, 'the standard report charts too');
    assert.doesNotMatch(html, /<script/);
  });

  test('--sweep arm-share: cells on variants of the cluster, a pivot of savings by ARM share', async () => {
    const { out, err, code } = await run([
      '--cluster',
      ex('cluster-20.yaml'),
      '-m',
      ex('models-simulation.yaml'),
      '--policies',
      'rr,energy-aware',
      '--load',
      '0.5',
      '--sweep',
      'arm-share',
      '--arm-shares',
      '0,0.5,1',
      '--duration',
      '10',
    ]);
    assert.equal(code, EXIT.OK, err);
    assert.match(out, /SIMULATED \(not measured\)/);
    assert.match(out, /saving vs rr \(simulated\), general at load 50 %, by ARM share of the hosts/);
    assert.match(out, /│ energy-aware │\s+[+-]\d+\.\d %/);
  });

  test('bad cluster and models files: exit 2, one line per problem, from both files', async () => {
    const cluster = file(
      'bad-cluster.yaml',
      'hosts:\n  - { id: a, count: 2, type: t, arch: x86_64, cores: 4 }\n  - { id: b, type: t, arch: mips, cores: -1 }\n',
    );
    const models = file('bad-models.yaml', 'hostTypes:\n  t: { arch: x86_64, functions: { f: { execPerSecPerCore: 0, energyPerExecJ: 1 } } }\n');
    const { err, code } = await run(['--cluster', cluster, '-m', models]);
    assert.equal(code, EXIT.BAD_INPUT, err);
    const lines = err.trim().split('\n');
    assert.equal(lines[0], 'isawatt: invalid simulation input:');
    const problems = lines.slice(1);
    assert.deepEqual(
      problems.map((l) => l.replace(/^ {2}- /, '').split(':')[0]),
      [`${cluster}.hosts.0`, `${cluster}.hosts.1.arch`, `${cluster}.hosts.1.cores`, `${models}.hostTypes.t.functions.f.execPerSecPerCore`],
    );
  });

  test('a cluster whose host types the models lack: exit 2 naming each type once', async () => {
    const cluster = file(
      'unknown-type.yaml',
      'hosts:\n  - { count: 50, type: epyc-7003, arch: x86_64, cores: 60 }\n  - { id: a1, type: altra-max-m128-30, arch: x86_64, cores: 126 }\n',
    );
    const { err, code } = await run(['--cluster', cluster, '-m', ex('models-simulation.yaml')]);
    assert.equal(code, EXIT.BAD_INPUT, err);
    assert.match(err, /host type "epyc-7003" \(host "epyc-7003-1"\): not in the models file/);
    assert.match(err, /host type "altra-max-m128-30" \(host "a1"\): arch x86_64 but the models file says aarch64/);
    assert.equal(err.trim().split('\n').length, 3);
  });

  test('--compare replays runs: the same energy for a faithful run, off by the factor for an altered one, rankings per mix', async () => {
    // Stand-ins for measured runs, derived from simulated records (this test checks the replay and
    // the comparison, not the simulator against hardware): relabelled "measured", one energy x 1.10,
    // and in the crypto mix the energies of two policies swapped so that the ranking differs.
    const saved = join(dir, 'to-replay');
    const { code: c0, err: e0 } = await run([
      ...pair,
      '--mixes',
      'general,crypto',
      '--policies',
      'rr,core-aware,energy-aware',
      '--load',
      '0.5',
      '--duration',
      '20',
      '--save',
      saved,
      '--json',
    ]);
    assert.equal(c0, EXIT.OK, e0);
    const recs = readdirSync(saved).map((f) => JSON.parse(readFileSync(join(saved, f), 'utf8')) as RunRecord & { kind: string; energyJ: number });
    const measuredDir = join(dir, 'measured');
    rmSync(measuredDir, { recursive: true, force: true });
    mkdirSync(measuredDir);
    const find = (mix: string, policy: string): RunRecord & { energyJ: number } =>
      recs.find((r) => r.mix === mix && r.policy === policy) as RunRecord & { energyJ: number };
    const general = find('general', 'core-aware');
    const cryptoRr = find('crypto-dominated', 'rr');
    const cryptoEa = find('crypto-dominated', 'energy-aware');
    const swapped = [cryptoRr.energyJ, cryptoEa.energyJ];
    for (const r of recs) {
      let energyJ = r.energyJ;
      if (r === general) energyJ *= 1.1;
      if (r === cryptoRr) energyJ = swapped[1] as number;
      if (r === cryptoEa) energyJ = swapped[0] as number;
      writeFileSync(join(measuredDir, `${r.id}.json`), JSON.stringify({ ...r, kind: 'measured', energyJ, energyQuality: 'emulated' }));
    }
    const { out, err, code } = await run([...pair, '--compare', measuredDir, '--json']);
    assert.equal(code, EXIT.OK, err);
    const c = (
      JSON.parse(out) as {
        comparison: {
          rows: { mix: string; policy: string; diffPct: number; within: boolean; placedDifferently: number }[];
          rankings: { mix: string; same: boolean; sameWithinTies: boolean; measuredWithTies: string }[];
          tiePct: number;
        };
      }
    ).comparison;
    assert.equal(c.rows.length, 6);
    for (const r of c.rows) {
      assert.equal(r.placedDifferently, 0, `${r.mix} ${r.policy}`);
      if (r.mix === 'general' && r.policy === 'core-aware') assert.ok(Math.abs(r.diffPct - (1 / 1.1 - 1) * 100) < 1e-6, String(r.diffPct));
      else if (r.mix === 'crypto' && (r.policy === 'rr' || r.policy === 'energy-aware')) assert.equal(r.within, false);
      else assert.ok(Math.abs(r.diffPct) < 1e-9, `${r.mix} ${r.policy} ${r.diffPct}`);
    }
    assert.deepEqual(
      c.rankings.map((k) => [k.mix, k.same]),
      [
        ['general', true],
        ['crypto', false],
      ],
    );
    // The tie band: 2 % by default; the general mix agrees with or without ties.
    assert.equal(c.tiePct, 2);
    assert.equal(c.rankings.find((k) => k.mix === 'general')?.sameWithinTies, true);
    const bad = file(
      'bad-run.json',
      JSON.stringify({
        id: 'x',
        kind: 'measured',
        policy: 'rr',
        durationS: -1,
        energyJ: 1,
        energyQuality: 'measured',
        metRates: true,
        hosts: [],
        functions: [],
      }),
    );
    const b = await run([...pair, '--compare', bad]);
    assert.equal(b.code, EXIT.BAD_INPUT);
    assert.match(b.err, /bad-run\.json\.durationS/);
    assert.match(b.err, /bad-run\.json\.functions/);
  });

  test('--robust-quantile: robust and plain side by side on the same truth; robust meets rates plain misses', async () => {
    // The example models with a cv 15 % speed spread (illustrative): the truth is drawn from it.
    const text = readFileSync(ex('models-simulation.yaml'), 'utf8').replace(
      /\{ execPerSecPerCore: ([\d.]+), energyPerExecJ: ([\d.]+) \}/g,
      (_m, e: string, w: string) =>
        `{ execPerSecPerCore: ${e}, energyPerExecJ: ${w}, spread: { bags: 8, execPerSecPerCore: { median: ${e}, min: ${Number(e) * 0.5}, max: ${Number(e) * 2}, cv: 0.15 }, energyPerExecJ: { median: ${w}, min: ${w}, max: ${w}, cv: 0 } } }`,
    );
    const noisy = file('models-noisy.yaml', text);
    const args = [
      '--cluster',
      ex('cluster-paper-pair.yaml'),
      '-m',
      noisy,
      '--mixes',
      'general',
      '--policies',
      'energy-aware',
      '--load',
      '0.5',
      '--duration',
      '120',
    ];
    const { out, err, code } = await run([...args, '--robust-quantile', '0.01', '--json']);
    assert.equal(code, EXIT.OK, err);
    type Side = { cores?: number; allPct?: number; functionPct?: number };
    const cmp = (JSON.parse(out) as { robustVsPlain: { quantile: number; cells: { plain: Side; robust: Side }[] } }).robustVsPlain;
    assert.equal(cmp.quantile, 0.01);
    assert.equal(cmp.cells.length, 1);
    const [c] = cmp.cells;
    assert.ok(c && c.plain.cores !== undefined && c.robust.cores !== undefined);
    assert.ok(c.robust.cores > c.plain.cores, `robust takes more cores (${c.robust.cores} vs ${c.plain.cores})`);
    assert.ok((c.robust.allPct ?? 0) > (c.plain.allPct ?? 100), `robust meets every rate in more seconds (${c.robust.allPct} vs ${c.plain.allPct})`);
    assert.ok((c.robust.functionPct ?? 0) >= (c.plain.functionPct ?? 100));
    const table = await run([...args, '--robust-quantile', '0.01', '--colocation-noise', '15', '--no-spread']);
    assert.equal(table.code, EXIT.OK, table.err);
    assert.match(table.out, /per-second co-location noise cv 15 %/);
    assert.match(table.out, /ROBUST \(q 0\.01\) vs PLAIN/);
    assert.match(table.out, /every rate was met in >= 99 % of simulated seconds: plain \d+ of 1, robust \d+ of 1/);
  });

  test('--compare without --models replays on the models and the headroom stored with the runs', async () => {
    const saved = join(dir, 'to-replay-headroom');
    rmSync(saved, { recursive: true, force: true });
    const { code: c0, err: e0 } = await run([
      ...pair,
      '--mixes',
      'web',
      '--policies',
      'rr,energy-aware',
      '--load',
      '0.5',
      '--duration',
      '20',
      '--headroom',
      '0.5',
      '--save',
      saved,
    ]);
    assert.equal(c0, EXIT.OK, e0);
    const measuredDir = join(dir, 'measured-headroom');
    rmSync(measuredDir, { recursive: true, force: true });
    mkdirSync(measuredDir);
    const models = JSON.parse(JSON.stringify((await import('../../workload/parse.js')).loadModelsFile(ex('models-simulation.yaml')))) as unknown;
    for (const f of readdirSync(saved)) {
      const r = JSON.parse(readFileSync(join(saved, f), 'utf8')) as RunRecord & { inputs: Record<string, unknown> };
      assert.equal(r.inputs.headroom, 0.5);
      // What `isawatt run` stores: the models themselves and the file they came from.
      writeFileSync(join(measuredDir, f), JSON.stringify({ ...r, kind: 'measured', inputs: { ...r.inputs, models, modelsFile: 'models-simulation.yaml' } }));
    }
    const { out, err, code } = await run(['--cluster', ex('cluster-paper-pair.yaml'), '--compare', measuredDir, '--json']);
    assert.equal(code, EXIT.OK, err);
    const rows = (JSON.parse(out) as { comparison: { rows: { policy: string; diffPct: number; placedDifferently: number }[] } }).comparison.rows;
    assert.equal(rows.length, 2);
    for (const r of rows) {
      assert.equal(r.placedDifferently, 0, r.policy);
      assert.ok(Math.abs(r.diffPct) < 1e-9, `${r.policy} ${r.diffPct}`);
    }
    // Records that carry no models, and no --models: one clear error, exit 2.
    const bare = join(dir, 'measured-bare');
    rmSync(bare, { recursive: true, force: true });
    mkdirSync(bare);
    for (const f of readdirSync(saved)) writeFileSync(join(bare, f), readFileSync(join(saved, f), 'utf8').replace('"kind":"simulated"', '"kind":"measured"'));
    const b = await run(['--cluster', ex('cluster-paper-pair.yaml'), '--compare', bare]);
    assert.equal(b.code, EXIT.BAD_INPUT, b.err);
    assert.match(b.err, /--models: the measured runs do not all carry the same stored models/);
  });

  const badFlags: [string, string[], RegExp][] = [
    ['unknown mix', ['--mixes', 'gaming'], /unknown mix "gaming"/],
    ['bad load', ['--load', '0,0.5'], /--load "0,0.5": expected a comma list of loads/],
    ['bad interference', ['--interference', 'cache:5'], /--interference "cache:5": unknown model "cache"/],
    ['bad model error', ['--model-error', '-3'], /--model-error "-3": expected a percentage/],
    ['bad policy', ['--policies', 'greenest'], /unknown policy "greenest"/],
    ['bad sweep', ['--sweep', 'power'], /--sweep "power": expected one of load, arm-share/],
    ['arm shares without the sweep', ['--arm-shares', '0.5'], /--arm-shares: only with --sweep arm-share/],
    ['bad duration', ['--duration', '1.5'], /--duration "1.5": expected a whole number/],
    ['bad co-location noise', ['--colocation-noise', '120'], /--colocation-noise "120": expected a percentage in 0\.\.100/],
    ['bad robust quantile', ['--robust-quantile', '1'], /--robust-quantile: expected a number between 0 and 1/],
    ['bad headroom', ['--headroom', '-0.1'], /--headroom: expected a fraction from 0 to 1/],
  ];
  for (const [name, args, message] of badFlags) {
    test(`bad flag: ${name} -> exit 2`, async () => {
      const { err, code } = await run([...pair, ...args]);
      assert.equal(code, EXIT.BAD_INPUT, err);
      assert.match(err, message);
    });
  }
});
