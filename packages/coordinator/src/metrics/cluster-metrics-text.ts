// The cluster as the coordinator sees it, for dashboards (grafana/isawatt.json): per host its
// latest power by source and quality and the PDU's reading beside it, per placed function its
// assigned rate and cores, per reported function its latest achieved rate and attributed power.
//
// These families carry a host or function label: at 1,000 hosts x 200 functions a scrape is
// ~400,000 series. Through prom-client (a labels object, a hash string and a map entry per series,
// then one string per line) a scrape stalled the event loop for seconds, long enough to starve
// Health and telemetry. So they are rendered here as Prometheus text (exposition format 0.0.4)
// straight from what the registry keeps (the latest report's columns, the assignment), into
// buffers per family, and the render yields to the event loop between hosts once it has
// run for a slice. The small families (hosts, counters, process) stay in prom-client
// (metrics-service.ts), which renders first; these follow in the same response.
//
// The text is what prom-client rendered for these gauges (same names, help, label order,
// escaping, value spelling, and for a label set given twice, one series: the first one's place,
// the last one's value); cluster-metrics-text.test.ts parses both on the same registry state.
// Series of hosts that are down do not appear; series order is host id order.
import type { HostRegistry } from '../registry/host-registry.js';

export interface PduLatest {
  latest(hostId: string): { powerW: number; timestampMs: number } | undefined;
}

/** The registry as the renderer reads it (HostRegistry; tests may pass the same). */
export type ClusterSource = Pick<HostRegistry, 'hostIds' | 'scrapeRow'>;

/** The families, in the order they are rendered (name, help: as prom-client had them). */
export const CLUSTER_FAMILIES = {
  hostPower: { name: 'isawatt_coordinator_host_power_watts', help: 'Latest host power reported by its agent, W' },
  pduPower: { name: 'isawatt_coordinator_pdu_power_watts', help: "Latest PDU (wall) power of the host's outlet, W (measured)" },
  rate: { name: 'isawatt_coordinator_function_rate_rps', help: 'Assigned open-loop rate of a function on a host, requests/s' },
  cores: { name: 'isawatt_coordinator_function_cores', help: 'Cores assigned to a function on a host' },
  achieved: { name: 'isawatt_coordinator_function_achieved_rps', help: 'Completions/s of a function on a host over its last tick' },
  fnPower: { name: 'isawatt_coordinator_function_power_watts', help: 'Attributed power of a function on a host over its last tick, W' },
} as const;
type Family = keyof typeof CLUSTER_FAMILIES;
const FAMILY_KEYS = Object.keys(CLUSTER_FAMILIES) as Family[];

/** Run this long at most before yielding to the event loop (between hosts), ms. */
const DEFAULT_SLICE_MS = 10;

