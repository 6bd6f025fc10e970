// `isawatt experiment`: the paper's experiment on the live hosts. For every repeat, every
// (mix, policy) cell in a seeded random order: idle settling (nothing deployed), then one run
// (run-engine.ts) of the mix's workload under the policy. Every run is stored on the coordinator
// with the experiment's id, so `--resume ID` skips the cells already done and continues in the
// same order. At the end: per cell the energy over the repeats (median, spread), whether the runs
// met their rates, and each policy's saving against round-robin in the same mix, measured and
// predicted. Exit codes: 0 every run met its rates; 1 some run missed its rates or failed;
// 2 bad input; 3 coordinator unreachable; 130 interrupted (resumable).
import { ConfigError, EXIT, ExitError, msToS, sToMs } from '@isawatt/common';
import Table from 'cli-table3';
import type { Command } from 'commander';
import { cellKey, experimentOrder, parseMixes, parsePolicyList, type Cell } from '../../experiment/matrix.js';
import { parseBackend, parseFigures, parseSolver, parseTimeLimitMs } from '../../placement/inputs.js';
import { shutdownMiniZinc } from '../../placement/minizinc-solver.js';
import { DEFAULT_TIME_LIMIT_MS, plan as planPolicy } from '../../placement/planner.js';
import { buildProblem, describeFigures, hostTypeIssues, type FiguresChoice } from '../../placement/problem.js';
import { summariseCells, type CellSummary } from '../../report/experiment-summary.js';
import type { RunRecord } from '../../results/run-record.js';
import { isRunId, parseRunRecord } from '../../results/run-record-schema.js';
import { executeRun } from '../../run/run-engine.js';
import { runJsonSummary } from '../../run/render-run.js';
import { loadModelsFile } from '../../workload/parse.js';
import { resolveWorkload } from '../../workload/resolve.js';
import type { HostSpec, MixName, Models } from '../../workload/types.js';
import type { PolicyName } from '../../placement/plan.js';
import type { CliContext } from '../context.js';
import { addConnectionOptions, connectionFromFlags, ControlClient, type ConnectionFlags } from '../control-client.js';
import { progressBar } from '../progress.js';
import { addRobustOptions, liveHostSpecs, robustOptionsFromFlags, type RobustFlags } from './plan.js';
import { DEFAULT_RUN_HEADROOM, interruptSignal, parseAckTimeout, parseHeadroom, parseSeconds, parseTolerance } from './run-options.js';

interface ExperimentFlags extends ConnectionFlags, RobustFlags {
  models: string;
  mixes: string;
  policies: string;
  duration: string;
  warmup: string;
  settle: string;
  load: string;
  repeat: string;
  seed: string;
  resume?: string;
  functions?: string;
  tolerance: string;
  headroom: string;
  ackTimeoutMs: string;
  solver: string;
  backend: string;
  timeLimit: string;
  figures?: string;
  json?: boolean;
}

/** What must match for `--resume` to continue an experiment (stored in every run's inputs). */
interface ExperimentSpec {
  mixes: MixName[];
  policies: PolicyName[];
  repeat: number;
  seed: number;
  load: number;
  durationS: number;
  warmupS: number;
  functions: string[] | null;
  modelsFile: string;
  /** Spare capacity planned above each rate (problem.ts); absent in records before it existed (0). */
  headroom: number;
  /** Figures the plans were made on (problem.ts); absent in records before it existed (saturated). */
  figures: FiguresChoice;
  /**
   * Robust planning (--robust-quantile Q [--robust-joint] [--robust-arrivals poisson]): null for
   * plans on the point figures, and in records from before the experiment took it.
   */
  robust: { quantile: number; joint: boolean; arrivals: 'poisson' | null } | null;
}

/**
 * What runs stored before a flag existed were made with: no spare capacity before --headroom, the
 * saturated figures before --figures (the only ones models files had), the point figures before
 * --robust-quantile. `--resume` compares these with the flags given now.
 */
const SPEC_BEFORE_ITS_FLAG = { headroom: 0, figures: 'saturated', robust: null } as const satisfies Partial<ExperimentSpec>;

function positiveInt(value: string, flag: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 1000) throw new ExitError(EXIT.BAD_INPUT, `${flag}: expected a whole number from 1 to 1000, got "${value}"`);
  return n;
}

