// The coordinator's decision log, `<stateDir>/events.jsonl`: one JSON object per line, each with a
// sequence number that keeps growing across restarts. Bounded: past `max` events the file is
// rewritten (atomically) with the newest `max`. Appends are serialised; readers (`isawatt events`)
// read the file and skip a line they cannot parse (a line cut by a crash).
import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '../store/atomic-file.js';

export const EVENTS_FILE = 'events.jsonl';

export const REPLAN_EVENT_KINDS = ['triggered', 'planned', 'applied', 'skipped', 'failed'] as const;
export type ReplanEventKind = (typeof REPLAN_EVENT_KINDS)[number];

/** A function that left its band, as the decision saw it. */
export interface EventFunction {
  readonly function: string;
  readonly plannedRps: number;
  readonly observedRps: number;
  readonly deviationPct: number;
  readonly outForMs: number;
}

/** One auto-replan decision. */
export interface ReplanEvent {
  readonly seq: number;
  readonly timestampMs: number;
  readonly source: 'auto-replan';
  readonly kind: ReplanEventKind;
  /** Why it was skipped or failed, or what it did, in words. */
  readonly reason: string;
  /** Re-plan attempt this event belongs to (every decision of one trigger shares it). */
  readonly attempt: number;
  readonly functions?: readonly EventFunction[] | undefined;
  /** planned / applied: the plan's figures. */
  readonly plan?:
    | {
        readonly policy: string;
        readonly objective: number | null;
        readonly objectiveUnit: string;
        readonly moves: number | undefined;
        readonly waves: number;
        readonly counts: Readonly<Record<string, number>>;
        readonly capacityDips: readonly string[];
      }
    | undefined;
}

const NAME = z.string().max(256);
/** What a line must look like to be listed (the file is ours, but it may be cut or edited). */
export const replanEventSchema = z.object({
  seq: z.number().int().min(1),
  timestampMs: z.number().finite(),
  source: z.literal('auto-replan'),
  kind: z.enum(REPLAN_EVENT_KINDS),
  reason: z.string().max(4096),
  attempt: z.number().int().min(0),
  functions: z
    .array(z.object({ function: NAME, plannedRps: z.number(), observedRps: z.number(), deviationPct: z.number(), outForMs: z.number() }))
    .max(10_000)
    .optional(),
  plan: z
    .object({
      policy: NAME,
      objective: z.number().nullable(),
      objectiveUnit: NAME,
      moves: z.number().optional(),
      waves: z.number(),
      counts: z.record(NAME, z.number()),
      capacityDips: z.array(NAME),
    })
    .optional(),
});

/** Parses the file's text: the events in order, and a problem per line that is not one. */
export function parseEvents(text: string): { events: ReplanEvent[]; problems: string[] } {
  const events: ReplanEvent[] = [];
  const problems: string[] = [];
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      problems.push(`line ${i + 1}: not JSON`);
      return;
    }
    const r = replanEventSchema.safeParse(parsed);
    if (r.success) events.push(r.data as ReplanEvent);
    else problems.push(`line ${i + 1}: not an event (${r.error.issues.map((x) => `${x.path.join('.') || 'event'}: ${x.message}`).join('; ')})`);
  });
  return { events, problems };
}

/** Reads `<stateDir>/events.jsonl`; a missing file is no events. */
export async function readEvents(stateDir: string): Promise<{ events: ReplanEvent[]; problems: string[] }> {
  let text: string;
  try {
    text = await readFile(join(stateDir, EVENTS_FILE), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { events: [], problems: [] };
    throw err;
  }
  return parseEvents(text);
}

export class EventLog {
  private readonly path: string;
  private events: ReplanEvent[] = [];
  private seq = 0;
  private chain: Promise<void> = Promise.resolve();

  constructor(
    stateDir: string,
    private readonly max: number,
  ) {
    this.path = join(stateDir, EVENTS_FILE);
  }

  /** Loads what the file holds (sequence numbers go on from its last). */
  async init(): Promise<void> {
    await mkdir(dirname(this.path), { recursive: true });
    const { events } = await readEvents(dirname(this.path));
    this.events = events.slice(-this.max);
    // A line cut by a crash must not swallow the next one.
    const text = await readFile(this.path, 'utf8').catch(() => '');
    if (text !== '' && !text.endsWith('\n')) await appendFile(this.path, '\n');
    this.seq = events.reduce((m, e) => Math.max(m, e.seq), 0);
  }

  /** Appends one event (numbered and stamped here); resolves when it is on disk. */
  append(e: Omit<ReplanEvent, 'seq' | 'timestampMs' | 'source'>, nowMs = Date.now()): Promise<ReplanEvent> {
    const event: ReplanEvent = { seq: ++this.seq, timestampMs: nowMs, source: 'auto-replan', ...e };
    this.events.push(event);
    const write = async (): Promise<void> => {
      if (this.events.length > this.max) {
        this.events = this.events.slice(-this.max);
        await writeFileAtomic(this.path, this.events.map((x) => JSON.stringify(x) + '\n').join(''));
      } else await appendFile(this.path, JSON.stringify(event) + '\n');
    };
    const done = this.chain.then(write);
    this.chain = done.catch(() => undefined);
    return done.then(() => event);
  }

  /** The events kept, oldest first. */
  list(): readonly ReplanEvent[] {
    return this.events;
  }
}
