// The HTTP gateway's configuration (coordinator config key `gateway`). Listener rule, as for every
// isawatt listener: off loopback the gateway needs TLS (its own certificate, or the coordinator's)
// and an API token; it refuses to start otherwise (no --insecure escape for a public endpoint).
// Towards agents whose endpoint is HTTPS (Hello.invoke_scheme) the gateway verifies the agent's
// certificate against `agentTls.caFile` and proves its role gateway with a client certificate
// (`agentTls.certFile`/`keyFile`, from `isawatt certs --gateway`) and/or the token of
// `agentTokenFile` (the agents' http.gatewayTokenFile). Plain-HTTP agents need none of it.
import { isLoopbackHost } from '@isawatt/common';
import { z } from 'zod';

const HOST_PORT = /^(\[[^\]]+\]|[^:\s]+):(\d{1,5})$/;

export const gatewayConfigSchema = z.strictObject({
  /** HOST:PORT of the gateway (POST /invoke/<function>); absent: no gateway. */
  listen: z
    .string()
    .refine((s) => {
      const m = HOST_PORT.exec(s.trim());
      return m !== null && Number(m[2]) <= 65535;
    }, 'expected HOST:PORT for gateway.listen, e.g. "127.0.0.1:8080"')
    .optional(),
  /** File holding the API token callers send as `Authorization: Bearer <token>` (required off loopback). */
  tokenFile: z.string().min(1).optional(),
  /** Gateway certificate and key; default: the coordinator's tls.certFile / tls.keyFile. */
  tls: z
    .strictObject({ certFile: z.string().min(1).optional(), keyFile: z.string().min(1).optional() })
    .refine((t) => (t.certFile === undefined) === (t.keyFile === undefined), 'gateway.tls.certFile and gateway.tls.keyFile go together')
    .default({}),
  /**
   * Calling agents whose endpoint is HTTPS: caFile verifies their server certificates; certFile and
   * keyFile are the gateway's client certificate (role gateway). Each file is checked at start.
   */
  agentTls: z
    .strictObject({
      caFile: z.string().min(1).optional(),
      certFile: z.string().min(1).optional(),
      keyFile: z.string().min(1).optional(),
    })
    .refine((t) => (t.certFile === undefined) === (t.keyFile === undefined), 'gateway.agentTls.certFile and gateway.agentTls.keyFile go together')
    .refine(
      (t) => t.certFile === undefined || t.caFile !== undefined,
      "gateway.agentTls.certFile needs gateway.agentTls.caFile (the CA that signed the agents' endpoint certificates)",
    )
    .default({}),
  /** File holding the token of role gateway sent to HTTPS agents (their http.gatewayTokenFile; mode 0600). */
  agentTokenFile: z.string().min(1).optional(),
  /** Time allowed to one host for one call, in ms (the function's own timeout applies inside). */
  attemptTimeoutMs: z.number().int().min(10).max(600_000).default(30_000),
  /** Hosts tried per call (the first by weight, then the others) before answering 503. */
  maxAttempts: z.number().int().min(1).max(16).default(3),
  /**
   * Kept-alive connections to one agent (more calls wait in the gateway for a free one). An agent
   * runs a bounded number of calls at once anyway; a pool sized near that keeps connections warm
   * and stops the churn of opening and closing sockets when an open-loop burst arrives.
   */
  maxConnectionsPerHost: z.number().int().min(1).max(4096).default(64),
  /** Largest request body accepted, in bytes (the agent applies each function's own limit too). */
  maxBodyBytes: z
    .number()
    .int()
    .min(1)
    .max(256 * 1024 * 1024)
    .default(1024 * 1024),
});

export type GatewayConfig = Readonly<z.output<typeof gatewayConfigSchema>>;

/** Problems with the agent credentials as a whole (empty: consistent). Files are read at start. */
export function gatewayAgentCredentialIssues(g: GatewayConfig): string[] {
  if (g.agentTokenFile !== undefined && g.agentTls.caFile === undefined)
    return ['gateway.agentTokenFile needs gateway.agentTls.caFile: the token goes only to agents whose certificate the cluster CA signed'];
  return [];
}

/** Problems with the listener rule (empty: allowed). `coordinatorTls` is the coordinator's certificate. */
export function gatewayListenerIssues(g: GatewayConfig, coordinatorTls: { certFile?: string | undefined }): string[] {
  if (!g.listen) return [];
  const m = HOST_PORT.exec(g.listen.trim());
  if (!m || isLoopbackHost(m[1] as string)) return [];
  const issues: string[] = [];
  if (g.tls.certFile === undefined && coordinatorTls.certFile === undefined) {
    issues.push(`gateway on non-loopback address ${g.listen} needs TLS: set gateway.tls.certFile/keyFile (or the coordinator's tls.certFile/keyFile)`);
  }
  if (g.tokenFile === undefined) issues.push(`gateway on non-loopback address ${g.listen} needs an API token: set gateway.tokenFile (--gateway-token-file)`);
  return issues;
}
