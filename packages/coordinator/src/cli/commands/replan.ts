// `isawatt replan`: a new plan for a new workload that starts from the live placement (the
// coordinator's assignments) and counts what moving costs: each placement of a function on a host
// that does not run it now costs --move-cost-j joules (its cold start) spread over --horizon-s
// seconds (so it is comparable with watts), and --max-moves caps how many such moves the plan may
// make. Prints the plan and the diff (kept / resized / moved / added / removed); with --apply,
// rolls it out in waves that start before they stop (assignments/transition.ts), one all-or-nothing
// deployment per wave.
// Exit codes: 0 planned (and applied); 1 no plan, or a wave failed (it was rolled back; earlier
// waves stay); 2 bad input; 3 coordinator unreachable.
import { EXIT, ExitError, type wire } from '@isawatt/common';
import type { Command } from 'commander';
import Table from 'cli-table3';
import { rollOut, transitionFor, type DeployWave } from '../../assignments/rollout.js';
import type { Entry } from '../../assignments/transition.js';
import { loadPlanProblem, parseFigures, parsePolicies } from '../../placement/inputs.js';
import { moveTerms } from '../../placement/moves.js';
import { planToJson, renderPlan } from '../../placement/render.js';
import { currentHosts, diffCounts, placementDiff, plannedPlacement, type DiffRow, type LivePlacement, type PlacedEntry } from '../../placement/replan-diff.js';
import type { CliContext } from '../context.js';
import { addConnectionOptions, connectionFromFlags, ControlClient } from '../control-client.js';
import { addPlanOptions, failOnMissingPlans, liveHostSpecs, planPolicies, type PlanFlags } from './plan.js';

/** Default energy of one move: a worker's cold start, roughly 0.5 s of one core at 20 W (an estimate). */
export const DEFAULT_MOVE_COST_J = 10;
/** Default time over which a move's energy is spread: rates change about hourly. */
export const DEFAULT_HORIZON_S = 3600;

interface ReplanFlags extends PlanFlags {
  maxMoves?: string;
  moveCostJ: string;
  horizonS: string;
  apply?: boolean;
  ackTimeoutMs: string;
}

function nonNegative(value: string, flag: string, integer = false): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0 || (integer && !Number.isInteger(n))) {
    throw new ExitError(EXIT.BAD_INPUT, `${flag}: expected ${integer ? 'a whole number' : 'a number'} >= 0, got "${value}"`);
  }
  return n;
}

/** The live placement: what every up host's current assignment runs (functions with cores > 0). */
export function livePlacement(hosts: readonly wire.Host__Output[]): LivePlacement {
  const out = new Map<string, PlacedEntry[]>();
  for (const h of hosts) {
    if (h.state !== 'HOST_STATE_UP') continue;
    for (const f of h.assignment?.functions ?? []) {
      if (f.cores <= 0) continue;
      const list = out.get(f.function) ?? [];
      list.push({ host: h.host_id, cores: f.cores, rateRps: f.rate_rps });
      out.set(f.function, list);
    }
  }
  return out;
}

const fmt = (es: readonly PlacedEntry[]): string => es.map((e) => `${e.host}:${e.cores}@${Math.round(e.rateRps * 1000) / 1000}`).join(', ') || '-';

export function renderDiff(rows: readonly DiffRow[]): string {
  const t = new Table({
    head: ['function', 'change', 'now (host:cores@req/s)', 'planned'],
    style: { head: [], border: [] },
    chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' },
  });
  for (const r of rows) t.push([r.function, r.change, fmt(r.from), fmt(r.to)]);
  const c = diffCounts(rows);
  return `${t.toString()}\n${c.kept} kept, ${c.resized} resized, ${c.moved} moved, ${c.added} added, ${c.removed} removed`;
}

/** One wave as one Control.Deploy call (all or nothing); `progress` gets a line per wave applied. */
export function cliDeployWave(client: ControlClient, ackTimeoutMs: number, label: string, progress: (line: string) => void): DeployWave {
  return async (wave, k, n) => {
    const res = await client.deploy({
      label: `${label} wave ${k + 1}/${n}`,
      ack_timeout_ms: ackTimeoutMs,
      hosts: [...wave].map(([hostId, es]: [string, readonly Entry[]]) => ({
        host_id: hostId,
        ack_timeout_ms: ackTimeoutMs,
        functions: es.map((e) => ({ function: e.function, cores: e.cores, rate_rps: e.rateRps, arrival: '' })),
      })),
    });
    if (res.ok) progress(`wave ${k + 1}/${n}: ${[...wave.keys()].join(', ')} ok\n`);
    return { ok: res.ok, error: res.error, rolledBack: res.rolled_back };
  };
}

