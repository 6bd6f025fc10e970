// Prometheus metrics of the MQTT bridge and the PDU ingest, registered on the coordinator's
// registry. Values are read from their owners at scrape time; counters advance by the delta since
// the previous scrape, so nothing is counted twice.
import { Counter, Gauge, type Registry } from 'prom-client';
import type { MqttWiring } from './create-mqtt.js';

export function registerMqttMetrics(prom: Registry, wiring: MqttWiring): void {
  const bridge = wiring.bridge;
  if (!bridge) return;
  const mirror = (name: string, help: string, read: () => number): void => {
    let last = 0;
    new Counter({
      name,
      help,
      registers: [prom],
      collect(): void {
        const now = read();
        this.inc(Math.max(0, now - last));
        last = now;
      },
    });
  };
  mirror('isawatt_coordinator_mqtt_published_total', 'MQTT messages handed to the broker connection', () => bridge.stats().published);
  mirror('isawatt_coordinator_mqtt_dropped_total', 'Per-tick MQTT messages dropped because the outgoing queue was full', () => bridge.stats().dropped);
  mirror('isawatt_coordinator_mqtt_publish_failed_total', 'MQTT publishes lost when the connection dropped under them', () => bridge.stats().failed);
  mirror('isawatt_coordinator_mqtt_reconnects_total', 'MQTT broker connections made after the first', () => bridge.stats().reconnects);
  new Gauge({
    name: 'isawatt_coordinator_mqtt_connected',
    help: '1 when the MQTT bridge is connected to its broker',
    registers: [prom],
    collect(): void {
      this.set(bridge.status() === 'connected' ? 1 : 0);
    },
  });
  new Gauge({
    name: 'isawatt_coordinator_mqtt_queued_messages',
    help: 'MQTT messages waiting for the broker (per-tick messages plus retained topics to re-publish)',
    registers: [prom],
    collect(): void {
      const s = bridge.stats();
      this.set(s.queued + s.retainedPending);
    },
  });
  const ingest = wiring.pduIngest;
  if (!ingest) return;
  const last = new Map<string, number>();
  new Counter({
    name: 'isawatt_coordinator_pdu_readings_total',
    help: 'PDU readings received over MQTT, by result (accepted, baseline, or the rejection reason)',
    labelNames: ['result'],
    registers: [prom],
    collect(): void {
      const c = ingest.counters();
      const values: [string, number][] = [['accepted', c.accepted], ['baseline', c.baseline], ...Object.entries(c.rejected)];
      for (const [result, now] of values) {
        this.inc({ result }, Math.max(0, now - (last.get(result) ?? 0)));
        last.set(result, now);
      }
    },
  });
}
