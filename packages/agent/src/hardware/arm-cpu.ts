// Names of Arm CPU cores from MIDR_EL1 fields (implementer, part). arm64 Linux prints no model name,
// so the agent names the core from these ids and the product from SMBIOS (see smbios.ts). The table
// lists the server cores an isawatt cluster plausibly has; anything else is named by its raw ids.

const IMPLEMENTERS: Readonly<Record<number, string>> = {
  0x41: 'Arm',
  0x42: 'Broadcom',
  0x43: 'Cavium',
  0x46: 'Fujitsu',
  0x48: 'HiSilicon',
  0x4e: 'NVIDIA',
  0x50: 'APM',
  0x51: 'Qualcomm',
  0x61: 'Apple',
  0xc0: 'Ampere',
};

/** (implementer << 16 | part) -> core name. */
const PARTS: ReadonlyMap<number, string> = new Map([
  [(0x41 << 16) | 0xd08, 'Cortex-A72'],
  [(0x41 << 16) | 0xd0c, 'Neoverse N1'],
  [(0x41 << 16) | 0xd40, 'Neoverse V1'],
  [(0x41 << 16) | 0xd49, 'Neoverse N2'],
  [(0x41 << 16) | 0xd4f, 'Neoverse V2'],
  [(0x48 << 16) | 0xd01, 'TaiShan v110'],
  [(0x50 << 16) | 0x000, 'X-Gene'],
  [(0xc0 << 16) | 0xac3, 'Ampere-1'],
  [(0xc0 << 16) | 0xac4, 'Ampere-1a'],
]);

export interface MidrFields {
  readonly implementer: number;
  readonly variant: number;
  readonly architecture: number;
  readonly part: number;
  readonly revision: number;
}

/** Decodes a MIDR_EL1 value as sysfs prints it ("0x00000000413fd0c1"). Undefined on garbage. */
export function decodeMidr(text: string): MidrFields | undefined {
  const t = text.trim();
  if (!/^0x[0-9a-fA-F]{1,16}$/.test(t)) return undefined;
  const v = Number(BigInt(t) & 0xffffffffn);
  return {
    implementer: (v >>> 24) & 0xff,
    variant: (v >>> 20) & 0xf,
    architecture: (v >>> 16) & 0xf,
    part: (v >>> 4) & 0xfff,
    revision: v & 0xf,
  };
}

/** Parses "0x41" style cpuinfo values; undefined when not hex. */
export function parseHexField(text: string | undefined): number | undefined {
  if (text === undefined || !/^0x[0-9a-fA-F]+$/.test(text.trim())) return undefined;
  return Number.parseInt(text.trim().slice(2), 16);
}

/** "Arm Neoverse N1", or "arm implementer 0x41 part 0xd99" for an unknown part. */
export function armCoreName(implementer: number, part: number): string {
  const vendor = IMPLEMENTERS[implementer];
  const core = PARTS.get((implementer << 16) | part);
  if (vendor !== undefined && core !== undefined) return `${vendor} ${core}`;
  return `arm implementer 0x${implementer.toString(16)} part 0x${part.toString(16).padStart(3, '0')}`;
}
