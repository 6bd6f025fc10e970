// One root pino logger per process, built in main and passed down; components take a child with
// `component`. JSON to stdout (journald keeps it). Secrets are redacted by path.
import type * as Pino from 'pino';
import type { Logger, DestinationStream, LevelWithSilent } from 'pino';
import { lazyRequire } from './lazy-require.js';

/** pino, loaded when the first logger is made (CLI commands that log nothing never load it). */
const pinoLib = lazyRequire<typeof Pino>('pino');

export type { Logger } from 'pino';

export interface LoggerOptions {
  level?: LevelWithSilent;
  /** Process name, e.g. "isawatt-agent". */
  name: string;
  /** Where to write (default: stdout). Tests pass a capture stream. */
  destination?: DestinationStream;
}

/** Paths redacted from every log line, whatever component logs them. */
export const REDACT_PATHS = [
  'password',
  '*.password',
  '*.*.password',
  'mqtt.password',
  'token',
  '*.token',
  'privateKey',
  '*.privateKey',
  '*.*.privateKey',
  'authorization',
  '*.authorization',
];

export function createLogger(opts: LoggerOptions): Logger {
  const { pino } = pinoLib();
  return pino(
    {
      name: opts.name,
      level: opts.level ?? 'info',
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    opts.destination ?? pino.destination({ dest: 1, sync: true }),
  );
}

/** A logger that writes nothing (tests, library defaults). */
export function silentLogger(): Logger {
  return pinoLib().pino({ level: 'silent' });
}
