// The agent's configuration: one zod schema, layered defaults < YAML file < ISAWATT_* environment <
// flags (through loadConfig in @isawatt/common), every problem listed at once in one ConfigError,
// then normalised into a deep-readonly ResolvedAgentConfig. Cross-field rules (TLS pairs, plaintext
// on a non-loopback address) run even when other fields are wrong, so the operator sees everything
// in one go.
import { ConfigError, deepFreeze, httpListenerIssues, isLoopbackHost, isValidHost, loadConfig, type HttpSecurity, type LoadedConfig } from '@isawatt/common';
import { resolve as resolvePath } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { parseCpuList } from './hardware/cpu-list.js';

export { parseCpuList };

/** The repository's functions/ folder: the catalogue when `functionsDir` is not set (same path from src/ and dist/). */
export function defaultFunctionsDir(): string {
  return fileURLToPath(new URL('../../../functions', import.meta.url));
}

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Default port of the agent's HTTP endpoint (/healthz, /metrics, /invoke). */
export const DEFAULT_HTTP_PORT = 9478;

const HOST_PORT = /^(\[[^\]]+\]|[^:\s]+):(\d{1,5})$/;

const cpuListSchema = z.union([z.string(), z.number().int().nonnegative(), z.array(z.number().int().nonnegative())]).transform((v, ctx) => {
  if (typeof v === 'number') return [v];
  if (Array.isArray(v)) return [...new Set(v)].sort((a, b) => a - b);
  try {
    return parseCpuList(v);
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: (err as Error).message });
    return z.NEVER;
  }
});

const hostPortSchema = (what: string): z.ZodString =>
  z.string().refine((s) => {
    const m = HOST_PORT.exec(s.trim());
    return m !== null && Number(m[2]) <= 65535 && isValidHost(m[1] as string);
  }, `expected HOST:PORT for ${what} with an IP address or host name, e.g. "127.0.0.1:7000"`);

const intMs = (min: number, max: number): z.ZodNumber =>
  z
    .number({ error: (iss) => `expected a number of milliseconds, got ${JSON.stringify(iss.input)}` })
    .int('expected a whole number of milliseconds')
    .min(min, `must be at least ${min} ms`)
    .max(max, `must be at most ${max} ms`);

