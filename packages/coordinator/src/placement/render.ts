// Human-readable and JSON renderings of plans, for `isawatt plan` and `isawatt deploy`.
// Tables are plain (no colour) so that they survive pipes and logs.
import { lazyRequire } from '@isawatt/common';
import type TableType from 'cli-table3';
import type { Plan } from './plan.js';
import { describeFigures, type PlacementProblem } from './problem.js';

// cli-table3 (with its colour and string-width helpers) loads only when a table is drawn: `plan
// --json` draws none, and its module set-up was ~1 ms of that run (bench/plan-cli.ts).
const tableLib = lazyRequire<typeof TableType>('cli-table3');

const plain = {
  style: { head: [] as string[], border: [] as string[] },
  // No rule between rows: one line per function keeps big plans readable.
  chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' },
};
const w = (x: number): string => x.toFixed(1);
/** A rate share: at most 3 decimals, no trailing zeros. */
const rate = (x: number): string => String(Math.round(x * 1000) / 1000);

function statusLine(plan: Plan): string {
  const parts = [
    `policy ${plan.policy}: ${plan.status}${plan.provenBy ? ` (proven by ${plan.provenBy})` : ''}`,
    `solver ${plan.solver}`,
    `${plan.solveTimeMs.toFixed(0)} ms`,
  ];
  if (plan.objective !== null) parts.push(`objective ${plan.objective.toFixed(plan.objectiveUnit === 'W' ? 2 : 0)} ${plan.objectiveUnit}`);
  if (plan.bound !== null) parts.push(`bound ${plan.bound.toFixed(plan.objectiveUnit === 'W' ? 2 : 0)} ${plan.objectiveUnit}`);
  if (plan.gapPct !== null) parts.push(`gap ${plan.gapPct.toFixed(2)} %`);
  if (plan.split)
    parts.push(
      `split: ${plan.split.extraReplicas} extra replica${plan.split.extraReplicas === 1 ? '' : 's'} at ${plan.split.replicaCost} ${plan.objectiveUnit} each`,
    );
  if (plan.moves !== undefined) parts.push(`${plan.moves} move${plan.moves === 1 ? '' : 's'}`);
  if (plan.robust) {
    const extra = plan.robust.extraCores;
    parts.push(
      `robust q=${plan.robust.quantile}${plan.robust.joint ? ` over the plan (each function on its ${Number((plan.robust.functionQuantile ?? 0).toPrecision(3))}-quantile)` : ''}${plan.robust.arrivals ? `, sized for ${plan.robust.arrivals} bursts` : ''}${extra !== undefined ? ` (${extra >= 0 ? '+' : ''}${extra} cores vs ${plan.robust.plainCores} planned on the point figures)` : ''}`,
    );
  }
  return parts.join(', ');
}

/**
 * Most rows of each table on the terminal. Bigger plans are summarised (the rows with the most
 * power, then one line saying what was left out): a table of 50,000 rows helps nobody, and
 * cli-table3 overflows the stack above ~150,000. `--json` always has everything.
 */
export const MAX_TABLE_ROWS = 100;

