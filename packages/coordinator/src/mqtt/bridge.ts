// The coordinator's MQTT bridge (a Service). It turns BridgeSource events into messages on the
// Outbox (O(1), never blocking the caller), pumps the Outbox to the broker in small batches while
// connected, re-publishes retained state after every reconnect, announces the coordinator as
// online with a retained message whose last will says offline, and hands PDU messages to the PDU
// ingest. A broker outage only fills (and, past its bound, trims) the Outbox.
import type { MqttClient } from 'mqtt';
import { errorMessage, type Logger, type Service, ujToJ } from '@isawatt/common';
import type { BridgeEvent, BridgeSource, BridgeTelemetry } from './bridge-source.js';
import { describeMqttConfig, type MqttConfig } from './config.js';
import { BrokerConnection, type ConnectionState } from './connection.js';
import { Outbox, type OutMessage } from './outbox.js';
import { coordinatorStatePayload, functionPowerPayload, hostPowerPayload, hostStatePayload, placementPayload, type PduBeside } from './payloads.js';
import { Topics, type EventKind } from './topics.js';

/** The PDU side the bridge needs: where to hand incoming messages, and the latest reading per host. */
export interface BridgePduSink {
  subscriptions(): { topicFilter: string; qos: 0 | 1 | 2 }[];
  handle(topic: string, payload: Buffer, receivedMs: number): number;
  latest(hostId: string): PduBeside | undefined;
}

export interface MqttBridgeOptions {
  config: MqttConfig;
  cluster: string;
  /** Broker URL, read at init (the embedded broker knows its port only after it listens). */
  brokerUrl: () => string;
  source: BridgeSource;
  pdu?: BridgePduSink | undefined;
  log: Logger;
  now?: () => number;
}

export interface MqttBridgeStats {
  state: ConnectionState;
  published: number;
  /** Non-retained messages dropped because the queue was full. */
  dropped: number;
  /** Publishes the broker connection failed (the connection dropped under them). */
  failed: number;
  queued: number;
  retainedPending: number;
  reconnects: number;
  pduMessages: number;
  lastError?: string | undefined;
}

/** Messages handed to mqtt.js per pump pass before yielding to the event loop. */
const PUMP_BATCH = 256;

export class MqttBridge implements Service {
  readonly name = 'mqtt-bridge';
  readonly topics: Topics;
  private readonly outbox: Outbox;
  private connection: BrokerConnection | undefined;
  private unsubscribe: (() => void) | undefined;
  private inflight = 0;
  private activeGeneration = -1;
  private pumpScheduled = false;
  private publishedCount = 0;
  private failedCount = 0;
  private pduMessages = 0;
  /** Drops already reported in the log. */
  private droppedReported = 0;
  private readonly startedAtMs: number;
  private readonly hostCounters = new Map<string, { energyJ: number; sinceMs: number }>();
  private readonly fnCounters = new Map<string, { energyJ: number; sinceMs: number }>();
  private readonly now: () => number;
  private readonly log: Logger;
  private readonly cfg: MqttConfig;

  constructor(private readonly opts: MqttBridgeOptions) {
    this.cfg = opts.config;
    this.now = opts.now ?? Date.now;
    this.log = opts.log.child({ component: this.name });
    this.topics = new Topics(this.cfg.topicPrefix ?? Topics.defaultPrefix(opts.cluster));
    this.outbox = new Outbox(this.cfg.queue.maxMessages);
    this.startedAtMs = this.now();
  }

  init(): Promise<void> {
    const url = this.opts.brokerUrl();
    const clientId = this.cfg.clientId ?? `isawatt-coordinator-${this.opts.cluster}`;
    this.log.info({ mqtt: describeMqttConfig(this.cfg), topicPrefix: this.topics.prefix, clientId }, 'mqtt bridge starting');
    // Retained state first, so that the first connection publishes it.
    this.pushCoordinatorState('online');
    for (const h of this.opts.source.hosts()) this.pushRetained(this.topics.hostState(h.hostId), hostStatePayload(h, this.now()));
    this.pushPlacement();
    this.unsubscribe = this.opts.source.subscribe((ev) => this.onEvent(ev));
    this.connection = new BrokerConnection({
      url,
      clientId,
      config: this.cfg,
      will: () => ({
        topic: this.topics.coordinatorState(),
        payload: JSON.stringify(
          coordinatorStatePayload('offline', { cluster: this.opts.cluster, startedAtMs: this.startedAtMs }, this.now(), 'connection lost'),
        ),
        qos: this.cfg.stateQos,
        retain: true,
      }),
      log: this.log,
      onConnect: (client, gen) => this.onConnect(client, gen),
      onDisconnect: () => {
        this.inflight = 0;
        this.activeGeneration = -1;
      },
      onMessage: (topic, payload) => {
        this.pduMessages++;
        this.opts.pdu?.handle(topic, payload, this.now());
      },
    });
    this.connection.start();
    return Promise.resolve();
  }

