// `isawatt coordinator`: runs the coordinator daemon (AgentLink + Control on --listen, state in
// --state-dir). Config: defaults < --config YAML < ISAWATT_* environment < flags; every problem
// is listed at once (exit 2). Stops gracefully on SIGTERM/SIGINT (a second signal forces).
import type { Command } from 'commander';
import { join } from 'node:path';
import { errorMessage, silentLogger } from '@isawatt/common';
import { StateStore } from '../../store/state-store.js';
import { loadCoordinatorConfig } from '../../config.js';
import { coordinatorLogger, runCoordinator } from '../../main.js';
import { mqttFlagToConfig } from '../../mqtt/config.js';
import type { CliContext } from '../context.js';

interface CoordinatorFlags {
  config?: string;
  listen?: string;
  stateDir?: string;
  cluster?: string;
  tlsCa?: string;
  tlsCert?: string;
  tlsKey?: string;
  insecure?: boolean;
  controlSocket?: string;
  controlSocketMode?: string;
  controlSocketGroup?: string;
  hostDownAfterMs?: string;
  stateFlushIntervalMs?: string;
  tickIntervalMs?: string;
  metricsListen?: string;
  logLevel?: string;
  mqtt?: string;
  gatewayListen?: string;
  models?: string;
  gatewayTokenFile?: string;
  gatewayAgentCa?: string;
  gatewayAgentCert?: string;
  gatewayAgentKey?: string;
  gatewayAgentTokenFile?: string;
  autoReplan?: boolean;
  autoReplanBandPct?: string;
  autoReplanHoldMs?: string;
  autoReplanCooldownMs?: string;
  autoReplanSmoothMs?: string;
  autoReplanMaxMoves?: string;
  checkConfig?: boolean;
  repairState?: boolean;
}

/** Numeric flags become numbers; anything else is passed on so the schema names the problem. */
function num(v: string | undefined): number | string | undefined {
  if (v === undefined) return undefined;
  return /^-?\d+(\.\d+)?$/.test(v.trim()) ? Number(v) : v;
}

export function flagsToConfig(f: CoordinatorFlags): Record<string, unknown> {
  return {
    listen: f.listen,
    stateDir: f.stateDir,
    cluster: f.cluster,
    'tls.caFile': f.tlsCa,
    'tls.certFile': f.tlsCert,
    'tls.keyFile': f.tlsKey,
    insecure: f.insecure,
    controlSocket: f.controlSocket,
    controlSocketMode: f.controlSocketMode,
    controlSocketGroup: f.controlSocketGroup,
    hostDownAfterMs: num(f.hostDownAfterMs),
    stateFlushIntervalMs: num(f.stateFlushIntervalMs),
    tickIntervalMs: num(f.tickIntervalMs),
    metricsListen: f.metricsListen,
    logLevel: f.logLevel,
    'mqtt.broker': mqttFlagToConfig(f.mqtt).broker,
    modelsFile: f.models,
    'gateway.listen': f.gatewayListen,
    'gateway.tokenFile': f.gatewayTokenFile,
    'gateway.agentTls.caFile': f.gatewayAgentCa,
    'gateway.agentTls.certFile': f.gatewayAgentCert,
    'gateway.agentTls.keyFile': f.gatewayAgentKey,
    'gateway.agentTokenFile': f.gatewayAgentTokenFile,
    'autoReplan.enabled': f.autoReplan,
    'autoReplan.bandPct': num(f.autoReplanBandPct),
    'autoReplan.holdMs': num(f.autoReplanHoldMs),
    'autoReplan.cooldownMs': num(f.autoReplanCooldownMs),
    'autoReplan.smoothMs': num(f.autoReplanSmoothMs),
    'autoReplan.maxMoves': num(f.autoReplanMaxMoves),
  };
}

