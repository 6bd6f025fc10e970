// The coordinator's configuration: defaults < YAML file < ISAWATT_* environment < flags, validated
// at once with every problem listed (ConfigError). Transport rules: TLS cert and key go together,
// a CA turns on mutual TLS, and plaintext on a non-loopback listen address is refused unless
// `insecure` is set.
import { httpListenerIssues, isLoopbackHost, isValidHost, loadConfig, type LoadedConfig } from '@isawatt/common';
import { z } from 'zod';
import { autoReplanConfigSchema } from './autoreplan/config.js';
import { gatewayAgentCredentialIssues, gatewayConfigSchema, gatewayListenerIssues } from './gateway/config.js';
import { mqttConfigSchema, describeMqttConfig } from './mqtt/config.js';

const HOST_PORT = /^(\[[^\]]+\]|[^:\s]+):(\d{1,5})$/;

function hostPort(what: string): z.ZodString {
  return z.string().refine((s) => {
    const m = HOST_PORT.exec(s.trim());
    return m !== null && Number(m[2]) <= 65535 && isValidHost(m[1] as string);
  }, `expected HOST:PORT for ${what} with an IP address or host name, e.g. "127.0.0.1:7000" or "0.0.0.0:7000"`);
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export const coordinatorConfigSchema = z
  .strictObject({
    /** gRPC address for AgentLink and Control. */
    listen: hostPort('listen').default('127.0.0.1:7000'),
    /** State directory: hosts and assignments (and other components' files) survive restarts here. */
    stateDir: z.string().min(1, 'expected a directory path').default('/var/lib/isawatt'),
    /** Cluster name, sent to agents in Welcome and used in MQTT topics. */
    cluster: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'expected 1-64 characters [A-Za-z0-9._-] starting with a letter or digit')
      .default('isawatt'),
    tls: z
      .strictObject({
        /** CA that signs agent client certificates: set it to require mutual TLS. */
        caFile: z.string().min(1).optional(),
        certFile: z.string().min(1).optional(),
        keyFile: z.string().min(1).optional(),
      })
      // Checked on the tls object itself so these problems are listed even when other keys fail.
      .superRefine((tls, ctx) => {
        const hasCert = tls.certFile !== undefined;
        if (hasCert !== (tls.keyFile !== undefined)) {
          ctx.addIssue({
            code: 'custom',
            path: [hasCert ? 'keyFile' : 'certFile'],
            message: 'tls.certFile and tls.keyFile go together (the server certificate)',
          });
        }
        if (tls.caFile !== undefined && !hasCert) {
          ctx.addIssue({ code: 'custom', path: ['certFile'], message: 'required with tls.caFile: mutual TLS needs the server certificate and key too' });
        }
      })
      .default({}),
    /**
     * Serve unauthenticated callers on `listen` (plaintext, or TLS without client certificates):
     * anyone who can connect may then attach as any host and run Control. Demo and tests only.
     */
    insecure: z.boolean().default(false),
    /**
     * Unix socket for the local CLI (Control only); who may connect is decided by its file mode and
     * group, as with containerd and Docker. Default: <stateDir>/control.sock; "off" disables it.
     */
    controlSocket: z.string().min(1).optional(),
    /** File mode of the Control socket, octal ("0660": owner and group may operate). */
    controlSocketMode: z
      .string()
      .regex(/^0?[0-7]{3}$/, 'expected an octal file mode such as "0660"')
      .refine((m) => (parseInt(m, 8) & 0o007) === 0, 'must not give access to others (last digit 0): every local user could operate the cluster')
      .default('0660'),
    /** Group that owns the Control socket (name or numeric gid); absent: the coordinator's group. */
    controlSocketGroup: z.string().min(1).optional(),
    /** A host silent for this long is marked down, in ms. */
    hostDownAfterMs: z.number().int('expected whole milliseconds').min(100, 'must be at least 100 ms').max(3_600_000).default(5000),
    /** How often telemetry watermarks are written to the state directory, in ms. */
    stateFlushIntervalMs: z.number().int().min(10, 'must be at least 10 ms').max(60_000).default(1000),
    /** Telemetry interval asked of agents in Welcome, in ms (0: their own setting). */
    tickIntervalMs: z.number().int().min(0).max(3_600_000).default(0),
    /** Bound on a graceful stop, in ms; after it (or a second signal) the process exits at once. */
    shutdownGraceMs: z.number().int().min(100).max(300_000).default(10_000),
    logLevel: z.enum(LOG_LEVELS).default('info'),
    /** Prometheus /metrics address (HOST:PORT); absent: no metrics endpoint. */
    metricsListen: hostPort('metricsListen').optional(),
    /**
     * HTTPS for /metrics (certFile, keyFile) and client certificates from caFile; required with
     * an authentication (caFile and/or metricsTokenFile) off loopback (docs/security.md).
     */
    metricsTls: z
      .strictObject({ certFile: z.string().min(1).optional(), keyFile: z.string().min(1).optional(), caFile: z.string().min(1).optional() })
      .default({}),
    /** File holding the bearer token scrapers send (mode 0600). */
    metricsTokenFile: z.string().min(1).optional(),
    mqtt: mqttConfigSchema.default(mqttConfigSchema.parse({})),
    /** Profiled models file: the prior and drift reference of online model refinement (docs/placement.md). */
    modelsFile: z.string().min(1).optional(),
    /** HTTP gateway routing POST /invoke/<function> by the placement (docs/gateway.md). */
    gateway: gatewayConfigSchema.default(gatewayConfigSchema.parse({})),
    /** Re-plan when observed rates leave their planned band (docs/placement.md, "Auto-replan"). */
    autoReplan: autoReplanConfigSchema.default(autoReplanConfigSchema.parse({})),
  })
  .superRefine((c, ctx) => {
    // /metrics off loopback: HTTPS and a client certificate or bearer token, or --insecure.
    for (const message of httpListenerIssues('metricsListen', c.metricsListen, { tls: c.metricsTls, tokenFile: c.metricsTokenFile }, c.insecure, {
      tls: 'metricsTls',
      token: 'metricsTokenFile',
    }))
      ctx.addIssue({ code: 'custom', path: ['metricsListen'], message });
    // The embedded broker off loopback: accounts, and mqtts (or --insecure for plain MQTT).
    if (c.mqtt.broker === 'embedded' && !isLoopbackHost(c.mqtt.embedded.host)) {
      const tls = c.mqtt.embedded.tls !== undefined;
      if (c.mqtt.embedded.users.length === 0 || (!tls && !c.insecure)) {
        ctx.addIssue({
          code: 'custom',
          path: ['mqtt', 'embedded', 'host'],
          message: `${c.mqtt.embedded.host} is off loopback: the embedded broker needs ${c.mqtt.embedded.users.length === 0 ? 'accounts (mqtt.embedded.users)' : ''}${c.mqtt.embedded.users.length === 0 && !tls ? ' and ' : ''}${!tls ? 'TLS (mqtt.embedded.tls.certFile, keyFile; or --insecure for plain MQTT)' : ''}; or keep it on 127.0.0.1`,
        });
      }
    }
    // Runs once the keys above are valid (zod skips object refinements after field errors).
    const hasCert = c.tls.certFile !== undefined;
    const m = HOST_PORT.exec(c.listen.trim());
    if (m && !hasCert && !c.insecure && !isLoopbackHost(m[1] as string)) {
      ctx.addIssue({
        code: 'custom',
        path: ['listen'],
        message: `plaintext gRPC on non-loopback address ${c.listen} refused; configure tls.certFile and tls.keyFile (plus tls.caFile for mutual TLS) or pass --insecure`,
      });
    } else if (m && c.tls.caFile === undefined && !c.insecure) {
      // Loopback is no boundary: every local user (function workers included) can connect.
      ctx.addIssue({
        code: 'custom',
        path: ['listen'],
        message:
          `${hasCert ? 'TLS without client certificates' : 'plaintext gRPC'} on ${c.listen} would let anyone who can connect attach as any host and operate the cluster; ` +
          'configure mutual TLS (tls.caFile, tls.certFile, tls.keyFile; `isawatt certs` makes a lab PKI) or pass --insecure (demo and tests only)',
      });
    }
    if (c.autoReplan.enabled && c.modelsFile === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['autoReplan', 'enabled'],
        message: 'auto-replan plans with the profiled models: set modelsFile (--models FILE) too',
      });
    }
    for (const message of gatewayListenerIssues(c.gateway, c.tls)) ctx.addIssue({ code: 'custom', path: ['gateway', 'listen'], message });
    for (const message of gatewayAgentCredentialIssues(c.gateway)) ctx.addIssue({ code: 'custom', path: ['gateway', 'agentTokenFile'], message });
  });

