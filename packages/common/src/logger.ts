// One root pino logger per process, built in main and passed down; components take a child with
// `component`. JSON to stdout (journald keeps it). Secrets are redacted by path.
import { pino, type Logger, type DestinationStream, type LevelWithSilent } from 'pino';

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
  return pino({ level: 'silent' });
}
