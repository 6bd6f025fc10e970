// The agent's one HTTP endpoint (node:http): a small route table that other parts extend —
// /healthz here, /metrics (Prometheus exporter) and POST /invoke/<function> (runtime) registered by
// main.ts. Routes match by method and exact path, or by prefix for paths ending in "/".
// Who reaches what when the endpoint authenticates (http.tls.caFile, http.tokenFile,
// http.gatewayTokenFile; docs/security.md): POST /invoke/ only a credential of role gateway (the
// coordinator's gateway), /healthz and /metrics any valid one; a valid credential of another role
// gets 403 on /invoke/.
import type { Logger, Service } from '@isawatt/common';
import { createGuardedServer, errorMessage, EXIT, ExitError, splitHostPort, type CertRole, type HttpSecurity, type RoleRule } from '@isawatt/common';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE' | 'HEAD';

export interface Route {
  readonly method: HttpMethod;
  /** Exact path ("/healthz"), or a prefix when it ends with "/" ("/invoke/"). */
  readonly path: string;
  /** `rest` is the part after a prefix (URL-decoded), "" for exact routes. */
  handle(req: IncomingMessage, res: ServerResponse, rest: string): Promise<void> | void;
}

/**
 * Bounds on HTTP clients (a slow or half-open client must not hold the root agent's sockets): a
 * client has headersTimeoutMs to send its headers, requestTimeoutMs for the whole request, an
 * idle keep-alive socket is closed after keepAliveTimeoutMs, and at most maxConnections are open
 * (more are closed at once by node:http).
 */
export interface HttpLimits {
  headersTimeoutMs: number;
  requestTimeoutMs: number;
  keepAliveTimeoutMs: number;
  /** How often node:http checks the two timeouts above. */
  checkIntervalMs: number;
  maxConnections: number;
}

export const HTTP_LIMITS: Readonly<HttpLimits> = {
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 120_000,
  keepAliveTimeoutMs: 5_000,
  checkIntervalMs: 1_000,
  maxConnections: 512,
};

/**
 * Roles that may call POST /invoke/ when the endpoint authenticates: the gateway only. Operators'
 * certificates (the CLI, Prometheus) and agents' are for the coordinator and for scrapes; a call
 * from outside goes through the gateway, which checks its own API token.
 */
export const INVOKE_ROLES: readonly CertRole[] = ['gateway'];
const ROLE_RULES: readonly RoleRule[] = [{ prefix: '/invoke/', roles: INVOKE_ROLES }];

export interface AgentHttpServerOptions {
  /** HOST:PORT. */
  readonly listen: string;
  /** HTTPS, client certificates and/or a bearer token for every route (config http.tls, http.tokenFile). */
  readonly security?: HttpSecurity | undefined;
  /** Overrides of HTTP_LIMITS (tests). */
  readonly limits?: Partial<HttpLimits>;
  /** When the port is taken, listen on an ephemeral port instead of failing (default address only). */
  readonly fallbackToEphemeral: boolean;
  readonly log: Logger;
  readonly routes?: readonly Route[];
}

/** Writes a JSON body with the right headers. */
export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

export class AgentHttpServer implements Service {
  readonly name = 'http';
  private readonly routes: Route[] = [];
  private server: Server | undefined;
  private bound: AddressInfo | undefined;
  /** "https" when http.tls is set. */
  scheme: 'http' | 'https' = 'http';
  private auth = 'none';

  constructor(private readonly opts: AgentHttpServerOptions) {
    for (const r of opts.routes ?? []) this.addRoute(r);
  }

  /** Adds a route; a second route for the same method and path is a bug. */
  addRoute(route: Route): void {
    if (this.routes.some((r) => r.method === route.method && r.path === route.path)) {
      throw new Error(`http: route ${route.method} ${route.path} registered twice`);
    }
    this.routes.push(route);
  }

  /** Bound address once init is done. */
  address(): { host: string; port: number } | undefined {
    return this.bound ? { host: this.bound.address, port: this.bound.port } : undefined;
  }

