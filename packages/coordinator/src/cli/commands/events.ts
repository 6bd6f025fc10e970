// `isawatt events [--state-dir DIR] [--json] [--follow] [--limit N]`: the auto-replan decisions the
// coordinator keeps in <stateDir>/events.jsonl (autoreplan/event-log.ts), oldest first; --follow
// keeps printing new ones until interrupted. Read on the coordinator's machine (the state
// directory), like `--repair-state`. Lines that are not events are skipped with a warning.
// Exit codes: 0 listed; 2 bad flags; 1 the file cannot be read.
import { EXIT, ExitError } from '@isawatt/common';
import type { Command } from 'commander';
import { readEvents, type ReplanEvent } from '../../autoreplan/event-log.js';
import type { CliContext } from '../context.js';
import { terminalSafe } from '../terminal-text.js';

interface EventsFlags {
  stateDir?: string;
  json?: boolean;
  follow?: boolean;
  limit?: string;
  pollMs: string;
}

const DEFAULT_STATE_DIR = '/var/lib/isawatt';

/** One event as one line (names from the file are made safe for a terminal). */
export function renderEvent(e: ReplanEvent): string {
  const fns = (e.functions ?? []).map((f) => terminalSafe(f.function)).join(',');
  const plan = e.plan ? ` [${terminalSafe(e.plan.policy)}, ${e.plan.waves} wave(s), ${e.plan.moves ?? 0} move(s)]` : '';
  return `${new Date(e.timestampMs).toISOString()}  #${e.seq}  attempt ${e.attempt}  ${e.kind.padEnd(9)}  ${fns || '-'}  ${terminalSafe(e.reason)}${plan}`;
}

export function registerEvents(program: Command, ctx: CliContext): void {
  program
    .command('events')
    .description("the coordinator's auto-replan decisions (triggered, planned, applied, skipped), from <state-dir>/events.jsonl")
    .option('--state-dir <dir>', `the coordinator's state directory (default $ISAWATT_STATE_DIR or ${DEFAULT_STATE_DIR})`)
    .option('--json', 'one JSON object per line')
    .option('--follow', 'keep printing new decisions until interrupted')
    .option('--limit <n>', 'only the last n decisions (before following)')
    .option('--poll-ms <ms>', 'with --follow: how often the file is read', '500')
    .action(async (flags: EventsFlags) => {
      const dir = flags.stateDir ?? ctx.io.env.ISAWATT_STATE_DIR ?? DEFAULT_STATE_DIR;
      const limit = flags.limit === undefined ? undefined : Number(flags.limit);
      if (limit !== undefined && (!Number.isInteger(limit) || limit < 0))
        throw new ExitError(EXIT.BAD_INPUT, `--limit: expected a whole number >= 0, got "${flags.limit}"`);
      const pollMs = Number(flags.pollMs);
      if (!Number.isInteger(pollMs) || pollMs < 50 || pollMs > 60_000)
        throw new ExitError(EXIT.BAD_INPUT, `--poll-ms: expected whole milliseconds in [50, 60000], got "${flags.pollMs}"`);
      const print = (e: ReplanEvent): void => ctx.io.stdout((flags.json ? JSON.stringify(e) : renderEvent(e)) + '\n');
      const warned = new Set<string>();
      const read = async (): Promise<ReplanEvent[]> => {
        try {
          const { events, problems } = await readEvents(dir);
          for (const p of problems)
            if (!warned.has(p)) {
              warned.add(p);
              ctx.io.stderr(`isawatt: warning: ${dir}/events.jsonl ${p}: skipped\n`);
            }
          return events;
        } catch (err) {
          throw new ExitError(EXIT.FAILURE, `cannot read ${dir}/events.jsonl: ${(err as Error).message}`);
        }
      };
      const first = await read();
      const shown = limit === undefined ? first : first.slice(Math.max(0, first.length - limit));
      for (const e of shown) print(e);
      if (!flags.follow) {
        if (!flags.json && first.length === 0) ctx.io.stdout(`no auto-replan decisions in ${dir}/events.jsonl yet\n`);
        return;
      }
      let last = first.reduce((m, e) => Math.max(m, e.seq), 0);
      const stop = new AbortController();
      const onSignal = (): void => stop.abort();
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
      try {
        while (!stop.signal.aborted) {
          await new Promise<void>((resolve) => {
            const t = setTimeout(resolve, pollMs);
            stop.signal.addEventListener('abort', () => (clearTimeout(t), resolve()), { once: true });
          });
          if (stop.signal.aborted) break;
          for (const e of await read()) {
            if (e.seq <= last) continue;
            last = e.seq;
            print(e);
          }
        }
      } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      }
    });
}
