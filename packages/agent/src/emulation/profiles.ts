// Emulated host profiles for the demo and `--emulate <profile>`: one machine pretends to be a Xeon
// or an Altra Max. The power figures follow the same rule as the estimated meter's profiles
// (sensors/power-profiles.ts): vendor TDP, idle at 25 % of it except where an observed idle figure
// exists, and the rest spread over the cores at full load. Every figure an emulated tree produces
// is labelled "emulated"; these numbers only make the emulated counters move like real ones.
import { ConfigError } from '@isawatt/common';
import type { EmulatedMachine } from '../hardware/emulated.js';

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

export interface EmulatedProfile {
  readonly name: string;
  readonly arch: 'x86_64' | 'aarch64';
  readonly cpuModel: string;
  readonly sockets: number;
  readonly coresPerSocket: number;
  readonly threadsPerCore: number;
  readonly energy: RaplEmulation | XgeneEmulation;
  /**
   * Power multiplier per function (cgroup directory name under the emulated cgroup path), for
   * functions that draw more or less per busy core than the average; default 1. Empty in the
   * built-in profiles: the emulator has no measured per-function data to put here.
   */
  readonly functionFactors: Readonly<Record<string, number>>;
  /** Where the numbers come from. */
  readonly basis: string;
}

export const PROFILES: Readonly<Record<string, EmulatedProfile>> = {
  // The paper's x86 server: 2 × Intel Xeon Gold 5318Y (Ice Lake-SP), 24 cores / 48 threads each.
  'xeon-gold-5318y-2s': {
    name: 'xeon-gold-5318y-2s',
    arch: 'x86_64',
    cpuModel: 'Intel(R) Xeon(R) Gold 5318Y CPU @ 2.10GHz',
    sockets: 2,
    coresPerSocket: 24,
    threadsPerCore: 2,
    energy: {
      kind: 'rapl',
      // TDP 175 W per socket: idle 25 % = 43.75 W; 131.25 W over 48 logical CPUs at full load.
      packageIdleW: 43.75,
      packageWPerBusyCpu: 131.25 / 48,
      // DRAM: 6 W idle and 0.25 W per busy CPU per socket (illustrative, as for the 6130).
      dramIdleW: 6,
      dramWPerBusyCpu: 0.25,
      packageMaxEnergyUj: 262143328850n,
      dramMaxEnergyUj: 65712999613n,
      curFreqMhz: 2100,
    },
    functionFactors: {},
    basis: 'Intel ark Xeon Gold 5318Y (TDP 175 W, 24 cores, 48 threads, 2.1 GHz); idle 25 % of TDP; RAPL ranges of energy-sources.md §1.2',
  },
  // Not the paper's server: a 2 × Xeon Gold 6130 (Skylake-SP) machine, kept for other x86 setups.
  'xeon-gold-6130-2s': {
    name: 'xeon-gold-6130-2s',
    arch: 'x86_64',
    cpuModel: 'Intel(R) Xeon(R) Gold 6130 CPU @ 2.10GHz',
    sockets: 2,
    coresPerSocket: 16,
    threadsPerCore: 2,
    energy: {
      kind: 'rapl',
      // TDP 125 W per socket: idle 25 % = 31.25 W; 93.75 W over 32 logical CPUs at full load.
      packageIdleW: 31.25,
      packageWPerBusyCpu: 93.75 / 32,
      // DRAM: 6 W idle and 0.25 W per busy CPU per socket (illustrative: RAPL dram on a 6-channel socket).
      dramIdleW: 6,
      dramWPerBusyCpu: 0.25,
      packageMaxEnergyUj: 262143328850n,
      dramMaxEnergyUj: 65712999613n,
      curFreqMhz: 2100,
    },
    functionFactors: {},
    basis: 'Intel ark Xeon Gold 6130 (TDP 125 W, 16 cores, 2.1 GHz); idle 25 % of TDP; RAPL ranges of energy-sources.md §1.2',
  },
  'altra-max-m128': {
    name: 'altra-max-m128',
    arch: 'aarch64',
    cpuModel: 'Ampere(R) Altra(R) Max Processor M128-30',
    sockets: 1,
    coresPerSocket: 128,
    threadsPerCore: 1,
    energy: {
      kind: 'xgene',
      // Idle = the observed xgene readings (energy-sources.md §2.4); TDP 250 W: (250 − 48.18) W over
      // 128 cores at full load, split 90 % CPU rail / 10 % IO.
      cpuIdleW: 16.28,
      cpuWPerBusyCpu: (0.9 * (250 - 48.18)) / 128,
      ioIdleW: 31.9,
      ioWPerBusyCpu: (0.1 * (250 - 48.18)) / 128,
      busyFreqMhz: 3000,
    },
    functionFactors: {},
    basis: 'observed xgene idle 16.28 W CPU + 31.90 W IO; Altra Max M128-30 TDP 250 W, 128 cores, 3.0 GHz',
  },
};

export const PROFILE_NAMES: readonly string[] = Object.keys(PROFILES);

/** The profile of that name; ConfigError listing the known ones otherwise. */
export function getProfile(name: string): EmulatedProfile {
  const p = PROFILES[name];
  if (p === undefined) throw new ConfigError([`emulate: unknown profile "${name}"; known: ${PROFILE_NAMES.join(', ')}`]);
  return p;
}

/** The profile's machine, as hardware/emulated.ts lays it over the real one (Hello, logs). */
export function emulatedHostFacts(name: string): EmulatedMachine {
  const p = getProfile(name);
  const logical = p.sockets * p.coresPerSocket * p.threadsPerCore;
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
