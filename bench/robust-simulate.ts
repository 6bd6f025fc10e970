// Robust vs plain plans under 15 % co-location noise, through `isawatt simulate --robust-quantile`
// (in-process runCli, --json). The models are examples/models-simulation.yaml (illustrative, not
// measured) with a spread across bags of cv 15 % on every function's speed added here: the noise the
// profiling would have seen. Two worlds, each over several seeds (5 mixes x 2 policies x 2 loads (0.4, 0.6) per
// seed, 600 simulated s per cell, Poisson arrivals, the paper's pair):
//   per-second   --no-spread --colocation-noise 15: the truth is the models, and every second each
//                function's speed is multiplied by its own log-normal factor, cv 15 % (neighbours'
//                load changing second by second);
//   per-second, constant arrivals   the same noise with exactly R arrivals every second
//                (--arrivals constant): only the co-location noise the robust option plans for,
//                without the Poisson bursts that put a function of ~1 req/s behind in some seconds
//                whatever its speed;
//   static       the truth drawn once per (function, host type) from the cv 15 % spread (the
//                co-location a function ends up in makes it faster or slower for the whole run).
// Prints, per world, the share of cells where every rate was met in >= 99 % of simulated seconds,
// the mean share of seconds with every rate met and of function-seconds met, and the cores, for the
// plain plan and the robust plans side by side: q = 0.1 and q = 0.01 per function, and q = 0.01
// over the whole plan (--robust-joint: each of a cell's n functions on its 1-(1-q)^(1/n)-quantile,
// so that all n at once meet their rates with probability >= 1 - q), and q = 0.1 per function and
// q = 0.01 over the plan with --robust-arrivals poisson ("+ bursts": each function also sized for
// one-second Poisson bursts, half of its risk each). Asserts nothing.
//   node --conditions=source --import tsx bench/robust-simulate.ts [--seeds 5] [--duration 600] [--loads 0.4,0.6]
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { runCli } from '../packages/coordinator/src/cli/index.js';
import { loadModelsFile } from '../packages/coordinator/src/workload/parse.js';
import { numberListOption, numberOption, parseBenchArgs } from './lib/options.js';

const url = import.meta.url;
const values = parseBenchArgs(url, {
  seeds: { type: 'string', default: '5', description: 'seeds per cell' },
  duration: { type: 'string', default: '600', description: 'simulated seconds per cell' },
  loads: { type: 'string', default: '0.4,0.6', description: 'loads, each in (0, 1]' },
});
const seeds = numberOption(url, 'seeds', values.seeds, { integer: true, min: 1 });
numberOption(url, 'duration', values.duration, { above: 0 });
numberListOption(url, 'loads', values.loads, { above: 0, max: 1 });
const root = fileURLToPath(new URL('..', import.meta.url));
const NOISE_CV = 0.15;
const WORLDS = ['per-second', 'per-second, constant arrivals', 'static'] as const;
type World = (typeof WORLDS)[number];
/** The robust plans compared with the plain one; "+ bursts": --robust-arrivals poisson. */
const VARIANTS = [
  { q: 0.1, joint: false, arrivals: false },
  { q: 0.01, joint: false, arrivals: false },
  { q: 0.01, joint: true, arrivals: false },
  { q: 0.1, joint: false, arrivals: true },
  { q: 0.01, joint: true, arrivals: true },
] as const;
type Variant = (typeof VARIANTS)[number];

interface Side {
  cores: number | null;
  allPct: number | null;
  functionPct: number | null;
  energyKj: number | null;
}
interface Pair {
  mix: string;
  load: number;
  policy: string;
  plain: Side;
  robust: Side;
}

/** The example models with a cv 15 % speed spread per function (median = the figure). */
async function noisyModels(dir: string): Promise<string> {
  const m = loadModelsFile(join(root, 'examples/models-simulation.yaml'));
  const hostTypes = Object.fromEntries(
    Object.entries(m.hostTypes).map(([t, ht]) => [
      t,
      {
        ...ht,
        functions: Object.fromEntries(
          Object.entries(ht.functions).map(([fn, f]) => [
            fn,
            {
              execPerSecPerCore: f.execPerSecPerCore,
              energyPerExecJ: f.energyPerExecJ,
              spread: {
                bags: 8,
                execPerSecPerCore: { median: f.execPerSecPerCore, min: f.execPerSecPerCore * 0.55, max: f.execPerSecPerCore * 1.6, cv: NOISE_CV },
                energyPerExecJ: { median: f.energyPerExecJ, min: f.energyPerExecJ, max: f.energyPerExecJ, cv: 0 },
              },
            },
          ]),
        ),
      },
    ]),
  );
  const file = join(dir, 'models-noise15.yaml');
  await writeFile(
    file,
    stringify({
      source: `${m.source ?? 'illustrative'}; speed spread cv ${NOISE_CV * 100} % added by bench/robust-simulate.ts (not measured)`,
      hostTypes,
      categories: m.categories,
    }),
  );
  return file;
}

