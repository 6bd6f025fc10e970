// Independent reference computations the workload tests compare function outputs against.
import { crc32, inflateRawSync } from 'node:zlib';

/** Seeded generator for test inputs: the one the Node functions use (functions/_lib). */
export { mulberry32 as seeded } from '../_lib/seeded-random.mjs';

export function randomMatrix(next: () => number, rows: number, cols: number): number[][] {
  return Array.from({ length: rows }, () => Array.from({ length: cols }, () => next() * 2 - 1));
}

export function matmul(a: number[][], b: number[][]): number[][] {
  const cols = b[0]?.length ?? 0;
  return a.map((row) => Array.from({ length: cols }, (_, j) => row.reduce((s, aik, k) => s + aik * (b[k]?.[j] ?? NaN), 0)));
}

/**
 * PageRank by power iteration, as igraph's PRPACK defines it: an undirected edge counts both
 * ways, dangling vertices (no out-edges) spread their rank uniformly, teleport is uniform.
 */
export function pagerank(n: number, edges: readonly (readonly [number, number])[], directed: boolean, damping = 0.85): number[] {
  const out: number[][] = Array.from({ length: n }, () => []);
  for (const [u, v] of edges) {
    out[u]?.push(v);
    if (!directed) out[v]?.push(u);
  }
  let rank = new Array<number>(n).fill(1 / n);
  for (let iter = 0; iter < 1000; iter++) {
    const next = new Array<number>(n).fill(0);
    let dangling = 0;
    for (let u = 0; u < n; u++) {
      const targets = out[u] ?? [];
      const r = rank[u] ?? 0;
      if (targets.length === 0) dangling += r;
      else for (const v of targets) next[v] = (next[v] ?? 0) + (damping * r) / targets.length;
    }
    const base = (1 - damping) / n + (damping * dangling) / n;
    let delta = 0;
    for (let v = 0; v < n; v++) {
      next[v] = (next[v] ?? 0) + base;
      delta += Math.abs((next[v] ?? 0) - (rank[v] ?? 0));
    }
    rank = next;
    if (delta < 1e-15) break;
  }
  return rank;
}

export interface ZipEntry {
  name: string;
  method: number;
  content: Buffer;
}

/**
 * Reads a zip archive through its central directory (the way unzip does), inflates each entry
 * and checks its CRC-32 and size. Throws on anything malformed.
 */
export function readZip(zip: Buffer): ZipEntry[] {
  let eocd = -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 65535); i--) {
    if (zip.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error('zip: no end-of-central-directory record');
  const count = zip.readUInt16LE(eocd + 10);
  let p = zip.readUInt32LE(eocd + 16);
  const entries: ZipEntry[] = [];
  for (let i = 0; i < count; i++) {
    if (zip.readUInt32LE(p) !== 0x02014b50) throw new Error(`zip: bad central directory header at ${p}`);
    const method = zip.readUInt16LE(p + 10);
    const crc = zip.readUInt32LE(p + 16);
    const compressed = zip.readUInt32LE(p + 20);
    const size = zip.readUInt32LE(p + 24);
    const nameLen = zip.readUInt16LE(p + 28);
    const extraLen = zip.readUInt16LE(p + 30);
    const commentLen = zip.readUInt16LE(p + 32);
    const local = zip.readUInt32LE(p + 42);
    const name = zip.subarray(p + 46, p + 46 + nameLen).toString('utf8');
    if (zip.readUInt32LE(local) !== 0x04034b50) throw new Error(`zip: bad local header for ${name}`);
    const dataStart = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const raw = zip.subarray(dataStart, dataStart + compressed);
    const content = method === 8 ? inflateRawSync(raw) : method === 0 ? Buffer.from(raw) : null;
    if (!content) throw new Error(`zip: ${name} uses unsupported method ${method}`);
    if (content.length !== size) throw new Error(`zip: ${name} inflates to ${content.length} bytes, header says ${size}`);
    if (crc32(content) !== crc) throw new Error(`zip: ${name} CRC-32 mismatch`);
    entries.push({ name, method, content });
    p += 46 + nameLen + extraLen + commentLen;
  }
  return entries;
}
