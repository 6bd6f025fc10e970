// The coordinator's MQTT settings (nested under `mqtt:` in the coordinator config; the CLI flag
// `--mqtt <url|embedded|off>` sets `mqtt.broker`). Strict objects so that typos surface as unknown
// keys. Credentials live here but are never logged: `describeMqttConfig` is the only view of this
// config meant for logs.
import { z } from 'zod';
import { pduConfigSchema } from '../pdu/config.js';
import { validTopicFilter } from '../pdu/config.js';

export const MQTT_URL_PROTOCOLS = ['mqtt:', 'mqtts:', 'ws:', 'wss:'] as const;

const brokerSchema = z.string().refine(
  (s) => {
    if (s === 'off' || s === 'embedded') return true;
    try {
      return (MQTT_URL_PROTOCOLS as readonly string[]).includes(new URL(s).protocol);
    } catch {
      return false;
    }
  },
  { message: 'expected "off", "embedded" or a broker URL (mqtt://host:1883, mqtts://, ws://, wss://)' },
);

const qosSchema = z.union([z.literal(0), z.literal(1), z.literal(2)], { error: 'expected QoS 0, 1 or 2' });

export const mqttConfigSchema = z.strictObject({
  /** "off" (no bridge), "embedded" (aedes broker inside the coordinator) or a broker URL. */
  broker: brokerSchema.default('off'),
  /** Where the embedded broker listens (only with broker "embedded"). */
  embedded: z
    .strictObject({
      host: z.string().min(1).default('127.0.0.1'),
      port: z.number().int().min(0).max(65535, 'expected a TCP port 0..65535').default(1883),
      /**
       * Broker accounts (docs/mqtt.md "Embedded broker security"). With any, anonymous clients are
       * refused; each user may publish only to its `publish` topic filters (a PDU's user to the
       * PDU's topics). The coordinator's own topics are writable by the coordinator alone.
       */
      users: z
        .array(
          z.strictObject({
            username: z.string().min(1).max(128),
            password: z.string().min(8, 'use at least 8 characters').max(1024),
            publish: z.array(z.string().min(1).refine(validTopicFilter, 'expected an MQTT topic filter')).default([]),
          }),
        )
        .default([]),
      /**
       * mqtts: the broker's certificate and key (its names must include the listen address, or
       * 127.0.0.1 for 0.0.0.0: the coordinator's bridge connects there and checks them), and the
       * CA the bridge verifies it with (default: certFile itself, for a self-signed certificate).
       */
      tls: z.strictObject({ certFile: z.string().min(1), keyFile: z.string().min(1), caFile: z.string().min(1).optional() }).optional(),
    })
    .default({ host: '127.0.0.1', port: 1883, users: [] }),
  /** MQTT client id (default "isawatt-coordinator-<cluster>"). */
  clientId: z.string().min(1).max(128).optional(),
  username: z.string().optional(),
  password: z.string().optional(),
  tls: z
    .strictObject({
      caFile: z.string().min(1).optional(),
      certFile: z.string().min(1).optional(),
      keyFile: z.string().min(1).optional(),
      rejectUnauthorized: z.boolean().default(true),
    })
    .refine((t) => Boolean(t.certFile) === Boolean(t.keyFile), 'certFile and keyFile go together')
    .default({ rejectUnauthorized: true }),
  /** QoS of per-tick power messages. */
  qos: qosSchema.default(0),
  /** QoS of retained state, events and the last will. */
  stateQos: qosSchema.default(1),
  /** Prefix of every topic (default "isawatt/<cluster>"). */
  topicPrefix: z
    .string()
    .min(1)
    .refine(
      (p) => validTopicFilter(p) && !p.includes('+') && !p.includes('#') && !p.endsWith('/'),
      'expected a topic prefix without wildcards or a trailing "/"',
    )
    .optional(),
  protocolVersion: z.union([z.literal(4), z.literal(5)], { error: 'expected MQTT protocol version 4 (3.1.1) or 5' }).default(4),
  keepaliveS: z.number().int().min(0).max(65535).default(30),
  connectTimeoutMs: z.number().int().min(100).default(10_000),
  reconnect: z
    .strictObject({
      initialMs: z.number().int().min(10).default(1000),
      maxMs: z.number().int().min(10).default(30_000),
    })
    .refine((r) => r.maxMs >= r.initialMs, 'maxMs must be at least initialMs')
    .default({ initialMs: 1000, maxMs: 30_000 }),
  queue: z
    .strictObject({
      /** Non-retained messages waiting for the broker; past it the oldest are dropped (and counted). */
      maxMessages: z.number().int().min(1).default(100_000),
      /** Messages handed to the socket but not yet written (QoS 0) or acknowledged (QoS 1/2). */
      maxInflight: z.number().int().min(1).max(65_000).default(1000),
    })
    .default({ maxMessages: 100_000, maxInflight: 1000 }),
  publish: z
    .strictObject({
      /** Per-function power: one topic per function, one message per host with all functions, or none. */
      functions: z.enum(['per-function', 'per-host', 'off']).default('per-function'),
    })
    .default({ functions: 'per-function' }),
  pdu: pduConfigSchema.default(pduConfigSchema.parse({})),
});

export type MqttConfigInput = z.input<typeof mqttConfigSchema>;
export type MqttConfig = z.output<typeof mqttConfigSchema>;

/** Parses `--mqtt <url|embedded|off>` into the `mqtt.broker` value (validated with the schema). */
export function mqttFlagToConfig(flag: string | undefined): Partial<MqttConfigInput> {
  return flag === undefined ? {} : { broker: flag.trim() };
}

/** The URL without user:password, for logs and status lines. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.username || u.password) {
      u.username = '';
      u.password = '';
    }
    return u.toString();
  } catch {
    return '(invalid url)';
  }
}

/** What is safe to log about the config: no password, no credentials in the URL. */
export function describeMqttConfig(cfg: MqttConfig): Record<string, unknown> {
  return {
    broker: cfg.broker === 'off' || cfg.broker === 'embedded' ? cfg.broker : redactUrl(cfg.broker),
    clientId: cfg.clientId,
    username: cfg.username === undefined ? undefined : '[set]',
    passwordSet: cfg.password !== undefined,
    tls: { caFile: cfg.tls.caFile, certFile: cfg.tls.certFile, keyFileSet: Boolean(cfg.tls.keyFile) },
    qos: cfg.qos,
    stateQos: cfg.stateQos,
    topicPrefix: cfg.topicPrefix,
    functions: cfg.publish.functions,
    pduSources: cfg.pdu.sources.map((s) => s.topicFilter),
  };
}
