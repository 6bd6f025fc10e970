// Where the gateway sends a call: the hosts that run the function by the placement (up, with an
// /invoke address, the function in their assignment with cores), weighted by their rate share
// (cores when the shares carry no rate). Smooth weighted round robin (as in nginx) picks the first
// host: over any window each host gets calls in proportion to its weight, evenly interleaved;
// the other hosts follow by weight for retries.
import type { InvokeScheme } from '@isawatt/common';
import type { HostView } from '../registry/types.js';

export interface Replica {
  readonly hostId: string;
  /** HOST:PORT to dial. */
  readonly address: string;
  /** The address split once when the routes are built, not on every call. */
  readonly host: string;
  readonly port: number;
  /** How the agent serves /invoke (Hello.invoke_scheme). */
  readonly scheme: InvokeScheme;
  readonly weight: number;
}

/** HOST:PORT (IPv6 in brackets) split into what http.request takes. */
export function splitAddress(address: string): { host: string; port: number } {
  const m = /^(\[[^\]]+\]|[^:]+):(\d+)$/.exec(address);
  return { host: (m?.[1] ?? '').replace(/^\[|\]$/g, ''), port: Number(m?.[2] ?? 0) };
}

const WILDCARD = new Set(['0.0.0.0', '[::]', '::', '']);

/** The address to dial: a wildcard host in the advertised address becomes the agent's peer IP. */
export function dialAddress(invokeAddress: string, peer: string): string | undefined {
  const m = /^(\[[^\]]*\]|[^:]*):(\d{1,5})$/.exec(invokeAddress);
  if (!m) return undefined;
  const host = m[1] as string;
  if (!WILDCARD.has(host)) return invokeAddress;
  const p = /^(\[[^\]]+\]|[^:]+):\d+$/.exec(peer);
  return p ? `${p[1] as string}:${m[2] as string}` : undefined;
}

/** Replicas of every function across the hosts. */
export function buildRoutes(hosts: readonly HostView[]): Map<string, Replica[]> {
  const found = new Map<string, { hostId: string; address: string; scheme: InvokeScheme; rateRps: number; cores: number }[]>();
  for (const h of hosts) {
    if (h.state !== 'up' || !h.hello.invokeAddress) continue;
    const address = dialAddress(h.hello.invokeAddress, h.peer);
    if (!address) continue;
    for (const f of h.assignment?.functions ?? []) {
      if (f.cores <= 0) continue;
      const list = found.get(f.function) ?? [];
      list.push({ hostId: h.hostId, address, scheme: h.hello.invokeScheme ?? 'http', rateRps: f.rateRps, cores: f.cores });
      found.set(f.function, list);
    }
  }
  // Shares without a rate (assign without @RATE) are weighted by cores, for the whole function.
  const out = new Map<string, Replica[]>();
  for (const [fn, list] of found) {
    const byRate = list.some((r) => r.rateRps > 0);
    out.set(
      fn,
      list.map((r) => ({ hostId: r.hostId, address: r.address, ...splitAddress(r.address), scheme: r.scheme, weight: byRate ? r.rateRps : r.cores })),
    );
  }
  return out;
}

/** Smooth weighted round robin over one function's replicas. */
export class WeightedPicker {
  private readonly current = new Map<string, number>();

  /** The round robin's pick (undefined when there is no replica). */
  pick(replicas: readonly Replica[]): Replica | undefined {
    if (replicas.length <= 1) return replicas[0];
    let total = 0;
    let best: Replica | undefined;
    let bestV = -Infinity;
    for (const r of replicas) {
      total += r.weight;
      const v = (this.current.get(r.hostId) ?? 0) + r.weight;
      this.current.set(r.hostId, v);
      if (v > bestV) {
        bestV = v;
        best = r;
      }
    }
    if (!best) return replicas[0];
    this.current.set(best.hostId, bestV - total);
    // Forget hosts that left the placement so the map stays bounded.
    if (this.current.size > replicas.length * 2) for (const k of [...this.current.keys()]) if (!replicas.some((r) => r.hostId === k)) this.current.delete(k);
    return best;
  }

  /** Hosts in the order to try: the round robin's pick first, then the rest by weight. */
  order(replicas: readonly Replica[]): Replica[] {
    const chosen = this.pick(replicas);
    return chosen ? [chosen, ...fallbacks(replicas, chosen)] : [];
  }
}

/** The replicas to retry on after `first`, by weight (heaviest first). Built only when a retry is needed. */
export function fallbacks(replicas: readonly Replica[], first: Replica): Replica[] {
  return replicas.filter((r) => r !== first).sort((a, b) => b.weight - a.weight || a.hostId.localeCompare(b.hostId));
}
