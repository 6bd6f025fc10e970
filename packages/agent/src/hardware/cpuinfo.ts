// Parser for /proc/cpuinfo. x86 prints one block per logical CPU with "model name", "physical id",
// "core id"; arm64 prints one block per CPU with only MIDR fields ("CPU implementer", "CPU part")
// and no model name. Blocks are separated by blank lines; keys and values by a colon.
import type { Arch } from '@isawatt/common';

export interface CpuinfoBlock {
  /** Logical CPU id ("processor" line), or undefined when the block has none (arm32 headers). */
  readonly processor: number | undefined;
  readonly fields: ReadonlyMap<string, string>;
}

/** Parses the text of /proc/cpuinfo into one block per paragraph (key order kept). */
export function parseCpuinfo(text: string): CpuinfoBlock[] {
  const blocks: CpuinfoBlock[] = [];
  for (const para of text.split(/\n\s*\n/)) {
    const fields = new Map<string, string>();
    for (const line of para.split('\n')) {
      const idx = line.indexOf(':');
      if (idx <= 0) continue;
      const key = line.slice(0, idx).trim();
      if (key === '') continue;
      fields.set(key, line.slice(idx + 1).trim());
    }
    if (fields.size === 0) continue;
    const p = fields.get('processor');
    const processor = p !== undefined && /^\d+$/.test(p) ? Number(p) : undefined;
    blocks.push({ processor, fields });
  }
  return blocks;
}

/** First value of `key` across blocks (the model name is the same on every CPU of a host). */
export function firstField(blocks: readonly CpuinfoBlock[], key: string): string | undefined {
  for (const b of blocks) {
    const v = b.fields.get(key);
    if (v !== undefined && v !== '') return v;
  }
  return undefined;
}

/** Architecture implied by the fields present: x86 has vendor_id/flags, arm64 has CPU implementer/Features. */
export function archFromCpuinfo(blocks: readonly CpuinfoBlock[]): Arch | undefined {
  if (firstField(blocks, 'vendor_id') !== undefined && firstField(blocks, 'flags') !== undefined) {
    const flags = firstField(blocks, 'flags') ?? '';
    // "lm" (long mode) marks a 64-bit x86 CPU.
    return /\blm\b/.test(flags) ? 'x86_64' : undefined;
  }
  if (firstField(blocks, 'CPU implementer') !== undefined) {
    const archField = firstField(blocks, 'CPU architecture');
    return archField === '8' || archField === 'AArch64' ? 'aarch64' : undefined;
  }
  return undefined;
}

/** True for x86 cpuinfo whose flags lack "lm" (long mode): a 32-bit-only x86 CPU (or kernel view). */
export function isX86Without64Bit(blocks: readonly CpuinfoBlock[]): boolean {
  const flags = firstField(blocks, 'flags');
  return firstField(blocks, 'vendor_id') !== undefined && flags !== undefined && !/\blm\b/.test(flags);
}
