// The cells of a simulation: mixes × policies × loads on the cluster as written, or, for the ARM
// share sweep, on variants of it with the same number of hosts and a growing share of aarch64 ones;
// and the saving of every policy against round robin in each (cluster, mix, load) group.
import { ConfigError } from '@isawatt/common';
import type { PolicyName } from '../placement/plan.js';
import type { MixName } from '../workload/types.js';
import type { CellOutcome, CellSpec } from './cells.js';
import type { Cluster, ClusterHost } from './cluster.js';

/**
 * The cluster with `round(share × N)` of its N active hosts aarch64 and the rest x86_64, N being
 * the number of hosts not parked in the file. Each arch's hosts are taken from the file's hosts of
 * that arch in order, cycled (a file of 10 Xeons and 10 Altras at share 0.3 gives 14 Xeons cycled
 * from the 10 written and 6 Altras). Parked hosts are left out of the variants.
 */
export function armShareVariant(cluster: Cluster, share: number): ClusterHost[] {
  const active = cluster.hosts.filter((h) => !h.parked);
  const arm = active.filter((h) => h.arch === 'aarch64');
  const x86 = active.filter((h) => h.arch === 'x86_64');
  const n = active.length;
  const nArm = Math.round(share * n);
  const out: ClusterHost[] = [];
  const take = (templates: readonly ClusterHost[], count: number): void => {
    for (let k = 0; k < count; k++) {
      const t = templates[k % templates.length] as ClusterHost;
      // Copies keep the template's id when it is used once, else get a numbered id.
      const id = k < templates.length ? t.id : `${t.id}-copy${Math.floor(k / templates.length)}`;
      out.push({ ...t, id, pduOutlet: k < templates.length ? t.pduOutlet : undefined });
    }
  };
  take(x86, n - nArm);
  take(arm, nArm);
  return out;
}

export interface MatrixRequest {
  readonly cluster: Cluster;
  readonly mixes: readonly MixName[];
  readonly policies: readonly PolicyName[];
  readonly loads: readonly number[];
  /** ARM shares to sweep (0..1); undefined: the cluster as written. */
  readonly armShares?: readonly number[] | undefined;
}

export function buildCells(req: MatrixRequest): CellSpec[] {
  if (req.armShares) {
    const arches = new Set(req.cluster.hosts.filter((h) => !h.parked).map((h) => h.arch));
    if (arches.size < 2) {
      throw new ConfigError(
        [`--sweep arm-share: the cluster needs active hosts of both arches to draw variants from (it has only ${[...arches].join(', ')})`],
        'simulate options',
      );
    }
  }
  const variants: { share?: number | undefined; hosts: readonly ClusterHost[] }[] = req.armShares
    ? req.armShares.map((share) => ({ share, hosts: armShareVariant(req.cluster, share) }))
    : [{ hosts: req.cluster.hosts }];
  const cells: CellSpec[] = [];
  for (const v of variants) {
    for (const mix of req.mixes) {
      for (const load of req.loads) {
        const groupKey = `${v.share ?? '-'}|${mix}|${load}`;
        for (const policy of req.policies) cells.push({ mix, load, policy, armShare: v.share, hosts: v.hosts, groupKey });
      }
    }
  }
  return cells;
}

/** (E_rr - E_policy) / E_rr in percent, per cell, when rr and the cell both have a plan. */
export function savingsVsRr(outcomes: readonly CellOutcome[]): Map<CellOutcome, number> {
  const rr = new Map<string, number>();
  for (const o of outcomes) if (o.spec.policy === 'rr' && o.record) rr.set(o.spec.groupKey, o.record.energyJ);
  const out = new Map<CellOutcome, number>();
  for (const o of outcomes) {
    const base = rr.get(o.spec.groupKey);
    if (base !== undefined && base > 0 && o.record) out.set(o, ((base - o.record.energyJ) / base) * 100);
  }
  return out;
}
