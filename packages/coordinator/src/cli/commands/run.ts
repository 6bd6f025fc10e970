// `isawatt run`: plans a workload over the live hosts under one policy, deploys it (all acks or
// rolled back), drives every function at its rate R_j for --duration seconds after --warmup, then
// undeploys and prints (or --json) per function the offered and achieved rates, latency, errors,
// drops, cores and host, per host the energy (PDU or the agent's source, labelled) beside the
// model's prediction, and whether the run met its rates. The record goes to the coordinator's
// state directory (`isawatt runs show ID`).
// Exit codes: 0 the run met its rates; 1 a function missed its rate, or no plan / failed deploy;
// 2 bad input; 3 coordinator unreachable; 130 interrupted (functions undeployed, no record).
import { EXIT, ExitError } from '@isawatt/common';
import type { Command } from 'commander';
import { parsePolicies } from '../../placement/inputs.js';
import { loadPlanProblem, parseFigures } from '../../placement/inputs.js';
import { renderPlan } from '../../placement/render.js';
import { loadModelsFile } from '../../workload/parse.js';
import { executeRun } from '../../run/run-engine.js';
import { renderRun, runJsonSummary } from '../../run/render-run.js';
import type { CliContext } from '../context.js';
import { addConnectionOptions, connectionFromFlags, ControlClient } from '../control-client.js';
import { progressBar } from '../progress.js';
import { addPlanOptions, failOnMissingPlans, liveHostSpecs, planPolicies, type PlanFlags } from './plan.js';
import { DEFAULT_RUN_HEADROOM, interruptSignal, parseAckTimeout, parseHeadroom, parseSeconds, parseTolerance } from './run-options.js';

interface RunFlags extends PlanFlags {
  duration: string;
  warmup: string;
  tolerance: string;
  headroom: string;
  ackTimeoutMs: string;
}

export function registerRun(program: Command, ctx: CliContext): void {
  const cmd = program.command('run').description('plan, deploy and drive a workload at its rates for a while, then measure rates and energy (a run record)');
  addConnectionOptions(
    addPlanOptions(cmd)
      .requiredOption('-p, --policy <name>', 'rr | x86-first | arm-first | core-aware | energy-aware | energy-aware-whole')
      .requiredOption('-d, --duration <s>', 'measured window, seconds')
      .option('--warmup <s>', 'seconds between deployment and the measured window', '5')
      .option('--tolerance <fraction>', 'a function meets its rate when it achieves at least (1 - tolerance) x R_j', '0.02')
      .option('--headroom <fraction>', 'spare capacity planned above each rate: cores = ceil(R_j x (1 + headroom) / E_ij)', String(DEFAULT_RUN_HEADROOM))
      .option('--ack-timeout-ms <ms>', 'how long the coordinator waits for each agent ack', '30000'),
  ).action(async (flags: RunFlags) => {
    const policies = parsePolicies(flags.policy);
    if (policies.length !== 1) throw new ExitError(EXIT.BAD_INPUT, `run takes one policy, got "${flags.policy}"`);
    const durationS = parseSeconds(flags.duration, '--duration');
    const warmupS = parseSeconds(flags.warmup, '--warmup', true);
    const rateTolerance = parseTolerance(flags.tolerance);
    const headroom = parseHeadroom(flags.headroom);
    const figures = parseFigures(flags.figures);
    const ackTimeoutMs = parseAckTimeout(flags.ackTimeoutMs);
    const client = new ControlClient(connectionFromFlags(flags, ctx.io.env));
    const interrupt = interruptSignal();
    try {
      const hosts = liveHostSpecs((await client.listHosts()).hosts, ctx.io.stderr);
      if (hosts.length === 0) throw new ExitError(EXIT.FAILURE, 'no live hosts registered with the coordinator');
      const problem = loadPlanProblem({ workload: flags.workload, models: flags.models, hosts, headroom, figures });
      const [plan] = await planPolicies(problem, flags);
      if (!plan) throw new ExitError(EXIT.FAILURE, 'no plan');
      failOnMissingPlans([plan]);
      if (!flags.json) ctx.io.stdout(renderPlan(problem, plan) + '\n\n');
      const bar = progressBar(warmupS + durationS, !flags.json && ctx.io.stdoutIsTty);
      let record;
      try {
        record = await executeRun(client, {
          problem,
          plan,
          durationS,
          warmupS,
          rateTolerance,
          ackTimeoutMs,
          inputs: {
            workloadFile: flags.workload,
            modelsFile: flags.models,
            models: loadModelsFile(flags.models),
            solver: flags.solver,
            headroom,
            figures: problem.figures,
            hosts,
          },
          signal: interrupt.signal,
          onProgress: (phase, done) =>
            bar.update(phase === 'measure' ? warmupS + done : phase === 'warmup' ? done : phase === 'undeploy' ? warmupS + durationS : 0, phase),
        });
      } finally {
        bar.stop();
      }
      if (flags.json) ctx.io.stdout(JSON.stringify({ ...runJsonSummary(record), record }, null, 2) + '\n');
      else ctx.io.stdout(renderRun(record) + '\n');
      if (!record.metRates) ctx.setExitCode(EXIT.FAILURE);
    } finally {
      interrupt.dispose();
      client.close();
    }
  });
}