/** One policy: its assignments, then per-host totals (cores used of capacity, predicted watts). */
export function renderPlan(problem: PlacementProblem, plan: Plan, maxRows = MAX_TABLE_ROWS): string {
  const lines = [statusLine(plan)];
  if (problem.figures) lines.push(describeFigures(problem.figures));
  for (const r of plan.reasons) lines.push(`  - ${r}`);
  if (plan.assignments.length === 0) return lines.join('\n');
  const shown = plan.assignments.length > maxRows ? [...plan.assignments].sort((a, b) => b.powerW - a.powerW).slice(0, maxRows) : plan.assignments;
  if (plan.split) {
    // Split plans: one row per replica, with its share of the function's rate.
    const total = new Map<string, number>();
    for (const a of plan.assignments) total.set(a.function, (total.get(a.function) ?? 0) + a.rateRps);
    const t = new (tableLib())({
      head: ['function', 'host', 'cores', 'rate share (req/s)', 'share %', 'predicted power (W)'],
      colAligns: ['left', 'left', 'right', 'right', 'right', 'right'],
      ...plain,
    });
    for (const a of shown) {
      t.push([a.function, a.host, String(a.cores), rate(a.rateRps), ((a.rateRps / (total.get(a.function) ?? a.rateRps)) * 100).toFixed(1), w(a.powerW)]);
    }
    lines.push(t.toString());
  } else {
    const t = new (tableLib())({
      head: ['function', 'host', 'cores', 'rate (req/s)', 'predicted power (W)'],
      colAligns: ['left', 'left', 'right', 'right', 'right'],
      ...plain,
    });
    for (const a of shown) t.push([a.function, a.host, String(a.cores), String(a.rateRps), w(a.powerW)]);
    lines.push(t.toString());
  }
  if (shown.length < plan.assignments.length)
    lines.push(`(${shown.length} of ${plan.assignments.length} assignments shown, those with the most power; --json prints all)`);
  // Per-host totals in one pass over the assignments (not one filter per host); with split, a
  // function may appear on several hosts: each host counts its replica.
  const byHost = new Map<string, { functions: number; cores: number; powerW: number }>();
  for (const a of plan.assignments) {
    const e = byHost.get(a.host) ?? { functions: 0, cores: 0, powerW: 0 };
    e.functions++;
    e.cores += a.cores;
    e.powerW += a.powerW;
    byHost.set(a.host, e);
  }
  const rows = problem.hosts.map((host, i) => ({ host, idle: problem.idlePowerW[i] ?? 0, use: byHost.get(host.id) ?? { functions: 0, cores: 0, powerW: 0 } }));
  const hostRows = rows.length > maxRows ? [...rows].sort((a, b) => b.use.powerW - a.use.powerW).slice(0, maxRows) : rows;
  const h = new (tableLib())({
    head: ['host', 'arch', 'functions', 'cores used', 'predicted power (W)', 'idle power (W)'],
    colAligns: ['left', 'left', 'right', 'right', 'right', 'right'],
    ...plain,
  });
  for (const { host, idle, use } of hostRows) {
    h.push([host.id, host.arch, String(use.functions), `${use.cores} / ${host.cores}`, w(use.powerW), use.functions ? w(idle) : `${w(idle)} (parkable)`]);
  }
  if (hostRows.length < rows.length) {
    const rest = rows.length - hostRows.length;
    const parkable = rows.filter((r) => r.use.functions === 0).length;
    h.push([`(${rest} more hosts)`, '', '', '', '', `${parkable} parkable in all`]);
  }
  h.push([
    'total',
    '',
    String(new Set(plan.assignments.map((a) => a.function)).size),
    `${plan.totalCores} / ${problem.hosts.reduce((s, x) => s + x.cores, 0)}`,
    w(plan.predictedPowerW),
    w(plan.idlePowerOnW),
  ]);
  lines.push(h.toString());
  lines.push(
    `predicted power: ${w(plan.predictedPowerW)} W for the functions, ${w(plan.predictedPowerW + plan.idlePowerOnW)} W with the idle power of the hosts in use`,
  );
  return lines.join('\n');
}

/** Policies side by side. */
export function renderComparison(plans: readonly Plan[]): string {
  const t = new (tableLib())({
    head: ['policy', 'status', 'cores', 'hosts used', 'predicted W', 'W incl. idle', 'vs best', 'solve ms', 'gap %'],
    colAligns: ['left', 'left', 'right', 'right', 'right', 'right', 'right', 'right', 'right'],
    ...plain,
  });
  const ok = plans.filter((p) => p.assignments.length > 0);
  const best = ok.reduce((m, p) => Math.min(m, p.predictedPowerW + p.idlePowerOnW), Infinity);
  for (const p of plans) {
    const has = p.assignments.length > 0;
    const whole = p.predictedPowerW + p.idlePowerOnW;
    t.push([
      p.policy,
      p.status,
      has ? String(p.totalCores) : '-',
      has ? String(new Set(p.assignments.map((a) => a.host)).size) : '-',
      has ? w(p.predictedPowerW) : '-',
      has ? w(whole) : '-',
      has ? `+${(((whole - best) / best) * 100).toFixed(1)} %` : '-',
      p.solveTimeMs.toFixed(0),
      p.gapPct === null ? '-' : p.gapPct.toFixed(2),
    ]);
  }
  return t.toString();
}

/** JSON shape of a plan (stable field names; assignments as {function, host, cores, ...}). */
export function planToJson(plan: Plan): Record<string, unknown> {
  return {
    policy: plan.policy,
    status: plan.status,
    solver: plan.solver,
    ...(plan.provenBy !== undefined ? { provenBy: plan.provenBy } : {}),
    assignments: plan.assignments.map((a) => ({ function: a.function, host: a.host, cores: a.cores, rateRps: a.rateRps, powerW: a.powerW })),
    predictedPowerW: plan.predictedPowerW,
    idlePowerOnW: plan.idlePowerOnW,
    totalCores: plan.totalCores,
    objective: plan.objective,
    objectiveUnit: plan.objectiveUnit,
    bound: plan.bound,
    gapPct: plan.gapPct,
    solveTimeMs: plan.solveTimeMs,
    reasons: plan.reasons,
    ...(plan.split ? { split: plan.split } : {}),
    ...(plan.moves !== undefined ? { moves: plan.moves } : {}),
    ...(plan.robust ? { robust: plan.robust } : {}),
  };
}