export function registerReplan(program: Command, ctx: CliContext): void {
  const cmd = program
    .command('replan')
    .description('re-plan a new workload from the live placement with few moves; show the diff; --apply rolls it out (start before stop)');
  addConnectionOptions(
    addPlanOptions(cmd)
      .option('-p, --policy <name>', 'core-aware | energy-aware | energy-aware-whole', 'energy-aware')
      .option('--max-moves <k>', 'at most this many placements of a function on a host that does not run it now')
      .option('--move-cost-j <joules>', 'energy of one move (a cold start), in joules', String(DEFAULT_MOVE_COST_J))
      .option('--horizon-s <seconds>', 'how long the plan is expected to last: a move costs move-cost-j / horizon-s watts', String(DEFAULT_HORIZON_S))
      .option('--apply', 'roll the plan out (default: only show it)')
      .option('--ack-timeout-ms <ms>', 'how long the coordinator waits for each agent ack, per wave', '10000'),
  ).action(async (flags: ReplanFlags) => {
    const policies = parsePolicies(flags.policy);
    if (policies.length !== 1) throw new ExitError(EXIT.BAD_INPUT, `replan takes one policy, got "${flags.policy}"`);
    const policy = policies[0] as (typeof policies)[number];
    const maxMoves = flags.maxMoves === undefined ? undefined : nonNegative(flags.maxMoves, '--max-moves', true);
    const moveCostJ = nonNegative(flags.moveCostJ, '--move-cost-j');
    const horizonS = nonNegative(flags.horizonS, '--horizon-s');
    if (horizonS === 0) throw new ExitError(EXIT.BAD_INPUT, '--horizon-s: expected a number of seconds > 0, got "0"');
    const ackTimeoutMs = Number(flags.ackTimeoutMs);
    if (!Number.isInteger(ackTimeoutMs) || ackTimeoutMs <= 0)
      throw new ExitError(EXIT.BAD_INPUT, `--ack-timeout-ms: expected a positive number of ms, got "${flags.ackTimeoutMs}"`);

    const client = new ControlClient(connectionFromFlags(flags, ctx.io.env));
    try {
      const listed = (await client.listHosts()).hosts;
      const hosts = liveHostSpecs(listed, ctx.io.stderr);
      if (hosts.length === 0) throw new ExitError(EXIT.FAILURE, 'no live hosts registered with the coordinator');
      const live = livePlacement(listed);
      const problem = loadPlanProblem({ workload: flags.workload, models: flags.models, hosts, figures: parseFigures(flags.figures) });
      const movePrice = policy === 'core-aware' ? 0 : moveCostJ / horizonS;
      const terms = moveTerms(problem, currentHosts(live), movePrice, maxMoves);
      const [plan] = await planPolicies(problem, flags, { moves: terms });
      if (!plan) throw new ExitError(EXIT.FAILURE, 'no plan');
      const rows = plan.assignments.length ? placementDiff(live, plannedPlacement(plan)) : [];
      if (!flags.json) {
        ctx.io.stdout(renderPlan(problem, plan) + '\n\n');
        if (rows.length) ctx.io.stdout(renderDiff(rows) + '\n');
        ctx.io.stdout(
          `move price: ${moveCostJ} J per move over ${horizonS} s = ${movePrice.toFixed(6)} W${maxMoves !== undefined ? `, at most ${maxMoves} moves` : ''}\n`,
        );
      }
      if (plan.assignments.length === 0) {
        if (flags.json) ctx.io.stdout(JSON.stringify({ ...planToJson(plan), diff: [], applied: false }, null, 2) + '\n');
        failOnMissingPlans([plan]);
      }
      const transition = transitionFor(problem, live, plannedPlacement(plan));
      const result: Record<string, unknown> = {
        ...planToJson(plan),
        diff: rows,
        counts: diffCounts(rows),
        waves: transition.waves.map((w) => Object.fromEntries(w)),
        capacityDips: transition.dips,
        applied: false,
      };
      if (transition.dips.length && !flags.json) {
        ctx.io.stdout(
          `warning: no start-before-stop order exists for ${transition.dips.join(', ')} (full hosts swapping functions): their capacity dips during the last wave\n`,
        );
      }
      if (flags.apply) {
        const out = await rollOut(
          transition,
          cliDeployWave(client, ackTimeoutMs, `replan policy=${plan.policy} workload=${flags.workload}`, (line) => {
            if (!flags.json) ctx.io.stdout(line);
          }),
        );
        if (!out.applied) {
          if (flags.json) ctx.io.stdout(JSON.stringify({ ...result, applied: false, failedWave: out.failedWave, error: out.error }, null, 2) + '\n');
          throw new ExitError(
            EXIT.FAILURE,
            `replan wave ${out.failedWave} of ${transition.waves.length} failed: ${out.error}${out.rolledBack ? ' (that wave was rolled back; earlier waves stay applied)' : ''}`,
          );
        }
        result.applied = true;
        if (!flags.json) ctx.io.stdout(`applied in ${transition.waves.length} wave${transition.waves.length === 1 ? '' : 's'}\n`);
      } else if (!flags.json) {
        ctx.io.stdout(
          `not applied (add --apply to roll it out in ${transition.waves.length} wave${transition.waves.length === 1 ? '' : 's'}, start before stop)\n`,
        );
      }
      if (flags.json) ctx.io.stdout(JSON.stringify(result, null, 2) + '\n');
    } finally {
      client.close();
    }
  });
}
