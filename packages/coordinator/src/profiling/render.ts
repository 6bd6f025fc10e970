// Text renderings for `isawatt profile`: the bag plan (--dry-run) and the campaign's figures.
import Table from 'cli-table3';
import type { Models } from '../workload/types.js';
import type { OpenLoopCheck } from './aggregate.js';
import type { CampaignPlan } from './campaign.js';
import { BAG_OVERHEAD } from './campaign-setup.js';
import { openLoopPointsOf } from '../placement/open-loop-fit.js';
import { openLoopEnergyShare } from '../placement/problem.js';
import { jToMj, msToS } from '@isawatt/common';

const plain = {
  style: { head: [] as string[], border: [] as string[] },
  chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' },
};

export function duration(ms: number): string {
  const s = Math.round(msToS(ms));
  if (s < 120) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 120) return `${m} min ${s % 60} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}

export function renderPlan(plan: CampaignPlan, functions: readonly string[], estimateMs: number, isolation: boolean): string {
  const lines = [
    `campaign ${plan.campaignId}: ${plan.bags.length} ${isolation ? 'isolation runs (each function alone)' : 'bags'} of ${functions.length} functions, ` +
      `warm-up ${msToS(plan.warmupMs)} s, measurement ${msToS(plan.durationMs)} s, idle ${msToS(plan.idleMs)} s once per host`,
    openLoopPhasesLine(plan),
  ];
  for (const t of plan.hostTypes)
    lines.push(`  ${t.hostType} (${t.arch}): hosts ${t.hosts.map((h) => h.hostId).join(', ')}; ${t.coresPerFunction} CPU(s) per function`);
  const table = new Table({ head: ['bag', 'functions'], colAligns: ['right', 'left'], ...plain });
  plan.bags.forEach((b, i) => table.push([String(i + 1), b.join(', ')]));
  lines.push(table.toString());
  const counts = new Map(functions.map((f) => [f, plan.bags.filter((b) => b.includes(f)).length]));
  lines.push(`bags per function: ${[...counts.entries()].map(([f, n]) => `${f} ${n}`).join(', ')}`);
  lines.push(
    `estimated time: ${duration(estimateMs)} (host types in parallel; about ${msToS(BAG_OVERHEAD.perBagMs)} s per bag and ${msToS(BAG_OVERHEAD.perFunctionMs)} s per function of a bag to start, warm and stop the workers)`,
  );
  return lines.join('\n');
}

/** Phases per bag: the saturated one and one per open-loop utilisation (each a warm-up and a window). */
function openLoopPhasesLine(plan: CampaignPlan): string {
  const us = plan.openLoopUtilisations ?? [];
  if (us.length === 0) return 'phases per bag: 1 (saturated; no open-loop phase)';
  return `phases per bag: ${1 + us.length} (saturated, then open loop at ${us.map((u) => `${Math.round(u * 100)} %`).join(', ')}), each a warm-up and a measurement`;
}

const fmt = (x: number): string => (x >= 100 ? x.toFixed(0) : x >= 1 ? x.toFixed(2) : x.toPrecision(3));
const pct = (cv: number): string => `${(cv * 100).toFixed(1)} %`;

/** Per host type and function: the medians with min-max and CV, and the quality label. */
export function renderModels(models: Models): string {
  const lines: string[] = [models.source ?? ''];
  const quality = (models.provenance?.quality ?? {}) as Record<string, Record<string, string>>;
  const checks = (models.provenance?.openLoop ?? {}) as Record<string, Record<string, OpenLoopCheck>>;
  const pointChecks = (models.provenance?.openLoopPoints ?? {}) as Record<string, Record<string, (OpenLoopCheck & { utilisation: number })[]>>;
  for (const [type, t] of Object.entries(models.hostTypes)) {
    lines.push(`${type} (${t.arch})${t.idlePowerW !== undefined ? `, idle ${t.idlePowerW} W` : ''}`);
    const table = new Table({
      head: ['function', 'exec/s per core', 'min-max', 'CV', 'energy/exec (mJ)', 'min-max', 'CV', 'bags', 'quality'],
      colAligns: ['left', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'left'],
      ...plain,
    });
    for (const [fn, f] of Object.entries(t.functions)) {
      const s = f.spread;
      table.push([
        fn,
        fmt(f.execPerSecPerCore),
        s ? `${fmt(s.execPerSecPerCore.min)}-${fmt(s.execPerSecPerCore.max)}` : '-',
        s ? pct(s.execPerSecPerCore.cv) : '-',
        fmt(jToMj(f.energyPerExecJ)),
        s ? `${fmt(jToMj(s.energyPerExecJ.min))}-${fmt(jToMj(s.energyPerExecJ.max))}` : '-',
        s ? pct(s.energyPerExecJ.cv) : '-',
        String(s?.bags ?? f.samples ?? '-'),
        (quality[type]?.[fn] ?? 'unknown').toUpperCase(),
      ]);
    }
    lines.push(table.toString());
    const open = Object.entries(t.functions).filter(([, f]) => f.openLoop !== undefined);
    if (open.length > 0) {
      const ol = new Table({
        head: [
          'function',
          'open loop at',
          'achieved/offered req/s',
          'cores busy',
          'exec/s per busy core',
          'vs saturated',
          'energy/exec (mJ)',
          'vs saturated',
          'bags',
          'k (fit)',
        ],
        colAligns: ['left', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'right'],
        ...plain,
      });
      for (const [fn, f] of open) {
        // One row per utilisation measured; the last (the highest, `openLoop`) carries the share k
        // of the energy the planner fits through all of them.
        const points = openLoopPointsOf(f);
        points.forEach((o, i) => {
          const last = i === points.length - 1;
          const c = pointChecks[type]?.[fn]?.find((x) => x.utilisation === o.utilisation) ?? (last ? checks[type]?.[fn] : undefined);
          ol.push([
            i === 0 ? fn : '',
            `${(o.utilisation * 100).toFixed(0)} %`,
            c ? `${fmt(c.achievedRps)}/${fmt(c.offeredRps)}` : '-',
            c ? `${(c.busyFraction * 100).toFixed(0)} %` : '-',
            fmt(o.execPerSecPerCore),
            `${(o.execPerSecPerCore / f.execPerSecPerCore).toFixed(3)}x`,
            fmt(jToMj(o.energyPerExecJ)),
            `${(o.energyPerExecJ / f.energyPerExecJ).toFixed(3)}x`,
            String(o.samples ?? '-'),
            last ? openLoopEnergyShare(f).toFixed(2) : '',
          ]);
        });
      }
      lines.push(
        `${type}: open-loop cost (what plans use; saturated figures above are E_ij / W_ij; k: share of the energy per planned core, W(u) = W_sat ((1 - k) + k / u))`,
        ol.toString(),
      );
    }
  }
  return lines.join('\n');
}
