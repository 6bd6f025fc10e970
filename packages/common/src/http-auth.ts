// TLS and authentication for the daemons' HTTP listeners (/metrics of the coordinator and the
// agent's endpoint). Off loopback such a listener needs TLS and a way to tell callers apart, as
// gRPC does: a client certificate from `caFile` (mutual TLS), or a bearer token from `tokenFile`
// (`Authorization: Bearer <token>`), or both (either one is enough). Prometheus supports both in a
// scrape config (tls_config.cert_file/key_file, authorization.credentials_file). On loopback the
// same settings apply when given; without them loopback stays plain HTTP (the local default).
import { timingSafeEqual } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type RequestListener, type Server, type ServerOptions, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { TLSSocket } from 'node:tls';
import { ConfigError } from './errors.js';
import { isLoopbackHost } from './tls.js';

export interface HttpSecurity {
  /** Server certificate and key (HTTPS); caFile: client certificates from this CA are callers. */
  readonly tls?: { readonly certFile?: string | undefined; readonly keyFile?: string | undefined; readonly caFile?: string | undefined } | undefined;
  /** File holding the bearer token (one line, at least 16 characters; mode 0600 or stricter). */
  readonly tokenFile?: string | undefined;
}

const HOST_PORT = /^(\[[^\]]+\]|[^:\s]+):(\d{1,5})$/;

/**
 * What is missing for `listen` (empty: allowed). Off loopback: TLS, and a client CA or a token,
 * unless `insecure`. `what` names the config keys in the message (e.g. "metricsListen").
 */
export function httpListenerIssues(
  what: string,
  listen: string | undefined,
  sec: HttpSecurity,
  insecure: boolean,
  keys: { tls: string; token: string },
): string[] {
  const issues: string[] = [];
  const hasCert = sec.tls?.certFile !== undefined;
  if (hasCert !== (sec.tls?.keyFile !== undefined)) issues.push(`${keys.tls}.certFile and ${keys.tls}.keyFile go together`);
  if (sec.tls?.caFile !== undefined && !hasCert) issues.push(`${keys.tls}.caFile needs ${keys.tls}.certFile and keyFile (client certificates need HTTPS)`);
  if (sec.tokenFile !== undefined && !hasCert && listen !== undefined && !isLoopback(listen))
    issues.push(`${keys.token} off loopback needs ${keys.tls}.certFile/keyFile: a bearer token over plain HTTP can be read on the network`);
  if (listen === undefined || isLoopback(listen) || insecure) return issues;
  if (!hasCert || (sec.tls?.caFile === undefined && sec.tokenFile === undefined)) {
    issues.push(
      `${what} ${listen} is off loopback: it needs TLS (${keys.tls}.certFile, ${keys.tls}.keyFile) and authentication (${keys.tls}.caFile for client certificates and/or ${keys.token} for a bearer token), or --insecure`,
    );
  }
  return issues;
}

function isLoopback(listen: string): boolean {
  const m = HOST_PORT.exec(listen.trim());
  return m !== null && isLoopbackHost(m[1] as string);
}

function readFile(path: string, key: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    throw new ConfigError([`${key}: cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? String(err)})`], key);
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
  const text = readFile(path, key).toString('utf8').trim();
  if (text.length < 16 || /\s/.test(text)) throw new ConfigError([`${key}: ${path} must hold one token of at least 16 characters without spaces`], key);
  return Buffer.from(text);
}

/** An HTTP(S) server that answers 401 to callers without a valid client certificate or token. */
export interface GuardedServer {
  readonly server: Server;
  readonly scheme: 'http' | 'https';
  /** "none", "client-cert", "token", "client-cert or token". */
  readonly auth: string;
}

export function createGuardedServer(
  sec: HttpSecurity,
  keys: { tls: string; token: string },
  handler: RequestListener,
  options: ServerOptions = {},
): GuardedServer {
  const token = sec.tokenFile !== undefined ? readTokenFile(sec.tokenFile, keys.token) : undefined;
  const ca = sec.tls?.caFile !== undefined ? readFile(sec.tls.caFile, `${keys.tls}.caFile`) : undefined;
  const auth = ca && token ? 'client-cert or token' : ca ? 'client-cert' : token ? 'token' : 'none';
  const guarded: RequestListener = (req, res) => {
    if (auth !== 'none' && !authorized(req, ca !== undefined, token)) {
      refuse(res, token !== undefined);
      return;
    }
    handler(req, res);
  };
  if (sec.tls?.certFile === undefined || sec.tls.keyFile === undefined) return { server: createHttpServer(options, guarded), scheme: 'http', auth };
  const server = createHttpsServer(
    {
      ...options,
      cert: readFile(sec.tls.certFile, `${keys.tls}.certFile`),
      key: readFile(sec.tls.keyFile, `${keys.tls}.keyFile`),
      ...(ca ? { ca, requestCert: true, rejectUnauthorized: token === undefined } : {}),
    },
    guarded,
  );
  return { server, scheme: 'https', auth };
}

function authorized(req: IncomingMessage, certs: boolean, token: Buffer | undefined): boolean {
  if (certs && (req.socket as TLSSocket).authorized === true) return true;
  if (token === undefined) return false;
  const m = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '');
  if (!m) return false;
  const given = Buffer.from(m[1] as string);
  return given.length === token.length && timingSafeEqual(given, token);
}

function refuse(res: ServerResponse, bearer: boolean): void {
  res.writeHead(401, { 'content-type': 'text/plain; charset=utf-8', ...(bearer ? { 'www-authenticate': 'Bearer' } : {}) });
  res.end(
    bearer
      ? 'unauthorized: send Authorization: Bearer <token> or a client certificate\n'
      : 'unauthorized: a client certificate from the cluster CA is required\n',
  );
}
