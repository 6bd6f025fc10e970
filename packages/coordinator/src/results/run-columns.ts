// The per-function and per-host columns of a run record, defined once for the two places that
// show them: the text tables of `isawatt run` / `runs show` (run/render-run.ts, formatted) and the
// HTML/CSV tables of the experiment report (report/render-report.ts, raw values).
import type { FunctionResult, HostResult } from './run-record.js';

export interface RunColumn<T> {
  readonly head: string;
  readonly align: 'left' | 'right';
  /** The raw figure (report tables format and export it themselves). */
  readonly value: (x: T) => string | number | boolean | undefined;
  /** The figure as the text tables print it. */
  readonly text: (x: T) => string;
}

const f1 = (x: number): string => x.toFixed(1);
const f2 = (x: number): string => x.toFixed(2);
const orDash = (x: number | undefined, fmt: (x: number) => string): string => (x === undefined ? '-' : fmt(x));

const placement = (f: FunctionResult): string => f.placement.map((p) => `${p.hostId} (${p.cores})`).join(', ');

export const FUNCTION_COLUMNS: readonly RunColumn<FunctionResult>[] = [
  { head: 'function', align: 'left', value: (f) => f.name, text: (f) => f.name },
  { head: 'host (cores)', align: 'left', value: placement, text: placement },
  { head: 'requested/s', align: 'right', value: (f) => f.requestedRps, text: (f) => f2(f.requestedRps) },
  { head: 'offered/s', align: 'right', value: (f) => f.offeredRps, text: (f) => f2(f.offeredRps) },
  { head: 'achieved/s', align: 'right', value: (f) => f.achievedRps, text: (f) => f2(f.achievedRps) },
  { head: 'met', align: 'left', value: (f) => f.metRate, text: (f) => (f.metRate ? 'yes' : 'NO') },
  ...(['p50', 'p95', 'p99'] as const).map((p): RunColumn<FunctionResult> => ({
    head: `${p} ms`,
    align: 'right',
    value: (f) => f.latencyMs?.[p],
    text: (f) => orDash(f.latencyMs?.[p], f1),
  })),
  { head: 'errors', align: 'right', value: (f) => f.errors, text: (f) => String(f.errors) },
  { head: 'drops', align: 'right', value: (f) => f.drops, text: (f) => String(f.drops) },
  { head: 'energy J', align: 'right', value: (f) => f.energyJ, text: (f) => orDash(f.energyJ, f1) },
  { head: 'predicted J', align: 'right', value: (f) => f.predictedEnergyJ, text: (f) => f1(f.predictedEnergyJ) },
];

export const HOST_COLUMNS: readonly RunColumn<HostResult>[] = [
  { head: 'host', align: 'left', value: (h) => h.id, text: (h) => h.id },
  { head: 'type', align: 'left', value: (h) => h.type, text: (h) => h.type },
  { head: 'cores used', align: 'right', value: (h) => h.coresUsed, text: (h) => String(h.coresUsed) },
  { head: 'energy J', align: 'right', value: (h) => h.energyJ, text: (h) => f1(h.energyJ) },
  { head: 'quality', align: 'left', value: (h) => h.energyQuality.toUpperCase(), text: (h) => h.energyQuality.toUpperCase() },
  { head: 'source', align: 'left', value: (h) => h.energySource, text: (h) => h.energySource },
  { head: 'agent J', align: 'right', value: (h) => h.agentEnergyJ, text: (h) => orDash(h.agentEnergyJ, f1) },
  { head: 'predicted J', align: 'right', value: (h) => h.predictedEnergyJ, text: (h) => f1(h.predictedEnergyJ) },
  { head: 'parked', align: 'left', value: (h) => h.parked, text: (h) => (h.parked ? 'yes (not counted)' : 'no') },
];