export function registerCoordinator(program: Command, ctx: CliContext): void {
  program
    .command('coordinator')
    .description('run the coordinator daemon (AgentLink for agents, Control for this CLI)')
    .option('-c, --config <file>', 'YAML config file (see systemd/coordinator.example.yaml)')
    .option('--listen <host:port>', 'gRPC address for agents and the CLI (default 127.0.0.1:7000)')
    .option('--state-dir <dir>', 'state directory (default /var/lib/isawatt)')
    .option('--cluster <name>', 'cluster name (default isawatt)')
    .option('--tls-ca <file>', 'CA of agent client certificates: requires mutual TLS')
    .option('--tls-cert <file>', 'server certificate (turns TLS on)')
    .option('--tls-key <file>', 'server private key')
    .option('--insecure', 'serve unauthenticated callers on --listen (plaintext, or TLS without --tls-ca): demo and tests only')
    .option('--control-socket <path|off>', 'Unix socket for the local CLI (default <state-dir>/control.sock)')
    .option('--control-socket-mode <mode>', 'its file mode, octal (default 0660; never open to others)')
    .option('--control-socket-group <group>', 'its group: members may operate the cluster')
    .option('--host-down-after-ms <ms>', 'mark a host down after this long without a message (default 5000)')
    .option('--state-flush-interval-ms <ms>', 'how often telemetry watermarks are saved (default 1000)')
    .option('--tick-interval-ms <ms>', 'telemetry interval asked of agents (default 0: their own)')
    .option('--metrics-listen <host:port>', 'serve Prometheus /metrics here')
    .option('--log-level <level>', 'fatal, error, warn, info, debug, trace or silent (default info)')
    .option('--mqtt <broker>', 'MQTT bridge: off, embedded or a broker URL (mqtt://host:1883)')
    .option('--models <file>', 'profiled models: the starting point and drift reference of the models refined online')
    .option('--gateway-listen <host:port>', 'HTTP gateway: POST /invoke/<function> routed by the placement (off loopback: needs TLS and --gateway-token-file)')
    .option('--gateway-token-file <file>', 'API token callers of the gateway must send as Authorization: Bearer <token>')
    .option('--gateway-agent-ca <file>', "CA that signed the HTTPS agents' endpoint certificates (gateway.agentTls.caFile)")
    .option('--gateway-agent-cert <file>', "the gateway's client certificate for HTTPS agents, role gateway (isawatt certs --gateway)")
    .option('--gateway-agent-key <file>', 'its private key')
    .option('--gateway-agent-token-file <file>', 'token of role gateway sent to HTTPS agents (their http.gatewayTokenFile)')
    .option('--auto-replan', "re-plan with the move budget when a function's observed rate stays out of its planned band (needs --models)")
    .option('--auto-replan-band-pct <pct>', 'half-width of the planned band, percent of the planned rate (default 20)')
    .option('--auto-replan-hold-ms <ms>', 'how long a rate must stay out of its band before a re-plan (default 60000)')
    .option('--auto-replan-cooldown-ms <ms>', 'least time between two re-plans (default 300000)')
    .option('--auto-replan-smooth-ms <ms>', 'time constant of the smoothing of observed rates (default 10000)')
    .option('--auto-replan-max-moves <k>', 'at most this many moves per re-plan (default: no cap, moves priced)')
    .option('--check-config', 'validate the configuration, print it and exit')
    .option('--repair-state', 'move unreadable files of the state directory to <state-dir>/quarantine/, then exit')
    .action(async (flags: CoordinatorFlags) => {
      const { config, warnings } = loadCoordinatorConfig({ file: flags.config, env: ctx.io.env, flags: flagsToConfig(flags) });
      if (flags.checkConfig) {
        for (const w of warnings) ctx.io.stderr(`isawatt: warning: ${w}\n`);
        ctx.io.stdout('config ok\n');
        return;
      }
      if (flags.repairState) {
        const store = new StateStore(config.stateDir, silentLogger());
        const moved = await store.repair(config.cluster, join(config.stateDir, 'pdu'));
        for (const m of moved) ctx.io.stdout(`quarantined ${m.path} -> ${m.movedTo}: ${m.problem}\n`);
        ctx.io.stdout(
          moved.length === 0
            ? `state directory ${config.stateDir} is readable; nothing moved\n`
            : `${moved.length} file(s) moved; the coordinator starts without them\n`,
        );
        return;
      }
      const log = coordinatorLogger(config);
      try {
        await runCoordinator(config, warnings, log);
      } catch (err) {
        log.fatal({ err: errorMessage(err) }, 'coordinator failed to start');
        throw err;
      }
    });
}