export const agentConfigSchema = z
  .strictObject({
    /** Coordinator AgentLink address, HOST:PORT. */
    coordinator: hostPortSchema('the coordinator').optional(),
    /** Stable host id (default: the hostname). With mTLS it must equal the certificate's CN. */
    hostId: z
      .string()
      .min(1, 'must not be empty')
      .max(253)
      .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'use letters, digits, ".", "_", "-"')
      .optional(),
    /** Host type for the models, e.g. "xeon-gold-5318y" (default: derived from the CPU model). */
    hostType: z
      .string()
      .min(1)
      .regex(/^[a-z0-9][a-z0-9._-]*$/, 'use lowercase letters, digits, ".", "_", "-"')
      .optional(),
    tls: z
      .strictObject({
        caFile: z.string().min(1).optional(),
        certFile: z.string().min(1).optional(),
        keyFile: z.string().min(1).optional(),
      })
      .default({}),
    /** Allow plaintext gRPC to a non-loopback coordinator. */
    insecure: z.boolean().default(false),
    tickIntervalMs: intMs(10, 3_600_000).default(1000),
    bufferMaxReports: z
      .number({ error: (iss) => `expected a number of reports, got ${JSON.stringify(iss.input)}` })
      .int('expected a whole number of reports')
      .min(1, 'must be at least 1')
      .max(1_000_000, 'must be at most 1000000')
      .default(3600),
    host: z
      .strictObject({
        sysfs: z.string().min(1).default('/sys'),
        procfs: z.string().min(1).default('/proc'),
        cgroupfs: z.string().min(1).default('/sys/fs/cgroup'),
      })
      .default({ sysfs: '/sys', procfs: '/proc', cgroupfs: '/sys/fs/cgroup' }),
    /** CPUs kept for the system and the agent, never given to functions ("0-1", 0, [0, 1]). */
    reservedCpus: cpuListSchema.default([]),
    http: z
      .strictObject({
        /** HOST:PORT of /healthz, /metrics, /invoke; "off" disables the endpoint. */
        listen: z.union([z.literal('off'), hostPortSchema('the HTTP endpoint')]).optional(),
        /** HTTPS (certFile, keyFile); caFile: client certificates from this CA are callers. */
        tls: z
          .strictObject({ certFile: z.string().min(1).optional(), keyFile: z.string().min(1).optional(), caFile: z.string().min(1).optional() })
          .default({}),
        /** File holding the bearer token callers send (mode 0600); role operator: /healthz, /metrics. */
        tokenFile: z.string().min(1).optional(),
        /** File holding the token of role gateway (mode 0600): /invoke too; the coordinator's gateway.agentTokenFile. */
        gatewayTokenFile: z.string().min(1).optional(),
      })
      .default({ tls: {} }),
    logLevel: z.enum(LOG_LEVELS).default('info'),
    /** Function catalogue directory (default: functions/ of the installation). */
    functionsDir: z.string().min(1).optional(),
    /**
     * Per-function activity: "auto" = perf counters per cgroup where perf works, else cgroup CPU
     * time; "hwpc-sensor" = PowerAPI hwpc-sensor reports (the `hwpc` section), falling back to
     * "auto" while the sensor is silent.
     */
    activitySource: z.enum(['auto', 'perf', 'cgroup-cputime', 'hwpc-sensor']).default('auto'),
    /** hwpc-sensor input (docs/attribution.md "Feeding hwpc-sensor"). */
    hwpc: z
      .strictObject({
        /** HOST:PORT the sensor's socket output connects to (loopback only: the stream is plaintext). */
        listen: hostPortSchema('the hwpc-sensor socket output').optional(),
        /** Directory of the sensor's CSV output. */
        csvDir: z.string().min(1).optional(),
        /** The sensor's cgroup_basepath as the agent sees it (default: the agent's function subtree in the cgroup2 hierarchy). */
        cgroupBase: z.string().min(1).optional(),
        /** hwpc-sensor <= 1.6.0 "cumulative" times, 1.7.0 "delta", or "auto" (decided from the first ticks). */
        timeSemantics: z.enum(['auto', 'delta', 'cumulative']).default('auto'),
        /** No report for this long = the sensor stopped: fall back to the next activity source. */
        staleAfterMs: intMs(100, 3_600_000).default(5000),
        /** The sensor's `frequency` (its tick), ms. */
        sensorFrequencyMs: intMs(10, 60_000).default(1000),
        /** Nominal CPU frequency for APERF/MPERF (default: from the CPU model's "@ x.yzGHz"). */
        cpuBaseFreqMhz: z.number({ error: 'expected a frequency in MHz' }).positive('must be > 0 MHz').max(20_000).optional(),
      })
      .default({ timeSemantics: 'auto', staleAfterMs: 5000, sensorFrequencyMs: 1000 }),
    /**
     * "smartwatts" (counter models, CPU-time share while warming up), "cputime-share", or "auto":
     * SmartWatts unless the host energy is estimated (attribution/create-attributor.ts says why).
     */
    attributionMethod: z.enum(['auto', 'smartwatts', 'cputime-share']).default('auto'),
    /** Emulated hardware profile name (demo and tests; everything it produces says "emulated"). */
    emulate: z.string().min(1).optional(),
    /**
     * Most emulated CPUs one carrier worker serves (emulated hosts only; default 8, see
     * runtime/function-pool.ts CARRIER_CPUS). Profiles and runs compare only when both use the same.
     */
    emulateCarrierCpus: z
      .number({ error: 'expected a whole number of emulated CPUs' })
      .int('expected a whole number of emulated CPUs')
      .min(1, 'expected at least 1 emulated CPU per carrier')
      .max(4096, 'expected at most 4096 emulated CPUs per carrier')
      .optional(),
    /** Bound on the graceful stop after SIGTERM/SIGINT. */
    shutdownGraceMs: intMs(100, 600_000).default(10_000),
  })
  .superRefine(
    (c, ctx) => {
      // Runs even when fields above failed (`when`), so values are checked defensively.
      const tls = typeof c.tls === 'object' && c.tls !== null ? c.tls : {};
      const hasCert = typeof tls.certFile === 'string';
      const hasKey = typeof tls.keyFile === 'string';
      if (hasCert !== hasKey) {
        ctx.addIssue({
          code: 'custom',
          path: ['tls', hasCert ? 'keyFile' : 'certFile'],
          message: 'tls.certFile and tls.keyFile go together (client certificate for mutual TLS)',
        });
      }
      if (c.emulateCarrierCpus !== undefined && typeof c.emulate !== 'string') {
        ctx.addIssue({
          code: 'custom',
          path: ['emulateCarrierCpus'],
          message: 'emulateCarrierCpus (--emulate-carrier-cpus) applies to an emulated host only: set emulate (--emulate PROFILE) too',
        });
      }
      const hwpc: { listen?: unknown; csvDir?: unknown } = typeof c.hwpc === 'object' && c.hwpc !== null ? c.hwpc : {};
      if (c.activitySource === 'hwpc-sensor' && typeof hwpc.listen !== 'string' && typeof hwpc.csvDir !== 'string') {
        ctx.addIssue({
          code: 'custom',
          path: ['hwpc'],
          message:
            "activitySource hwpc-sensor needs hwpc.listen (--hwpc-listen HOST:PORT, the sensor's socket output) and/or hwpc.csvDir (--hwpc-csv-dir DIR, its CSV output)",
        });
      }
      if (typeof hwpc.listen === 'string') {
        const m = HOST_PORT.exec(hwpc.listen.trim());
        if (m && !isLoopbackHost((m[1] as string).replace(/^\[|\]$/g, ''))) {
          ctx.addIssue({
            code: 'custom',
            path: ['hwpc', 'listen'],
            message: `${hwpc.listen}: hwpc-sensor's socket output is plaintext and unauthenticated; listen on a loopback address (the sensor runs on this host), e.g. 127.0.0.1:9080`,
          });
        }
      }
      if (hasCert && typeof tls.caFile !== 'string') {
        ctx.addIssue({ code: 'custom', path: ['tls', 'caFile'], message: 'required with tls.certFile (the CA that signed the coordinator certificate)' });
      }
      // /invoke runs functions as this root process's workers: off loopback the endpoint needs
      // HTTPS and a client certificate or bearer token (or the operator's --insecure).
      const http: { listen?: unknown; tls?: unknown; tokenFile?: unknown; gatewayTokenFile?: unknown } =
        typeof c.http === 'object' && c.http !== null ? c.http : {};
      if (typeof http.listen === 'string' && http.listen !== 'off') {
        const t = (typeof http.tls === 'object' && http.tls !== null ? http.tls : {}) as Record<string, unknown>;
        const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
        const sec = {
          tls: { certFile: str(t.certFile), keyFile: str(t.keyFile), caFile: str(t.caFile) },
          tokenFile: str(http.tokenFile),
          gatewayTokenFile: str(http.gatewayTokenFile),
        };
        const keys = { tls: 'http.tls', token: 'http.tokenFile', gatewayToken: 'http.gatewayTokenFile' };
        for (const message of httpListenerIssues('http.listen', http.listen, sec, c.insecure === true, keys)) {
          ctx.addIssue({ code: 'custom', path: ['http', 'listen'], message });
        }
      }
      if (c.coordinator === undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['coordinator'],
          message: 'required: the coordinator address HOST:PORT (--coordinator, ISAWATT_COORDINATOR or "coordinator:" in the file)',
        });
      } else if (typeof c.coordinator === 'string') {
        const m = HOST_PORT.exec(c.coordinator.trim());
        const tlsOn = typeof tls.caFile === 'string';
        if (m && !tlsOn && c.insecure !== true && !isLoopbackHost(m[1] as string)) {
          ctx.addIssue({
            code: 'custom',
            path: ['coordinator'],
            message: `plaintext gRPC to non-loopback address ${c.coordinator} refused; configure tls.caFile (and certFile/keyFile for mutual TLS) or pass --insecure`,
          });
        }
      }
    },
    { when: () => true },
  );

