// Observed request rates per function from the agents' telemetry. A host's rate of a function in
// one tick is everything that arrived for it: completed + errors + timeouts + dropped invocations,
// over the tick's interval (dropped ones count: they are demand the placement did not serve).
// Each (host, function) rate is smoothed with an exponential weight of time constant smoothMs; a
// function's rate is the sum over the hosts that reported it within staleMs.
import { msToS } from '@isawatt/common';
import type { FunctionTick } from '../registry/types.js';

interface Smoothed {
  rps: number;
  lastMs: number;
}

/** Most (host, function) pairs kept: telemetry is validated, but the map must stay bounded. */
const MAX_PAIRS = 100_000;

export class ObservedRates {
  private readonly pairs = new Map<string, Map<string, Smoothed>>();

  constructor(
    private readonly smoothMs: number,
    private readonly staleMs: number,
  ) {}

  /** One tick of one function on one host, ending at `atMs`. */
  observe(hostId: string, f: FunctionTick, intervalMs: number, atMs: number): void {
    if (!(intervalMs > 0)) return;
    const inv = f.invocations;
    const arrived = Number(inv.completed) + Number(inv.errors) + Number(inv.timeouts) + Number(inv.dropped);
    if (!Number.isFinite(arrived) || arrived < 0) return;
    const rps = arrived / msToS(intervalMs);
    let host = this.pairs.get(hostId);
    if (!host) {
      if (this.size() >= MAX_PAIRS) return;
      host = new Map();
      this.pairs.set(hostId, host);
    }
    const s = host.get(f.function);
    if (!s) {
      if (this.size() >= MAX_PAIRS) return;
      host.set(f.function, { rps, lastMs: atMs });
      return;
    }
    const w = this.smoothMs > 0 ? 1 - Math.exp(-intervalMs / this.smoothMs) : 1;
    s.rps += w * (rps - s.rps);
    s.lastMs = Math.max(s.lastMs, atMs);
  }

  /** Smoothed rate per function, summed over `hosts` (those up), leaving out stale pairs. */
  totals(hosts: ReadonlySet<string>, nowMs: number): Map<string, number> {
    const out = new Map<string, number>();
    for (const [hostId, fns] of this.pairs) {
      if (!hosts.has(hostId)) continue;
      for (const [fn, s] of fns) if (nowMs - s.lastMs <= this.staleMs) out.set(fn, (out.get(fn) ?? 0) + s.rps);
    }
    return out;
  }

  /** Forget a host (it went down: its rates are no longer current). */
  forget(hostId: string): void {
    this.pairs.delete(hostId);
  }

  private size(): number {
    let n = 0;
    for (const m of this.pairs.values()) n += m.size;
    return n;
  }
}
