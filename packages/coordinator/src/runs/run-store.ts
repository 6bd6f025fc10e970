// Run records in the coordinator's state directory: one JSON file per run, <stateDir>/runs/<id>.json,
// written atomically. `isawatt runs`, `runs show` and `report` read them back through the Control
// API; experiments find the runs they already did here when resumed.
import { mkdir, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { NotFoundError, ValidationError, type Logger } from '@isawatt/common';
import type { RunRecord } from '../results/run-record.js';
import { isRunId, parseRunRecord } from '../results/run-record-schema.js';
import { isAtomicTempFile, writeFileAtomic } from '../store/atomic-file.js';

export type RunSummaryFields = Pick<
  RunRecord,
  'id' | 'kind' | 'experimentId' | 'startedAt' | 'mix' | 'policy' | 'repeat' | 'durationS' | 'metRates' | 'energyJ' | 'energyQuality' | 'predictedEnergyJ'
>;

export function summarise(r: RunRecord): RunSummaryFields {
  return {
    id: r.id,
    kind: r.kind,
    experimentId: r.experimentId,
    startedAt: r.startedAt,
    mix: r.mix,
    policy: r.policy,
    repeat: r.repeat,
    durationS: r.durationS,
    metRates: r.metRates,
    energyJ: r.energyJ,
    energyQuality: r.energyQuality,
    predictedEnergyJ: r.predictedEnergyJ,
  };
}

export class RunStore {
  /** Summaries by id, loaded at init and kept in step with saves (listing never rereads files). */
  private readonly summaries = new Map<string, RunSummaryFields>();

  constructor(
    private readonly dir: string,
    private readonly log: Logger,
  ) {}

  async init(): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    for (const file of await readdir(this.dir)) {
      if (!file.endsWith('.json') || isAtomicTempFile(file)) continue;
      try {
        const r = parseRunRecord(JSON.parse(await readFile(join(this.dir, file), 'utf8')), `run file ${file}`);
        this.summaries.set(r.id, summarise(r));
      } catch (err) {
        this.log.warn({ file, err: (err as Error).message }, 'skipping unreadable run record');
      }
    }
  }

  /** Validates and stores a record (replacing one with the same id). */
  async save(value: unknown): Promise<RunRecord> {
    let record: RunRecord;
    try {
      record = parseRunRecord(value);
    } catch (err) {
      throw new ValidationError('record_json', 'not a valid run record', [(err as Error).message]);
    }
    await writeFileAtomic(join(this.dir, `${record.id}.json`), JSON.stringify(record));
    this.summaries.set(record.id, summarise(record));
    return record;
  }

  /** Summaries, oldest first; only one experiment's when experimentId is given. */
  list(experimentId?: string): RunSummaryFields[] {
    return [...this.summaries.values()]
      .filter((s) => !experimentId || s.experimentId === experimentId)
      .sort((a, b) => a.startedAt.localeCompare(b.startedAt) || a.id.localeCompare(b.id));
  }

  async get(id: string): Promise<RunRecord> {
    if (!isRunId(id) || !this.summaries.has(id)) throw new NotFoundError('run', id.slice(0, 128));
    return parseRunRecord(JSON.parse(await readFile(join(this.dir, `${id}.json`), 'utf8')), `run ${id}`);
  }
}