async function simulate(models: string, seed: number, v: Variant, world: World): Promise<Pair[]> {
  let out = '';
  let err = '';
  const args = [
    'simulate',
    '--cluster',
    join(root, 'examples/cluster-paper-pair.yaml'),
    '-m',
    models,
    '--mixes',
    'general,crypto,media,scientific,web',
    '--policies',
    'energy-aware,core-aware',
    '--load',
    String(values.loads),
    '--duration',
    String(values.duration),
    '--seed',
    String(seed),
    '--robust-quantile',
    String(v.q),
    ...(v.joint ? ['--robust-joint'] : []),
    ...(v.arrivals ? ['--robust-arrivals', 'poisson'] : []),
    '--json',
    ...(world !== 'static' ? ['--no-spread', '--colocation-noise', String(NOISE_CV * 100)] : []),
    ...(world === 'per-second, constant arrivals' ? ['--arrivals', 'constant'] : []),
  ];
  const code = await runCli(['node', 'isawatt', ...args], { stdout: (t) => (out += t), stderr: (t) => (err += t), env: {}, stdoutIsTty: false });
  if (code !== 0) throw new Error(`simulate exited ${code}: ${err}`);
  return (JSON.parse(out) as { robustVsPlain: { cells: Pair[] } }).robustVsPlain.cells;
}

function summary(pairs: readonly Pair[], which: 'plain' | 'robust'): string {
  // JSON leaves out what a cell without a plan lacks: only cells with a plan are averaged.
  const ok = pairs.filter((p) => p[which].allPct !== undefined && p[which].allPct !== null);
  const mean = (f: (s: Side) => number | null): number => ok.reduce((s, p) => s + (f(p[which]) ?? 0), 0) / Math.max(1, ok.length);
  const met99 = ok.filter((p) => (p[which].allPct ?? 0) >= 99).length;
  return `${String(ok.length).padStart(3)} planned, ${String(met99).padStart(3)} of ${String(pairs.length).padEnd(3)} cells >= 99 % | all rates met ${mean(
    (s) => s.allPct,
  )
    .toFixed(2)
    .padStart(6)} % of s | fn-s met ${mean((s) => s.functionPct)
    .toFixed(3)
    .padStart(7)} % | cores ${mean((s) => s.cores)
    .toFixed(1)
    .padStart(6)} | ${mean((s) => s.energyKj).toFixed(1)} kJ`;
}

const t0 = performance.now();
console.log(
  `robust vs plain bench: ${seeds} seeds x 5 mixes x 2 policies x loads ${values.loads}, ${values.duration} simulated s per cell; load average ${loadavg()[0]?.toFixed(2)}`,
);
console.log('SIMULATED (not measured); illustrative models with a cv 15 % speed spread; paper pair (46 + 126 function cores)');
const dir = await mkdtemp(join(tmpdir(), 'isawatt-bench-robust-'));
try {
  const models = await noisyModels(dir);
  for (const world of WORLDS) {
    console.log(`\n${world} noise (plain: the point figures; robust: planned on a quantile of each speed):`);
    const runs: Pair[][] = [];
    for (const v of VARIANTS) {
      const all: Pair[] = [];
      for (let seed = 1; seed <= seeds; seed++) all.push(...(await simulate(models, seed, v, world)));
      runs.push(all);
    }
    const variants = VARIANTS;
    const label = (v: Variant): string => `robust q ${v.q} ${v.joint ? 'over the plan' : 'per function'}${v.arrivals ? ' + bursts' : ''}`.padEnd(37);
    // The plain plan is the same in every run (same seeds, truth and arrivals): shown once.
    console.log(`  ${'plain'.padEnd(37)} | ${summary(runs[0] ?? [], 'plain')}`);
    for (const [k, v] of variants.entries()) console.log(`  ${label(v)} | ${summary(runs[k] ?? [], 'robust')}`);
    // Like for like: only the cells the plan-wide plan could plan (it needs the most cores).
    const ref = runs[VARIANTS.findIndex((v) => v.joint && !v.arrivals)] ?? [];
    const keep = ref.map((p) => p.robust.allPct !== undefined && p.robust.allPct !== null);
    const only = (ps: readonly Pair[]): Pair[] => ps.filter((_, k) => keep[k]);
    console.log(`  the ${keep.filter(Boolean).length} cells the plan-wide plan fits (cell by cell, same cells):`);
    console.log(`  ${'plain'.padEnd(37)} | ${summary(only(runs[0] ?? []), 'plain')}`);
    for (const [k, v] of variants.entries()) console.log(`  ${label(v)} | ${summary(only(runs[k] ?? []), 'robust')}`);
  }
} finally {
  await rm(dir, { recursive: true, force: true });
}
console.log(`# done in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