  async run(signal: AbortSignal): Promise<void> {
    if (signal.aborted) return;
    await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
  }

  async shutdown(): Promise<void> {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    const conn = this.connection;
    if (!conn) return;
    await conn.stop(async (client) => {
      // Say goodbye in the same retained topic the will would use, so watchers see a clean stop.
      const payload = JSON.stringify(coordinatorStatePayload('offline', { cluster: this.opts.cluster, startedAtMs: this.startedAtMs }, this.now(), 'shutdown'));
      await client.publishAsync(this.topics.coordinatorState(), payload, { qos: this.cfg.stateQos, retain: true });
    });
    this.log.info({ stats: this.stats() }, 'mqtt bridge stopped');
  }

  /** "connected" or "reconnecting" (Health.mqtt); "disabled" is the caller's when there is no bridge. */
  status(): 'connected' | 'reconnecting' {
    return this.connection?.state === 'connected' ? 'connected' : 'reconnecting';
  }

  stats(): MqttBridgeStats {
    const o = this.outbox.stats();
    return {
      state: this.connection?.state ?? 'connecting',
      published: this.publishedCount,
      dropped: o.dropped,
      failed: this.failedCount,
      queued: o.queued,
      retainedPending: o.retainedPending,
      reconnects: this.connection?.reconnects ?? 0,
      pduMessages: this.pduMessages,
      lastError: this.connection?.lastErrorMessage,
    };
  }

  /** Run start/stop markers and run results (published for `isawatt run` through the Control API). */
  publishRunMarker(kind: 'run-start' | 'run-stop' | 'run-result', fields: Record<string, unknown>): void {
    this.pushEvent(kind, fields);
  }

  private onEvent(ev: BridgeEvent): void {
    try {
      switch (ev.type) {
        case 'telemetry':
          this.onTelemetry(ev.report);
          return;
        case 'host-up':
        case 'host-down':
          this.pushRetained(this.topics.hostState(ev.host.hostId), hostStatePayload(ev.host, this.now()));
          this.pushEvent(ev.type, { host_id: ev.host.hostId, ...(ev.type === 'host-down' ? { reason: ev.reason } : {}) });
          return;
        case 'assignment-applied':
          this.pushPlacement();
          this.pushEvent('assignment-applied', {
            host_id: ev.hostId,
            assignment_version: Number(ev.version),
            functions: ev.placement.functions.map((f) => ({ function: f.function, cores: f.cores, rate_rps: f.rateRps, cpus: [...f.cpus] })),
          });
          return;
        case 'assignment-failed':
          this.pushEvent('assignment-failed', { host_id: ev.hostId, assignment_version: Number(ev.version), error: ev.error, error_code: ev.errorCode });
          return;
      }
    } catch (err) {
      // A bug in a payload builder must never reach the ingest path that emitted the event.
      this.log.error({ err: errorMessage(err), event: ev.type }, 'mqtt bridge: cannot build message');
    }
  }

  private onTelemetry(r: BridgeTelemetry): void {
    // Counters advance now (in ingest order); payloads are built when the pump sends them.
    const hc = this.counter(this.hostCounters, r.hostId);
    hc.energyJ += ujToJ(r.hostEnergyUj);
    const hostCounter = { ...hc };
    const pdu = this.opts.pdu?.latest(r.hostId);
    this.push(this.topics.hostPower(r.hostId), () => JSON.stringify(hostPowerPayload(r, hostCounter, pdu)));
    const mode = this.cfg.publish.functions;
    if (mode === 'off') return;
    const counters = r.functions.map((f) => {
      const fc = this.counter(this.fnCounters, `${r.hostId}\u0000${f.function}`);
      fc.energyJ += ujToJ(f.totalEnergyUj);
      return { ...fc };
    });
    if (mode === 'per-function') {
      r.functions.forEach((f, i) => {
        const c = counters[i] ?? { energyJ: 0, sinceMs: 0 };
        this.push(this.topics.functionPower(r.hostId, f.function), () => JSON.stringify(functionPowerPayload(r, f, c)));
      });
    } else {
      this.push(this.topics.hostFunctions(r.hostId), () =>
        JSON.stringify({
          host_id: r.hostId,
          timestamp_ms: r.timestampMs,
          interval_ms: r.intervalMs,
          functions: r.functions.map((f, i) => functionPowerPayload(r, f, counters[i] ?? { energyJ: 0, sinceMs: 0 })),
        }),
      );
    }
  }

