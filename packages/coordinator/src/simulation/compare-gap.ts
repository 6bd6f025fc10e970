// Where a replayed run's energy differs from the measured one: the simulated minus measured energy
// split into each function's dynamic energy (what the agent attributed to it in the measured run,
// what the engine charged it in the simulated one) and the rest (idle power and what attribution
// left unassigned). The function with the largest share of the gap is named with what explains it
// in the records themselves: its energy per execution measured vs simulated, the utilisation its
// cores ran at, and whether the load generator offered its requested rate (docs/simulation.md).
import type { FunctionResult, RunRecord } from '../results/run-record.js';
import { median } from '../profiling/aggregate.js';

export interface FunctionGap {
  readonly name: string;
  /** Host types of the measured placement, "+"-joined, with the cores held. */
  readonly where: string;
  /** Simulated minus measured dynamic energy, J. */
  readonly deltaJ: number;
  /** Measured energy per execution / simulated energy per execution (1 = the simulation was right). */
  readonly perExecRatio: number | undefined;
  /** Measured offered rate / requested rate. */
  readonly offeredRatio: number;
  readonly measuredMetRate: boolean;
}

export interface RunGap {
  /** Simulated minus measured energy, J. */
  readonly deltaJ: number;
  /** The function with the largest |deltaJ|, when both records carry per-function energy. */
  readonly largest?: FunctionGap | undefined;
  /** deltaJ minus every function's: idle power and unattributed energy. */
  readonly restJ: number | undefined;
}

const perExec = (f: FunctionResult, durationS: number): number | undefined =>
  f.energyJ !== undefined && f.achievedRps > 0 ? f.energyJ / (f.achievedRps * durationS) : undefined;

export function runGap(measured: RunRecord, simulated: RunRecord): RunGap {
  const deltaJ = simulated.energyJ - measured.energyJ;
  const sim = new Map(simulated.functions.map((f) => [f.name, f]));
  const typeOf = new Map(measured.hosts.map((h) => [h.id, h.type]));
  const gaps: FunctionGap[] = [];
  for (const m of measured.functions) {
    const s = sim.get(m.name);
    if (!s || m.energyJ === undefined || s.energyJ === undefined) return { deltaJ, restJ: undefined };
    const me = perExec(m, measured.durationS);
    const se = perExec(s, simulated.durationS);
    gaps.push({
      name: m.name,
      where: m.placement.map((p) => `${typeOf.get(p.hostId) ?? p.hostId} (${p.cores} cores)`).join(' + '),
      deltaJ: s.energyJ - m.energyJ,
      perExecRatio: me !== undefined && se !== undefined && se > 0 ? me / se : undefined,
      offeredRatio: m.requestedRps > 0 ? m.offeredRps / m.requestedRps : 1,
      measuredMetRate: m.metRate,
    });
  }
  const largest = gaps.reduce<FunctionGap | undefined>((a, g) => (a === undefined || Math.abs(g.deltaJ) > Math.abs(a.deltaJ) ? g : a), undefined);
  return { deltaJ, largest, restJ: deltaJ - gaps.reduce((s, g) => s + g.deltaJ, 0) };
}

/** A signed percentage, "+10.83 %". */
export const pct = (x: number): string => `${x >= 0 ? '+' : '−'}${Math.abs(x).toFixed(2)} %`;

const joules = (j: number): string => `${j >= 0 ? '+' : '−'}${Math.abs(j).toFixed(0)} J`;

/** One sentence: "crypto energy-aware-whole +10.83 % (+490 J): jwt-node on … +653 J (…); the rest −163 J". */
export function describeRunGap(label: string, diffPct: number, g: RunGap): string {
  const head = `${label} ${pct(diffPct)} (${joules(g.deltaJ)})`;
  const f = g.largest;
  if (!f || g.restJ === undefined) return `${head}: no per-function energy in the records to split it`;
  const why = [
    f.perExecRatio !== undefined ? `measured ${f.perExecRatio.toFixed(2)}× the simulated energy per execution` : 'no executions to divide by',
    Math.abs(f.offeredRatio - 1) > 0.02 ? `offered ${pct((f.offeredRatio - 1) * 100)} vs its requested rate` : '',
    f.measuredMetRate ? '' : 'missed its rate in the measured run',
  ].filter(Boolean);
  return `${head}: ${f.name} on ${f.where} ${joules(f.deltaJ)} (${why.join('; ')}); other functions ${joules(g.deltaJ - g.restJ - f.deltaJ)}; idle and unattributed ${joules(g.restJ)}`;
}

/** Pool sizes the per-execution ratios are grouped by: a function's cores on one host. */
const POOLS: readonly { readonly label: string; readonly max: number }[] = [
  { label: '<= 8 cores', max: 8 },
  { label: '9-32 cores', max: 32 },
  { label: '> 32 cores', max: Infinity },
];

/**
 * Measured / simulated energy per execution of every function on one host, grouped by the cores it
 * held: whether what the simulation misses depends on the size of a function's pool of cores (the
 * models are profiled at one size, the bag's cores per function). One line, or undefined.
 */
export function describeRatioByPool(pairs: readonly (readonly [RunRecord, RunRecord | undefined])[]): string | undefined {
  const by = POOLS.map(() => [] as number[]);
  for (const [m, s] of pairs) {
    if (!s) continue;
    const sim = new Map(s.functions.map((f) => [f.name, f]));
    for (const f of m.functions) {
      const g = sim.get(f.name);
      const p = f.placement[0];
      if (!g || !p || f.placement.length !== 1) continue;
      const me = perExec(f, m.durationS);
      const se = perExec(g, s.durationS);
      if (me === undefined || se === undefined || !(se > 0)) continue;
      by[POOLS.findIndex((b) => p.cores <= b.max)]?.push(me / se);
    }
  }
  const parts = POOLS.flatMap((b, k) => {
    const xs = by[k] ?? [];
    return xs.length
      ? [
          `${b.label} ${median(xs).toFixed(2)}× (${xs.length} placement${xs.length === 1 ? '' : 's'}, ${Math.min(...xs).toFixed(2)}-${Math.max(...xs).toFixed(2)})`,
        ]
      : [];
  });
  return parts.length ? `measured / simulated energy per execution by cores a function held (median, range): ${parts.join('; ')}` : undefined;
}
