// One HTTP or HTTPS request from a test, on a fresh connection (no keep-alive pool to close
// afterwards), with the TLS material and bearer token a caller of isawatt's guarded listeners
// presents. Resolves with the status, the body as text and the response headers; rejects on a
// connection or TLS error.
import type { IncomingHttpHeaders } from 'node:http';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

export interface HttpCallOptions {
  /** Default GET without a body, POST with one. */
  readonly method?: string;
  readonly body?: string;
  /** CA that verifies the server's certificate (HTTPS). */
  readonly ca?: Buffer;
  /** Client certificate and key (mutual TLS). */
  readonly cert?: Buffer;
  readonly key?: Buffer;
  /** Sent as `Authorization: Bearer <token>`. */
  readonly token?: string;
  readonly headers?: Record<string, string>;
}

export interface HttpReply {
  readonly status: number;
  readonly body: string;
  readonly headers: IncomingHttpHeaders;
}

export function httpCall(url: string, opts: HttpCallOptions = {}): Promise<HttpReply> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const req = (u.protocol === 'https:' ? httpsRequest : httpRequest)(
      {
        hostname: u.hostname,
        port: u.port,
        path: u.pathname,
        method: opts.method ?? (opts.body !== undefined ? 'POST' : 'GET'),
        ...(opts.ca ? { ca: opts.ca } : {}),
        ...(opts.cert ? { cert: opts.cert, key: opts.key } : {}),
        headers: { ...opts.headers, ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}) },
        agent: false,
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
      },
    );
    req.on('error', reject);
    req.end(opts.body);
  });
}
