// The coordinator's cluster families as prom-client rendered them before they were written as
// text (cluster-metrics-text.ts): the same gauges, filled the
// same way from the registry. The reference the text is tested against
// (cluster-metrics-text.test.ts) and compared with for speed (bench/metrics-scrape.ts).
import { Gauge, Registry } from 'prom-client';
import type { HostRegistry } from '../registry/host-registry.js';
import type { PduLatest } from './cluster-metrics-text.js';

export function referenceRegistry(registry: HostRegistry, pdu: PduLatest | undefined): Registry {
  const prom = new Registry();
  const g = (name: string, help: string, labelNames: string[]): Gauge => new Gauge({ name, help, labelNames, registers: [prom] });
  const hostPower = g('isawatt_coordinator_host_power_watts', 'Latest host power reported by its agent, W', ['host', 'source', 'quality']);
  const pduPower = g('isawatt_coordinator_pdu_power_watts', "Latest PDU (wall) power of the host's outlet, W (measured)", ['host']);
  const rate = g('isawatt_coordinator_function_rate_rps', 'Assigned open-loop rate of a function on a host, requests/s', ['host', 'function']);
  const cores = g('isawatt_coordinator_function_cores', 'Cores assigned to a function on a host', ['host', 'function']);
  const achieved = g('isawatt_coordinator_function_achieved_rps', 'Completions/s of a function on a host over its last tick', ['host', 'function']);
  const fnPower = g('isawatt_coordinator_function_power_watts', 'Attributed power of a function on a host over its last tick, W', [
    'host',
    'function',
    'quality',
  ]);
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
  return prom;
}
