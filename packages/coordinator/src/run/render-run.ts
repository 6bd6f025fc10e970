// Text tables of a run record for `isawatt run` and `isawatt runs show` (plain, no colour).
import Table from 'cli-table3';
import { FUNCTION_COLUMNS, HOST_COLUMNS } from '../results/run-columns.js';
import type { RunRecord } from '../results/run-record.js';

const plain = {
  style: { head: [] as string[], border: [] as string[] },
  chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' },
};
const f1 = (x: number): string => x.toFixed(1);
const f2 = (x: number): string => x.toFixed(2);

export function renderRun(r: RunRecord): string {
  const lines: string[] = [];
  const what = [r.mix ? `mix ${r.mix}` : undefined, `policy ${r.policy}`, r.repeat !== undefined ? `repeat ${r.repeat + 1}` : undefined]
    .filter(Boolean)
    .join(', ');
  lines.push(
    `run ${r.id} (${r.kind}${r.experimentId ? `, experiment ${r.experimentId}` : ''}): ${what}, ${r.durationS} s measured after ${r.warmupS} s warm-up`,
  );
  if (r.deploy !== undefined) {
    const workers = Object.entries(r.deploy.workersByHost)
      .map(([h, n]) => `${h} ${n}`)
      .join(', ');
    lines.push(`deployment: every worker started and warm ${f1(r.deploy.readyS)} s after the request (workers: ${workers || 'none'}); the load started then`);
  }
  const ft = new Table({ head: FUNCTION_COLUMNS.map((c) => c.head), colAligns: FUNCTION_COLUMNS.map((c) => c.align), ...plain });
  for (const f of r.functions) ft.push(FUNCTION_COLUMNS.map((c) => c.text(f)));
  lines.push(ft.toString());
  const ht = new Table({ head: HOST_COLUMNS.map((c) => c.head), colAligns: HOST_COLUMNS.map((c) => c.align), ...plain });
  for (const h of r.hosts) ht.push(HOST_COLUMNS.map((c) => c.text(h)));
  lines.push(ht.toString());
  const dev = r.predictedEnergyJ > 0 ? ` (${(((r.energyJ - r.predictedEnergyJ) / r.predictedEnergyJ) * 100).toFixed(1)} % vs the model)` : '';
  lines.push(`energy: ${f1(r.energyJ)} J ${r.energyQuality.toUpperCase()}, predicted ${f1(r.predictedEnergyJ)} J${dev}`);
  const missed = r.functions.filter((f) => !f.metRate);
  const tol = `${(r.rateTolerance * 100).toFixed(1)} %`;
  if (missed.length === 0)
    lines.push(`meets its rates: every function achieved at least ${(100 - r.rateTolerance * 100).toFixed(1)} % of its requested rate (tolerance ${tol})`);
  else {
    lines.push(`DOES NOT meet its rates (tolerance ${tol}):`);
    for (const f of missed) lines.push(`  - ${f.name}: achieved ${f2(f.achievedRps)} of ${f2(f.requestedRps)} req/s: ${f.reason ?? 'unknown'}`);
  }
  return lines.join('\n');
}

/** The fields `--json` of run/experiment lists per run. */
export function runJsonSummary(r: RunRecord): Record<string, unknown> {
  return {
    id: r.id,
    experimentId: r.experimentId,
    mix: r.mix,
    policy: r.policy,
    repeat: r.repeat,
    metRates: r.metRates,
    functionsMissingRate: r.functions
      .filter((f) => !f.metRate)
      .map((f) => ({ name: f.name, achievedRps: f.achievedRps, requestedRps: f.requestedRps, reason: f.reason })),
    energyJ: r.energyJ,
    energyQuality: r.energyQuality,
    predictedEnergyJ: r.predictedEnergyJ,
    ...(r.deploy !== undefined ? { deployReadyS: r.deploy.readyS, workersByHost: r.deploy.workersByHost } : {}),
  };
}