export type AgentConfigInput = z.input<typeof agentConfigSchema>;
type ParsedAgentConfig = z.output<typeof agentConfigSchema>;

/** Resolved configuration: defaults filled, host id and HTTP address decided. Deep-readonly. */
export interface ResolvedAgentConfig {
  readonly coordinator: string;
  readonly hostId: string;
  readonly hostType: string | undefined;
  readonly tls: { readonly caFile?: string; readonly certFile?: string; readonly keyFile?: string };
  readonly insecure: boolean;
  readonly tickIntervalMs: number;
  readonly bufferMaxReports: number;
  readonly host: { readonly sysfs: string; readonly procfs: string; readonly cgroupfs: string };
  readonly reservedCpus: readonly number[];
  readonly http: {
    /** "off", or HOST:PORT. */
    readonly listen: string;
    /** False when the default address is used (a busy default port falls back to an ephemeral one). */
    readonly explicit: boolean;
    /** HTTPS, client certificates and/or a bearer token (absent: plain HTTP, loopback only). */
    readonly security?: HttpSecurity;
  };
  readonly logLevel: LogLevel;
  readonly functionsDir: string | undefined;
  readonly emulate: string | undefined;
  readonly emulateCarrierCpus: number | undefined;
  readonly activitySource: 'auto' | 'perf' | 'cgroup-cputime' | 'hwpc-sensor';
  readonly hwpc: ResolvedHwpcConfig;
  readonly attributionMethod: 'auto' | 'smartwatts' | 'cputime-share';
  readonly shutdownGraceMs: number;
}

