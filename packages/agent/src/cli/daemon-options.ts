// The daemon's flags (the root command's options) and their mapping onto config paths. Numbers are
// passed through as numbers when they look like numbers and as text otherwise, so that the config
// schema reports every bad value at once instead of commander stopping at the first.
import type { Command } from 'commander';
import { LOG_LEVELS } from '../config.js';

export interface DaemonFlags {
  config?: string;
  coordinator?: string;
  hostId?: string;
  hostType?: string;
  sysfsRoot?: string;
  procfsRoot?: string;
  cgroupfsRoot?: string;
  tickIntervalMs?: number | string;
  bufferMaxReports?: number | string;
  reservedCpus?: string;
  httpListen?: string;
  tlsCa?: string;
  tlsCert?: string;
  tlsKey?: string;
  insecure?: boolean;
  logLevel?: string;
  functionsDir?: string;
  emulate?: string;
  emulateCarrierCpus?: number | string;
  activitySource?: string;
  hwpcListen?: string;
  hwpcCsvDir?: string;
  hwpcCgroupBase?: string;
  hwpcTimeSemantics?: string;
  attributionMethod?: string;
  shutdownGraceMs?: number | string;
}

const numberish = (v: string): number | string => (/^-?\d+(\.\d+)?$/.test(v.trim()) ? Number(v) : v);

/** Adds the daemon options to `cmd`. */
export function addDaemonOptions(cmd: Command): Command {
  return cmd
    .option('--config <file>', 'YAML/JSON config file (env ISAWATT_AGENT_CONFIG)')
    .option('--coordinator <host:port>', 'coordinator AgentLink address (env ISAWATT_COORDINATOR)')
    .option('--host-id <id>', 'stable host id (default: the hostname)')
    .option('--host-type <type>', 'model key, e.g. xeon-gold-5318y (default: derived from the CPU model)')
    .option('--sysfs-root <dir>', 'root of sysfs (default /sys)')
    .option('--procfs-root <dir>', 'root of procfs (default /proc)')
    .option('--cgroupfs-root <dir>', 'root of the cgroup filesystem (default /sys/fs/cgroup)')
    .option('--tick-interval-ms <ms>', 'telemetry tick (default 1000)', numberish)
    .option('--buffer-max-reports <n>', 'reports kept while the coordinator is unreachable (default 3600)', numberish)
    .option('--reserved-cpus <list>', 'CPUs never given to functions, e.g. "0-1"')
    .option('--http-listen <host:port|off>', 'HTTP endpoint for /healthz, /metrics, /invoke (default 127.0.0.1:9478)')
    .option('--tls-ca <file>', 'CA that signed the coordinator certificate (enables TLS)')
    .option('--tls-cert <file>', 'client certificate (mutual TLS)')
    .option('--tls-key <file>', 'client key (mutual TLS)')
    .option('--insecure', 'allow plaintext gRPC to a non-loopback coordinator')
    .option('--log-level <level>', `log level: ${LOG_LEVELS.join(', ')} (default info)`)
    .option('--functions-dir <dir>', 'function catalogue directory')
    .option('--emulate <profile>', 'run on an emulated hardware profile (everything reports "emulated")')
    .option('--emulate-carrier-cpus <n>', 'emulated hosts: most emulated CPUs one carrier worker serves (default 8)', numberish)
    .option('--activity-source <kind>', 'per-function activity: auto, perf, cgroup-cputime, hwpc-sensor (default auto)')
    .option('--hwpc-listen <host:port>', 'hwpc-sensor: where its socket output connects (loopback), e.g. 127.0.0.1:9080')
    .option('--hwpc-csv-dir <dir>', 'hwpc-sensor: its CSV output directory')
    .option('--hwpc-cgroup-base <path>', "hwpc-sensor: its cgroup_basepath as the agent sees it (default: the agent's cgroup2 function subtree)")
    .option('--hwpc-time-semantics <kind>', 'hwpc-sensor: auto, delta (>= 1.7.0) or cumulative (<= 1.6.0) times (default auto)')
    .option('--attribution-method <method>', 'auto, smartwatts or cputime-share (default auto: smartwatts unless host energy is estimated)')
    .option('--shutdown-grace-ms <ms>', 'bound on the graceful stop (default 10000)', numberish);
}

/** Flag values as dotted config paths (undefined ones are ignored by the loader). */
export function flagsToConfig(f: DaemonFlags): Record<string, unknown> {
  return {
    coordinator: f.coordinator,
    hostId: f.hostId,
    hostType: f.hostType,
    'host.sysfs': f.sysfsRoot,
    'host.procfs': f.procfsRoot,
    'host.cgroupfs': f.cgroupfsRoot,
    tickIntervalMs: f.tickIntervalMs,
    bufferMaxReports: f.bufferMaxReports,
    reservedCpus: f.reservedCpus,
    'http.listen': f.httpListen,
    'tls.caFile': f.tlsCa,
    'tls.certFile': f.tlsCert,
    'tls.keyFile': f.tlsKey,
    insecure: f.insecure,
    logLevel: f.logLevel,
    functionsDir: f.functionsDir,
    emulate: f.emulate,
    emulateCarrierCpus: f.emulateCarrierCpus,
    activitySource: f.activitySource,
    'hwpc.listen': f.hwpcListen,
    'hwpc.csvDir': f.hwpcCsvDir,
    'hwpc.cgroupBase': f.hwpcCgroupBase,
    'hwpc.timeSemantics': f.hwpcTimeSemantics,
    attributionMethod: f.attributionMethod,
    shutdownGraceMs: f.shutdownGraceMs,
  };
}
