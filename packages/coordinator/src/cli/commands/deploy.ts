// `isawatt deploy`: plans a workload over the coordinator's registered, live hosts (type from
// Hello.host_type, cores = number of Hello.function_cpus, idle power from Hello.idle_power_w),
// then pushes every host's assignment in one Control.Deploy call. The coordinator sends each agent
// its assignment, waits for every ack and rolls the whole deployment back to the previous
// assignment when one fails; this command prints what runs where, or the failed acks.
// Hosts that get no function receive an empty assignment (the new workload replaces the old one).
// Exit codes: 0 deployed; 1 no plan or a failed ack (rolled back); 2 bad input; 3 unreachable.
import { EXIT, ExitError, type wire } from '@isawatt/common';
import type { Command } from 'commander';
import { loadPlanProblem, parsePolicies } from '../../placement/inputs.js';
import type { Plan } from '../../placement/plan.js';
import { planToJson, renderPlan } from '../../placement/render.js';
import type { HostSpec } from '../../workload/types.js';
import type { CliContext } from '../context.js';
import { addConnectionOptions, connectionFromFlags, ControlClient } from '../control-client.js';
import { addPlanOptions, failOnMissingPlans, liveHostSpecs, planPolicies, type PlanFlags } from './plan.js';

/** One SetAssignmentRequest per live host, empty for hosts the plan leaves idle. */
export function toDeployRequest(plan: Plan, hosts: readonly HostSpec[], label: string, ackTimeoutMs: number): wire.DeployRequest {
  return {
    label,
    ack_timeout_ms: ackTimeoutMs,
    hosts: hosts.map((h) => ({
      host_id: h.id,
      ack_timeout_ms: ackTimeoutMs,
      functions: plan.assignments.filter((a) => a.host === h.id).map((a) => ({ function: a.function, cores: a.cores, rate_rps: a.rateRps, arrival: '' })),
    })),
  };
}

function ackLines(res: wire.DeployResponse__Output): string[] {
  return res.acks.map((a) => {
    const ack = a.ack;
    if (!ack) return `  ${a.host_id}: no ack`;
    if (!ack.ok) return `  ${a.host_id}: FAILED (${ack.error_code || 'error'}): ${ack.error}`;
    const cpus = ack.placements.map((p) => `${p.function} on CPUs ${p.cpus.join(',')}`).join('; ');
    return `  ${a.host_id}: ok, version ${ack.version}${cpus ? ` — ${cpus}` : ''}`;
  });
}

export function registerDeploy(program: Command, ctx: CliContext): void {
  const cmd = program.command('deploy').description('plan over the live hosts and push the assignments to their agents (all or nothing)');
  addConnectionOptions(
    addPlanOptions(cmd)
      .option('-p, --policy <name>', 'rr | x86-first | arm-first | core-aware | energy-aware | energy-aware-whole', 'energy-aware')
      .option('--ack-timeout-ms <ms>', 'how long the coordinator waits for each agent ack', '10000'),
  ).action(async (flags: PlanFlags & { ackTimeoutMs: string }) => {
    const policies = parsePolicies(flags.policy);
    if (policies.length !== 1) throw new ExitError(EXIT.BAD_INPUT, `deploy takes one policy, got "${flags.policy}"`);
    const ackTimeoutMs = Number(flags.ackTimeoutMs);
    if (!Number.isInteger(ackTimeoutMs) || ackTimeoutMs <= 0)
      throw new ExitError(EXIT.BAD_INPUT, `--ack-timeout-ms: expected a positive number of ms, got "${flags.ackTimeoutMs}"`);
    const client = new ControlClient(connectionFromFlags(flags, ctx.io.env));
    try {
      const hosts = liveHostSpecs((await client.listHosts()).hosts, ctx.io.stderr);
      if (hosts.length === 0) throw new ExitError(EXIT.FAILURE, 'no live hosts registered with the coordinator');
      const problem = loadPlanProblem({ workload: flags.workload, models: flags.models, hosts });
      const [plan] = await planPolicies(problem, flags);
      if (!plan) throw new ExitError(EXIT.FAILURE, 'no plan');
      if (!flags.json) ctx.io.stdout(renderPlan(problem, plan) + '\n\n');
      failOnMissingPlans([plan]);
      const res = await client.deploy(toDeployRequest(plan, hosts, `policy=${plan.policy} workload=${flags.workload}`, ackTimeoutMs));
      if (flags.json)
        ctx.io.stdout(JSON.stringify({ ...planToJson(plan), deployed: res.ok, rolledBack: res.rolled_back, error: res.error, acks: res.acks }, null, 2) + '\n');
      if (!res.ok) {
        if (!flags.json) ctx.io.stdout(['deployment failed:', ...ackLines(res)].join('\n') + '\n');
        throw new ExitError(EXIT.FAILURE, `deploy failed: ${res.error}${res.rolled_back ? ' (every host was rolled back to its previous assignment)' : ''}`);
      }
      if (!flags.json) ctx.io.stdout([`deployed to ${hosts.length} hosts (policy ${plan.policy}):`, ...ackLines(res)].join('\n') + '\n');
    } finally {
      client.close();
    }
  });
}
