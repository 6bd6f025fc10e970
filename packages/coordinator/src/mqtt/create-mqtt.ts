// Wiring of the MQTT side for main.ts: from the `mqtt:` config to the services to run (embedded
// broker if asked, PDU store, bridge) in init order, plus the handles other parts need (the PDU
// store for the Control service and run reports, the bridge for Health and run markers).
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { ConfigError, type Logger, type Service } from '@isawatt/common';
import { topicMatches } from '../pdu/parse.js';
import { PduService } from '../pdu/pdu-service.js';
import type { PduIngest } from '../pdu/ingest.js';
import type { PduStore } from '../pdu/store.js';
import type { BridgeSource } from './bridge-source.js';
import { MqttBridge } from './bridge.js';
import type { MqttConfig } from './config.js';
import { EmbeddedBroker } from './embedded-broker.js';
import { Topics } from './topics.js';

export interface MqttWiring {
  /** Services in init order (broker before bridge). Empty when mqtt.broker is "off". */
  services: Service[];
  bridge: MqttBridge | undefined;
  broker: EmbeddedBroker | undefined;
  /** Present whenever the bridge is (PDU sources may be empty). */
  pduStore: PduStore | undefined;
  /** The PDU ingest (its counters of accepted and rejected readings). */
  pduIngest: PduIngest | undefined;
  /** Health.mqtt: "disabled", "connected" or "reconnecting". */
  status(): 'disabled' | 'connected' | 'reconnecting';
}

export interface CreateMqttOptions {
  config: MqttConfig;
  cluster: string;
  /** The coordinator's state directory; PDU history goes to <stateDir>/pdu (memory only if undefined). */
  stateDir: string | undefined;
  source: BridgeSource;
  log: Logger;
}

export function createMqtt(opts: CreateMqttOptions): MqttWiring {
  const cfg = opts.config;
  if (cfg.broker === 'off') {
    return { services: [], bridge: undefined, broker: undefined, pduStore: undefined, pduIngest: undefined, status: () => 'disabled' };
  }
  // A PDU filter that matches our own feed would feed 20k messages/s back into the PDU ingest.
  const prefix = cfg.topicPrefix ?? Topics.defaultPrefix(opts.cluster);
  const loops = cfg.pdu.sources.filter((s) => topicMatches(s.topicFilter, `${prefix}/hosts/h/power`) || topicMatches(s.topicFilter, `${prefix}/placement`));
  if (loops.length > 0) {
    throw new ConfigError(
      loops.map(
        (s) => `mqtt.pdu.sources: topicFilter "${s.topicFilter}" matches the coordinator's own topics under "${prefix}"; narrow it to the PDU's topics`,
      ),
      'coordinator config',
    );
  }
  const services: Service[] = [];
  let broker: EmbeddedBroker | undefined;
  let bridgeConfig = cfg;
  if (cfg.broker === 'embedded') {
    // The bridge's account on the embedded broker: made fresh at every start, never written down.
    const account = { username: 'isawatt-coordinator', password: randomBytes(24).toString('base64url') };
    const tls = cfg.embedded.tls;
    // Over mqtts the bridge verifies the broker's certificate like any client would.
    bridgeConfig = { ...cfg, ...account, ...(tls ? { tls: { caFile: tls.caFile ?? tls.certFile, rejectUnauthorized: true } } : {}) };
    broker = new EmbeddedBroker({
      host: cfg.embedded.host,
      port: cfg.embedded.port,
      log: opts.log,
      bridge: account,
      prefix,
      users: cfg.embedded.users,
      protectedFilters: cfg.pdu.sources.map((s) => s.topicFilter),
      tls: cfg.embedded.tls,
    });
    services.push(broker);
  }
  const pdu = new PduService(cfg.pdu, opts.stateDir === undefined ? undefined : join(opts.stateDir, 'pdu'), opts.log);
  services.push(pdu);
  const embedded = broker;
  const bridge = new MqttBridge({
    config: bridgeConfig,
    cluster: opts.cluster,
    brokerUrl: () => (embedded ? embedded.url() : cfg.broker),
    source: opts.source,
    pdu: {
      subscriptions: () => pdu.ingest.subscriptions(),
      handle: (topic, payload, receivedMs) => pdu.ingest.handle(topic, payload, receivedMs),
      latest: (hostId) => pdu.store.latest(hostId),
    },
    log: opts.log,
  });
  services.push(bridge);
  return { services, bridge, broker, pduStore: pdu.store, pduIngest: pdu.ingest, status: () => bridge.status() };
}
