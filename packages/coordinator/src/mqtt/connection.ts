// One logical connection to the broker that comes back by itself. Each attempt is a fresh mqtt.js
// client with its own reconnect turned off (mqtt.js only knows a fixed period); between attempts we
// wait with exponential backoff and jitter (@isawatt/common Backoff). mqtt.js's offline queue is
// turned off too: the bridge's Outbox is the only queue, bounded, so a dead broker costs no memory
// growth and never blocks a caller.
import { readFileSync } from 'node:fs';
import { format } from 'node:util';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { Backoff, ConfigError, errorMessage, type Logger } from '@isawatt/common';
import { redactUrl, type MqttConfig } from './config.js';

export interface WillMessage {
  topic: string;
  payload: string;
  qos: 0 | 1 | 2;
  retain: boolean;
}

export interface BrokerConnectionOptions {
  url: string;
  clientId: string;
  config: MqttConfig;
  /** Built at each attempt, so its timestamp is the connect time. */
  will: () => WillMessage;
  log: Logger;
  /** A connection is up; `generation` identifies it (callbacks of older ones must be ignored). */
  onConnect: (client: MqttClient, generation: number) => void;
  onDisconnect: (generation: number) => void;
  onMessage: (topic: string, payload: Buffer) => void;
}

export type ConnectionState = 'connecting' | 'connected' | 'reconnecting' | 'stopped';

/** Reads the TLS files named in the config; a ConfigError names the file that cannot be read. */
function tlsOptions(cfg: MqttConfig): Pick<IClientOptions, 'ca' | 'cert' | 'key' | 'rejectUnauthorized'> {
  const read = (path: string | undefined, what: string): Buffer | undefined => {
    if (!path) return undefined;
    try {
      return readFileSync(path);
    } catch (err) {
      throw new ConfigError([`mqtt.tls.${what}: cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? errorMessage(err)})`], 'mqtt config');
    }
  };
  const out: Pick<IClientOptions, 'ca' | 'cert' | 'key' | 'rejectUnauthorized'> = { rejectUnauthorized: cfg.tls.rejectUnauthorized };
  const ca = read(cfg.tls.caFile, 'caFile');
  const cert = read(cfg.tls.certFile, 'certFile');
  const key = read(cfg.tls.keyFile, 'keyFile');
  if (ca) out.ca = ca;
  if (cert) out.cert = cert;
  if (key) out.key = key;
  return out;
}

export class BrokerConnection {
  private client: MqttClient | undefined;
  private generation = 0;
  private connectedGeneration = -1;
  private timer: NodeJS.Timeout | undefined;
  private readonly backoff: Backoff;
  private readonly baseOptions: IClientOptions;
  private stateValue: ConnectionState = 'connecting';
  private reconnectCount = 0;
  private lastError: string | undefined;
  private readonly log: Logger;

  constructor(private readonly opts: BrokerConnectionOptions) {
    this.log = opts.log;
    const cfg = opts.config;
    this.backoff = new Backoff({ initialMs: cfg.reconnect.initialMs, maxMs: cfg.reconnect.maxMs });
    this.baseOptions = {
      clientId: opts.clientId,
      protocolVersion: cfg.protocolVersion,
      keepalive: cfg.keepaliveS,
      connectTimeout: cfg.connectTimeoutMs,
      clean: true,
      reconnectPeriod: 0,
      resubscribe: false,
      queueQoSZero: false,
      // mqtt.js's own debug lines go to our logger at trace level; when trace is off they cost a
      // no-op call instead of the debug module's per-call work (measurable at 20k messages/s).
      log: this.log.isLevelEnabled('trace') ? (...args: unknown[]) => this.log.trace({ mqttjs: format(...args) }, 'mqtt.js') : () => undefined,
      ...tlsOptions(cfg),
    };
    if (cfg.username !== undefined) this.baseOptions.username = cfg.username;
    if (cfg.password !== undefined) this.baseOptions.password = cfg.password;
  }

