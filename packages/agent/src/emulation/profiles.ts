// Emulated host profiles for the demo and `--emulate <profile>`: one machine pretends to be a Xeon
// or an Altra Max. Each profile is a data file in packages/agent/emulation-profiles/<name>.yaml
// (format: docs/agent.md, "Emulated hosts"), validated here with every problem named at once. A
// profile is the GROUND TRUTH of its emulated host - speed and power per function - and says that it
// is an illustration, not a measurement; every figure an emulated host produces is labelled
// "emulated".
import { ConfigError, type Arch } from '@isawatt/common';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import type { EmulatedMachine } from '../hardware/emulated.js';
import { hostTypeFromModel } from '../hardware/host-type.js';

export interface RaplEmulation {
  readonly kind: 'rapl';
  /** Package power at idle, W per socket. */
  readonly packageIdleW: number;
  /** Extra package power per fully busy logical CPU, W. */
  readonly packageWPerBusyCpu: number;
  readonly dramIdleW: number;
  readonly dramWPerBusyCpu: number;
  readonly packageMaxEnergyUj: bigint;
  readonly dramMaxEnergyUj: bigint;
  /** scaling_cur_freq written for every CPU, MHz (cpufreq reader). */
  readonly curFreqMhz: number;
}

export interface XgeneEmulation {
  readonly kind: 'xgene';
  /** xgene "CPU power" at idle, W per socket. */
  readonly cpuIdleW: number;
  readonly cpuWPerBusyCpu: number;
  /** xgene "IO power" at idle, W per socket. */
  readonly ioIdleW: number;
  readonly ioWPerBusyCpu: number;
  /** CPPC: delivered frequency of a busy core, MHz (nominal 3000, lowest 1000, reference perf 1000). */
  readonly busyFreqMhz: number;
}

/** Ground truth of one function on the emulated host. */
export interface FunctionFactors {
  /** Multiplies the emulated core's share of a real CPU: 0.5 = half as many executions per second. */
  readonly speed: number;
  /** Multiplies the host's dynamic power per busy CPU while this function keeps the CPU busy. */
  readonly power: number;
  /** 0..1: how much co-located memory-bound functions slow this one (and it them). */
  readonly memoryBound: number;
}

export interface EmulatedProfile {
  readonly name: string;
  /** Where the profile was loaded from (for messages). */
  readonly file: string;
  readonly arch: Arch;
  readonly cpuModel: string;
  /** The models' key for this machine, derived from the CPU model. */
  readonly hostType: string;
  readonly sockets: number;
  readonly coresPerSocket: number;
  readonly threadsPerCore: number;
  readonly energy: RaplEmulation | XgeneEmulation;
  /** Share of one real CPU that one emulated CPU gets at speed 1 (cgroup CPU bandwidth). */
  readonly realCpuShare: number;
  /** Co-location slowdown strength (see interference.ts). */
  readonly interferenceStrength: number;
  /** Factors of functions the file does not list. */
  readonly defaultFactors: FunctionFactors;
  /** Per function name (the catalogue name, which is also its cgroup directory name). */
  readonly functions: ReadonlyMap<string, FunctionFactors>;
  /** Where the numbers come from. */
  readonly basis: string;
}

/** The profile directory shipped with the agent (same path from src/ and dist/). */
export const PROFILES_DIR = fileURLToPath(new URL('../../emulation-profiles/', import.meta.url));

const positive = z.number().positive().finite();
const nonNegative = z.number().nonnegative().finite();
const factorsSchema = z.strictObject({ speed: positive.max(100), power: positive.max(100), memoryBound: nonNegative.max(1) });
const energyUj = z.union([z.number().int().positive(), z.string().regex(/^\d{1,20}$/)]);
const fileSchema = z.strictObject({
  name: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'expected lower-case letters, digits and dashes'),
  illustrative: z.literal(true, { error: 'expected true: an emulated profile is an illustration, never a measurement' }),
  basis: z.string().min(1),
  machine: z.strictObject({
    arch: z.enum(['x86_64', 'aarch64']),
    cpuModel: z.string().min(1).max(200),
    sockets: z.number().int().min(1).max(16),
    coresPerSocket: z.number().int().min(1).max(1024),
    threadsPerCore: z.number().int().min(1).max(8),
  }),
  energy: z.discriminatedUnion('kind', [
    z.strictObject({
      kind: z.literal('rapl'),
      packageIdleW: nonNegative,
      packageWPerBusyCpu: nonNegative,
      dramIdleW: nonNegative,
      dramWPerBusyCpu: nonNegative,
      packageMaxEnergyUj: energyUj,
      dramMaxEnergyUj: energyUj,
      curFreqMhz: positive,
    }),
    z.strictObject({
      kind: z.literal('xgene'),
      cpuIdleW: nonNegative,
      cpuWPerBusyCpu: nonNegative,
      ioIdleW: nonNegative,
      ioWPerBusyCpu: nonNegative,
      busyFreqMhz: positive,
    }),
  ]),
  emulatedCore: z.strictObject({ realCpuShare: positive.max(1) }),
  interference: z.strictObject({ strength: nonNegative.max(10) }),
  functions: z
    .record(z.string().regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, 'expected a function name'), factorsSchema)
    .refine((f) => f.default !== undefined, 'expected a "default" entry'),
});

