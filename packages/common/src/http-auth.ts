// TLS and authentication for the daemons' HTTP listeners (/metrics of the coordinator and the
// agent's endpoint). Off loopback such a listener needs TLS and a way to tell callers apart, as
// gRPC does: a client certificate from `caFile` (mutual TLS), or a bearer token from `tokenFile`
// (`Authorization: Bearer <token>`), or both (either one is enough). Prometheus supports both in a
// scrape config (tls_config.cert_file/key_file, authorization.credentials_file). On loopback the
// same settings apply when given; without them loopback stays plain HTTP (the local default).
// Every credential has a role (cert-roles.ts): a client certificate the one it names, the token of
// `tokenFile` operator, the token of `gatewayTokenFile` gateway. A listener may reserve paths for
// some roles (the agent: POST /invoke/ for the gateway); a valid credential of another role gets 403.
import { timingSafeEqual } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type RequestListener, type Server, type ServerOptions, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { TLSSocket } from 'node:tls';
import { rolesOfCertificate, ROLE_URI_PREFIX, type CertRole, commonNameOf } from './cert-roles.js';
import { ConfigError } from './errors.js';
import { isLoopbackHost } from './tls.js';

export interface HttpSecurity {
  /** Server certificate and key (HTTPS); caFile: client certificates from this CA are callers. */
  readonly tls?: { readonly certFile?: string | undefined; readonly keyFile?: string | undefined; readonly caFile?: string | undefined } | undefined;
  /** File holding the bearer token (one line, at least 16 characters; mode 0600 or stricter); role operator. */
  readonly tokenFile?: string | undefined;
  /** File holding a second bearer token, of role gateway (what the coordinator's gateway sends). */
  readonly gatewayTokenFile?: string | undefined;
}

/** Config key names for messages: `tls` (certFile, keyFile, caFile under it), the token files. */
export interface HttpSecurityKeys {
  readonly tls: string;
  readonly token: string;
  readonly gatewayToken?: string;
}

/** Requests whose path starts with `prefix` need a credential of one of `roles`. */
export interface RoleRule {
  readonly prefix: string;
  readonly roles: readonly CertRole[];
}

const HOST_PORT = /^(\[[^\]]+\]|[^:\s]+):(\d{1,5})$/;

/**
 * What is missing for `listen` (empty: allowed). Off loopback: TLS, and a client CA or a token,
 * unless `insecure`. `what` names the config keys in the message (e.g. "metricsListen").
 */
export function httpListenerIssues(what: string, listen: string | undefined, sec: HttpSecurity, insecure: boolean, keys: HttpSecurityKeys): string[] {
  const issues: string[] = [];
  const hasCert = sec.tls?.certFile !== undefined;
  const hasToken = sec.tokenFile !== undefined || sec.gatewayTokenFile !== undefined;
  const tokenKeys = keys.gatewayToken ? `${keys.token} and/or ${keys.gatewayToken}` : keys.token;
  if (hasCert !== (sec.tls?.keyFile !== undefined)) issues.push(`${keys.tls}.certFile and ${keys.tls}.keyFile go together`);
  if (sec.tls?.caFile !== undefined && !hasCert) issues.push(`${keys.tls}.caFile needs ${keys.tls}.certFile and keyFile (client certificates need HTTPS)`);
  if (hasToken && !hasCert && listen !== undefined && !isLoopback(listen))
    issues.push(`${tokenKeys} off loopback needs ${keys.tls}.certFile/keyFile: a bearer token over plain HTTP can be read on the network`);
  if (listen === undefined || isLoopback(listen) || insecure) return issues;
  if (!hasCert || (sec.tls?.caFile === undefined && !hasToken)) {
    issues.push(
      `${what} ${listen} is off loopback: it needs TLS (${keys.tls}.certFile, ${keys.tls}.keyFile) and authentication (${keys.tls}.caFile for client certificates and/or ${tokenKeys} for a bearer token), or --insecure`,
    );
  }
  return issues;
}

function isLoopback(listen: string): boolean {
  const m = HOST_PORT.exec(listen.trim());
  return m !== null && isLoopbackHost(m[1] as string);
}

/**
 * Reads a credential file (certificate, key, CA) named by config key `key`; a file that cannot be
 * read is a ConfigError naming the key and the path (`scope`: the error's config section).
 */
export function readCredentialFile(path: string, key: string, scope: string = key): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    throw new ConfigError([`${key}: cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? String(err)})`], scope);
  }
}

/**
 * Reads a bearer token file: refused when group or others may read or write it (it is a
 * credential, like an SSH key), when empty, shorter than 16 characters or holding spaces.
 */
export function readTokenFile(path: string, key: string): Buffer {
  let mode: number;
  try {
    mode = statSync(path).mode;
  } catch (err) {
    throw new ConfigError([`${key}: cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? String(err)})`], key);
  }
  if ((mode & 0o077) !== 0) {
    throw new ConfigError(
      [`${key}: ${path} has mode 0${(mode & 0o777).toString(8)}; a token file must be readable by its owner only (chmod 600 ${path})`],
      key,
    );
  }
  const text = readCredentialFile(path, key).toString('utf8').trim();
  if (text.length < 16 || /\s/.test(text)) throw new ConfigError([`${key}: ${path} must hold one token of at least 16 characters without spaces`], key);
  return Buffer.from(text);
}

/** An HTTP(S) server that answers 401 to callers without a valid credential, 403 to a role a path is not for. */
export interface GuardedServer {
  readonly server: Server;
  readonly scheme: 'http' | 'https';
  /** "none", or the credentials accepted: "client-cert", "token", "gateway-token", joined by " or ". */
  readonly auth: string;
  /** Paths no configured credential can reach (e.g. a rule's role has neither certificates nor a token): for a warning. */
  readonly unreachable: readonly string[];
}

