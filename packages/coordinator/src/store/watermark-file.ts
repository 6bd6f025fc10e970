// The telemetry watermarks of every host in one file (state-dir/watermarks.json), written once
// per flush interval. A watermark (the last seq stored per agent session, and when the host was
// last heard from) moves with every report; writing it into each host's own file meant one atomic
// write (two fsyncs) per host per second, the largest cost left on the ingest path at 1,000
// hosts. Host files are still written when a host attaches or its assignment changes; at start the
// two are merged (the higher seq of each session wins), so after a crash at most one flush
// interval of reports is ingested again and none is skipped.
import { z } from 'zod';
import { formatIssues } from '@isawatt/common';
import { storedCounter } from './host-file.js';

export const WATERMARK_FILE_KIND = 'isawatt.coordinator.watermarks';
export const WATERMARK_FILE_VERSION = 1;
/** Sessions kept per host (as the registry keeps them). */
export const MAX_WATERMARK_SESSIONS = 16;

export interface HostWatermark {
  hostId: string;
  lastSeenMs: number;
  lastSeqBySession: Readonly<Record<string, bigint>>;
}

const watermarkFileSchema = z.object({
  kind: z.literal(WATERMARK_FILE_KIND),
  schemaVersion: z.literal(WATERMARK_FILE_VERSION),
  hosts: z.array(
    z.object({
      hostId: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/, 'expected a host id'),
      lastSeenMs: z.number().int().min(0),
      lastSeqBySession: z
        .record(z.string().max(128), storedCounter)
        .refine((r) => Object.keys(r).length <= MAX_WATERMARK_SESSIONS, `expected at most ${MAX_WATERMARK_SESSIONS} sessions`),
    }),
  ),
});

/** The file's text: one line per host (no indentation: it is rewritten every flush). */
export function encodeWatermarkFile(hosts: readonly HostWatermark[]): string {
  const lines = hosts.map((h) => {
    let sessions = '';
    for (const s in h.lastSeqBySession) sessions += `${sessions === '' ? '' : ','}${JSON.stringify(s)}:"${(h.lastSeqBySession[s] as bigint).toString()}"`;
    return `{"hostId":${JSON.stringify(h.hostId)},"lastSeenMs":${h.lastSeenMs},"lastSeqBySession":{${sessions}}}`;
  });
  return `{"kind":"${WATERMARK_FILE_KIND}","schemaVersion":${WATERMARK_FILE_VERSION},"hosts":[\n${lines.join(',\n')}\n]}\n`;
}

/** Parses the file; throws an Error listing every problem (the caller names the path). */
export function decodeWatermarkFile(text: string, maxHosts: number): HostWatermark[] {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new Error(`not valid JSON (${(err as Error).message})`);
  }
  const r = watermarkFileSchema.safeParse(doc);
  if (!r.success) throw new Error(formatIssues(r.error.issues).join('; '));
  if (r.data.hosts.length > maxHosts) throw new Error(`holds ${r.data.hosts.length} hosts, at most ${maxHosts}`);
  return r.data.hosts;
}
