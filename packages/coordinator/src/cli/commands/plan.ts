// `isawatt plan`: plans a workload on hosts (a file, or the coordinator's live hosts) under one
// policy, several, or all, and prints a table per policy plus, for several, a comparison.
// Exit codes: 0 every plan found; 1 some policy has no plan (the reasons are printed); 2 bad input.
import { ConfigError, EXIT, ExitError } from '@isawatt/common';
import { Command } from 'commander';
import { loadPlanProblem, parseBackend, parsePolicies, parseSolver, parseTimeLimitMs } from '../../placement/inputs.js';
import type { Plan } from '../../placement/plan.js';
import { DEFAULT_TIME_LIMIT_MS, plan } from '../../placement/planner.js';
import { planToJson, renderComparison, renderPlan } from '../../placement/render.js';
import { shutdownMiniZinc } from '../../placement/minizinc-solver.js';
import type { PlacementProblem } from '../../placement/problem.js';
import type { HostSpec } from '../../workload/types.js';

export interface PlanCommandDeps {
  /** Where output goes (default: process.stdout). */
  readonly write?: (text: string) => void;
  /** Live hosts from the coordinator, used when --hosts is not given. */
  readonly registryHosts?: () => Promise<HostSpec[]>;
}

export interface PlanFlags {
  workload: string;
  hosts?: string;
  models: string;
  policy: string;
  solver: string;
  backend: string;
  timeLimit: string;
  json?: boolean;
}

/** Plans every requested policy; shared by `plan` and `deploy`. */
export async function planPolicies(problem: PlacementProblem, flags: PlanFlags, signal?: AbortSignal): Promise<Plan[]> {
  const policies = parsePolicies(flags.policy);
  const opts = { solver: parseSolver(flags.solver), backend: parseBackend(flags.backend), timeLimitMs: parseTimeLimitMs(flags.timeLimit), signal };
  const plans: Plan[] = [];
  try {
    for (const p of policies) plans.push(await plan(problem, p, opts));
  } catch (err) {
    if (err instanceof ConfigError) throw new ExitError(EXIT.BAD_INPUT, err.message);
    throw err;
  } finally {
    shutdownMiniZinc();
  }
  return plans;
}

export function addPlanOptions(cmd: Command): Command {
  return cmd
    .requiredOption('-w, --workload <file>', 'workload file (YAML or JSON): functions with rates, or a mix')
    .requiredOption('-m, --models <file>', 'models file (YAML or JSON): per host type, per function figures')
    .option('--solver <name>', 'auto | heuristic | bnb | gecode | highs | chuffed | cbc', 'auto')
    .option('--backend <name>', 'MiniZinc backend: auto (native if installed) | native | wasm', 'auto')
    .option('--time-limit <ms>', 'time limit of the exact solver, in milliseconds', String(DEFAULT_TIME_LIMIT_MS))
    .option('--json', 'print JSON instead of tables');
}

export function planCommand(deps: PlanCommandDeps = {}): Command {
  const write = deps.write ?? ((t: string) => void process.stdout.write(t));
  const cmd = new Command('plan').description('plan where each function runs and on how many cores');
  addPlanOptions(cmd)
    .option('-H, --hosts <file>', 'hosts file (YAML or JSON); default: the live hosts registered with the coordinator')
    .option('-p, --policy <name>', 'rr | x86-first | arm-first | core-aware | energy-aware | energy-aware-whole | all (or a comma list)', 'energy-aware')
    .action(async (flags: PlanFlags) => {
      parsePolicies(flags.policy); // reject a bad policy before reading files
      let hosts: HostSpec[] | undefined;
      if (flags.hosts === undefined) {
        if (!deps.registryHosts) throw new ExitError(EXIT.BAD_INPUT, 'no --hosts file and no coordinator to ask for live hosts');
        hosts = await deps.registryHosts();
      }
      const problem = loadPlanProblem({ workload: flags.workload, models: flags.models, hostsFile: flags.hosts, hosts });
      const plans = await planPolicies(problem, flags);
      if (flags.json) {
        const body = plans.length === 1 && flags.policy !== 'all' ? planToJson(plans[0] as Plan) : { plans: plans.map(planToJson) };
        write(JSON.stringify(body, null, 2) + '\n');
      } else {
        write(`${problem.functions.length} functions on ${problem.hosts.length} hosts\n\n`);
        for (const p of plans) write(renderPlan(problem, p) + '\n\n');
        if (plans.length > 1) write(renderComparison(plans) + '\n');
      }
      const failed = plans.filter((p) => p.assignments.length === 0);
      if (failed.length) {
        throw new ExitError(EXIT.FAILURE, failed.map((p) => `${p.policy}: ${p.status}: ${p.reasons.join('; ')}`).join('\n'));
      }
    });
  return cmd;
}
