// `isawatt plan`: plans a workload on hosts (a file, or the coordinator's live hosts) under one
// policy, several, or all, and prints a table per policy plus, for several, a comparison.
// Exit codes: 0 every plan found; 1 some policy has no plan (the reasons are printed); 2 bad input;
// 3 coordinator unreachable (only without --hosts).
import { ConfigError, EXIT, ExitError, type wire } from '@isawatt/common';
import type { Command } from 'commander';
import {
  loadPlanProblem,
  parseBackend,
  parseFigures,
  parsePolicies,
  parseReplicaCost,
  parseRobustQuantile,
  parseSolver,
  robustJointFlag,
  robustArrivalsFlag,
  parseTimeLimitMs,
} from '../../placement/inputs.js';
import { shutdownMiniZinc } from '../../placement/minizinc-solver.js';
import type { Plan } from '../../placement/plan.js';
import { DEFAULT_TIME_LIMIT_MS, plan, type PlanOptions } from '../../placement/planner.js';
import type { PlacementProblem } from '../../placement/problem.js';
import type { HostSpec } from '../../workload/types.js';
import { planToJson, renderComparison, renderPlan } from '../../placement/render.js';
import type { CliContext } from '../context.js';
import { addConnectionOptions, connectionFromFlags, type ConnectionFlags } from '../connection-options.js';

export interface PlanFlags extends ConnectionFlags, RobustFlags {
  workload: string;
  hosts?: string;
  models: string;
  policy: string;
  solver: string;
  backend: string;
  timeLimit: string;
  json?: boolean;
  split?: boolean;
  replicaCost: string;
  figures?: string;
}

/** The flags of robust planning (addRobustOptions). */
export interface RobustFlags {
  robustQuantile?: string;
  robustJoint?: boolean;
  robustArrivals?: string;
}

/** Robust planning's options from its flags (bad values or a lone --robust-joint: exit 2). */
export function robustOptionsFromFlags(flags: RobustFlags): Pick<PlanOptions, 'robustQuantile' | 'robustJoint' | 'robustArrivals'> {
  return {
    robustQuantile: flags.robustQuantile === undefined ? undefined : parseRobustQuantile(flags.robustQuantile),
    robustJoint: robustJointFlag(flags.robustJoint, flags.robustQuantile),
    robustArrivals: robustArrivalsFlag(flags.robustArrivals, flags.robustQuantile),
  };
}

/** Planner options from the flags shared by plan, deploy and replan (bad values: exit 2). */
export function planOptionsFromFlags(flags: PlanFlags): PlanOptions {
  return {
    solver: parseSolver(flags.solver),
    backend: parseBackend(flags.backend),
    timeLimitMs: parseTimeLimitMs(flags.timeLimit),
    split: flags.split === true,
    replicaCost: parseReplicaCost(flags.replicaCost),
    ...robustOptionsFromFlags(flags),
  };
}

/** Live (UP) hosts as placement hosts; hosts that cannot be placed on are reported through `warn`. */
export function liveHostSpecs(hosts: readonly wire.Host__Output[], warn: (line: string) => void): HostSpec[] {
  const out: HostSpec[] = [];
  for (const h of hosts) {
    if (h.state !== 'HOST_STATE_UP') continue;
    const hello = h.hello;
    const arch = hello?.arch === 'ARCH_X86_64' ? 'x86_64' : hello?.arch === 'ARCH_AARCH64' ? 'aarch64' : null;
    const why = !hello
      ? 'no Hello'
      : !hello.host_type
        ? 'no host type in Hello'
        : !arch
          ? 'unknown arch'
          : hello.function_cpus.length === 0
            ? 'no function CPUs'
            : null;
    if (why || !hello || !arch) {
      warn(`isawatt: skipping host "${h.host_id}": ${why ?? 'unusable'}\n`);
      continue;
    }
    out.push({
      id: h.host_id,
      type: hello.host_type,
      arch,
      cores: hello.function_cpus.length,
      idlePowerW: hello.idle_power_w > 0 ? hello.idle_power_w : undefined,
    });
  }
  return out;
}

/** Plans every requested policy; shared by `plan` and `deploy`. Solver option errors are exit 2. */
export async function planPolicies(problem: PlacementProblem, flags: PlanFlags, extra: Partial<PlanOptions> = {}): Promise<Plan[]> {
  const policies = parsePolicies(flags.policy);
  const opts = { ...planOptionsFromFlags(flags), ...extra };
  const plans: Plan[] = [];
  try {
    for (const p of policies) {
      const robust = await plan(problem, p, opts);
      if (opts.robustQuantile === undefined || !robust.robust) {
        plans.push(robust);
        continue;
      }
      // What robustness costs: the same policy planned on the point figures, cores side by side.
      const plainPlan = await plan(problem, p, { ...opts, robustQuantile: undefined });
      const ok = robust.assignments.length > 0 && plainPlan.assignments.length > 0;
      plans.push({
        ...robust,
        robust: { ...robust.robust, plainCores: ok ? plainPlan.totalCores : undefined, extraCores: ok ? robust.totalCores - plainPlan.totalCores : undefined },
      });
    }
  } catch (err) {
    if (err instanceof ConfigError) throw new ExitError(EXIT.BAD_INPUT, err.message);
    throw err;
  } finally {
    shutdownMiniZinc();
  }
  return plans;
}