export type CoordinatorConfig = Readonly<z.output<typeof coordinatorConfigSchema>>;

export const COORDINATOR_ENV: Readonly<Record<string, string>> = {
  ISAWATT_LISTEN: 'listen',
  ISAWATT_STATE_DIR: 'stateDir',
  ISAWATT_CLUSTER: 'cluster',
  ISAWATT_TLS_CA_FILE: 'tls.caFile',
  ISAWATT_TLS_CERT_FILE: 'tls.certFile',
  ISAWATT_TLS_KEY_FILE: 'tls.keyFile',
  ISAWATT_INSECURE: 'insecure',
  ISAWATT_CONTROL_SOCKET: 'controlSocket',
  ISAWATT_HOST_DOWN_AFTER_MS: 'hostDownAfterMs',
  ISAWATT_STATE_FLUSH_INTERVAL_MS: 'stateFlushIntervalMs',
  ISAWATT_LOG_LEVEL: 'logLevel',
  ISAWATT_METRICS_LISTEN: 'metricsListen',
  ISAWATT_METRICS_TLS_CERT_FILE: 'metricsTls.certFile',
  ISAWATT_METRICS_TLS_KEY_FILE: 'metricsTls.keyFile',
  ISAWATT_METRICS_TLS_CA_FILE: 'metricsTls.caFile',
  ISAWATT_METRICS_TOKEN_FILE: 'metricsTokenFile',
  ISAWATT_MQTT_BROKER: 'mqtt.broker',
  ISAWATT_MQTT_USERNAME: 'mqtt.username',
  ISAWATT_MQTT_PASSWORD: 'mqtt.password',
  ISAWATT_MODELS_FILE: 'modelsFile',
  ISAWATT_GATEWAY_LISTEN: 'gateway.listen',
  ISAWATT_GATEWAY_TOKEN_FILE: 'gateway.tokenFile',
  ISAWATT_GATEWAY_AGENT_CA_FILE: 'gateway.agentTls.caFile',
  ISAWATT_GATEWAY_AGENT_CERT_FILE: 'gateway.agentTls.certFile',
  ISAWATT_GATEWAY_AGENT_KEY_FILE: 'gateway.agentTls.keyFile',
  ISAWATT_GATEWAY_AGENT_TOKEN_FILE: 'gateway.agentTokenFile',
  ISAWATT_AUTO_REPLAN: 'autoReplan.enabled',
};