  async init(): Promise<void> {
    const { host, port } = splitHostPort(this.opts.listen, 'http.listen');
    const bareHost = host.replace(/^\[|\]$/g, '');
    try {
      await this.listen(bareHost, port);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EADDRINUSE' && this.opts.fallbackToEphemeral) {
        // Several agents on one machine (demo, tests) share the default port; say where we went.
        this.opts.log.warn({ listen: this.opts.listen }, 'default HTTP port in use (another agent on this machine?); using an ephemeral port');
        await this.listen(bareHost, 0);
      } else {
        // One line and exit 2: a busy or foreign address is the operator's to fix, not a crash.
        const why =
          code === 'EADDRINUSE'
            ? 'address in use (another process listens there)'
            : code === 'EADDRNOTAVAIL'
              ? 'address not available on this machine'
              : code === 'EACCES'
                ? 'permission denied (ports below 1024 need privileges)'
                : (code ?? errorMessage(err));
        throw new ExitError(EXIT.BAD_INPUT, `http.listen: cannot listen on ${this.opts.listen}: ${why}`);
      }
    }
    this.opts.log.info(
      { address: `${this.bound?.address}:${this.bound?.port}`, scheme: this.scheme, auth: this.auth, routes: this.routes.map((r) => `${r.method} ${r.path}`) },
      'http endpoint listening',
    );
  }

  private listen(host: string, port: number): Promise<void> {
    const limits = { ...HTTP_LIMITS, ...this.opts.limits };
    const guarded = createGuardedServer(
      this.opts.security ?? {},
      { tls: 'http.tls', token: 'http.tokenFile', gatewayToken: 'http.gatewayTokenFile' },
      (req, res) => void this.dispatch(req, res),
      {
        headersTimeout: limits.headersTimeoutMs,
        requestTimeout: limits.requestTimeoutMs,
        keepAliveTimeout: limits.keepAliveTimeoutMs,
        connectionsCheckingInterval: limits.checkIntervalMs,
      },
      ROLE_RULES,
    );
    this.scheme = guarded.scheme;
    this.auth = guarded.auth;
    if (guarded.unreachable.length > 0 && this.routes.some((r) => guarded.unreachable.includes(r.path)))
      this.opts.log.warn(
        { paths: guarded.unreachable },
        `no configured credential may reach ${guarded.unreachable.join(', ')} (role ${INVOKE_ROLES.join(', ')}): set http.tls.caFile (gateway client certificates) or http.gatewayTokenFile`,
      );
    const server = guarded.server;
    server.maxConnections = limits.maxConnections;
    // A half-open client that sends nothing: node:http only times out requests it has started
    // parsing, so idle sockets get their own timeout (the headers timeout).
    server.on('connection', (socket) => {
      socket.setTimeout(limits.headersTimeoutMs, () => socket.destroy());
    });
    // Once a request arrives, requestTimeout and keepAliveTimeout take over (an invocation may run
    // longer than the headers timeout without bytes on the socket).
    server.on('request', (req: IncomingMessage) => req.socket.setTimeout(0));
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        server.on('error', (err) => this.opts.log.error({ err }, 'http server error'));
        this.server = server;
        this.bound = server.address() as AddressInfo;
        resolve();
      });
    });
  }

  run(signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      if (signal.aborted) resolve();
      else signal.addEventListener('abort', () => resolve(), { once: true });
    });
  }

  async shutdown(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      // Keep-alive sockets would hold close() open.
      server.closeIdleConnections();
      setTimeout(() => server.closeAllConnections(), 1000).unref();
    });
  }

  private async dispatch(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://agent');
    const path = url.pathname;
    const matching = this.routes.filter((r) => (r.path.endsWith('/') ? path.startsWith(r.path) : path === r.path));
    if (matching.length === 0) {
      sendJson(res, 404, { error: `no route for ${path}` });
      return;
    }
    const route = matching.find((r) => r.method === req.method);
    if (!route) {
      res.setHeader('allow', matching.map((r) => r.method).join(', '));
      sendJson(res, 405, { error: `${req.method ?? '?'} not allowed on ${path}` });
      return;
    }
    let rest = '';
    try {
      rest = route.path.endsWith('/') ? decodeURIComponent(path.slice(route.path.length)) : '';
      await route.handle(req, res, rest);
    } catch (err) {
      this.opts.log.error({ err, method: req.method, path }, 'http handler failed');
      if (!res.headersSent) sendJson(res, 500, { error: errorMessage(err) });
      else res.destroy();
    }
  }
}