/** Options shared by plan and deploy. */
/** `--robust-quantile Q [--robust-joint] [--robust-arrivals poisson]` (placement/robust.ts). */
export function addRobustOptions(cmd: Command): Command {
  return cmd
    .option(
      '--robust-quantile <q>',
      "plan on this quantile of each function's executions/s per core across profiling bags (e.g. 0.1), and report the extra cores",
    )
    .option(
      '--robust-joint',
      'with --robust-quantile Q: Q is the risk that any function of the plan falls below its rate; each of the n functions is planned on its 1-(1-Q)^(1/n) quantile',
    )
    .option(
      '--robust-arrivals <poisson>',
      'with --robust-quantile: also size each function for one-second bursts of Poisson arrivals (half the risk each to speed and bursts)',
    );
}

export function addPlanOptions(cmd: Command): Command {
  return addRobustOptions(
    cmd
      .requiredOption('-w, --workload <file>', 'workload file (YAML or JSON): functions with rates, or a mix')
      .requiredOption('-m, --models <file>', 'models file (YAML or JSON): per host type, per function figures')
      .option('--solver <name>', 'auto | heuristic | bnb | gecode | highs | chuffed | cbc', 'auto')
      .option('--backend <name>', 'MiniZinc backend: auto (native if its minizinc has the solver, else wasm) | native | wasm', 'auto')
      .option('--time-limit <ms>', 'time limit of the exact solver, in milliseconds', String(DEFAULT_TIME_LIMIT_MS))
      .option('--split', 'allow a function to run on several hosts, each serving a share of its rate')
      .option('--replica-cost <n>', "with --split: objective cost of each replica beyond a function's first (W, or cores under core-aware)", '1'),
  )
    .option(
      '--figures <which>',
      "open-loop: each function's cost at run utilisation (the models' openLoop) where measured, else saturated; saturated: the saturated E_ij / W_ij everywhere",
      'open-loop',
    )
    .option('--json', 'print JSON instead of tables');
}

/** Throws ExitError(1) naming every policy that found no plan. */
export function failOnMissingPlans(plans: readonly Plan[]): void {
  const failed = plans.filter((p) => p.assignments.length === 0);
  if (failed.length) {
    throw new ExitError(EXIT.FAILURE, failed.map((p) => `${p.policy}: ${p.status}: ${p.reasons.join('; ')}`).join('\n'));
  }
}

export function registerPlan(program: Command, ctx: CliContext): void {
  const cmd = program.command('plan').description('plan where each function runs and on how many cores (tables, or --json)');
  addConnectionOptions(
    addPlanOptions(cmd)
      .option('-H, --hosts <file>', 'hosts file (YAML or JSON); default: the live hosts registered with the coordinator')
      .option('-p, --policy <name>', 'rr | x86-first | arm-first | core-aware | energy-aware | energy-aware-whole | all (or a comma list)', 'energy-aware'),
  ).action(async (flags: PlanFlags) => {
    parsePolicies(flags.policy); // reject a bad policy before reading files
    // Bad flags are exit 2 before the coordinator is asked (a typo is not "unreachable").
    const figures = parseFigures(flags.figures);
    let hosts: HostSpec[] | undefined;
    if (flags.hosts === undefined) {
      // gRPC is loaded only when the hosts come from the coordinator.
      const { ControlClient } = await import('../control-client.js');
      const client = new ControlClient(connectionFromFlags(flags, ctx.io.env));
      try {
        hosts = liveHostSpecs((await client.listHosts()).hosts, ctx.io.stderr);
      } finally {
        client.close();
      }
    }
    const problem = loadPlanProblem({ workload: flags.workload, models: flags.models, hostsFile: flags.hosts, hosts, figures });
    const plans = await planPolicies(problem, flags);
    if (flags.json) {
      const body =
        plans.length === 1 && flags.policy !== 'all'
          ? { ...planToJson(plans[0] as Plan), figures: problem.figures }
          : { figures: problem.figures, plans: plans.map((p) => planToJson(p)) };
      ctx.io.stdout(JSON.stringify(body, null, 2) + '\n');
    } else {
      ctx.io.stdout(`${problem.functions.length} functions on ${problem.hosts.length} hosts\n\n`);
      for (const p of plans) ctx.io.stdout(renderPlan(problem, p) + '\n\n');
      if (plans.length > 1) ctx.io.stdout(renderComparison(plans) + '\n');
    }
    failOnMissingPlans(plans);
  });
}