export interface LoadCoordinatorConfigOptions {
  file?: string | undefined;
  env?: NodeJS.ProcessEnv;
  /** Flag values by dotted config path; undefined ones are ignored. */
  flags?: Readonly<Record<string, unknown>>;
}

/** Loads and validates; throws ConfigError listing every problem. */
export function loadCoordinatorConfig(opts: LoadCoordinatorConfigOptions): LoadedConfig<CoordinatorConfig> {
  return loadConfig({
    schema: coordinatorConfigSchema,
    file: opts.file,
    env: opts.env ?? process.env,
    envMap: COORDINATOR_ENV,
    flags: opts.flags,
    what: 'coordinator config',
  });
}

/** What to log at startup: everything but secrets. */
export function describeConfig(c: CoordinatorConfig): Record<string, unknown> {
  return {
    listen: c.listen,
    stateDir: c.stateDir,
    cluster: c.cluster,
    transport: transportOf(c),
    controlSocket: controlSocketPath(c) ?? 'off',
    tls: { caFile: c.tls.caFile, certFile: c.tls.certFile, keyFileSet: c.tls.keyFile !== undefined },
    hostDownAfterMs: c.hostDownAfterMs,
    stateFlushIntervalMs: c.stateFlushIntervalMs,
    tickIntervalMs: c.tickIntervalMs,
    shutdownGraceMs: c.shutdownGraceMs,
    logLevel: c.logLevel,
    metricsListen: c.metricsListen,
    metricsAuth: { tls: c.metricsTls.certFile !== undefined, clientCa: c.metricsTls.caFile, tokenFileSet: c.metricsTokenFile !== undefined },
    mqtt: describeMqttConfig(c.mqtt),
    modelsFile: c.modelsFile,
    gateway: c.gateway.listen
      ? {
          listen: c.gateway.listen,
          tokenFileSet: c.gateway.tokenFile !== undefined,
          tls: (c.gateway.tls.certFile ?? c.tls.certFile) !== undefined,
          agentTls: { caFile: c.gateway.agentTls.caFile, certFile: c.gateway.agentTls.certFile, keyFileSet: c.gateway.agentTls.keyFile !== undefined },
          agentTokenFileSet: c.gateway.agentTokenFile !== undefined,
        }
      : 'off',
    autoReplan: c.autoReplan.enabled ? c.autoReplan : 'off',
  };
}

/** How `listen` authenticates callers: mutual TLS, or nobody (--insecure; plaintext or server-only TLS). */
export function transportOf(c: Pick<CoordinatorConfig, 'tls' | 'insecure'>): 'mtls' | 'tls (insecure)' | 'plaintext (insecure)' {
  if (c.tls.caFile !== undefined) return 'mtls';
  return c.tls.certFile !== undefined ? 'tls (insecure)' : 'plaintext (insecure)';
}

/** The Control socket's path, or undefined when it is off. */
export function controlSocketPath(c: Pick<CoordinatorConfig, 'controlSocket' | 'stateDir'>): string | undefined {
  if (c.controlSocket === 'off') return undefined;
  return c.controlSocket ?? `${c.stateDir.replace(/\/+$/, '')}/control.sock`;
}
