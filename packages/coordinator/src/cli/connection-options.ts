// Where and how the CLI reaches the coordinator: the connection flags, and their resolution
// (with the environment) into client options. Kept apart from control-client.ts so that commands
// that may not talk to the coordinator at all (`plan --hosts FILE`) register these flags without
// loading gRPC; control-client.ts re-exports everything here.
import { EXIT, ExitError, type TlsFiles } from '@isawatt/common';
import type { Command } from 'commander';

/** The coordinator's default Control socket (its default state directory). */
export const DEFAULT_COORDINATOR = 'unix:/var/lib/isawatt/control.sock';

/** Where the CLI goes without --coordinator: the Control socket in ISAWATT_STATE_DIR, else the default. */
export function defaultCoordinator(env: NodeJS.ProcessEnv): string {
  return env.ISAWATT_STATE_DIR ? `unix:${env.ISAWATT_STATE_DIR.replace(/\/+$/, '')}/control.sock` : DEFAULT_COORDINATOR;
}

/** True for `unix:PATH` addresses (the local Control socket). */
export function isUnixAddress(address: string): boolean {
  return address.startsWith('unix:');
}
export const DEFAULT_DEADLINE_MS = 10_000;

export interface ControlClientOptions {
  /** HOST:PORT of the coordinator, or unix:PATH of its Control socket. */
  address: string;
  tls: TlsFiles;
  /** Name to expect in the server certificate when it differs from the address host. */
  tlsServerName?: string | undefined;
  /** Allow plaintext to a non-loopback address. */
  insecure: boolean;
  /** Deadline of each unary call, in ms. */
  deadlineMs: number;
}

/** Flags every read command takes; add them with `addConnectionOptions`. */
export interface ConnectionFlags {
  coordinator?: string;
  tlsCa?: string;
  tlsCert?: string;
  tlsKey?: string;
  tlsServerName?: string;
  insecure?: boolean;
  timeoutMs?: string;
}

export function addConnectionOptions(cmd: Command): Command {
  return cmd
    .option(
      '--coordinator <host:port>',
      `coordinator Control address: HOST:PORT or unix:PATH of its Control socket (env ISAWATT_COORDINATOR, default unix:$ISAWATT_STATE_DIR/control.sock, else ${DEFAULT_COORDINATOR})`,
    )
    .option('--tls-ca <file>', 'CA certificate to verify the coordinator (turns TLS on; env ISAWATT_TLS_CA_FILE)')
    .option('--tls-cert <file>', 'client certificate for mutual TLS (env ISAWATT_TLS_CERT_FILE)')
    .option('--tls-key <file>', 'client key for mutual TLS (env ISAWATT_TLS_KEY_FILE)')
    .option('--tls-server-name <name>', 'name expected in the coordinator certificate (default: the address host)')
    .option('--insecure', 'allow plaintext to a non-loopback coordinator')
    .option('--timeout-ms <ms>', `deadline of each request in ms (default ${DEFAULT_DEADLINE_MS})`);
}

/** Resolves flags and environment into client options; bad values are exit 2. */
export function connectionFromFlags(flags: ConnectionFlags, env: NodeJS.ProcessEnv = process.env): ControlClientOptions {
  const address = flags.coordinator ?? (env.ISAWATT_COORDINATOR || defaultCoordinator(env));
  const tls: TlsFiles = {
    caFile: flags.tlsCa ?? env.ISAWATT_TLS_CA_FILE,
    certFile: flags.tlsCert ?? env.ISAWATT_TLS_CERT_FILE,
    keyFile: flags.tlsKey ?? env.ISAWATT_TLS_KEY_FILE,
  };
  let deadlineMs = DEFAULT_DEADLINE_MS;
  if (flags.timeoutMs !== undefined) {
    deadlineMs = Number(flags.timeoutMs);
    if (!Number.isInteger(deadlineMs) || deadlineMs <= 0)
      throw new ExitError(EXIT.BAD_INPUT, `--timeout-ms: expected a positive whole number of ms, got "${flags.timeoutMs}"`);
  }
  if (Boolean(tls.certFile) !== Boolean(tls.keyFile)) throw new ExitError(EXIT.BAD_INPUT, '--tls-cert and --tls-key go together');
  if (tls.certFile && !tls.caFile) throw new ExitError(EXIT.BAD_INPUT, '--tls-cert needs --tls-ca (the CA of the coordinator certificate)');
  const insecure = flags.insecure === true || env.ISAWATT_INSECURE === 'true' || env.ISAWATT_INSECURE === '1';
  return { address, tls, tlsServerName: flags.tlsServerName, insecure, deadlineMs };
}
