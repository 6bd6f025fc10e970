// How the gateway reaches agents: one kept-alive pool per scheme. Plain HTTP for agents that
// advertise "http" (loopback, --insecure); HTTPS for "https" agents, verifying the agent's
// certificate against gateway.agentTls.caFile (it must name the address the gateway dials) and
// proving the gateway's role with its client certificate and/or the gateway token. Without
// credentials an https agent is not called at all: the attempt fails with what to configure.
import { Agent as HttpAgent, request as httpRequest, type ClientRequest, type IncomingMessage, type RequestOptions } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { createSecureContext } from 'node:tls';
import { ConfigError, readCredentialFile, readTokenFile, type InvokeScheme } from '@isawatt/common';
import type { GatewayConfig } from './config.js';

/** What one scheme needs per call: its pool, its request function and the headers every call sends. */
export interface Upstream {
  readonly pool: HttpAgent;
  readonly request: (options: RequestOptions, callback: (res: IncomingMessage) => void) => ClientRequest;
  /** Sent with every call (the bearer token over HTTPS only). */
  readonly headers: Readonly<Record<string, string>>;
}

/** What is missing to call an https agent (undefined: the gateway can). */
export type Missing = string;

export const MISSING_AGENT_CREDENTIALS =
  "its endpoint is HTTPS and the gateway has no credentials for agents: set gateway.agentTls.caFile and gateway.agentTls.certFile/keyFile (a client certificate with role gateway: isawatt certs --gateway) and/or gateway.agentTokenFile (the agents' http.gatewayTokenFile)";

export class UpstreamPools {
  readonly http: Upstream;
  /** Undefined when no agent credentials are configured (https agents then answer `missing`). */
  readonly https: Upstream | undefined;

  constructor(config: GatewayConfig) {
    const perHost = config.maxConnectionsPerHost;
    // Sized, kept-alive, most recently used first: a burst reuses warm sockets instead of opening
    // new ones (each a handshake and, above maxFreeSockets, a close afterwards).
    const poolOptions = { keepAlive: true, keepAliveMsecs: 1000, maxSockets: perHost, maxFreeSockets: perHost, scheduling: 'lifo' as const };
    const baseHeaders = { 'content-type': 'application/json' };
    this.http = { pool: new HttpAgent(poolOptions), request: httpRequest, headers: baseHeaders };
    const t = config.agentTls;
    if (t.caFile === undefined || (t.certFile === undefined && config.agentTokenFile === undefined)) {
      this.https = undefined;
      return;
    }
    const ca = readCredentialFile(t.caFile, 'gateway.agentTls.caFile', 'gateway');
    const cert = t.certFile !== undefined ? readCredentialFile(t.certFile, 'gateway.agentTls.certFile', 'gateway') : undefined;
    const key = t.keyFile !== undefined ? readCredentialFile(t.keyFile, 'gateway.agentTls.keyFile', 'gateway') : undefined;
    const token = config.agentTokenFile !== undefined ? readTokenFile(config.agentTokenFile, 'gateway.agentTokenFile').toString('utf8') : undefined;
    const tls = { ca, ...(cert && key ? { cert, key } : {}) };
    try {
      // Loaded once now: a key that does not match its certificate, or a file that is not PEM,
      // stops the start instead of failing every call.
      createSecureContext(tls);
    } catch (err) {
      throw new ConfigError(
        [`gateway.agentTls: cannot use ${[t.caFile, t.certFile, t.keyFile].filter(Boolean).join(', ')}: ${(err as Error).message}`],
        'gateway',
      );
    }
    const pool = new HttpsAgent({ ...poolOptions, ...tls });
    this.https = { pool, request: httpsRequest, headers: token ? { ...baseHeaders, authorization: `Bearer ${token}` } : baseHeaders };
  }

  /** The upstream for a scheme, or what is missing to use it. */
  of(scheme: InvokeScheme): Upstream | Missing {
    if (scheme === 'http') return this.http;
    return this.https ?? MISSING_AGENT_CREDENTIALS;
  }

  destroy(): void {
    this.http.pool.destroy();
    this.https?.pool.destroy();
  }
}

/**
 * A TLS failure towards an agent, said so that the operator can act (undefined: not a TLS
 * problem). `host` is the address dialled.
 */
export function explainTlsError(code: string | undefined, host: string): string | undefined {
  switch (code) {
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
      return `the agent's server certificate does not name ${host}, the address it advertises (or connects from, when it listens on a wildcard): reissue it with ${host} as a SAN (isawatt certs --agent-endpoint <host-id>=${host})`;
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
    case 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY':
    case 'UNABLE_TO_GET_ISSUER_CERT':
    case 'SELF_SIGNED_CERT_IN_CHAIN':
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
    case 'CERT_SIGNATURE_FAILURE':
      return `the agent's server certificate is not signed by gateway.agentTls.caFile (${code})`;
    case 'CERT_HAS_EXPIRED':
    case 'CERT_NOT_YET_VALID':
      return `the agent's server certificate is outside its validity period (${code})`;
    case 'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED':
      return 'the agent wants a client certificate: set gateway.agentTls.certFile/keyFile (isawatt certs --gateway)';
    case 'ERR_SSL_TLSV1_ALERT_UNKNOWN_CA':
    case 'ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE':
    case 'ERR_SSL_SSLV3_ALERT_CERTIFICATE_UNKNOWN':
      return `the agent refused the gateway's client certificate (${code}): it must come from the CA of the agent's http.tls.caFile`;
    case 'ERR_SSL_WRONG_VERSION_NUMBER':
    case 'EPROTO':
      return `TLS handshake failed (${code}): is the agent's endpoint really HTTPS?`;
    default:
      return code?.startsWith('ERR_SSL_') || code?.startsWith('ERR_TLS_') || code?.startsWith('CERT_') ? `TLS handshake failed (${code})` : undefined;
  }
}