function wholeNumber(value: string, flag: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 0) throw new ExitError(EXIT.BAD_INPUT, `${flag}: expected a whole number >= 0, got "${value}"`);
  return n;
}

function newExperimentId(): string {
  return `exp-${new Date()
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z')}-${Math.random().toString(36).slice(2, 6)}`;
}

function problemFor(cell: Cell, spec: ExperimentSpec, hosts: readonly HostSpec[], models: Models) {
  try {
    const issues = hostTypeIssues(hosts, models);
    if (issues.length) throw new ConfigError(issues, 'experiment');
    const functions = resolveWorkload({ kind: 'mix', mix: cell.mix, load: spec.load, functions: spec.functions ?? undefined }, hosts, models);
    return buildProblem(hosts, models, functions, { headroom: spec.headroom, figures: spec.figures });
  } catch (err) {
    if (err instanceof ConfigError) throw new ExitError(EXIT.BAD_INPUT, err.message);
    throw err;
  }
}

export function renderCells(cells: readonly CellSummary[]): string {
  const t = new Table({
    head: [
      'mix',
      'policy',
      'runs',
      'met rates',
      'energy J (median)',
      'spread (min-max)',
      'std J',
      'predicted J',
      'saving vs rr',
      'predicted saving',
      'quality',
    ],
    colAligns: ['left', 'left', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'left'],
    style: { head: [], border: [] },
    chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' },
  });
  const pct = (x: number | undefined): string => (x === undefined ? '-' : `${x.toFixed(1)} %`);
  for (const c of cells) {
    t.push([
      c.mix,
      c.policy,
      String(c.runs),
      `${c.metRates}/${c.runs}`,
      c.energyMedianJ.toFixed(1),
      `${c.energyMinJ.toFixed(1)}-${c.energyMaxJ.toFixed(1)}`,
      c.energyStdJ.toFixed(1),
      c.predictedMeanJ.toFixed(1),
      pct(c.savingVsRrPct),
      pct(c.predictedSavingVsRrPct),
      c.quality.toUpperCase(),
    ]);
  }
  return t.toString();
}

