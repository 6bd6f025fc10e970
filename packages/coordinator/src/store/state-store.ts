// The coordinator's state directory. Layout (each file versioned JSON, written atomically):
//   <stateDir>/state.json          { kind, schemaVersion, cluster, createdAtMs }
//   <stateDir>/hosts/<id>.json     one per host ever registered (host-file.ts)
// Other components (models, plans, runs, pdu) own their own subdirectories under the same root.
// Writes for one file are serialised (latest wins) so two saves never race on the rename.
import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '@isawatt/common';
import type { PersistedHost } from '../registry/types.js';
import { isAtomicTempFile, writeFileAtomic } from './atomic-file.js';
import { decodeHostFile, encodeHostFile } from './host-file.js';

const STATE_KIND = 'isawatt.coordinator.state';
const STATE_VERSION = 1;

/** Host ids become file names: allow what hostnames and cert CNs use, refuse path tricks. */
export const HOST_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

export class StateStore {
  private readonly hostsDir: string;
  /** Per-file chain of pending writes, so writes to one file happen in order. */
  private readonly writing = new Map<string, Promise<void>>();
  /** Latest content waiting to be written per file (coalesces bursts). */
  private readonly pending = new Map<string, string>();

  constructor(
    readonly dir: string,
    private readonly log: Logger,
  ) {
    this.hostsDir = join(dir, 'hosts');
  }

  /** Creates the layout, checks state.json, removes temp files left by a crash. */
  async init(cluster: string): Promise<void> {
    await mkdir(this.hostsDir, { recursive: true, mode: 0o700 });
    const statePath = join(this.dir, 'state.json');
    let text: string | undefined;
    try {
      text = await readFile(statePath, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    if (text === undefined) {
      await writeFileAtomic(statePath, JSON.stringify({ kind: STATE_KIND, schemaVersion: STATE_VERSION, cluster, createdAtMs: Date.now() }, null, 2) + '\n');
    } else {
      let doc: unknown;
      try {
        doc = JSON.parse(text);
      } catch {
        throw new Error(`${statePath}: not valid JSON`);
      }
      const d = doc as { kind?: unknown; schemaVersion?: unknown; cluster?: unknown };
      if (d.kind !== STATE_KIND) throw new Error(`${statePath}: not an isawatt coordinator state directory (kind ${JSON.stringify(d.kind)})`);
      if (d.schemaVersion !== STATE_VERSION) {
        throw new Error(`${statePath}: schemaVersion ${JSON.stringify(d.schemaVersion)} not supported (this coordinator reads ${STATE_VERSION})`);
      }
      if (d.cluster !== cluster) this.log.warn({ stateCluster: d.cluster, cluster }, 'state directory was written by another cluster name');
    }
    for (const name of await readdir(this.hostsDir)) {
      if (isAtomicTempFile(name)) await rm(join(this.hostsDir, name), { force: true });
    }
  }

  /** Every persisted host. A malformed file fails the load with its path and the problems. */
  async loadHosts(): Promise<PersistedHost[]> {
    const out: PersistedHost[] = [];
    for (const name of (await readdir(this.hostsDir)).sort()) {
      if (!name.endsWith('.json') || isAtomicTempFile(name)) continue;
      const path = join(this.hostsDir, name);
      const host = decodeHostFile(await readFile(path, 'utf8'), path);
      if (`${host.hostId}.json` !== name) throw new Error(`${path}: file name does not match host id "${host.hostId}"`);
      out.push(host);
    }
    return out;
  }

  /** Queues an atomic write of the host's file; resolves when this (or a newer) content is on disk. */
  saveHost(host: PersistedHost): Promise<void> {
    if (!HOST_ID_PATTERN.test(host.hostId)) return Promise.reject(new Error(`host id "${host.hostId}" cannot be stored`));
    return this.write(join(this.hostsDir, `${host.hostId}.json`), encodeHostFile(host));
  }

  /** Resolves when every queued write has finished. */
  async flush(): Promise<void> {
    while (this.writing.size > 0) await Promise.allSettled([...this.writing.values()]);
  }

  private write(path: string, content: string): Promise<void> {
    const running = this.writing.get(path);
    this.pending.set(path, content);
    // The running loop picks the new content up before it finishes.
    if (running) return running;
    const loop = async (): Promise<void> => {
      try {
        for (let next = this.pending.get(path); next !== undefined; next = this.pending.get(path)) {
          this.pending.delete(path);
          await writeFileAtomic(path, next);
        }
      } finally {
        this.writing.delete(path);
      }
    };
    const p = loop();
    this.writing.set(path, p);
    return p;
  }
}
