// `isawatt simulate` at the two sizes the issue names, printing wall time and peak RSS (asserts
// nothing; `npm run bench -- simulate` keeps the output in bench/results/simulate.txt):
//  1. the paper's matrix (5 mixes x 6 policies x 3 loads, 60 simulated s per cell) on the paper's
//     pair, through the CLI in a child process (start-up included) and in-process (CellRunner);
//  2. 1,000 hosts of 4 types (examples/cluster-1000.yaml) x 10,000 functions, one policy
//     (energy-aware), 600 simulated seconds, in a child process of its own so that its peak RSS is
//     its own: problem build, planner (heuristic: far above the 500 cells of exact solving),
//     simulation and record, each timed.
// Baseline in the same run: the planner alone on the same instance (its share of the total).
// The 10,000 functions are the 22 of examples/models-simulation.yaml copied with a seeded +-20 %
// jitter of E and W per copy and host type (as bench/placement.ts does); rates by the general mix.
//   node --conditions=source --import tsx bench/simulate.ts [--part all|matrix|scale] [--functions 10000] [--duration 600]
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { POLICIES } from '../packages/coordinator/src/placement/plan.js';
import { CellRunner, type SimulationSetup } from '../packages/coordinator/src/simulation/cells.js';
import { activeHosts, loadClusterFile } from '../packages/coordinator/src/simulation/cluster.js';
import { buildCells } from '../packages/coordinator/src/simulation/matrix.js';
import { loadModelsFile } from '../packages/coordinator/src/workload/parse.js';
import { MIXES, type Category, type FunctionModel, type HostTypeModel, type Models } from '../packages/coordinator/src/workload/types.js';
import { choiceOption, numberOption, parseBenchArgs } from './lib/options.js';

const url = import.meta.url;
const values = parseBenchArgs(url, {
  part: { type: 'string', default: 'all', description: 'all, matrix or scale' },
  functions: { type: 'string', default: '10000', description: 'functions of the scale part' },
  duration: { type: 'string', default: '600', description: 'simulated seconds of the scale part' },
});
choiceOption(url, 'part', values.part, ['all', 'matrix', 'scale'] as const);
numberOption(url, 'functions', values.functions, { integer: true, min: 1 });
numberOption(url, 'duration', values.duration, { above: 0 });
const root = fileURLToPath(new URL('..', import.meta.url));
const ex = (f: string): string => `${root}examples/${f}`;
const mb = (kb: number): string => (kb / 1024).toFixed(0);
const s = (ms: number): string => (ms / 1000).toFixed(2);
/** CPU time (user + system) of this process so far, ms: on a shared machine wall time is mostly waiting. */
const cpuMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

function setup(models: Models, durationS: number): SimulationSetup {
  return {
    models,
    truth: { seed: 1, useSpread: true, modelErrorCv: 0 },
    interference: { kind: 'none' },
    engine: { durationS, seed: 1, arrivals: 'poisson', queueLimitS: 10, seriesLimit: 20_000 },
    rateTolerance: 0.02,
    planOptions: { solver: 'fast', timeLimitMs: 10_000 },
    simulationId: 'bench',
    startedAt: new Date().toISOString(),
    inputs: {},
  };
}

async function matrixInProcess(): Promise<void> {
  const t0 = performance.now();
  const c0 = cpuMs();
  const cluster = loadClusterFile(ex('cluster-paper-pair.yaml'));
  const models = loadModelsFile(ex('models-simulation.yaml'));
  const runner = new CellRunner(setup(models, 60));
  const cells = buildCells({ cluster, mixes: MIXES, policies: POLICIES, loads: [0.2, 0.5, 0.8] });
  let plan = 0;
  let sim = 0;
  let planned = 0;
  for (const c of cells) {
    const o = await runner.run(c);
    plan += o.planTimeMs;
    sim += o.simTimeMs;
    if (o.record) planned++;
  }
  const wall = performance.now() - t0;
  console.log(
    `matrix in-process: ${cells.length} cells (${planned} planned), wall ${s(wall)} s (planner ${s(plan)} s, simulation ${s(sim)} s), CPU ${s(cpuMs() - c0)} s, peak RSS ${mb(process.resourceUsage().maxRSS)} MB`,
  );
}

