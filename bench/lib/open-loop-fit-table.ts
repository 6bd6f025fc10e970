// The planner's open-loop energy model per (host type, function) of a models file: the saturated
// energy per execution W_sat, every open-loop point measured (W_open / W_sat at its utilisation),
// the share k fitted through all points and through the highest alone (the fit before several
// points were measured), and the price W(u) / W_sat at the utilisations asked for (default 0.72,
// where the full matrix's runs load functions). Reads the file only; measures nothing.
//
// bench/experiment.ts --profile-only prints it for the models it just measured;
// bench/tools/open-loop-fit.ts for a models file.
import { fitIdleShare, openLoopPointsOf } from '../../packages/coordinator/src/placement/open-loop-fit.js';
import { energyPerExecAt, openLoopEnergyShare } from '../../packages/coordinator/src/placement/problem.js';
import type { Models } from '../../packages/coordinator/src/workload/types.js';

/** One line per (host type, function) with open-loop figures. */
export function openLoopFitTable(models: Models, at: readonly number[]): string {
  const rows = [
    `${'host type'.padEnd(18)} ${'function'.padEnd(16)} ${'W_sat mJ'.padStart(9)}  ${'W_open / W_sat at u'.padEnd(30)} ${'k all'.padStart(6)} ${'k top'.padStart(6)}  ${at.map((u) => `W(${u})/W_sat all, top`.padStart(24)).join('')}`,
  ];
  for (const [type, t] of Object.entries(models.hostTypes))
    for (const [fn, f] of Object.entries(t.functions)) {
      const points = openLoopPointsOf(f);
      if (points.length === 0) continue;
      const top = points[points.length - 1];
      const topOnly = { ...f, openLoopPoints: undefined, openLoop: top };
      const kTop = fitIdleShare(top ? [{ utilisation: top.utilisation, ratio: top.energyPerExecJ / f.energyPerExecJ }] : []);
      rows.push(
        `${type.padEnd(18)} ${fn.padEnd(16)} ${(f.energyPerExecJ * 1000).toFixed(2).padStart(9)}  ${points
          .map((o) => `${(o.energyPerExecJ / f.energyPerExecJ).toFixed(3)}x@${o.utilisation}`)
          .join(' ')
          .padEnd(30)} ${openLoopEnergyShare(f).toFixed(2).padStart(6)} ${kTop.toFixed(2).padStart(6)}  ${at
          .map((u) => `${(energyPerExecAt(f, u) / f.energyPerExecJ).toFixed(3)}x, ${(energyPerExecAt(topOnly, u) / f.energyPerExecJ).toFixed(3)}x`.padStart(24))
          .join('')}`,
      );
    }
  return rows.join('\n');
}
