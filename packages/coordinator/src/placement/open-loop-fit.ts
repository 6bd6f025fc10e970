// The share of a function's cost that is per planned core rather than per execution, fitted
// through every open-loop point measured (docs/placement.md, "Saturated or open-loop figures").
import type { FunctionModel, OpenLoopFigures } from '../workload/types.js';

/** A measured point: utilisation u (0 < u < 1) and open-loop cost / saturated cost there. */
export interface CostRatioPoint {
  readonly utilisation: number;
  readonly ratio: number;
}

/**
 * Least-squares k of  ratio − 1 = k × (1 / u − 1)  through the origin (the saturated point, u = 1,
 * ratio 1, holds by construction): k = Σxy / Σx² with x = 1 / u − 1, y = ratio − 1, clamped to
 * [0, 1]. With one point this is (ratio − 1) / (1 / u − 1), the fit through the two points W(1)
 * and W(u). Points at u >= 1 (x = 0) or with a non-finite ratio carry no information and are left
 * out; none left: 0 (no cost below saturation).
 */
export function fitIdleShare(points: readonly CostRatioPoint[]): number {
  let sxy = 0;
  let sxx = 0;
  for (const p of points) {
    if (!(p.utilisation > 0 && p.utilisation < 1) || !Number.isFinite(p.ratio)) continue;
    const x = 1 / p.utilisation - 1;
    sxy += x * (p.ratio - 1);
    sxx += x * x;
  }
  if (!(sxx > 0)) return 0;
  return Math.min(1, Math.max(0, sxy / sxx));
}

/**
 * A model's open-loop points, ascending: `openLoopPoints` when the models file has them, else the
 * single `openLoop` (older files, or one utilisation measured), else none.
 */
export function openLoopPointsOf(m: Pick<FunctionModel, 'openLoop' | 'openLoopPoints'>): readonly OpenLoopFigures[] {
  if (m.openLoopPoints !== undefined && m.openLoopPoints.length > 0) return m.openLoopPoints;
  return m.openLoop ? [m.openLoop] : [];
}
