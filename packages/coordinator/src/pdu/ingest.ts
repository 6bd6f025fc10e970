// PDU readings in: each MQTT message on a configured filter is parsed, its outlet mapped to a host,
// energy counters (Wh/kWh) differentiated into power, the power range-checked, and the reading
// stored per host. Nothing here throws on bad input: malformed, unmapped and out-of-range readings
// are counted (per reason) and logged (throttled per reason and outlet), and never reach a host
// they were not mapped to.
import type { Logger } from '@isawatt/common';
import { isEnergyUnit, type PduSourceConfig } from './config.js';
import { parsePduMessage, toWattHours, toWatts, topicMatches } from './parse.js';
import type { PduStore } from './store.js';
import { msToS } from '@isawatt/common';

/** How far ahead of the coordinator clock a PDU timestamp may be, in ms. */
export const MAX_FUTURE_MS = 5 * 60_000;

export type PduRejectReason = 'malformed' | 'unmapped' | 'out-of-range' | 'out-of-order' | 'counter-reset';

export interface PduCounters {
  accepted: number;
  /** First reading of an energy counter: no power yet (needs two readings). */
  baseline: number;
  rejected: Record<PduRejectReason, number>;
}

export interface PduIngestOptions {
  sources: readonly PduSourceConfig[];
  store: PduStore;
  log: Logger;
  /** At most one log line per (reason, outlet) per this period, in ms. */
  logEveryMs?: number;
}

interface CounterState {
  energyWh: number;
  timestampMs: number;
}

export class PduIngest {
  private readonly counterState = new Map<string, CounterState>();
  private readonly lastPowerTs = new Map<string, number>();
  private readonly lastLogged = new Map<string, number>();
  private readonly counts: PduCounters = {
    accepted: 0,
    baseline: 0,
    rejected: { malformed: 0, unmapped: 0, 'out-of-range': 0, 'out-of-order': 0, 'counter-reset': 0 },
  };
  private readonly log: Logger;
  private readonly logEveryMs: number;

  constructor(private readonly opts: PduIngestOptions) {
    this.log = opts.log;
    this.logEveryMs = opts.logEveryMs ?? 10_000;
  }

  /** Topic filters to subscribe to, with their QoS. */
  subscriptions(): { topicFilter: string; qos: 0 | 1 | 2 }[] {
    return this.opts.sources.map((s) => ({ topicFilter: s.topicFilter, qos: s.qos }));
  }

  counters(): PduCounters {
    return { ...this.counts, rejected: { ...this.counts.rejected } };
  }

  /** Handles one MQTT message; returns how many sources accepted it (for tests and stats). */
  handle(topic: string, payload: Buffer | string, receivedMs: number): number {
    let accepted = 0;
    this.opts.sources.forEach((src, index) => {
      if (topicMatches(src.topicFilter, topic) && this.handleFor(index, src, topic, payload, receivedMs)) accepted++;
    });
    return accepted;
  }

  private handleFor(index: number, src: PduSourceConfig, topic: string, payload: Buffer | string, receivedMs: number): boolean {
    const parsed = parsePduMessage(src, topic, payload, receivedMs);
    if (!parsed.ok) return this.reject('malformed', parsed.outlet, topic, parsed.detail);
    const { outlet, value, timestampMs } = parsed;
    // A reading from the future would make every later one "out of order": refuse it instead.
    if (timestampMs > receivedMs + MAX_FUTURE_MS) {
      return this.reject(
        'malformed',
        outlet,
        topic,
        `timestamp ${timestampMs} ms is more than ${msToS(MAX_FUTURE_MS)} s ahead of the coordinator clock (${receivedMs} ms); check the PDU's clock`,
      );
    }
    // Outlet ids come from the wire: look them up as own keys only (no "__proto__", "toString").
    const hostId = Object.hasOwn(src.hosts, outlet) ? src.hosts[outlet] : undefined;
    if (hostId === undefined) return this.reject('unmapped', outlet, topic, `outlet "${outlet}" is not mapped to a host (pdu.sources[${index}].hosts)`);

    const key = `${index}\u0000${outlet}`;
    let powerW: number;
    if (isEnergyUnit(src.unit)) {
      const energyWh = toWattHours(value, src.unit as 'Wh' | 'kWh');
      if (energyWh < 0) return this.reject('malformed', outlet, topic, `energy counter is negative (${value} ${src.unit})`);
      const prev = this.counterState.get(key);
      if (prev && timestampMs <= prev.timestampMs)
        return this.reject('out-of-order', outlet, topic, `reading at ${timestampMs} ms is not after the previous one (${prev.timestampMs} ms)`);
      this.counterState.set(key, { energyWh, timestampMs });
      if (!prev) {
        this.counts.baseline++;
        return false;
      }
      if (energyWh < prev.energyWh) {
        return this.reject(
          'counter-reset',
          outlet,
          topic,
          `energy counter went down from ${prev.energyWh} Wh to ${energyWh} Wh; starting again from this reading`,
        );
      }
      powerW = ((energyWh - prev.energyWh) * 3600) / msToS(timestampMs - prev.timestampMs);
    } else {
      powerW = toWatts(value, src.unit as 'W' | 'mW' | 'kW');
      const prevTs = this.lastPowerTs.get(key);
      if (prevTs !== undefined && timestampMs < prevTs)
        return this.reject('out-of-order', outlet, topic, `reading at ${timestampMs} ms is older than the previous one (${prevTs} ms)`);
      this.lastPowerTs.set(key, timestampMs);
    }
    if (!(powerW >= src.minPowerW && powerW <= src.maxPowerW)) {
      return this.reject('out-of-range', outlet, topic, `${roundW(powerW)} W is outside ${src.minPowerW}..${src.maxPowerW} W`);
    }
    this.opts.store.add(hostId, { timestampMs, powerW, outlet });
    this.counts.accepted++;
    return true;
  }

  private reject(reason: PduRejectReason, outlet: string | undefined, topic: string, detail: string): false {
    this.counts.rejected[reason]++;
    const logKey = `${reason}\u0000${outlet ?? topic}`;
    const now = Date.now();
    const last = this.lastLogged.get(logKey);
    if (last === undefined || now - last >= this.logEveryMs) {
      this.lastLogged.set(logKey, now);
      this.log.warn({ reason, topic, outlet, detail, count: this.counts.rejected[reason] }, 'pdu reading rejected');
    }
    return false;
  }
}

function roundW(w: number): number {
  // eslint-disable-next-line isawatt/no-bare-scale-factor -- rounding to mW for display, not a unit
  return Math.round(w * 1000) / 1000;
}
