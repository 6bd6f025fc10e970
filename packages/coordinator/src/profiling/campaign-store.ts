// Results of profiling campaigns in the coordinator's state directory, so that `isawatt profile
// --resume` continues where an interrupted campaign stopped:
//   <stateDir>/profiles/<campaignId>/<jobId>.json   one successful BagResult each (atomic writes)
// Ids are checked against a strict pattern before they become path components.
import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { ValidationError, type wire } from '@isawatt/common';
import { isAtomicTempFile, writeFileAtomic } from '../store/atomic-file.js';

export const PROFILE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export interface StoredResult {
  readonly hostId: string;
  readonly hostType: string;
  readonly storedAtMs: number;
  readonly result: wire.BagResult;
}

export function checkProfileId(id: string, field: string): string {
  if (!PROFILE_ID.test(id) || id === '.' || id === '..')
    throw new ValidationError(field, `expected 1-128 letters, digits or . _ - :, got "${id.slice(0, 40).replace(/[^\x20-\x7e]/g, '?')}"`);
  return id;
}

/** ':' is not welcome in every file system: file names use '_' for it. */
function fileName(id: string): string {
  return id.replace(/:/g, '_');
}

export class CampaignStore {
  private readonly dir: string;

  constructor(stateDir: string) {
    this.dir = join(stateDir, 'profiles');
  }

  private campaignDir(campaignId: string): string {
    return join(this.dir, fileName(checkProfileId(campaignId, 'campaign_id')));
  }

  /** Forgets every stored result of the campaign. */
  async reset(campaignId: string): Promise<void> {
    await rm(this.campaignDir(campaignId), { recursive: true, force: true });
  }

  async save(campaignId: string, r: StoredResult): Promise<void> {
    const dir = this.campaignDir(campaignId);
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const jobId = checkProfileId(r.result.job_id ?? '', 'job_id');
    await writeFileAtomic(join(dir, `${fileName(jobId)}.json`), JSON.stringify({ kind: 'isawatt-bag-result', schemaVersion: 1, ...r }, null, 1) + '\n');
  }

  /** Every stored result of the campaign (none when it has none), in file-name order. */
  async load(campaignId: string): Promise<StoredResult[]> {
    const dir = this.campaignDir(campaignId);
    let names: string[];
    try {
      names = await readdir(dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    const out: StoredResult[] = [];
    for (const name of names.sort()) {
      if (isAtomicTempFile(name)) {
        await rm(join(dir, name), { force: true });
        continue;
      }
      if (!name.endsWith('.json')) continue;
      const path = join(dir, name);
      const doc = JSON.parse(await readFile(path, 'utf8')) as Partial<StoredResult> & { kind?: unknown };
      if (
        doc.kind !== 'isawatt-bag-result' ||
        typeof doc.hostId !== 'string' ||
        typeof doc.hostType !== 'string' ||
        typeof doc.result !== 'object' ||
        doc.result === null
      ) {
        throw new Error(`${path}: not a stored bag result (kind, hostId, hostType and result expected)`);
      }
      out.push({ hostId: doc.hostId, hostType: doc.hostType, storedAtMs: Number(doc.storedAtMs ?? 0), result: doc.result });
    }
    return out;
  }
}