const NEEDS_ESCAPE = /[\\\n"]/;

/** A label value as the exposition format requires: backslash, newline and double quote escaped. */
export function escapeLabelValue(v: string): string {
  return NEEDS_ESCAPE.test(v) ? v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"') : v;
}

/** HELP text: backslash and newline escaped. */
function escapeHelp(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

/** A sample value as the exposition format (and prom-client) spells it. */
export function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'Nan';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return `${v}`;
}

/** Bytes of each slab of a TextSlabs (a host's lines of one family are ~20 KB at 200 functions). */
const SLAB_BYTES = 1 << 20;

/**
 * UTF-8 text appended into 1 MB slabs: a full slab is kept and a new one started, so nothing is
 * ever copied to grow (a buffer that doubles copies tens of MB per scrape at 1,000 hosts).
 */
class TextSlabs {
  private readonly done: Buffer[] = [];
  private buf = Buffer.allocUnsafe(SLAB_BYTES);
  private len = 0;

  write(s: string): void {
    // UTF-8 takes at most 3 bytes per UTF-16 code unit.
    const worst = s.length * 3;
    if (this.len + worst > this.buf.length) {
      if (this.len > 0) this.done.push(this.buf.subarray(0, this.len));
      this.buf = Buffer.allocUnsafe(Math.max(SLAB_BYTES, worst));
      this.len = 0;
    }
    this.len += this.buf.write(s, this.len, 'utf8');
  }

  chunks(): Buffer[] {
    return this.len > 0 ? [...this.done, this.buf.subarray(0, this.len)] : [...this.done];
  }
}

/**
 * Indices of `n` entries keyed by `keyOf`, one per key: in the place of the key's first entry,
 * the index of its last (what a gauge set twice with the same labels shows).
 */
function lastOfEachKey(n: number, keyOf: (i: number) => string): number[] {
  const m = new Map<string, number>();
  for (let i = 0; i < n; i++) m.set(keyOf(i), i);
  return [...m.values()];
}

const seen = new Set<string>();
/** Whether `n` names (nameOf) are all different (the common case: no dedupe needed). */
function allDistinct(n: number, nameOf: (i: number) => string): boolean {
  seen.clear();
  for (let i = 0; i < n; i++) {
    const name = nameOf(i);
    if (seen.has(name)) {
      seen.clear();
      return false;
    }
    seen.add(name);
  }
  seen.clear();
  return true;
}

export class ClusterMetricsText {
  /** Pieces of one host's lines of one family (reused; a render writes them out before it yields). */
  private readonly parts: string[] = [];

  constructor(
    private readonly registry: ClusterSource,
    private readonly pdu: PduLatest | undefined,
    private readonly sliceMs = DEFAULT_SLICE_MS,
  ) {}

  /**
   * The families as text chunks, in order; each starts with a blank line, so they follow
   * prom-client's output (which ends in a newline) as its own families do.
   */
  async render(): Promise<Buffer[]> {
    const out = {} as Record<Family, TextSlabs>;
    for (const k of FAMILY_KEYS) {
      const { name, help } = CLUSTER_FAMILIES[k];
      const b = new TextSlabs();
      b.write(`\n# HELP ${name} ${escapeHelp(help)}\n# TYPE ${name} gauge\n`);
      out[k] = b;
    }
    const ids = this.registry.hostIds();
    let sliceFrom = performance.now();
    for (const hostId of ids) {
      if (performance.now() - sliceFrom >= this.sliceMs) {
        await new Promise<void>((resolve) => setImmediate(resolve));
        sliceFrom = performance.now();
      }
      // Read and rendered in one go, never across the await above (see HostRegistry.scrapeRow).
      this.renderHost(hostId, out);
    }
    return FAMILY_KEYS.flatMap((k) => out[k].chunks());
  }

  private renderHost(hostId: string, out: Record<Family, TextSlabs>): void {
    const row = this.registry.scrapeRow(hostId);
    if (!row || row.state !== 'up') return;
    const F = CLUSTER_FAMILIES;
    const host = `{host="${escapeLabelValue(hostId)}"`;
    const r = row.report;
    if (r) {
      out.hostPower.write(
        `${F.hostPower.name}${host},source="${escapeLabelValue(r.energySource)}",quality="${escapeLabelValue(r.hostQualityName())}"} ${formatValue(r.hostPowerW)}\n`,
      );
      const n = r.functionCount;
      const name = (i: number): string => r.functionName(i);
      const order = allDistinct(n, name) ? undefined : lastOfEachKey(n, name);
      const powerOrder = order === undefined ? undefined : lastOfEachKey(n, (i) => `${r.quality(i)}\u0000${name(i)}`);
      // Each line is its family's and host's prefix, the function and the value.
      const achievedPre = `${F.achieved.name}${host},function="`;
      const powerPre = `${F.fnPower.name}${host},function="`;
      // Pieces joined once per host and family: a flat string, cheaper to encode than one grown by +=.
      const parts = this.parts;
      for (let k = 0, m = order?.length ?? n; k < m; k++) {
        const i = order === undefined ? k : (order[k] as number);
        parts.push(achievedPre, escapeLabelValue(name(i)), '"} ', formatValue(r.achievedRps(i)), '\n');
      }
      out.achieved.write(parts.join(''));
      parts.length = 0;
      for (let k = 0, m = powerOrder?.length ?? n; k < m; k++) {
        const i = powerOrder === undefined ? k : (powerOrder[k] as number);
        parts.push(powerPre, escapeLabelValue(name(i)), '",quality="', escapeLabelValue(r.quality(i)), '"} ', formatValue(r.powerW(i)), '\n');
      }
      out.fnPower.write(parts.join(''));
      parts.length = 0;
    }
    const placed = (row.assignment?.functions ?? []).filter((f) => f.cores !== 0);
    if (placed.length > 0) {
      const fname = (i: number): string => (placed[i] as { function: string }).function;
      const order = allDistinct(placed.length, fname) ? placed.map((_, i) => i) : lastOfEachKey(placed.length, fname);
      let rate = '';
      let cores = '';
      for (const i of order) {
        const f = placed[i] as { function: string; rateRps: number; cores: number };
        const labels = `${host},function="${escapeLabelValue(f.function)}"}`;
        rate += `${F.rate.name}${labels} ${formatValue(f.rateRps)}\n`;
        cores += `${F.cores.name}${labels} ${formatValue(f.cores)}\n`;
      }
      out.rate.write(rate);
      out.cores.write(cores);
    }
    const p = this.pdu?.latest(hostId);
    if (p) out.pduPower.write(`${F.pduPower.name}${host}} ${formatValue(p.powerW)}\n`);
  }
}
