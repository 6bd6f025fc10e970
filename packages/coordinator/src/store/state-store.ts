// The coordinator's state directory. Layout (each file versioned JSON, written atomically, mode
// 0600 in 0700 directories):
//   <stateDir>/state.json          { kind, schemaVersion, cluster, createdAtMs }
//   <stateDir>/hosts/<id>.json     one per host ever registered (host-file.ts)
//   <stateDir>/watermarks.json     every host's telemetry watermark, once per flush (watermark-file.ts)
//   <stateDir>/quarantine/         files moved aside by `isawatt coordinator --repair-state`
// Other components (models, plans, runs, pdu) own their own subdirectories under the same root.
// Writes for one file are serialised (latest wins) so two saves never race on the rename.
// A file that cannot be read stops the start with a StateFileError (exit 2) naming it.
// A write that fails (a full disk) never fails the caller: the content stays in memory, the
// failure is logged once with the file and the free space, and the write is retried with backoff
// (1 s growing to 30 s) until it succeeds; then the store says it caught up.
import { lstat, mkdir, readdir, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Backoff, type Logger } from '@isawatt/common';
import type { PersistedHost } from '../registry/types.js';
import { describeWriteError, isAtomicTempFile, writeFileAtomic } from './atomic-file.js';
import { decodeHostFile, encodeHostFile } from './host-file.js';
import { decodeWatermarkFile, encodeWatermarkFile, MAX_WATERMARK_SESSIONS, type HostWatermark } from './watermark-file.js';
import { STATE_DIR_MODE, StateFileError } from './state-file-error.js';

const STATE_KIND = 'isawatt.coordinator.state';
const STATE_VERSION = 1;

/** Host ids become file names: allow what hostnames and cert CNs use, refuse path tricks. */
export const HOST_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** Most hosts kept in the state directory (and so in the registry). */
export const MAX_HOSTS = 100_000;

