// SMBIOS type 4 (Processor Information) as the kernel exposes it in
// /sys/firmware/dmi/entries/4-N/raw: a formatted area (length at byte 1) followed by NUL-terminated
// strings referenced by 1-based index. On arm64 servers it is the only place that names the product
// ("Ampere(R) Altra(R) Max Processor", part "M128-30"). Layout: DMTF DSP0134 3.x, section 7.5.

export interface SmbiosProcessor {
  readonly manufacturer: string | undefined;
  readonly version: string | undefined;
  readonly partNumber: string | undefined;
  /** Cores per socket, when given. */
  readonly coreCount: number | undefined;
  readonly threadCount: number | undefined;
  readonly maxSpeedMhz: number | undefined;
}

const NOT_SET = new Set(['', 'not specified', 'unknown', 'to be filled by o.e.m.', 'none']);

function clean(s: string | undefined): string | undefined {
  if (s === undefined) return undefined;
  const t = s.trim();
  return NOT_SET.has(t.toLowerCase()) ? undefined : t;
}

/** Parses one type-4 structure; throws a RangeError naming what is wrong with the bytes. */
export function parseSmbiosProcessor(raw: Buffer): SmbiosProcessor {
  if (raw.length < 0x1a) throw new RangeError(`smbios type 4: ${raw.length} bytes, expected at least 26`);
  if (raw[0] !== 4) throw new RangeError(`smbios: structure type ${raw[0]}, expected 4 (processor)`);
  const len = raw[1] ?? 0;
  if (len < 0x1a || len > raw.length) throw new RangeError(`smbios type 4: formatted length ${len} invalid for ${raw.length} bytes`);
  const strings = raw.subarray(len).toString('latin1').split('\0');
  const str = (offset: number): string | undefined => {
    if (offset >= len) return undefined;
    const idx = raw[offset] ?? 0;
    return idx === 0 ? undefined : clean(strings[idx - 1]);
  };
  const byte = (offset: number): number | undefined => (offset < len ? raw[offset] : undefined);
  const word = (offset: number): number | undefined => (offset + 1 < len ? raw.readUInt16LE(offset) : undefined);
  // Counts of 0xff mean "see the 16-bit field" (SMBIOS 3.0 core count 2 / thread count 2).
  const count = (small: number, large: number): number | undefined => {
    const b = byte(small);
    if (b === undefined || b === 0) return undefined;
    return b === 0xff ? word(large) : b;
  };
  const speed = word(0x14);
  return {
    manufacturer: str(0x07),
    version: str(0x10),
    partNumber: str(0x22),
    coreCount: count(0x23, 0x2a),
    threadCount: count(0x25, 0x2e),
    maxSpeedMhz: speed === undefined || speed === 0 ? undefined : speed,
  };
}