  private counter(map: Map<string, { energyJ: number; sinceMs: number }>, key: string): { energyJ: number; sinceMs: number } {
    let c = map.get(key);
    if (!c) {
      c = { energyJ: 0, sinceMs: this.now() };
      map.set(key, c);
    }
    return c;
  }

  private pushPlacement(): void {
    this.pushRetained(this.topics.placement(), placementPayload(this.opts.source.placement(), this.now()));
  }

  private pushCoordinatorState(state: 'online'): void {
    this.pushRetained(
      this.topics.coordinatorState(),
      coordinatorStatePayload(state, { cluster: this.opts.cluster, startedAtMs: this.startedAtMs }, this.now()),
    );
  }

  private pushEvent(kind: EventKind, fields: Record<string, unknown>): void {
    this.outbox.push({
      topic: this.topics.event(kind),
      payload: JSON.stringify({ event: kind, timestamp_ms: this.now(), ...fields }),
      qos: this.cfg.stateQos,
      retain: false,
    });
    this.schedulePump();
  }

  private pushRetained(topic: string, payload: object): void {
    this.outbox.push({ topic, payload: JSON.stringify(payload), qos: this.cfg.stateQos, retain: true });
    this.schedulePump();
  }

  /** A per-tick (non-retained) message. */
  private push(topic: string, payload: () => string): void {
    this.outbox.push({ topic, payload, qos: this.cfg.qos, retain: false });
    this.schedulePump();
  }

  private onConnect(client: MqttClient, gen: number): void {
    this.activeGeneration = gen;
    this.inflight = 0;
    const dropped = this.outbox.stats().dropped;
    if (dropped > this.droppedReported) {
      this.log.warn(
        { dropped: dropped - this.droppedReported, droppedTotal: dropped, queueMax: this.cfg.queue.maxMessages },
        'mqtt: oldest per-tick messages were dropped while the broker was unreachable',
      );
      this.droppedReported = dropped;
    }
    this.pushCoordinatorState('online');
    this.outbox.markAllRetainedPending();
    for (const s of this.opts.pdu?.subscriptions() ?? []) {
      client.subscribe(s.topicFilter, { qos: s.qos }, (err) => {
        if (err) this.log.error({ topicFilter: s.topicFilter, err: err.message }, 'mqtt: pdu subscribe failed');
        else this.log.info({ topicFilter: s.topicFilter }, 'mqtt: subscribed to pdu readings');
      });
    }
    this.schedulePump();
  }

  private schedulePump(): void {
    if (this.pumpScheduled) return;
    this.pumpScheduled = true;
    setImmediate(() => {
      this.pumpScheduled = false;
      this.pump();
    });
  }

  /** Hands up to PUMP_BATCH messages to mqtt.js, within the in-flight bound, then yields. */
  private pump(): void {
    const client = this.connection?.connected();
    if (!client) return;
    const gen = this.activeGeneration;
    let sent = 0;
    while (this.inflight < this.cfg.queue.maxInflight && sent < PUMP_BATCH) {
      const m = this.outbox.shift();
      if (!m) return;
      sent++;
      this.inflight++;
      let payload: string;
      try {
        payload = typeof m.payload === 'function' ? m.payload() : m.payload;
      } catch (err) {
        this.inflight--;
        this.failedCount++;
        this.log.error({ err: errorMessage(err), topic: m.topic }, 'mqtt bridge: cannot build message');
        continue;
      }
      client.publish(m.topic, payload, { qos: m.qos, retain: m.retain }, (err) => this.onPublished(m, gen, err));
    }
    this.schedulePump();
  }

  private onPublished(m: OutMessage, gen: number, err: Error | undefined): void {
    if (gen !== this.activeGeneration) return; // a connection that is gone; its count was reset
    this.inflight--;
    if (err) {
      this.failedCount++;
      if (m.retain) this.outbox.retryRetained(m.topic);
    } else {
      this.publishedCount++;
    }
    if (!this.outbox.isEmpty) this.schedulePump();
  }
}
