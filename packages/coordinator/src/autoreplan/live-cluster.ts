// The live cluster as the planner sees it, from the coordinator's registry (the in-process
// counterparts of what `isawatt replan` builds from Control.ListHosts): placement hosts, the live
// placement, and the planned rate of every function (the sum of its rate shares).
import type { LivePlacement, PlacedEntry } from '../placement/replan-diff.js';
import type { HostView } from '../registry/types.js';
import type { HostSpec } from '../workload/types.js';

/** Up hosts that can be placed on (a host type, a known arch, function CPUs); the rest with why. */
export function liveHosts(views: readonly HostView[]): { hosts: HostSpec[]; skipped: string[] } {
  const hosts: HostSpec[] = [];
  const skipped: string[] = [];
  for (const h of views) {
    if (h.state !== 'up') continue;
    const arch = h.hello.arch;
    const why = !h.hello.hostType ? 'no host type' : arch === 'unknown' ? 'unknown arch' : h.hello.functionCpus.length === 0 ? 'no function CPUs' : null;
    if (why || arch === 'unknown') {
      skipped.push(`${h.hostId}: ${why ?? 'unknown arch'}`);
      continue;
    }
    hosts.push({
      id: h.hostId,
      type: h.hello.hostType,
      arch,
      cores: h.hello.functionCpus.length,
      idlePowerW: h.hello.idlePowerW > 0 ? h.hello.idlePowerW : undefined,
    });
  }
  return { hosts, skipped };
}

/** What every up host's current assignment runs (entries with cores > 0). */
export function livePlacementOf(views: readonly HostView[]): LivePlacement {
  const out = new Map<string, PlacedEntry[]>();
  for (const h of views) {
    if (h.state !== 'up') continue;
    for (const f of h.assignment?.functions ?? []) {
      if (f.cores <= 0) continue;
      const list = out.get(f.function) ?? [];
      list.push({ host: h.hostId, cores: f.cores, rateRps: f.rateRps });
      out.set(f.function, list);
    }
  }
  return out;
}

/** Planned rate of each function: the sum of its rate shares in the live placement. */
export function plannedRates(live: LivePlacement): Map<string, number> {
  return new Map([...live].map(([fn, es]) => [fn, es.reduce((s, e) => s + e.rateRps, 0)]));
}
