// CPU power profiles for the *estimated* meter (hosts without RAPL or hwmon: VMs, laptops, build
// machines). A profile is idle watts per socket plus watts per busy core. These are not
// measurements: they follow one documented rule from the vendor TDP — idle = 25 % of TDP, and the
// remaining 75 % spread evenly over the cores at full load — except where an observed idle figure
// exists (Altra Max: xgene CPU + IO power at idle, docs/reference-readings.md). Every figure the
// estimated meter produces is labelled "estimated".

export interface PowerProfile {
  /** Profile id, shown in probe and Hello detail. */
  readonly id: string;
  /** Matches the CPU model string (/proc/cpuinfo "model name" or the detected model). */
  readonly match: RegExp;
  readonly idleWPerSocket: number;
  readonly activeWPerCore: number;
  /** Where the numbers come from. */
  readonly basis: string;
}

/** Idle = 25 % of TDP; the other 75 % over the cores at full load. */
export function profileFromTdp(id: string, match: RegExp, tdpW: number, cores: number, basis: string): PowerProfile {
  return {
    id,
    match,
    idleWPerSocket: 0.25 * tdpW,
    activeWPerCore: (0.75 * tdpW) / cores,
    basis: `${basis}, rule: idle 25 % of TDP, 75 % of TDP / ${cores} cores per busy core`,
  };
}

export const POWER_PROFILES: readonly PowerProfile[] = [
  profileFromTdp('xeon-gold-5318y', /Xeon.*Gold 5318Y\b/i, 175, 24, 'Intel ark: Xeon Gold 5318Y, TDP 175 W, 24 cores'),
  profileFromTdp('xeon-gold-6130', /Xeon.*Gold 6130\b/i, 125, 16, 'Intel ark: Xeon Gold 6130, TDP 125 W, 16 cores'),
  profileFromTdp('xeon-scalable', /Xeon/i, 150, 20, 'generic Xeon Scalable: TDP 150 W, 20 cores'),
  profileFromTdp('epyc', /EPYC/i, 225, 64, 'generic AMD EPYC: TDP 225 W, 64 cores'),
  {
    id: 'altra-max-m128',
    match: /Altra.*Max|M128/i,
    idleWPerSocket: 48.2,
    activeWPerCore: (250 - 48.2) / 128,
    basis: 'idle = observed xgene CPU 16.28 W + IO 31.90 W (docs/reference-readings.md), TDP 250 W (Altra Max M128-30) over 128 cores',
  },
  profileFromTdp('altra', /Altra|Neoverse-N1/i, 250, 80, 'Ampere Altra Q80-33: TDP 250 W, 80 cores'),
];

/** Used when no profile matches: a small two-socket-class server core, deliberately round numbers. */
export const DEFAULT_POWER_PROFILE: PowerProfile = {
  id: 'default',
  match: /.*/,
  idleWPerSocket: 20,
  activeWPerCore: 4,
  basis: 'default profile (no model match): 20 W idle per socket + 4 W per busy core, round figures for a generic server core',
};

export function findPowerProfile(cpuModel: string | undefined): PowerProfile {
  if (cpuModel === undefined) return DEFAULT_POWER_PROFILE;
  return POWER_PROFILES.find((p) => p.match.test(cpuModel)) ?? DEFAULT_POWER_PROFILE;
}

/** Modelled host power, W: idle per socket + busy cores × active per core. */
export function estimatedPowerW(profile: PowerProfile, sockets: number, busyCores: number): number {
  return profile.idleWPerSocket * sockets + profile.activeWPerCore * Math.max(0, busyCores);
}