function matrixCli(): void {
  const t0 = performance.now();
  // GNU time, when installed, gives the child's CPU time (Node has no rusage of children).
  const gnuTime = existsSync('/usr/bin/time');
  const cmd = gnuTime ? '/usr/bin/time' : process.execPath;
  const pre = gnuTime ? ['-f', 'cpu-s %U %S', process.execPath] : [];
  const r = spawnSync(
    cmd,
    [
      ...pre,
      `${root}packages/coordinator/bin/isawatt.cjs`,
      'simulate',
      '--cluster',
      ex('cluster-paper-pair.yaml'),
      '-m',
      ex('models-simulation.yaml'),
      '--mixes',
      'general,crypto,media,scientific,web',
      '--policies',
      'all',
      '--load',
      '0.2,0.5,0.8',
      '--duration',
      '60',
      '--json',
    ],
    { encoding: 'utf8', maxBuffer: 64 << 20 },
  );
  const wall = performance.now() - t0;
  if (r.status !== 0) {
    console.log(`matrix via CLI: FAILED (exit ${r.status}): ${r.stderr.slice(0, 500)}`);
    return;
  }
  const cells = (JSON.parse(r.stdout) as { cells: { metRates: boolean; energyJ: number | null }[] }).cells;
  const cpu = /cpu-s ([\d.]+) ([\d.]+)/.exec(r.stderr);
  const cpuText = cpu ? `, CPU ${(Number(cpu[1]) + Number(cpu[2])).toFixed(2)} s` : '';
  console.log(
    `matrix via CLI (isawatt simulate ... --json, process start-up included): ${cells.length} cells, ${cells.filter((c) => c.metRates).length} met their rates, wall ${s(wall)} s${cpuText}`,
  );
}

function jittered(base: Models, n: number): Models {
  let a = 12345;
  const r = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const names = Object.keys(base.categories);
  const categories: Record<string, Category> = {};
  const fnNames: string[] = [];
  for (let j = 0; j < n; j++) {
    const b = names[j % names.length] as string;
    const name = `${b}.${Math.floor(j / names.length)}`;
    fnNames.push(name);
    categories[name] = base.categories[b] as Category;
  }
  const hostTypes: Record<string, HostTypeModel> = {};
  for (const [t, tm] of Object.entries(base.hostTypes)) {
    const functions: Record<string, FunctionModel> = {};
    fnNames.forEach((name, j) => {
      const b = tm.functions[names[j % names.length] as string] as FunctionModel;
      functions[name] = { execPerSecPerCore: b.execPerSecPerCore * (0.8 + 0.4 * r()), energyPerExecJ: b.energyPerExecJ * (0.8 + 0.4 * r()) };
    });
    hostTypes[t] = { ...tm, functions };
  }
  return { source: 'bench: jittered copies of examples/models-simulation.yaml', hostTypes, categories };
}

async function scale(): Promise<void> {
  const n = Number(values.functions);
  const durationS = Number(values.duration);
  const t0 = performance.now();
  const cluster = loadClusterFile(ex('cluster-1000.yaml'));
  const models = jittered(loadModelsFile(ex('models-simulation.yaml')), n);
  const runner = new CellRunner(setup(models, durationS));
  const [cell] = buildCells({ cluster, mixes: ['general'], policies: ['energy-aware'], loads: [0.6] });
  if (!cell) throw new Error('no cell');
  const tb = performance.now();
  runner.problemFor(cell);
  const buildMs = performance.now() - tb;
  const o = await runner.run(cell);
  const wall = performance.now() - t0;
  const cpu = cpuMs();
  const r = o.record;
  const fnNotMet = r ? r.functions.filter((f) => !f.metRate).length : 0;
  console.log(
    `scale: ${activeHosts(cluster).length} active of ${cluster.hosts.length} hosts x ${n} functions, energy-aware, ${durationS} simulated s: ` +
      `plan ${o.plan.status} by ${o.plan.solver} (gap ${o.plan.gapPct?.toFixed(2) ?? '-'} %)`,
  );
  console.log(`scale: CPU ${s(cpu)} s (whole process, start-up included)`);
  console.log(
    `scale: wall ${s(wall)} s = models ${s(tb - t0)} s + problem ${s(buildMs)} s + planner ${s(o.planTimeMs)} s + simulation and record ${s(o.simTimeMs)} s`,
  );
  console.log(
    `scale: peak RSS ${mb(process.resourceUsage().maxRSS)} MB; ${r ? `${(r.energyJ / 3.6e6).toFixed(2)} kWh simulated, ${fnNotMet} of ${n} functions missed their rates` : `no plan: ${o.plan.reasons.join('; ')}`}`,
  );
}

const part = values.part;
if (part === 'matrix') await matrixInProcess();
else if (part === 'scale') await scale();
else {
  console.log(
    `simulate bench: load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  await matrixInProcess();
  matrixCli();
  // Its own process: the peak RSS of the big run is not the matrix's.
  const child = spawnSync(
    process.execPath,
    [...process.execArgv, fileURLToPath(import.meta.url), '--part', 'scale', '--functions', values.functions, '--duration', values.duration],
    { encoding: 'utf8', stdio: 'inherit' },
  );
  if (child.status !== 0) console.log(`scale: FAILED (exit ${child.status ?? child.signal})`);
}
