// `--mqtt embedded`: an aedes broker inside the coordinator, so the demo needs no system package.
// It listens on 127.0.0.1 by default (port from config; 0 picks a free one) and the bridge connects
// to it like to any other broker. Real deployments run Debian's mosquitto instead.
// Access (docs/mqtt.md): the coordinator's bridge logs in with credentials made at start and is the
// only client that may publish under the coordinator's topic prefix (retained host state cannot be
// spoofed); configured users may publish only to their own topic filters (a PDU's user to the PDU's
// topics); with users configured, anonymous clients are refused; anonymous clients (loopback, no
// users) may read, and may not publish to the prefix or to any PDU source's topics.
import { Aedes, type Client } from 'aedes';
import { timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { topicMatches } from '../pdu/parse.js';
import type { Logger } from '@isawatt/common';
import type { Service } from '@isawatt/common';
import { ConfigError, UnavailableError } from '@isawatt/common';

export interface BrokerUser {
  username: string;
  password: string;
  /** Topic filters this user may publish to. */
  publish: readonly string[];
}

export interface EmbeddedBrokerOptions {
  host: string;
  port: number;
  log: Logger;
  /** The bridge's own account (may publish under `prefix` only). */
  bridge?: { username: string; password: string };
  /** The coordinator's topic prefix ("isawatt/<cluster>"). */
  prefix?: string;
  /** Configured accounts; when any exist, anonymous clients are refused. */
  users?: readonly BrokerUser[];
  /** PDU source topic filters: never writable anonymously. */
  protectedFilters?: readonly string[];
  /** Serve MQTT over TLS (mqtts) with this certificate and key (config mqtt.embedded.tls). */
  tls?: { certFile: string; keyFile: string } | undefined;
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

type Who = { kind: 'bridge' } | { kind: 'user'; user: BrokerUser } | { kind: 'anonymous' };

export class EmbeddedBroker implements Service {
  readonly name = 'mqtt-embedded-broker';
  private broker: Aedes | undefined;
  private server: Server | undefined;
  private readonly log: Logger;

  constructor(private readonly opts: EmbeddedBrokerOptions) {
    this.log = opts.log.child({ component: this.name });
  }

  async init(): Promise<void> {
    const o = this.opts;
    const who = new WeakMap<Client, Who>();
    const users = o.users ?? [];
    const broker = await Aedes.createBroker({
      authenticate: (client, username, password, done) => {
        const pass = password?.toString('utf8') ?? '';
        if (o.bridge && username === o.bridge.username && sameSecret(pass, o.bridge.password)) {
          who.set(client, { kind: 'bridge' });
          return done(null, true);
        }
        const user = users.find((u) => u.username === username);
        if (user && sameSecret(pass, user.password)) {
          who.set(client, { kind: 'user', user });
          return done(null, true);
        }
        if (username === undefined && users.length === 0) {
          who.set(client, { kind: 'anonymous' });
          return done(null, true);
        }
        this.log.warn({ clientId: client.id, username }, 'mqtt client refused: bad credentials');
        return done(Object.assign(new Error('bad username or password'), { returnCode: 4 }), false);
      },
      authorizePublish: (client, packet, done) => {
        const w = client ? who.get(client) : { kind: 'bridge' as const };
        const topic = packet.topic;
        const underPrefix = o.prefix !== undefined && (topic === o.prefix || topic.startsWith(`${o.prefix}/`));
        let ok: boolean;
        if (!w) ok = false;
        else if (w.kind === 'bridge') ok = underPrefix;
        else if (w.kind === 'user') ok = !underPrefix && w.user.publish.some((f) => topicMatches(f, topic));
        else ok = !underPrefix && !(o.protectedFilters ?? []).some((f) => topicMatches(f, topic));
        if (ok) return done(null);
        this.log.warn({ clientId: client?.id, topic }, 'mqtt publish refused: topic not writable by this client');
        return done(new Error(`not allowed to publish to ${topic}`));
      },
    });
    this.broker = broker;
    const server = o.tls
      ? createTlsServer({ cert: readPem(o.tls.certFile, 'certFile'), key: readPem(o.tls.keyFile, 'keyFile') }, (socket) => broker.handle(socket))
      : createServer((socket) => broker.handle(socket));
    // A client that fails the TLS handshake is logged, not fatal.
    server.on('tlsClientError', (err: Error) => this.log.warn({ err: err.message }, 'mqtt client refused: TLS handshake failed'));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      const onError = (err: Error): void => {
        reject(new UnavailableError(`mqtt embedded broker ${this.opts.host}:${this.opts.port}`, `cannot listen: ${err.message}`, { cause: err }));
      };
      server.once('error', onError);
      server.listen(this.opts.port, this.opts.host, () => {
        server.off('error', onError);
        resolve();
      });
    });
    this.log.info({ url: this.url() }, 'embedded mqtt broker listening');
  }

  /**
   * mqtt://host:port (mqtts:// with TLS) of the listening broker, for the coordinator's own bridge
   * (valid after init). A wildcard listen address is reached through loopback.
   */
  url(): string {
    const addr = this.server?.address() as AddressInfo | null | undefined;
    if (!addr) throw new Error('mqtt embedded broker: not listening');
    const address = addr.address === '0.0.0.0' ? '127.0.0.1' : addr.address === '::' ? '::1' : addr.address;
    const host = address.includes(':') ? `[${address}]` : address;
    return `${this.opts.tls ? 'mqtts' : 'mqtt'}://${host}:${addr.port}`;
  }

  async run(signal: AbortSignal): Promise<void> {
    if (signal.aborted) return;
    await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
  }

  async shutdown(): Promise<void> {
    const server = this.server;
    const broker = this.broker;
    this.server = undefined;
    this.broker = undefined;
    // Close the broker first: it disconnects its clients, so server.close() can complete.
    if (broker) await new Promise<void>((resolve) => broker.close(() => resolve()));
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

function readPem(path: string, key: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    throw new ConfigError([`mqtt.embedded.tls.${key}: cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? String(err)})`], 'coordinator config');
  }
}
