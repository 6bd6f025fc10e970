// The cluster as the coordinator sees it, for dashboards (grafana/isawatt.json): per host its
// latest power by source and quality and the PDU's reading beside it, per placed function its
// assigned rate and cores and its latest achieved rate and attributed power. Gauges are filled at
// scrape time from the registry (no copies kept here); series of hosts and functions that went
// away disappear with them (reset before each fill).
import { Gauge, type Registry } from 'prom-client';
import type { HostRegistry } from '../registry/host-registry.js';

export interface PduLatest {
  latest(hostId: string): { powerW: number; timestampMs: number } | undefined;
}

export function registerClusterMetrics(prom: Registry, registry: HostRegistry, pdu: PduLatest | undefined): void {
  const hostPower = new Gauge({
    name: 'isawatt_coordinator_host_power_watts',
    help: 'Latest host power reported by its agent, W',
    labelNames: ['host', 'source', 'quality'],
    registers: [prom],
    collect: () => fill(),
  });
  const pduPower = new Gauge({
    name: 'isawatt_coordinator_pdu_power_watts',
    help: "Latest PDU (wall) power of the host's outlet, W (measured)",
    labelNames: ['host'],
    registers: [prom],
    collect: () => fill(),
  });
  const rate = new Gauge({
    name: 'isawatt_coordinator_function_rate_rps',
    help: 'Assigned open-loop rate of a function on a host, requests/s',
    labelNames: ['host', 'function'],
    registers: [prom],
    collect: () => fill(),
  });
  const cores = new Gauge({
    name: 'isawatt_coordinator_function_cores',
    help: 'Cores assigned to a function on a host',
    labelNames: ['host', 'function'],
    registers: [prom],
    collect: () => fill(),
  });
  const achieved = new Gauge({
    name: 'isawatt_coordinator_function_achieved_rps',
    help: 'Completions/s of a function on a host over its last tick',
    labelNames: ['host', 'function'],
    registers: [prom],
    collect: () => fill(),
  });
  const fnPower = new Gauge({
    name: 'isawatt_coordinator_function_power_watts',
    help: 'Attributed power of a function on a host over its last tick, W',
    labelNames: ['host', 'function', 'quality'],
    registers: [prom],
    collect: () => fill(),
  });
  // One fill serves them all: prom-client calls each gauge's collect in one scrape; the first does the work.
  let filledAt = -1;
  function fill(): void {
    const now = Date.now();
    if (now === filledAt) return;
    filledAt = now;
    for (const g of [hostPower, pduPower, rate, cores, achieved, fnPower]) g.reset();
    for (const h of registry.list()) {
      if (h.state !== 'up') continue;
      const r = h.lastReport;
      if (r) {
        hostPower.set({ host: h.hostId, source: r.energySource, quality: r.hostQuality }, r.hostPowerW);
        for (const f of r.functions) {
          achieved.set({ host: h.hostId, function: f.function }, f.invocations.achievedRps);
          fnPower.set({ host: h.hostId, function: f.function, quality: f.quality }, f.powerW);
        }
      }
      for (const f of h.assignment?.functions ?? []) {
        if (f.cores === 0) continue;
        rate.set({ host: h.hostId, function: f.function }, f.rateRps);
        cores.set({ host: h.hostId, function: f.function }, f.cores);
      }
      const p = pdu?.latest(h.hostId);
      if (p) pduPower.set({ host: h.hostId }, p.powerW);
    }
  }
}