export interface ResolvedHwpcConfig {
  readonly listen: { readonly host: string; readonly port: number } | undefined;
  readonly csvDir: string | undefined;
  readonly cgroupBase: string | undefined;
  readonly timeSemantics: 'auto' | 'delta' | 'cumulative';
  readonly staleAfterMs: number;
  readonly sensorFrequencyMs: number;
  readonly cpuBaseFreqMhz: number | undefined;
}

/** ISAWATT_* variable -> dotted config path. */
export const AGENT_ENV_MAP: Readonly<Record<string, string>> = {
  ISAWATT_COORDINATOR: 'coordinator',
  ISAWATT_HOST_ID: 'hostId',
  ISAWATT_HOST_TYPE: 'hostType',
  ISAWATT_TLS_CA_FILE: 'tls.caFile',
  ISAWATT_TLS_CERT_FILE: 'tls.certFile',
  ISAWATT_TLS_KEY_FILE: 'tls.keyFile',
  ISAWATT_INSECURE: 'insecure',
  ISAWATT_TICK_INTERVAL_MS: 'tickIntervalMs',
  ISAWATT_BUFFER_MAX_REPORTS: 'bufferMaxReports',
  ISAWATT_SYSFS_ROOT: 'host.sysfs',
  ISAWATT_PROCFS_ROOT: 'host.procfs',
  ISAWATT_CGROUPFS_ROOT: 'host.cgroupfs',
  ISAWATT_RESERVED_CPUS: 'reservedCpus',
  ISAWATT_HTTP_LISTEN: 'http.listen',
  ISAWATT_HTTP_TLS_CERT_FILE: 'http.tls.certFile',
  ISAWATT_HTTP_TLS_KEY_FILE: 'http.tls.keyFile',
  ISAWATT_HTTP_TLS_CA_FILE: 'http.tls.caFile',
  ISAWATT_HTTP_TOKEN_FILE: 'http.tokenFile',
  ISAWATT_HTTP_GATEWAY_TOKEN_FILE: 'http.gatewayTokenFile',
  ISAWATT_LOG_LEVEL: 'logLevel',
  ISAWATT_FUNCTIONS_DIR: 'functionsDir',
  ISAWATT_EMULATE: 'emulate',
  ISAWATT_EMULATE_CARRIER_CPUS: 'emulateCarrierCpus',
  ISAWATT_ACTIVITY_SOURCE: 'activitySource',
  ISAWATT_HWPC_LISTEN: 'hwpc.listen',
  ISAWATT_HWPC_CSV_DIR: 'hwpc.csvDir',
  ISAWATT_HWPC_CGROUP_BASE: 'hwpc.cgroupBase',
  ISAWATT_HWPC_TIME_SEMANTICS: 'hwpc.timeSemantics',
  ISAWATT_HWPC_STALE_AFTER_MS: 'hwpc.staleAfterMs',
  ISAWATT_HWPC_SENSOR_FREQUENCY_MS: 'hwpc.sensorFrequencyMs',
  ISAWATT_HWPC_CPU_BASE_FREQ_MHZ: 'hwpc.cpuBaseFreqMhz',
  ISAWATT_ATTRIBUTION_METHOD: 'attributionMethod',
  ISAWATT_SHUTDOWN_GRACE_MS: 'shutdownGraceMs',
};

/** Environment variable naming the config file when --config is not given. */
export const CONFIG_FILE_ENV = 'ISAWATT_AGENT_CONFIG';

export interface LoadAgentConfigOptions {
  /** YAML/JSON file (--config); falls back to $ISAWATT_AGENT_CONFIG. */
  file?: string | undefined;
  env?: NodeJS.ProcessEnv;
  /** Dotted path -> value, from flags; undefined values are ignored. */
  flags?: Readonly<Record<string, unknown>>;
  /** Used when hostId is not configured (os.hostname() in main). */
  hostname: string;
}

export interface LoadedAgentConfig {
  readonly config: ResolvedAgentConfig;
  /** Unknown keys and other non-fatal findings, one line each. */
  readonly warnings: readonly string[];
}

