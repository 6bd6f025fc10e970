// `isawatt simulate`: what-if at any scale. For each cell (mix × policy × load, or an ARM-share
// variant of the cluster), plans with the real planner on the models, then simulates the cluster
// second by second on the "true" behaviour (the models' spread, --model-error, --interference).
// Prints a table per cell (and sweep pivots), or --json; --save writes the RunRecords (kind
// 'simulated'), --report an HTML report with the charts. docs/cli.md, docs/simulation.md.
// Exit codes: 0 simulated (cells without a plan or missing rates are results, not failures);
// 2 bad input (flags, cluster/models files: one line per problem).
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ConfigError } from '@isawatt/common';
import type { Command } from 'commander';
import { parseBackend, parseRobustQuantile, parseSolver, robustJointFlag, robustArrivalsFlag, parseTimeLimitMs } from '../../placement/inputs.js';
import { shutdownMiniZinc } from '../../placement/minizinc-solver.js';
import { DEFAULT_TIME_LIMIT_MS } from '../../placement/planner.js';
import { COORDINATOR_VERSION } from '../../version.js';
import { CellRunner, parseMix, type CellOutcome } from '../../simulation/cells.js';
import type { ArrivalProcess } from '../../simulation/engine.js';
import { describeInterference, parseInterference } from '../../simulation/interference.js';
import { buildCells, savingsVsRr } from '../../simulation/matrix.js';
import { compareRuns, DEFAULT_TIE_PCT, loadMeasuredRuns, measuredRuns, modelsOfRuns, renderComparisonReport, replayCell } from '../../simulation/compare.js';
import type { RunRecord } from '../../results/run-record.js';
import { isRunId } from '../../results/run-record-schema.js';
import { addConnectionOptions, connectionFromFlags, ControlClient, type ConnectionFlags } from '../control-client.js';
import {
  loadSimulationInputs,
  parseArmShares,
  parseChoice,
  parseLoads,
  parsePercent,
  parsePolicyList,
  parsePositiveInt,
  parseSeed,
  SWEEP_ARM_SHARES,
  SWEEP_LOADS,
} from '../../simulation/options.js';
import { cellsToJson, renderCells, renderSweep } from '../../simulation/render.js';
import { renderRobustComparison, robustComparisonToJson, type RobustPair } from '../../simulation/robust-compare.js';
import { modelsHaveOpenLoop, modelsHaveSpread } from '../../simulation/truth.js';
import type { CliContext } from '../context.js';
import { parseHeadroom } from './run-options.js';

export interface SimulateFlags extends ConnectionFlags {
  cluster: string;
  models?: string;
  mixes: string;
  policies: string;
  load?: string;
  duration: string;
  modelError: string;
  interference: string;
  seed: string;
  arrivals: string;
  spread: boolean;
  rateTolerance: string;
  queueLimit: string;
  sweep?: string;
  armShares?: string;
  solver: string;
  backend: string;
  timeLimit: string;
  save?: string;
  compare?: string[];
  rankTie: string;
  headroom: string;
  maxReplicaCores?: string;
  report?: string;
  json?: boolean;
  robustQuantile?: string;
  robustJoint?: boolean;
  robustArrivals?: string;
  colocationNoise: string;
}

/**
 * `--compare` items: files and directories are read as they are; anything else that looks like an
 * experiment or run id is fetched from the coordinator (every run of an experiment, or the run).
 */
async function measuredFrom(items: readonly string[], flags: SimulateFlags, ctx: CliContext): Promise<RunRecord[]> {
  const paths = items.filter((i) => existsSync(i) || !isRunId(i));
  const ids = items.filter((i) => !paths.includes(i));
  const out = paths.length ? loadMeasuredRuns(paths) : [];
  if (ids.length === 0) return out;
  const client = new ControlClient(connectionFromFlags(flags, ctx.io.env));
  try {
    const sources = [];
    for (const id of ids) {
      const inExperiment = (await client.listRuns(id)).runs;
      const runIds = inExperiment.length > 0 ? inExperiment.map((r) => r.run_id) : [id];
      for (const r of runIds) sources.push({ label: `run ${r}`, doc: JSON.parse((await client.getRun(r)).record_json) as unknown });
    }
    return [...out, ...measuredRuns(sources, ids.join(', '))];
  } finally {
    client.close();
  }
}

/** Rows of host-seconds kept as a per-second power series in each record (beyond: none). */
const SERIES_LIMIT = 20_000;

