// Cluster files for `isawatt simulate`: host types and counts, and optionally per-host idle power,
// parked (switched-off) hosts and the PDU outlet of each host (docs/file-formats.md). A file is
// validated strictly and every problem is reported at once, one line each, as `file.path: message`
// (exit 2 in the CLI); the check against the models file (host type known, arch matching) adds
// its own lines.
import { ConfigError, formatIssues, readConfigFile } from '@isawatt/common';
import { z } from 'zod';
import { ARCHES, type HostSpec, type Models } from '../workload/types.js';

const name = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'expected letters, digits, ".", "_" or "-"');
const arch = z.enum(ARCHES as [string, ...string[]], { message: `expected one of ${ARCHES.join(', ')}` });

const pduSchema = z.strictObject({
  pdu: name,
  /** The outlet of a single host, or of the first host of a group (the others follow). */
  outlet: z.number().int().positive(),
});

const entrySchema = z
  .strictObject({
    id: name.optional(),
    count: z.number().int().positive().max(100_000).optional(),
    idPrefix: name.optional(),
    type: name,
    arch,
    cores: z.number().int().positive().max(100_000),
    idlePowerW: z.number().finite().nonnegative().optional(),
    parked: z.union([z.boolean(), z.number().int().nonnegative()]).optional(),
    pdu: pduSchema.optional(),
  })
  .superRefine((e, ctx) => {
    if (e.id !== undefined && e.count !== undefined) ctx.addIssue({ code: 'custom', message: 'give either id (one host) or count (a group), not both' });
    if (e.id === undefined && e.count === undefined) ctx.addIssue({ code: 'custom', message: 'expected id (one host) or count (a group of hosts)' });
    if (e.id !== undefined && e.idPrefix !== undefined)
      ctx.addIssue({ code: 'custom', path: ['idPrefix'], message: 'idPrefix is for groups (count), not single hosts' });
    if (typeof e.parked === 'number' && e.count === undefined)
      ctx.addIssue({ code: 'custom', path: ['parked'], message: 'a number of parked hosts needs a group (count); a single host takes true or false' });
    if (typeof e.parked === 'number' && e.count !== undefined && e.parked > e.count)
      ctx.addIssue({ code: 'custom', path: ['parked'], message: `${e.parked} parked hosts but the group has only ${e.count}` });
  });

const clusterSchema = z.strictObject({
  name: name.optional(),
  description: z.string().max(2000).optional(),
  hosts: z.array(entrySchema).min(1, 'expected at least one host'),
});

/** One host of a simulated cluster: a placement host plus what only the simulation needs. */
export interface ClusterHost extends HostSpec {
  /** Switched off in the cluster file: not given to the planner, draws no power. */
  readonly parked: boolean;
  /** "pdu:outlet", when mapped. */
  readonly pduOutlet?: string | undefined;
}

export interface Cluster {
  readonly name: string;
  readonly hosts: readonly ClusterHost[];
}

/** Validates a parsed cluster document; `source` names the file in messages. */
export function parseCluster(doc: unknown, source = 'cluster'): Cluster {
  const r = clusterSchema.safeParse(doc);
  if (!r.success) throw new ConfigError(formatIssues(r.error.issues, source), 'cluster file');
  const hosts: ClusterHost[] = [];
  const issues: string[] = [];
  const seenIds = new Map<string, number>();
  const seenOutlets = new Map<string, string>();
  r.data.hosts.forEach((e, k) => {
    const n = e.count ?? 1;
    const parkedCount = e.parked === true ? n : e.parked === false || e.parked === undefined ? 0 : e.parked;
    for (let q = 0; q < n; q++) {
      const id = e.id ?? `${e.idPrefix ?? e.type}-${q + 1}`;
      const first = seenIds.get(id);
      if (first !== undefined) {
        issues.push(`${source}.hosts.${k}: host id "${id}" already used by hosts.${first}`);
        continue;
      }
      seenIds.set(id, k);
      const pduOutlet = e.pdu ? `${e.pdu.pdu}:${e.pdu.outlet + q}` : undefined;
      if (pduOutlet) {
        const other = seenOutlets.get(pduOutlet);
        if (other) issues.push(`${source}.hosts.${k}.pdu: outlet ${pduOutlet} of host "${id}" is already mapped to host "${other}"`);
        else seenOutlets.set(pduOutlet, id);
      }
      hosts.push({
        id,
        type: e.type,
        arch: e.arch as HostSpec['arch'],
        cores: e.cores,
        idlePowerW: e.idlePowerW,
        // The last `parked` hosts of a group are the parked ones.
        parked: q >= n - parkedCount,
        pduOutlet,
      });
    }
  });
  if (hosts.length > 0 && hosts.every((h) => h.parked)) issues.push(`${source}.hosts: every host is parked; nothing can run`);
  if (issues.length) throw new ConfigError(issues, 'cluster file');
  return { name: r.data.name ?? source, hosts };
}

export function loadClusterFile(path: string): Cluster {
  return parseCluster(readConfigFile(path, 'cluster file'), path);
}

/** Host types the models file lacks, or whose arch differs (one line per host type, not per host). */
export function clusterModelIssues(cluster: Cluster, models: Models, source = 'cluster'): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  const known = Object.keys(models.hostTypes);
  for (const h of cluster.hosts) {
    if (seen.has(h.type)) continue;
    seen.add(h.type);
    const t = models.hostTypes[h.type];
    if (!t) out.push(`${source}: host type "${h.type}" (host "${h.id}"): not in the models file (it has: ${known.join(', ') || 'none'})`);
    else if (t.arch !== h.arch) out.push(`${source}: host type "${h.type}" (host "${h.id}"): arch ${h.arch} but the models file says ${t.arch}`);
  }
  return out;
}

/** Hosts the planner may use: the ones not parked in the cluster file. */
export function activeHosts(cluster: Cluster): ClusterHost[] {
  return cluster.hosts.filter((h) => !h.parked);
}