/** Parses and validates one profile file's text; ConfigError naming the file and every bad field. */
export function parseProfile(text: string, file: string): EmulatedProfile {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (err) {
    throw new ConfigError([`${file}: not valid YAML: ${(err as Error).message}`]);
  }
  const r = fileSchema.safeParse(doc);
  if (!r.success) throw new ConfigError(r.error.issues.map((i) => `${file}: ${i.path.join('.') || '(top)'}: ${i.message}`));
  const d = r.data;
  const energy: RaplEmulation | XgeneEmulation =
    d.energy.kind === 'rapl'
      ? { ...d.energy, packageMaxEnergyUj: BigInt(d.energy.packageMaxEnergyUj), dramMaxEnergyUj: BigInt(d.energy.dramMaxEnergyUj) }
      : d.energy;
  const { default: defaults, ...rest } = d.functions;
  return {
    name: d.name,
    file,
    arch: d.machine.arch,
    cpuModel: d.machine.cpuModel,
    hostType: hostTypeFromModel(d.machine.cpuModel),
    sockets: d.machine.sockets,
    coresPerSocket: d.machine.coresPerSocket,
    threadsPerCore: d.machine.threadsPerCore,
    energy,
    realCpuShare: d.emulatedCore.realCpuShare,
    interferenceStrength: d.interference.strength,
    defaultFactors: defaults as FunctionFactors,
    functions: new Map(Object.entries(rest)),
    basis: d.basis,
  };
}

/** Names of the profiles in `dir` (one <name>.yaml each). */
export function profileNames(dir = PROFILES_DIR): string[] {
  try {
    return readdirSync(dir)
      .filter((f) => f.endsWith('.yaml'))
      .map((f) => f.slice(0, -'.yaml'.length))
      .sort();
  } catch {
    return [];
  }
}

export const PROFILE_NAMES: readonly string[] = profileNames();

const cache = new Map<string, EmulatedProfile>();

/** The profile of that name (from `dir`, default the shipped profiles); ConfigError listing the known ones otherwise. */
export function getProfile(name: string, dir = PROFILES_DIR): EmulatedProfile {
  const key = join(dir, `${name}.yaml`);
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  const known = profileNames(dir);
  if (!known.includes(name)) throw new ConfigError([`emulate: unknown profile "${name}"; known: ${known.join(', ')}`]);
  const p = parseProfile(readFileSync(key, 'utf8'), key);
  if (p.name !== name) throw new ConfigError([`${key}: name: expected "${name}" (the file name), got "${p.name}"`]);
  cache.set(key, p);
  return p;
}

/** A function's factors on this profile (the default entry when the file does not list it). */
export function factorsOf(p: EmulatedProfile, fn: string): FunctionFactors {
  return p.functions.get(fn) ?? p.defaultFactors;
}

/** Logical CPUs of the emulated machine. */
export function emulatedCpuCount(p: EmulatedProfile): number {
  return p.sockets * p.coresPerSocket * p.threadsPerCore;
}

/** The profile's machine, as hardware/emulated.ts lays it over the real one (Hello, logs). */
export function emulatedHostFacts(name: string): EmulatedMachine {
  const p = getProfile(name);
  const logical = emulatedCpuCount(p);
  return {
    profile: p.name,
    arch: p.arch,
    cpuModel: p.cpuModel,
    sockets: p.sockets,
    physicalCores: p.sockets * p.coresPerSocket,
    logicalCpus: logical,
    socketOfCpu: new Map(Array.from({ length: logical }, (_, c) => [c, emulatedSocketOf(p, c)])),
  };
}

/** Linux numbering: the first sibling of every core, socket by socket, then the second siblings. */
export function emulatedSocketOf(p: EmulatedProfile, cpu: number): number {
  return Math.floor((cpu % (p.sockets * p.coresPerSocket)) / p.coresPerSocket);
}