/** Turns a hostname into a valid host id ("My Host.lan" -> "My-Host.lan"). */
export function hostIdFromHostname(hostname: string): string {
  const cleaned = hostname
    .trim()
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/^[^A-Za-z0-9]+/, '');
  return cleaned === '' ? 'localhost' : cleaned.slice(0, 253);
}

function resolve(parsed: ParsedAgentConfig, hostname: string): ResolvedAgentConfig {
  // The superRefine above guarantees coordinator is present when parsing succeeded.
  if (parsed.coordinator === undefined) throw new ConfigError(['coordinator: required'], 'agent config');
  const tls: { caFile?: string; certFile?: string; keyFile?: string } = {};
  if (parsed.tls.caFile !== undefined) tls.caFile = parsed.tls.caFile;
  if (parsed.tls.certFile !== undefined) tls.certFile = parsed.tls.certFile;
  if (parsed.tls.keyFile !== undefined) tls.keyFile = parsed.tls.keyFile;
  return deepFreeze({
    coordinator: parsed.coordinator.trim(),
    hostId: parsed.hostId ?? hostIdFromHostname(hostname),
    hostType: parsed.hostType,
    tls,
    insecure: parsed.insecure,
    tickIntervalMs: parsed.tickIntervalMs,
    bufferMaxReports: parsed.bufferMaxReports,
    // Absolute, normalised roots: logs say exactly which tree is read, and "/sys/" counts as live.
    host: { sysfs: resolvePath(parsed.host.sysfs), procfs: resolvePath(parsed.host.procfs), cgroupfs: resolvePath(parsed.host.cgroupfs) },
    reservedCpus: [...parsed.reservedCpus],
    http: {
      listen: parsed.http.listen ?? `127.0.0.1:${DEFAULT_HTTP_PORT}`,
      explicit: parsed.http.listen !== undefined,
      ...(parsed.http.tls.certFile !== undefined || parsed.http.tokenFile !== undefined || parsed.http.gatewayTokenFile !== undefined
        ? {
            security: {
              tls: { ...parsed.http.tls },
              tokenFile: parsed.http.tokenFile,
              ...(parsed.http.gatewayTokenFile !== undefined ? { gatewayTokenFile: parsed.http.gatewayTokenFile } : {}),
            },
          }
        : {}),
    },
    logLevel: parsed.logLevel,
    functionsDir: parsed.functionsDir,
    emulate: parsed.emulate,
    emulateCarrierCpus: parsed.emulateCarrierCpus,
    activitySource: parsed.activitySource,
    hwpc: resolveHwpc(parsed.hwpc),
    attributionMethod: parsed.attributionMethod,
    shutdownGraceMs: parsed.shutdownGraceMs,
  });
}

function resolveHwpc(h: ParsedAgentConfig['hwpc']): ResolvedHwpcConfig {
  const m = h.listen === undefined ? null : HOST_PORT.exec(h.listen.trim());
  return {
    listen: m ? { host: (m[1] as string).replace(/^\[|\]$/g, ''), port: Number(m[2]) } : undefined,
    csvDir: h.csvDir === undefined ? undefined : resolvePath(h.csvDir),
    cgroupBase: h.cgroupBase === undefined ? undefined : resolvePath(h.cgroupBase),
    timeSemantics: h.timeSemantics,
    staleAfterMs: h.staleAfterMs,
    sensorFrequencyMs: h.sensorFrequencyMs,
    cpuBaseFreqMhz: h.cpuBaseFreqMhz,
  };
}

/**
 * Loads and validates the agent configuration. Throws ConfigError listing every problem (the CLI
 * maps it to exit code 2).
 */
export function loadAgentConfig(opts: LoadAgentConfigOptions): LoadedAgentConfig {
  const env = opts.env ?? {};
  const file = opts.file ?? (env[CONFIG_FILE_ENV] || undefined);
  const loaded: LoadedConfig<ParsedAgentConfig> = loadConfig({
    schema: agentConfigSchema,
    file,
    env,
    envMap: AGENT_ENV_MAP,
    flags: opts.flags ?? {},
    what: file ? `agent config (${file})` : 'agent config',
  });
  return { config: resolve(loaded.config, opts.hostname), warnings: loaded.warnings };
}

/** The resolved config as a log-safe object (paths only; no secrets are ever in the config). */
export function describeConfig(c: ResolvedAgentConfig): Record<string, unknown> {
  return { ...c, reservedCpus: c.reservedCpus.join(',') || 'none' };
}