async function readText(path: string): Promise<string | undefined> {
  let st;
  try {
    st = await lstat(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new StateFileError(path, `cannot be read (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  if (!st.isFile()) throw new StateFileError(path, `is a ${st.isDirectory() ? 'directory' : 'special file'}, expected a regular file`);
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    throw new StateFileError(path, `cannot be read (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
}

/** Checks state.json's text; throws StateFileError naming what is wrong. */
function checkStateDoc(path: string, text: string, cluster: string, log: Logger): void {
  if (text.trim() === '') throw new StateFileError(path, 'is empty (a write cut short?)');
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new StateFileError(path, `is not valid JSON (${(err as Error).message})`);
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc))
    throw new StateFileError(path, `expected a JSON object, got ${Array.isArray(doc) ? 'an array' : typeof doc}`);
  const d = doc as { kind?: unknown; schemaVersion?: unknown; cluster?: unknown };
  if (d.kind !== STATE_KIND)
    throw new StateFileError(path, `not an isawatt coordinator state directory (kind ${JSON.stringify(d.kind)}, expected "${STATE_KIND}")`);
  if (d.schemaVersion !== STATE_VERSION) {
    throw new StateFileError(path, `schemaVersion ${JSON.stringify(d.schemaVersion)} not supported (this coordinator reads ${STATE_VERSION})`);
  }
  if (d.cluster !== cluster) log.warn({ stateCluster: d.cluster, cluster }, 'state directory was written by another cluster name');
}

export class StateStore {
  private readonly hostsDir: string;
  /** Per-file chain of pending writes, so writes to one file happen in order. */
  private readonly writing = new Map<string, Promise<void>>();
  /** Latest content waiting to be written per file (coalesces bursts and failed writes). */
  private readonly pending = new Map<string, string>();
  /** Files whose last write failed, waiting for the retry timer. */
  private readonly failed = new Set<string>();
  private readonly backoff = new Backoff({ initialMs: 1000, multiplier: 2, maxMs: 30_000, jitter: 0.1 });
  private retryTimer: NodeJS.Timeout | undefined;

  constructor(
    readonly dir: string,
    private readonly log: Logger,
  ) {
    this.hostsDir = join(dir, 'hosts');
  }

  /** Creates the layout, checks state.json, removes temp files left by a crash. */
  async init(cluster: string): Promise<void> {
    await this.mkdirs();
    const statePath = join(this.dir, 'state.json');
    const text = await readText(statePath);
    if (text === undefined) {
      const doc = JSON.stringify({ kind: STATE_KIND, schemaVersion: STATE_VERSION, cluster, createdAtMs: Date.now() }, null, 2) + '\n';
      try {
        await writeFileAtomic(statePath, doc);
      } catch (err) {
        throw new StateFileError(statePath, `cannot be created: ${await describeWriteError(err, statePath)}`);
      }
    } else {
      checkStateDoc(statePath, text, cluster, this.log);
    }
    for (const name of await this.hostEntries()) {
      if (isAtomicTempFile(name)) await rm(join(this.hostsDir, name), { force: true, recursive: true });
    }
    for (const name of await readdir(this.dir)) {
      if (isAtomicTempFile(name) && name.startsWith('.watermarks.json.')) await rm(join(this.dir, name), { force: true });
    }
  }

  private async mkdirs(): Promise<void> {
    for (const d of [this.dir, this.hostsDir]) {
      try {
        await mkdir(d, { recursive: true, mode: STATE_DIR_MODE });
      } catch (err) {
        throw new StateFileError(d, `cannot be created as a directory (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
      }
    }
  }

  private async hostEntries(): Promise<string[]> {
    try {
      return (await readdir(this.hostsDir)).sort();
    } catch (err) {
      throw new StateFileError(this.hostsDir, `cannot be listed (${(err as NodeJS.ErrnoException).code ?? String(err)}); expected a directory of host files`);
    }
  }

  /**
   * Every persisted host, with the newer watermarks of watermarks.json merged in. A malformed file
   * fails the load with its path and the problems.
   */
  async loadHosts(): Promise<PersistedHost[]> {
    const out: PersistedHost[] = [];
    for (const name of await this.hostEntries()) {
      if (!name.endsWith('.json') || isAtomicTempFile(name)) continue;
      out.push(await this.loadHost(join(this.hostsDir, name), name));
      if (out.length > MAX_HOSTS) throw new StateFileError(this.hostsDir, `holds more than ${MAX_HOSTS} host files`);
    }
    const byId = new Map(out.map((h) => [h.hostId, h]));
    for (const w of await this.loadWatermarks()) {
      const h = byId.get(w.hostId);
      // A watermark without its host file (the file was quarantined) has nothing to attach to.
      if (h === undefined) continue;
      h.lastSeenMs = Math.max(h.lastSeenMs, w.lastSeenMs);
      const merged: Record<string, bigint> = { ...h.lastSeqBySession };
      for (const [session, seq] of Object.entries(w.lastSeqBySession)) {
        const had = merged[session];
        if (had === undefined || seq > had) merged[session] = seq;
      }
      const entries = Object.entries(merged);
      h.lastSeqBySession = Object.fromEntries(entries.slice(Math.max(0, entries.length - MAX_WATERMARK_SESSIONS)));
    }
    return out;
  }

  private get watermarkPath(): string {
    return join(this.dir, 'watermarks.json');
  }

  private async loadWatermarks(): Promise<HostWatermark[]> {
    const path = this.watermarkPath;
    const text = await readText(path);
    if (text === undefined) return [];
    if (text.trim() === '') throw new StateFileError(path, 'is empty (a write cut short?)');
    try {
      return decodeWatermarkFile(text, MAX_HOSTS);
    } catch (err) {
      throw new StateFileError(path, (err as Error).message);
    }
  }

  /** Queues an atomic write of every host's watermark (one file, however many hosts). */
  saveWatermarks(hosts: readonly HostWatermark[]): Promise<void> {
    return this.write(this.watermarkPath, encodeWatermarkFile(hosts));
  }

  private async loadHost(path: string, name: string): Promise<PersistedHost> {
    const text = (await readText(path)) ?? '';
    if (text.trim() === '') throw new StateFileError(path, 'is empty (a write cut short?)');
    let host: PersistedHost;
    try {
      host = decodeHostFile(text, path);
    } catch (err) {
      throw new StateFileError(path, (err as Error).message.replace(`${path}: `, ''));
    }
    if (`${host.hostId}.json` !== name) throw new StateFileError(path, `file name does not match host id "${host.hostId}"`);
    return host;
  }

  /**
   * `isawatt coordinator --repair-state`: moves every file the start would refuse (state.json,
   * host files, PDU history files) into <stateDir>/quarantine/, and returns what it moved and why.
   */
  async repair(cluster: string, pduDir: string | undefined): Promise<{ path: string; movedTo: string; problem: string }[]> {
    const moved: { path: string; movedTo: string; problem: string }[] = [];
    const quarantine = join(this.dir, 'quarantine');
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    const moveAside = async (path: string, name: string, problem: string): Promise<void> => {
      await mkdir(quarantine, { recursive: true, mode: STATE_DIR_MODE });
      const movedTo = join(quarantine, `${stamp}.${name}`);
      await rename(path, movedTo);
      moved.push({ path, movedTo, problem });
    };
    const statePath = join(this.dir, 'state.json');
    try {
      const text = await readText(statePath);
      if (text !== undefined) checkStateDoc(statePath, text, cluster, this.log);
    } catch (err) {
      if (!(err instanceof StateFileError)) throw err;
      await moveAside(statePath, 'state.json', err.problem);
    }
    try {
      await this.loadWatermarks();
    } catch (err) {
      if (!(err instanceof StateFileError)) throw err;
      await moveAside(this.watermarkPath, 'watermarks.json', err.problem);
    }
    const hostsSt = await lstat(this.hostsDir).catch(() => undefined);
    if (hostsSt && !hostsSt.isDirectory()) await moveAside(this.hostsDir, 'hosts', 'expected a directory of host files');
    await this.mkdirs();
    for (const name of await this.hostEntries()) {
      const path = join(this.hostsDir, name);
      if (isAtomicTempFile(name)) {
        await rm(path, { force: true, recursive: true });
        continue;
      }
      if (!name.endsWith('.json')) continue;
      try {
        await this.loadHost(path, name);
      } catch (err) {
        if (!(err instanceof StateFileError)) throw err;
        await moveAside(path, `hosts.${name}`, err.problem);
      }
    }
    if (pduDir !== undefined) {
      for (const name of await readdir(pduDir).catch(() => [] as string[])) {
        if (!name.endsWith('.jsonl')) continue;
        const path = join(pduDir, name);
        let problem: string | undefined;
        try {
          decodeURIComponent(name.slice(0, -'.jsonl'.length));
          if (!(await lstat(path)).isFile()) problem = 'not a regular file';
        } catch {
          problem = 'the name is not a percent-encoded host id';
        }
        if (problem !== undefined) await moveAside(path, `pdu.${name}`, problem);
      }
    }
    await this.init(cluster);
    return moved;
  }

  /** Queues an atomic write of the host's file; resolves once it is written or queued for retry. */
  saveHost(host: PersistedHost): Promise<void> {
    if (!HOST_ID_PATTERN.test(host.hostId)) return Promise.reject(new Error(`host id "${host.hostId}" cannot be stored`));
    return this.write(join(this.hostsDir, `${host.hostId}.json`), encodeHostFile(host));
  }

  /** Files whose latest content is only in memory (a write failed and waits for its retry). */
  get unwritten(): number {
    return this.failed.size;
  }

  /** Resolves when every queued write has been tried once more (at shutdown). */
  async flush(): Promise<void> {
    for (const path of [...this.failed]) void this.write(path, undefined);
    while (this.writing.size > 0) await Promise.allSettled([...this.writing.values()]);
  }

  /** Stops retrying (after the final flush). */
  close(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
  }

  private write(path: string, content: string | undefined): Promise<void> {
    const running = this.writing.get(path);
    if (content !== undefined) this.pending.set(path, content);
    // The running loop picks the new content up before it finishes.
    if (running) return running;
    const loop = async (): Promise<void> => {
      try {
        for (let next = this.pending.get(path); next !== undefined; next = this.pending.get(path)) {
          try {
            await writeFileAtomic(path, next);
            if (this.pending.get(path) === next) this.pending.delete(path);
            if (this.failed.delete(path) && this.failed.size === 0) {
              this.backoff.reset();
              this.log.info({ path }, 'state directory writable again: every pending write caught up');
            }
          } catch (err) {
            // Keep the content (unless newer arrived) and retry later; the caller goes on from memory.
            if (!this.failed.has(path)) {
              this.log.error(
                { path, problem: await describeWriteError(err, path), pendingFiles: this.failed.size + 1 },
                'cannot write state file; serving from memory and retrying',
              );
            }
            this.failed.add(path);
            this.scheduleRetry();
            return;
          }
        }
      } finally {
        this.writing.delete(path);
      }
    };
    const p = loop();
    this.writing.set(path, p);
    return p;
  }

  private scheduleRetry(): void {
    if (this.retryTimer) return;
    const delayMs = this.backoff.nextDelayMs();
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      for (const path of [...this.failed]) void this.write(path, undefined);
    }, delayMs);
    this.retryTimer.unref();
  }
}
