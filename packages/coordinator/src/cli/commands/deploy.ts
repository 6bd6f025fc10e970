// `isawatt deploy`: plans a workload over the coordinator's registered, live hosts (type from
// Hello.host_type, cores = number of Hello.function_cpus, idle power from Hello.idle_power_w),
// then rolls the plan out over what runs now in the same start-before-stop waves as `replan
// --apply` (assignments/rollout.ts): a function's new replicas start before its old ones stop, so
// its capacity never drops below its rate while a live placement changes (on an empty cluster
// there is one wave). Each wave is one Control.Deploy call: the coordinator sends each agent its
// assignment, waits for every ack and rolls that wave back when one fails (earlier waves stay).
// Hosts the plan leaves idle are emptied (the new workload replaces the old one).
// Exit codes: 0 deployed; 1 no plan or a failed ack (rolled back); 2 bad input; 3 unreachable.
import { EXIT, ExitError, type wire } from '@isawatt/common';
import type { Command } from 'commander';
import { rollOut, transitionFor } from '../../assignments/rollout.js';
import { loadPlanProblem, parseFigures, parsePolicies } from '../../placement/inputs.js';
import { plannedPlacement } from '../../placement/replan-diff.js';
import type { Plan } from '../../placement/plan.js';
import { planToJson, renderPlan } from '../../placement/render.js';
import type { HostSpec } from '../../workload/types.js';
import type { CliContext } from '../context.js';
import { addConnectionOptions, connectionFromFlags, ControlClient } from '../control-client.js';
import { addPlanOptions, failOnMissingPlans, liveHostSpecs, planPolicies, type PlanFlags } from './plan.js';
import { livePlacement } from './replan.js';

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
  const cmd = program.command('deploy').description('plan over the live hosts and roll the assignments out to their agents (start before stop)');
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
      const listed = (await client.listHosts()).hosts;
      const hosts = liveHostSpecs(listed, ctx.io.stderr);
      if (hosts.length === 0) throw new ExitError(EXIT.FAILURE, 'no live hosts registered with the coordinator');
      const problem = loadPlanProblem({ workload: flags.workload, models: flags.models, hosts, figures: parseFigures(flags.figures) });
      const [plan] = await planPolicies(problem, flags);
      if (!plan) throw new ExitError(EXIT.FAILURE, 'no plan');
      if (!flags.json) ctx.io.stdout(renderPlan(problem, plan) + '\n\n');
      failOnMissingPlans([plan]);
      const transition = transitionFor(problem, livePlacement(listed), plannedPlacement(plan));
      const acks: wire.HostAck__Output[] = [];
      let last: wire.DeployResponse__Output | undefined;
      const label = `policy=${plan.policy} workload=${flags.workload}`;
      const out = await rollOut(transition, async (wave, k, n) => {
        const res = await client.deploy({
          label: n > 1 ? `${label} wave ${k + 1}/${n}` : label,
          ack_timeout_ms: ackTimeoutMs,
          hosts: [...wave].map(([hostId, es]) => ({
            host_id: hostId,
            ack_timeout_ms: ackTimeoutMs,
            functions: es.map((e) => ({ function: e.function, cores: e.cores, rate_rps: e.rateRps, arrival: '' })),
          })),
        });
        last = res;
        if (res.ok) acks.push(...res.acks);
        return { ok: res.ok, error: res.error, rolledBack: res.rolled_back };
      });
      const waves = transition.waves.length;
      if (flags.json)
        ctx.io.stdout(
          JSON.stringify(
            {
              ...planToJson(plan),
              deployed: out.applied,
              waves,
              wavesApplied: out.wavesApplied,
              capacityDips: transition.dips,
              rolledBack: out.rolledBack ?? false,
              error: out.error ?? '',
              acks: out.applied ? acks : (last?.acks ?? []),
            },
            null,
            2,
          ) + '\n',
        );
      if (!out.applied) {
        if (!flags.json && last) ctx.io.stdout([`deployment failed in wave ${out.failedWave} of ${waves}:`, ...ackLines(last)].join('\n') + '\n');
        throw new ExitError(
          EXIT.FAILURE,
          `deploy failed: ${out.error}${out.rolledBack ? (out.wavesApplied > 0 ? ` (wave ${out.failedWave} was rolled back; the ${out.wavesApplied} wave(s) before it stay applied)` : ' (every host was rolled back to its previous assignment)') : ''}`,
        );
      }
      if (!flags.json) {
        if (transition.dips.length)
          ctx.io.stdout(`warning: no start-before-stop order exists for ${transition.dips.join(', ')}: their capacity dipped during the last wave\n`);
        ctx.io.stdout(
          (waves === 0
            ? [`already deployed: the live placement is the plan (policy ${plan.policy})`]
            : [
                `deployed to ${hosts.length} hosts (policy ${plan.policy}) in ${waves} wave${waves === 1 ? '' : 's'}, start before stop:`,
                ...ackLines({ ok: true, error: '', acks, rolled_back: false }),
              ]
          ).join('\n') + '\n',
        );
      }
    } finally {
      client.close();
    }
  });
}
