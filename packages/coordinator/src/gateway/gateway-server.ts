// The coordinator's HTTP gateway: `POST /invoke/<function>` with the function's input as the body
// goes to a host that runs the function by the placement, hosts weighted by their rate shares
// (routes.ts); a host that is down or refuses is replaced by the next (up to maxAttempts); with no
// host running the function, or none answering, the caller gets 503 with the reason. Off loopback
// it serves HTTPS and wants `Authorization: Bearer <token>` (config.ts refuses anything less).
// Agents are called as they advertise (Hello.invoke_scheme): plain HTTP, or HTTPS with the
// gateway's credentials of role gateway (upstream.ts); an https agent the gateway has no
// credentials for is skipped with the reason, and logged once when it comes up.
//   200.. relayed from the agent | 400 bad path | 401 missing or wrong token | 404 not /invoke/...
//   405 not POST | 413 body over maxBodyBytes | 503 no host runs it, or none answered (each
//   attempt named: unreachable, refused, credentials) | 504 timeout
import { timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { Registry } from 'prom-client';
import { ConfigError, splitHostPort, type Logger, type Service, msToS } from '@isawatt/common';
import type { HostRegistry } from '../registry/host-registry.js';
import type { HostView } from '../registry/types.js';
import type { GatewayConfig } from './config.js';
import { attempt, Deadlines } from './forward.js';
import { GatewayMetrics } from './gateway-metrics.js';
import { buildRoutes, dialAddress, fallbacks, WeightedPicker, type Replica } from './routes.js';
import { UpstreamPools } from './upstream.js';

export interface GatewayOptions {
  readonly config: GatewayConfig & { readonly listen: string };
  /** The coordinator's own certificate, used when the gateway has none of its own. */
  readonly coordinatorTls: { readonly certFile?: string | undefined; readonly keyFile?: string | undefined };
  readonly registry: HostRegistry;
  /** Where the metrics go (the coordinator's /metrics registry, or a private one). */
  readonly prom: Registry;
  readonly log: Logger;
}

const PREFIX = '/invoke/';
const FUNCTION_NAME = /^[a-z0-9][a-z0-9._-]{0,127}$/;
/** The route table is rebuilt on registry events, and at least this often. */
const ROUTES_MAX_AGE_MS = 1000;
/**
 * Agent answers up to this size (by their content-length) are read whole and sent on in one write;
 * larger or unsized ones are streamed (piped) so that memory stays bounded.
 */
const BUFFER_RESPONSE_MAX_BYTES = 64 * 1024;

export class GatewayServer implements Service {
  readonly name = 'gateway';
  private readonly log: Logger;
  private readonly metrics: GatewayMetrics;
  private pools: UpstreamPools | undefined;
  /** Hosts already warned about (https endpoint, no agent credentials): one warning per host, not per call. */
  private readonly warnedHosts = new Set<string>();
  private readonly deadlines = new Deadlines();
  private readonly pickers = new Map<string, WeightedPicker>();
  private server: Server | undefined;
  private token: Buffer | undefined;
  private routes = new Map<string, Replica[]>();
  private routesAt = -Infinity;
  private boundPort = 0;
  private readonly invalidate = (): void => {
    this.routesAt = -Infinity;
  };
  private readonly onHostUp = (h: HostView): void => {
    this.routesAt = -Infinity;
    this.warnIfUnreachable(h);
  };

  constructor(private readonly opts: GatewayOptions) {
    this.log = opts.log.child({ component: this.name });
    this.metrics = new GatewayMetrics(opts.prom);
  }

  get port(): number {
    return this.boundPort;
  }

  async init(): Promise<void> {
    const c = this.opts.config;
    const { host, port } = splitHostPort(c.listen, 'gateway.listen');
    if (c.tokenFile !== undefined) {
      let text: string;
      try {
        text = readFileSync(c.tokenFile, 'utf8').trim();
      } catch (err) {
        throw new ConfigError([`gateway.tokenFile: cannot read ${c.tokenFile}: ${(err as Error).message}`], 'gateway');
      }
      if (text.length < 16 || /\s/.test(text))
        throw new ConfigError([`gateway.tokenFile: ${c.tokenFile} must hold one token of at least 16 characters without spaces`], 'gateway');
      this.token = Buffer.from(text);
    }
    // Agent credentials are read now: a missing file or a key that does not fit stops the start.
    this.pools = new UpstreamPools(c);
    const certFile = c.tls.certFile ?? this.opts.coordinatorTls.certFile;
    const keyFile = c.tls.certFile !== undefined ? c.tls.keyFile : this.opts.coordinatorTls.keyFile;
    const handler = (req: IncomingMessage, res: ServerResponse): void => void this.handle(req, res);
    let server: Server;
    if (certFile !== undefined && keyFile !== undefined) {
      try {
        server = createHttpsServer({ cert: readFileSync(certFile), key: readFileSync(keyFile) }, handler);
      } catch (err) {
        throw new ConfigError([`gateway TLS: cannot load ${certFile} / ${keyFile}: ${(err as Error).message}`], 'gateway');
      }
    } else server = createHttpServer(handler);
    // Callers keep connections open: close idle ones late (load balancers use 60 s), so that a
    // caller rarely sends on a connection the gateway is closing.
    server.keepAliveTimeout = 65_000;
    server.on('connection', (socket: import('node:net').Socket) => socket.setNoDelay(true));
    server.headersTimeout = 66_000;
    this.server = server;
    this.opts.registry.on('host-up', this.onHostUp);
    for (const e of ['host-down', 'assignment-applied'] as const) this.opts.registry.on(e, this.invalidate);
    await new Promise<void>((resolve, reject) => {
      server.once('error', (err) => reject(new Error(`gateway ${c.listen}: cannot listen: ${err.message}`, { cause: err })));
      server.listen(port, host.replace(/^\[|\]$/g, ''), () => resolve());
    });
    const addr = server.address();
    this.boundPort = typeof addr === 'object' && addr ? addr.port : port;
    this.log.info(
      {
        listen: c.listen,
        port: this.boundPort,
        tls: certFile !== undefined,
        token: this.token !== undefined,
        agentCredentials: this.pools.https ? [...(c.agentTls.certFile ? ['client-cert'] : []), ...(c.agentTokenFile ? ['token'] : [])] : 'none',
      },
      'gateway listening',
    );
    for (const h of this.opts.registry.list()) if (h.state === 'up') this.warnIfUnreachable(h);
  }

  /** One warning per host whose endpoint is HTTPS while the gateway has no credentials for agents. */
  private warnIfUnreachable(h: HostView): void {
    if (this.pools?.https !== undefined || h.hello.invokeScheme !== 'https' || !h.hello.invokeAddress) return;
    if (this.warnedHosts.has(h.hostId)) return;
    if (this.warnedHosts.size >= 10_000) return; // bounded: a fleet this large has seen the warning
    this.warnedHosts.add(h.hostId);
    const c = this.pools?.of('https');
    this.log.warn(
      { hostId: h.hostId, invokeAddress: dialAddress(h.hello.invokeAddress, h.peer) ?? h.hello.invokeAddress },
      `gateway cannot call host ${h.hostId}: ${typeof c === 'string' ? c : ''}`,
    );
  }

  async run(signal: AbortSignal): Promise<void> {
    if (signal.aborted) return;
    await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
  }

  async shutdown(): Promise<void> {
    this.opts.registry.off('host-up', this.onHostUp);
    for (const e of ['host-down', 'assignment-applied'] as const) this.opts.registry.off(e, this.invalidate);
    const s = this.server;
    this.pools?.destroy();
    this.deadlines.close();
    if (!s) return;
    s.closeAllConnections();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }

  private currentRoutes(): Map<string, Replica[]> {
    const now = performance.now();
    if (now - this.routesAt > ROUTES_MAX_AGE_MS) {
      this.routes = buildRoutes(this.opts.registry.list());
      this.routesAt = now;
    }
    return this.routes;
  }

  private authorised(req: IncomingMessage): boolean {
    if (!this.token) return true;
    const h = req.headers.authorization ?? '';
    const m = /^Bearer (\S+)$/.exec(h);
    if (!m) return false;
    const got = Buffer.from(m[1] as string);
    return got.length === this.token.length && timingSafeEqual(got, this.token);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = performance.now();
    const url = req.url ?? '';
    const q = url.indexOf('?');
    const path = q < 0 ? url : url.slice(0, q);
    let label = '_unrouted';
    const finish = (status: number, body: unknown, headers: Record<string, string> = {}): void => {
      if (!res.headersSent) {
        const text = JSON.stringify(body);
        res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
        res.end(text);
      }
      this.count(label, status, started);
    };
    if (!path.startsWith(PREFIX)) {
      req.resume();
      return finish(404, { error: `not found: use POST ${PREFIX}<function>` });
    }
    if (req.method !== 'POST') {
      req.resume();
      return finish(405, { error: `use POST ${PREFIX}<function> with the function's input as the body` }, { allow: 'POST' });
    }
    if (!this.authorised(req)) {
      req.resume();
      return finish(401, { error: 'missing or wrong API token (Authorization: Bearer <token>)' }, { 'www-authenticate': 'Bearer' });
    }
    let fn = path.slice(PREFIX.length);
    if (fn.includes('%'))
      try {
        fn = decodeURIComponent(fn);
      } catch {
        fn = ''; // malformed escape: rejected below
      }
    if (!FUNCTION_NAME.test(fn)) {
      req.resume();
      return finish(400, { error: `bad function name in the path (expected [a-z0-9][a-z0-9._-]*, at most 128 characters)` });
    }
    const body = await this.readBody(req);
    if (body === null) return finish(413, { error: `body over ${this.opts.config.maxBodyBytes} bytes` }, { connection: 'close' });
    const replicas = this.currentRoutes().get(fn);
    if (replicas) label = fn;
    if (!replicas || replicas.length === 0) {
      return finish(503, { error: `no host runs function "${fn}" by the current placement` }, { 'retry-after': '1' });
    }
    let picker = this.pickers.get(fn);
    if (!picker) {
      picker = new WeightedPicker();
      this.pickers.set(fn, picker);
    }
    const first = picker.pick(replicas) as Replica;
    // The other replicas, by weight, are only worked out when the first one fails.
    let tries: Replica[] | undefined;
    const failures: string[] = [];
    // A valid name ([a-z0-9._-]) needs no escaping: the upstream path is the prefix and the name.
    const upstreamPath = PREFIX + fn;
    for (let k = 0; k < this.opts.config.maxAttempts; k++) {
      let r = first;
      if (k > 0) {
        tries ??= fallbacks(replicas, first);
        const next = tries[k - 1];
        if (!next) break;
        r = next;
        this.metrics.retries.inc({ function: label });
      }
      const up = (this.pools as UpstreamPools).of(r.scheme);
      // An https agent without gateway credentials is not called (the call does not run there).
      const out =
        typeof up === 'string'
          ? ({ kind: 'credentials', detail: up } as const)
          : await attempt(up, r, upstreamPath, body, this.opts.config.attemptTimeoutMs, this.deadlines);
      if (out.kind === 'response') {
        this.relay(out.res, res, r.hostId, label, started);
        return;
      }
      const reason = out.kind;
      this.metrics.attemptFailures.inc({ function: label, host: r.hostId, reason });
      failures.push(`${r.hostId}: ${reason} (${out.detail})`);
      if (out.kind === 'timeout') {
        // The call may have run: not sent again.
        return finish(504, { error: `function "${fn}" on host ${r.hostId}: ${out.detail}` });
      }
      this.invalidate();
    }
    this.log.warn({ function: fn, failures }, 'no host answered');
    return finish(503, { error: `no host running "${fn}" answered: ${failures.join('; ')}` }, { 'retry-after': '1' });
  }

  /**
   * Sends the agent's answer on: small sized answers read whole and written at once (one write, no
   * stream plumbing per call); others piped.
   */
  private relay(up: IncomingMessage, res: ServerResponse, hostId: string, label: string, started: number): void {
    const status = up.statusCode ?? 502;
    const length = up.headers['content-length'];
    const headers: Record<string, string> = { 'content-type': up.headers['content-type'] ?? 'application/json', 'x-isawatt-host': hostId };
    const size = length === undefined ? NaN : Number(length);
    res.once('close', () => {
      if (!res.writableFinished) up.destroy();
    });
    up.on('error', () => res.destroy());
    if (Number.isInteger(size) && size >= 0 && size <= BUFFER_RESPONSE_MAX_BYTES) {
      const chunks: Buffer[] = [];
      up.on('data', (c: Buffer) => chunks.push(c));
      up.on('end', () => {
        const whole = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks);
        headers['content-length'] = String(whole.length);
        res.writeHead(status, headers);
        res.end(whole);
        this.count(label, status, started);
      });
      return;
    }
    if (length !== undefined) headers['content-length'] = length;
    res.writeHead(status, headers);
    up.pipe(res);
    res.once('finish', () => this.count(label, status, started));
  }

  /** The body, or null when it exceeds maxBodyBytes (the rest is drained). */
  private readBody(req: IncomingMessage): Promise<Buffer | null> {
    const limit = this.opts.config.maxBodyBytes;
    const declared = Number(req.headers['content-length'] ?? NaN);
    if (Number.isFinite(declared) && declared > limit) {
      req.resume();
      return Promise.resolve(null);
    }
    return new Promise((resolve) => {
      const chunks: Buffer[] = [];
      let size = 0;
      let over = false;
      req.on('data', (c: Buffer) => {
        size += c.length;
        if (size > limit) over = true;
        else chunks.push(c);
      });
      req.on('end', () => resolve(over ? null : Buffer.concat(chunks)));
      req.on('error', () => resolve(null));
    });
  }

  private count(label: string, status: number, started: number): void {
    this.metrics.callDone(label, status, msToS(performance.now() - started));
  }
}