  get state(): ConnectionState {
    return this.stateValue;
  }

  /** Connections made after the first one. */
  get reconnects(): number {
    return this.reconnectCount;
  }

  get lastErrorMessage(): string | undefined {
    return this.lastError;
  }

  /** The connected client, if any. */
  connected(): MqttClient | undefined {
    return this.connectedGeneration === this.generation && this.client?.connected ? this.client : undefined;
  }

  start(): void {
    this.attempt();
  }

  private attempt(): void {
    if (this.stateValue === 'stopped') return;
    this.timer = undefined;
    const gen = ++this.generation;
    const w = this.opts.will();
    const client = mqtt.connect(this.opts.url, {
      ...this.baseOptions,
      will: { topic: w.topic, payload: Buffer.from(w.payload), qos: w.qos, retain: w.retain },
    });
    this.client = client;
    let wasConnected = false;
    client.on('connect', () => {
      if (gen !== this.generation) return;
      wasConnected = true;
      if (this.connectedGeneration >= 0) this.reconnectCount++;
      this.connectedGeneration = gen;
      this.stateValue = 'connected';
      this.lastError = undefined;
      this.backoff.reset();
      this.log.info({ url: redactUrl(this.opts.url), clientId: this.opts.clientId, reconnects: this.reconnectCount }, 'mqtt connected');
      this.opts.onConnect(client, gen);
    });
    client.on('message', (topic, payload) => {
      if (gen === this.generation) this.opts.onMessage(topic, payload);
    });
    client.on('error', (err) => {
      if (gen !== this.generation) return;
      this.lastError = err.message;
    });
    client.on('close', () => {
      if (gen !== this.generation || this.stateValue === 'stopped') return;
      // This attempt is over: free it (end(true) fails its pending callbacks) and plan the next.
      client.removeAllListeners('message');
      client.end(true);
      // Forget it: ending it again at stop() would wait for a 'close' that already happened.
      if (this.client === client) this.client = undefined;
      if (wasConnected) this.opts.onDisconnect(gen);
      this.stateValue = 'reconnecting';
      const delayMs = this.backoff.nextDelayMs();
      const fields = { url: redactUrl(this.opts.url), err: this.lastError, retryInMs: delayMs, attempt: this.backoff.attempts };
      if (wasConnected || this.backoff.attempts === 1) this.log.warn(fields, 'mqtt connection lost, reconnecting');
      else this.log.debug(fields, 'mqtt connect failed, retrying');
      this.timer = setTimeout(() => this.attempt(), delayMs);
      this.timer.unref();
    });
  }

  /**
   * Stops reconnecting. `beforeEnd` runs while still connected (the bridge publishes its
   * "offline" state there); then the client disconnects cleanly, so the broker drops the will.
   */
  async stop(beforeEnd?: (client: MqttClient) => Promise<void>, timeoutMs = 3000): Promise<void> {
    if (this.stateValue === 'stopped') return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const client = this.connected();
    this.stateValue = 'stopped';
    if (client && beforeEnd) {
      try {
        await withTimeout(beforeEnd(client), timeoutMs);
      } catch (err) {
        this.log.warn({ err: errorMessage(err) }, 'mqtt: final publish failed');
      }
    }
    const c = this.client;
    this.client = undefined;
    if (!c) return;
    if (c.connected) {
      try {
        await withTimeout(c.endAsync(false), timeoutMs);
        return;
      } catch (err) {
        this.log.warn({ err: errorMessage(err) }, 'mqtt: clean disconnect failed, closing the socket');
      }
    }
    try {
      await withTimeout(new Promise<void>((resolve) => c.end(true, {}, () => resolve())), timeoutMs);
    } catch (err) {
      this.log.warn({ err: errorMessage(err) }, 'mqtt: closing the connection did not complete');
    }
  }
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<never>((_, reject) => {
    // Not unref'd: it is always cleared below, and it must fire even when nothing else is pending.
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
  });
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}