export function registerExperiment(program: Command, ctx: CliContext): void {
  const cmd = program
    .command('experiment')
    .description("the paper's experiment: mixes x policies x repeats on the live hosts, energy per cell and saving vs round-robin");
  addConnectionOptions(
    addRobustOptions(
      cmd
        .requiredOption('-m, --models <file>', 'models file (YAML or JSON): rates of each mix are derived from it')
        .option('--mixes <list>', 'general, crypto, media, scientific, web (comma list)', 'general,crypto,media,scientific,web')
        .option('--policies <list>', 'comma list of policies, or all', 'rr,x86-first,arm-first,core-aware,energy-aware,energy-aware-whole')
        .requiredOption('-d, --duration <s>', 'measured window of each run, seconds')
        .option('--warmup <s>', 'seconds between deployment and the measured window of each run', '5')
        .option('--settle <s>', 'idle seconds (nothing deployed) before each run', '5')
        .option('--load <fraction>', "share of the cluster's function cores each mix is sized for", '0.5')
        .option('--repeat <k>', 'repeats of the whole matrix (each in its own random order)', '1')
        .option('--seed <n>', 'seed of the run order', '1')
        .option('--functions <list>', 'functions the mixes draw from (comma list; default every function with a category)')
        .option('--resume <id>', 'continue this experiment: skip the cells it already stored')
        .option('--tolerance <fraction>', 'a function meets its rate at >= (1 - tolerance) x R_j', '0.02')
        .option('--headroom <fraction>', 'spare capacity planned above each rate: cores = ceil(R_j x (1 + headroom) / E_ij)', String(DEFAULT_RUN_HEADROOM))
        .option('--ack-timeout-ms <ms>', 'how long the coordinator waits for each agent ack', '30000')
        .option('--solver <name>', 'auto | heuristic | bnb | gecode | highs | chuffed | cbc', 'auto')
        .option('--backend <name>', 'MiniZinc backend: auto | native | wasm', 'auto')
        .option('--time-limit <ms>', 'time limit of the exact solver, in milliseconds', String(DEFAULT_TIME_LIMIT_MS))
        .option(
          '--figures <which>',
          "open-loop: each function's cost at run utilisation (the models' openLoop) where measured, else saturated; saturated: E_ij / W_ij everywhere",
          'open-loop',
        ),
    ).option('--json', 'print JSON: every run (mix, policy, met rates, energy, predicted) and the cells'),
  ).action(async (flags: ExperimentFlags) => {
    const robustOpts = robustOptionsFromFlags(flags);
    const spec: ExperimentSpec = {
      mixes: parseMixes(flags.mixes),
      policies: parsePolicyList(flags.policies),
      repeat: positiveInt(flags.repeat, '--repeat'),
      seed: wholeNumber(flags.seed, '--seed'),
      load: Number(flags.load),
      durationS: parseSeconds(flags.duration, '--duration'),
      warmupS: parseSeconds(flags.warmup, '--warmup', true),
      functions: flags.functions
        ? flags.functions
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean)
        : null,
      modelsFile: flags.models,
      headroom: parseHeadroom(flags.headroom),
      figures: parseFigures(flags.figures),
      robust:
        robustOpts.robustQuantile === undefined
          ? null
          : { quantile: robustOpts.robustQuantile, joint: robustOpts.robustJoint === true, arrivals: robustOpts.robustArrivals ?? null },
    };
    if (!(spec.load > 0 && spec.load <= 1)) throw new ExitError(EXIT.BAD_INPUT, `--load: expected a fraction in (0, 1], got "${flags.load}"`);
    const settleS = parseSeconds(flags.settle, '--settle', true);
    const rateTolerance = parseTolerance(flags.tolerance);
    const ackTimeoutMs = parseAckTimeout(flags.ackTimeoutMs);
    const planOpts = { solver: parseSolver(flags.solver), backend: parseBackend(flags.backend), timeLimitMs: parseTimeLimitMs(flags.timeLimit), ...robustOpts };
    if (flags.resume !== undefined && !isRunId(flags.resume))
      throw new ExitError(EXIT.BAD_INPUT, `--resume: not an experiment id: "${flags.resume.slice(0, 64)}"`);
    let models: Models;
    try {
      models = loadModelsFile(flags.models);
    } catch (err) {
      if (err instanceof ConfigError) throw new ExitError(EXIT.BAD_INPUT, err.message);
      throw err;
    }
    const experimentId = flags.resume ?? newExperimentId();
    const client = new ControlClient(connectionFromFlags(flags, ctx.io.env));
    const interrupt = interruptSignal();
    const records: RunRecord[] = [];
    const failures: string[] = [];
    try {
      const hosts = liveHostSpecs((await client.listHosts()).hosts, ctx.io.stderr);
      if (hosts.length === 0) throw new ExitError(EXIT.FAILURE, 'no live hosts registered with the coordinator');
      const done = new Set<string>();
      if (flags.resume) {
        for (const s of (await client.listRuns(experimentId)).runs) {
          const r = parseRunRecord(JSON.parse((await client.getRun(s.run_id)).record_json), `run ${s.run_id}`);
          const stored = r.inputs.experiment as Partial<ExperimentSpec> | undefined;
          for (const k of ['mixes', 'policies', 'repeat', 'seed', 'load', 'durationS', 'warmupS', 'functions', 'headroom', 'figures', 'robust'] as const) {
            const was = k in SPEC_BEFORE_ITS_FLAG ? (stored?.[k] ?? SPEC_BEFORE_ITS_FLAG[k as keyof typeof SPEC_BEFORE_ITS_FLAG]) : stored?.[k];
            if (stored && JSON.stringify(was) !== JSON.stringify(spec[k])) {
              throw new ExitError(
                EXIT.BAD_INPUT,
                `--resume ${experimentId}: ${k} was ${JSON.stringify(was)} in the stored runs, ${JSON.stringify(spec[k])} now; give the same flags`,
              );
            }
          }
          done.add(cellKey(r));
          records.push(r);
        }
      }
      const order = experimentOrder(spec.mixes, spec.policies, spec.repeat, spec.seed);
      const todo = order.filter((c) => !done.has(cellKey(c)));
      const perRunS = settleS + spec.warmupS + spec.durationS + 4;
      ctx.io.stderr(
        `experiment ${experimentId}: ${order.length} runs (${todo.length} to do), about ${Math.ceil((todo.length * perRunS) / 60)} min; resume with --resume ${experimentId}\n`,
      );
      const bar = progressBar(todo.length * perRunS, !flags.json && ctx.io.stdoutIsTty);
      try {
        for (const [n, cell] of todo.entries()) {
          const label = `${n + 1}/${todo.length} ${cell.mix} x ${cell.policy} (repeat ${cell.repeat + 1})`;
          const base = n * perRunS;
          const settleEnd = Date.now() + sToMs(settleS);
          while (Date.now() < settleEnd) {
            if (interrupt.signal.aborted) throw new ExitError(130, `interrupted; resume with --resume ${experimentId}`);
            bar.update(base + settleS - msToS(settleEnd - Date.now()), `${label}: settling`);
            await new Promise((r) => setTimeout(r, Math.min(500, Math.max(0, settleEnd - Date.now()))));
          }
          const problem = problemFor(cell, spec, hosts, models);
          if (n === 0 && problem.figures) ctx.io.stderr(`${describeFigures(problem.figures)}\n`);
          let plan;
          try {
            plan = await planPolicy(problem, cell.policy, planOpts);
          } catch (err) {
            if (err instanceof ConfigError) throw new ExitError(EXIT.BAD_INPUT, err.message);
            throw err;
          }
          if (plan.assignments.length === 0) {
            failures.push(`${cell.mix} x ${cell.policy} (repeat ${cell.repeat + 1}): no plan: ${plan.status}: ${plan.reasons.join('; ')}`);
            continue;
          }
          try {
            const record = await executeRun(client, {
              problem,
              plan,
              durationS: spec.durationS,
              warmupS: spec.warmupS,
              rateTolerance,
              ackTimeoutMs,
              experimentId,
              mix: cell.mix,
              load: spec.load,
              repeat: cell.repeat,
              seed: spec.seed,
              inputs: {
                modelsFile: flags.models,
                modelsSource: models.source,
                modelsProvenance: models.provenance,
                models,
                solver: flags.solver,
                headroom: spec.headroom,
                figures: problem.figures,
                hosts,
                experiment: spec,
              },
              signal: interrupt.signal,
              onProgress: (phase, d) =>
                bar.update(
                  base + settleS + (phase === 'measure' ? spec.warmupS + d : phase === 'warmup' ? d : phase === 'undeploy' ? spec.warmupS + spec.durationS : 0),
                  `${label}: ${phase}`,
                ),
            });
            records.push(record);
            // How the deployment came up, so that a run that misses its rates explains itself.
            const ready = record.deploy
              ? `; workers ready after ${record.deploy.readyS.toFixed(1)} s (${Object.entries(record.deploy.workersByHost)
                  .map(([h, n]) => `${h} ${n}`)
                  .join(', ')})`
              : '';
            if (!record.metRates)
              failures.push(
                `${cell.mix} x ${cell.policy} (repeat ${cell.repeat + 1}): run ${record.id} missed its rates: ${record.functions
                  .filter((f) => !f.metRate)
                  .map((f) => `${f.name} (${f.reason ?? ''})`)
                  .join('; ')}${ready}`,
              );
            if (!flags.json && !ctx.io.stdoutIsTty)
              ctx.io.stdout(
                `${label}: run ${record.id}, ${record.energyJ.toFixed(1)} J ${record.energyQuality}, predicted ${record.predictedEnergyJ.toFixed(1)} J, ${record.metRates ? 'meets its rates' : 'MISSES its rates'}${ready}\n`,
              );
          } catch (err) {
            if (err instanceof ExitError && err.exitCode === 130) throw new ExitError(130, `interrupted; resume with --resume ${experimentId}`);
            if (err instanceof ExitError && err.exitCode === EXIT.FAILURE)
              failures.push(`${cell.mix} x ${cell.policy} (repeat ${cell.repeat + 1}): ${err.message}`);
            else throw err;
          }
        }
      } finally {
        bar.stop();
        shutdownMiniZinc();
      }
      const cells = summariseCells(records);
      const met = records.filter((r) => r.metRates).length;
      if (flags.json) {
        ctx.io.stdout(JSON.stringify({ experimentId, runs: records.map(runJsonSummary), cells, failures }, null, 2) + '\n');
      } else {
        ctx.io.stdout(`\nexperiment ${experimentId}: ${met}/${records.length} runs met their rates\n${renderCells(cells)}\n`);
        for (const f of failures) ctx.io.stdout(`  - ${f}\n`);
        ctx.io.stdout(`report: isawatt report ${experimentId} --out report.html\n`);
      }
      if (failures.length > 0) ctx.setExitCode(EXIT.FAILURE);
    } finally {
      interrupt.dispose();
      client.close();
    }
  });
}