export function registerSimulate(program: Command, ctx: CliContext): void {
  const cmd = program
    .command('simulate')
    .description('simulate mixes x policies x loads on a cluster of any size: real planner, simulated truth (tables, --json, --report)')
    .requiredOption('--cluster <file>', 'cluster file (YAML or JSON): host types and counts, parked hosts, PDU outlets')
    .option(
      '-m, --models <file>',
      'models file (YAML or JSON): what the planner believes; the truth is drawn from its spread (with --compare, default: the models stored with the runs)',
    )
    .option('--mixes <list>', 'comma list of mixes: general, crypto, media, scientific, web (or X-dominated)', 'general')
    .option('--policies <list>', 'comma list of policies, or all', 'all')
    .option('--load <list>', 'comma list of loads (share of the cluster function cores); default 0.2,0.5,0.8, or 0.1..1.0 with --sweep load')
    .option('--duration <s>', 'simulated seconds per cell', '60')
    .option('--model-error <pct>', 'extra error of the truth against the models: coefficient of variation in % (0..100)', '0')
    .option('--interference <model>', 'none | memory-bound[:PCT[:CAT+CAT]] | colocation[:PCT] (docs/simulation.md)', 'none')
    .option('--colocation-noise <pct>', "per-second co-location noise: each second each function's speed times a log-normal factor, cv in % (0..100)", '0')
    .option('--seed <n>', 'seed of the truth draws and the arrivals', '1')
    .option('--arrivals <process>', 'poisson (seeded) | constant (exactly the rate, every second)', 'poisson')
    .option('--no-spread', "ignore the models' spread: the truth is the models (plus --model-error)")
    .option('--rate-tolerance <pct>', 'a function meets its rate when it serves >= (100 - PCT) % of what was offered', '2')
    .option('--queue-limit <s>', 'queue bound per function, in seconds of its rate (beyond: dropped)', '10')
    .option('--headroom <fraction>', 'spare capacity planned above each rate, as isawatt run --headroom (replayed runs: their own)', '0')
    .option(
      '--max-replica-cores <n>',
      'split a function into replicas of at most N cores on every host type (default: on 1-2 hosts the largest host, else half the smallest)',
    )
    .option('--sweep <what>', 'load (loads 0.1..1.0 unless --load) | arm-share (cluster variants, --arm-shares)')
    .option('--arm-shares <list>', 'ARM shares of the hosts for --sweep arm-share (default 0,0.1,...,1)')
    .option(
      '--solver <name>',
      'planner solver: fast (in-process exact up to 500 cells, heuristic above) | auto (as isawatt plan: MiniZinc) | heuristic | bnb | gecode | highs | chuffed | cbc',
      'fast',
    )
    .option('--backend <name>', 'MiniZinc backend: auto | native | wasm', 'auto')
    .option('--time-limit <ms>', "the planner's time limit per plan, in milliseconds", String(DEFAULT_TIME_LIMIT_MS))
    .option('--save <dir>', 'write every cell as a RunRecord (kind simulated) to DIR/<id>.json')
    .option('--report <file>', 'write an HTML report (charts, tables, CSV) to FILE')
    .option(
      '--compare <path-or-id...>',
      'replay measured runs and compare energy and policy ranking: RunRecord JSON files, experiment files, directories of them, or experiment/run ids on the coordinator (--coordinator)',
    )
    .option(
      '--rank-tie <pct>',
      'with --compare: policies whose energies differ by at most PCT % rank as a tie (the measurement noise)',
      String(DEFAULT_TIE_PCT),
    )
    .option(
      '--robust-quantile <q>',
      "also plan every cell on this quantile of each function's speed across profiling bags (e.g. 0.1) and show robust and plain side by side",
    )
    .option('--robust-joint', "with --robust-quantile Q: Q is the plan's risk (any function below its rate); each of n functions planned on 1-(1-Q)^(1/n)")
    .option('--robust-arrivals <poisson>', 'with --robust-quantile: also size each function for one-second Poisson bursts (as plan --robust-arrivals)')
    .option('--json', 'print JSON instead of tables');
  addConnectionOptions(cmd).action(async (flags: SimulateFlags) => {
    // Flags first (cheap, exit 2), then files.
    const mixes = [...new Set(flags.mixes.split(',').map(parseMix))];
    const policies = parsePolicyList(flags.policies);
    const sweep = flags.sweep === undefined ? undefined : parseChoice('--sweep', flags.sweep, ['load', 'arm-share'] as const);
    const loads = flags.load !== undefined ? parseLoads(flags.load) : sweep === 'load' ? [...SWEEP_LOADS] : [0.2, 0.5, 0.8];
    const armShares = sweep === 'arm-share' ? (flags.armShares !== undefined ? parseArmShares(flags.armShares) : [...SWEEP_ARM_SHARES]) : undefined;
    if (flags.armShares !== undefined && sweep !== 'arm-share') throw new ConfigError(['--arm-shares: only with --sweep arm-share'], 'simulate options');
    const durationS = parsePositiveInt('--duration', flags.duration, 7 * 24 * 3600);
    const modelErrorPct = parsePercent('--model-error', flags.modelError, 100);
    const colocationNoisePct = parsePercent('--colocation-noise', flags.colocationNoise, 100);
    const interference = parseInterference(flags.interference);
    const seed = parseSeed(flags.seed);
    const arrivals = parseChoice<ArrivalProcess>('--arrivals', flags.arrivals, ['poisson', 'constant']);
    const rateTolerance = parsePercent('--rate-tolerance', flags.rateTolerance, 50) / 100;
    const rankTiePct = parsePercent('--rank-tie', flags.rankTie, 50);
    const queueLimitS = parsePositiveInt('--queue-limit', flags.queueLimit, 3600);
    const headroom = parseHeadroom(flags.headroom);
    const maxReplicaCores = flags.maxReplicaCores !== undefined ? parsePositiveInt('--max-replica-cores', flags.maxReplicaCores, 100_000) : undefined;
    const planOptions = {
      solver: flags.solver === 'fast' ? ('fast' as const) : parseSolver(flags.solver),
      backend: parseBackend(flags.backend),
      timeLimitMs: parseTimeLimitMs(flags.timeLimit),
      robustJoint: robustJointFlag(flags.robustJoint, flags.robustQuantile),
      robustArrivals: robustArrivalsFlag(flags.robustArrivals, flags.robustQuantile),
    };
    const robustQuantile = flags.robustQuantile === undefined ? undefined : parseRobustQuantile(flags.robustQuantile);
    if (robustQuantile !== undefined && flags.compare) throw new ConfigError(['--robust-quantile: not with --compare'], 'simulate options');
    // Measured runs first: with --compare and no --models, the replay plans on the runs' own models.
    const measured = flags.compare ? await measuredFrom(flags.compare, flags, ctx) : undefined;
    const stored = measured && flags.models === undefined ? modelsOfRuns(measured) : undefined;
    if (flags.models === undefined && !stored)
      throw new ConfigError(
        [measured ? '--models: the measured runs do not all carry the same stored models; give the models file' : '--models: required (a models file)'],
        'simulate options',
      );
    const modelsLabel = flags.models ?? `${stored?.file ?? ''} (stored with the measured runs)`;
    const { cluster, models } = loadSimulationInputs(flags.cluster, flags.models ?? { doc: stored?.models, label: modelsLabel });

    const startedAt = new Date().toISOString();
    const simulationId = `sim-${startedAt.replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}-s${seed}`;
    const spreadUsed = flags.spread && modelsHaveSpread(models);
    const about = [
      `cluster ${cluster.name} (${flags.cluster}): ${cluster.hosts.length} hosts, ${cluster.hosts.filter((h) => h.parked).length} parked`,
      `models ${modelsLabel}${models.source ? ` (${models.source})` : ''}: the planner's belief`,
      `truth: ${spreadUsed ? "drawn from the models' spread across bags" : flags.spread ? 'the models (they carry no spread)' : 'the models (--no-spread)'}${modelsHaveOpenLoop(models) ? ", each execution's cost taken at its placement's utilisation (open-loop figures)" : ''}${modelErrorPct > 0 ? ` × log-normal error, cv ${modelErrorPct} %` : ''}; interference ${describeInterference(interference)}${colocationNoisePct > 0 ? `; per-second co-location noise cv ${colocationNoisePct} %` : ''}`,
      `arrivals ${arrivals}, ${measured ? 'each measured run replayed for its own duration' : `${durationS} s per cell`}, seed ${seed}, rate tolerance ${rateTolerance * 100} %, planner solver ${planOptions.solver}`,
    ];
    const runner = new CellRunner({
      models,
      truth: { seed, useSpread: flags.spread, modelErrorCv: modelErrorPct / 100 },
      interference,
      engine: { durationS, seed, arrivals, queueLimitS, seriesLimit: SERIES_LIMIT, speedNoiseCv: colocationNoisePct / 100 },
      rateTolerance,
      planOptions,
      maxReplicaCores,
      simulationId,
      startedAt,
      inputs: {
        cluster: resolve(flags.cluster),
        clusterName: cluster.name,
        models: flags.models !== undefined ? resolve(flags.models) : modelsLabel,
        modelsSource: models.source,
        modelsProvenance: models.provenance,
        truth: { useSpread: spreadUsed, modelErrorPct },
        interference: describeInterference(interference),
        colocationNoisePct,
        arrivals,
        queueLimitS,
        headroom,
        isawattVersion: COORDINATOR_VERSION,
      },
    });
    const cells = measured
      ? measured.map((m) => replayCell(m, cluster.hosts))
      : buildCells({ cluster, mixes, policies, loads, armShares }).map((c) => ({ ...c, headroom }));
    const outcomes: CellOutcome[] = [];
    const pairs: RobustPair[] = [];
    try {
      for (const c of cells) {
        const plainOutcome = await runner.run(c);
        outcomes.push(plainOutcome);
        if (robustQuantile !== undefined) pairs.push({ plain: plainOutcome, robust: await runner.run(c, robustQuantile) });
      }
    } finally {
      shutdownMiniZinc();
    }
    const savings = savingsVsRr(outcomes);

    if (flags.save !== undefined) {
      mkdirSync(flags.save, { recursive: true });
      for (const o of outcomes) if (o.record) writeFileSync(join(flags.save, `${o.record.id}.json`), JSON.stringify(o.record) + '\n');
    }
    if (flags.report !== undefined) {
      // Loaded only when asked for: ECharts is most of the command's start-up otherwise.
      const { renderSimulationReport } = await import('../../simulation/report.js');
      writeFileSync(flags.report, renderSimulationReport({ title: `isawatt simulate: ${cluster.name}`, about, outcomes, savings, models }));
    }
    if (measured) {
      const comparison = compareRuns(measured, outcomes, 5, rankTiePct);
      if (flags.json)
        ctx.io.stdout(
          JSON.stringify(
            {
              simulation: {
                id: simulationId,
                seed,
                durationS: 'per measured run',
                interference: describeInterference(interference),
                modelErrorPct,
                energyQuality: 'simulated',
              },
              comparison,
            },
            null,
            2,
          ) + '\n',
        );
      else ctx.io.stdout(`SIMULATED vs MEASURED: ${about.join('; ')}\n\n${renderComparisonReport(comparison)}\n`);
      return;
    }
    if (flags.json) {
      const body = {
        simulation: {
          id: simulationId,
          startedAt,
          cluster: cluster.name,
          hosts: cluster.hosts.length,
          durationS,
          seed,
          arrivals,
          modelErrorPct,
          interference: describeInterference(interference),
          colocationNoisePct,
          truthFromSpread: spreadUsed,
          energyQuality: 'simulated',
        },
        cells: cellsToJson(outcomes, savings),
        ...(robustQuantile !== undefined ? { robustVsPlain: robustComparisonToJson(pairs, robustQuantile, planOptions.robustJoint === true) } : {}),
      };
      ctx.io.stdout(JSON.stringify(body, null, 2) + '\n');
      return;
    }
    ctx.io.stdout(`SIMULATED (not measured): ${about.join('; ')}\n\n`);
    ctx.io.stdout(renderCells(outcomes, savings) + '\n');
    const pivot = renderSweep(outcomes, savings, sweep === 'arm-share' ? 'arm-share' : 'load');
    if (pivot) ctx.io.stdout(`\n${pivot}\n`);
    if (robustQuantile !== undefined)
      ctx.io.stdout(
        `\nROBUST (q ${robustQuantile}${planOptions.robustJoint ? ' over each plan' : ''}) vs PLAIN, same truth and arrivals (simulated):\n${renderRobustComparison(pairs, robustQuantile)}\n`,
      );
    const noPlan = outcomes.filter((o) => !o.record);
    // Reasons name every host; on a big cluster a line per cell is kept short (--json has them all).
    const brief = (t: string): string => (t.length > 240 ? `${t.slice(0, 240)}… (--json for all)` : t);
    for (const o of noPlan)
      ctx.io.stdout(
        `no plan: ${o.spec.mix ?? ''} ${o.spec.policy} load ${o.spec.load ?? '-'}${o.spec.armShare !== undefined ? ` ARM share ${o.spec.armShare}` : ''}: ${brief(o.plan.reasons.join('; '))}\n`,
      );
    if (flags.save !== undefined) ctx.io.stdout(`records: ${outcomes.filter((o) => o.record).length} written to ${flags.save}\n`);
    if (flags.report !== undefined) ctx.io.stdout(`report: ${flags.report}\n`);
  });
}