export function createGuardedServer(
  sec: HttpSecurity,
  keys: HttpSecurityKeys,
  handler: RequestListener,
  options: ServerOptions = {},
  rules: readonly RoleRule[] = [],
): GuardedServer {
  const tokens: Token[] = [];
  if (sec.tokenFile !== undefined) tokens.push({ value: readTokenFile(sec.tokenFile, keys.token), role: 'operator', key: keys.token });
  if (sec.gatewayTokenFile !== undefined) {
    const key = keys.gatewayToken ?? 'gatewayTokenFile';
    tokens.push({ value: readTokenFile(sec.gatewayTokenFile, key), role: 'gateway', key });
  }
  const ca = sec.tls?.caFile !== undefined ? readCredentialFile(sec.tls.caFile, `${keys.tls}.caFile`) : undefined;
  const kinds = [...(ca ? ['client-cert'] : []), ...tokens.map((t) => (t.role === 'gateway' ? 'gateway-token' : 'token'))];
  const auth = kinds.length === 0 ? 'none' : kinds.join(' or ');
  const guard = new Guard(ca !== undefined, tokens, rules);
  const guarded: RequestListener = (req, res) => {
    if (auth === 'none' || guard.admit(req, res)) handler(req, res);
  };
  const unreachable = auth === 'none' ? [] : rules.filter((r) => !ca && !tokens.some((t) => r.roles.includes(t.role))).map((r) => r.prefix);
  if (sec.tls?.certFile === undefined || sec.tls.keyFile === undefined)
    return { server: createHttpServer(options, guarded), scheme: 'http', auth, unreachable };
  const server = createHttpsServer(
    {
      ...options,
      cert: readCredentialFile(sec.tls.certFile, `${keys.tls}.certFile`),
      key: readCredentialFile(sec.tls.keyFile, `${keys.tls}.keyFile`),
      ...(ca ? { ca, requestCert: true, rejectUnauthorized: tokens.length === 0 } : {}),
    },
    guarded,
  );
  return { server, scheme: 'https', auth, unreachable };
}

interface Token {
  readonly value: Buffer;
  readonly role: CertRole;
  readonly key: string;
}

/** Decides per request: 401 without a valid credential, 403 when a rule's path is not for the caller's role. */
class Guard {
  /** Roles of a connection's client certificate, read once per TLS connection (keep-alive reuses it). */
  private readonly certRoles = new WeakMap<TLSSocket, { roles: ReadonlySet<CertRole>; cn: string }>();

  constructor(
    private readonly certs: boolean,
    private readonly tokens: readonly Token[],
    private readonly rules: readonly RoleRule[],
  ) {}

  /** True when the request may go on; otherwise the answer (401 or 403) has been sent. */
  admit(req: IncomingMessage, res: ServerResponse): boolean {
    const socket = req.socket as TLSSocket;
    const cert = this.certs && socket.authorized === true ? this.certOf(socket) : undefined;
    const token = this.tokenOf(req);
    if (!cert && !token) {
      refuse(res, this.tokens.length > 0);
      return false;
    }
    if (this.rules.length === 0) return true;
    // The path as handlers see it (WHATWG URL: "/./invoke/f", "/metrics/../invoke/f" and the same
    // with backslashes are all /invoke/f), so that no spelling of a reserved path slips past its rule.
    const path = new URL(req.url ?? '/', 'http://listener').pathname;
    const rule = this.rules.find((r) => path.startsWith(r.prefix));
    if (!rule) return true;
    if (rule.roles.some((r) => cert?.roles.has(r) === true || token?.role === r)) return true;
    const held = [
      ...(cert
        ? [
            `a client certificate (CN "${cert.cn.replace(/[^\x20-\x7e]/g, '?').slice(0, 64)}") with ${cert.roles.size === 0 ? 'no role' : `role ${[...cert.roles].join(', ')}`}`,
          ]
        : []),
      ...(token ? [`the token of ${token.key} (role ${token.role})`] : []),
    ].join(' and ');
    forbid(res, rule, held, this.tokens);
    return false;
  }

  private certOf(socket: TLSSocket): { roles: ReadonlySet<CertRole>; cn: string } {
    let c = this.certRoles.get(socket);
    if (!c) {
      const peer = socket.getPeerCertificate();
      c = { roles: rolesOfCertificate(peer), cn: commonNameOf(peer) };
      this.certRoles.set(socket, c);
    }
    return c;
  }

  private tokenOf(req: IncomingMessage): Token | undefined {
    if (this.tokens.length === 0) return undefined;
    const m = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '');
    if (!m) return undefined;
    const given = Buffer.from(m[1] as string);
    return this.tokens.find((t) => given.length === t.value.length && timingSafeEqual(given, t.value));
  }
}

function refuse(res: ServerResponse, bearer: boolean): void {
  res.writeHead(401, { 'content-type': 'text/plain; charset=utf-8', ...(bearer ? { 'www-authenticate': 'Bearer' } : {}) });
  res.end(
    bearer
      ? 'unauthorized: send Authorization: Bearer <token> or a client certificate\n'
      : 'unauthorized: a client certificate from the cluster CA is required\n',
  );
}

function forbid(res: ServerResponse, rule: RoleRule, held: string, tokens: readonly Token[]): void {
  const ways = [
    `a client certificate with ${rule.roles.map((r) => `URI:${ROLE_URI_PREFIX}${r}`).join(' or ')}`,
    ...tokens.filter((t) => rule.roles.includes(t.role)).map((t) => `the token of ${t.key}`),
  ];
  const text = `forbidden: ${rule.prefix} is for role ${rule.roles.join(' or ')} (${ways.join(', or ')}); the caller presented ${held}\n`;
  res.writeHead(403, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
