// `isawatt profile --open-loop U[,U...]`: the utilisations of the open-loop phases, one phase each.
import { InvalidArgumentError } from 'commander';

/** Most open-loop phases a bag may run (the agent refuses more; each adds a warm-up and a window). */
export const MAX_OPEN_LOOP_PHASES = 8;

/**
 * "0" (no open-loop phase) or a comma-separated list of shares of saturated capacity, each in
 * (0, 1], at most MAX_OPEN_LOOP_PHASES, no two equal; returned ascending (the order the phases
 * run in, whatever order they were given in). One value is the single phase it always was.
 */
export function parseOpenLoopUtilisations(flag: string, v: string): number[] {
  const parts = v.split(',').map((s) => s.trim());
  if (parts.length === 1 && parts[0] !== '' && Number(parts[0]) === 0) return [];
  const bad = parts.filter((s) => {
    const n = Number(s);
    return s === '' || !Number.isFinite(n) || !(n > 0) || n > 1;
  });
  if (bad.length > 0)
    throw new InvalidArgumentError(
      `${flag} must be 0 (off) or shares of saturated capacity in (0, 1] separated by commas (e.g. 0.6,0.85), got "${v}" (${bad.map((b) => `"${b}"`).join(', ')} not in (0, 1])`,
    );
  const us = parts.map(Number).sort((a, b) => a - b);
  const twice = us.find((u, i) => i > 0 && u === us[i - 1]);
  if (twice !== undefined) throw new InvalidArgumentError(`${flag} lists ${twice} twice, got "${v}" (one phase per utilisation)`);
  if (us.length > MAX_OPEN_LOOP_PHASES)
    throw new InvalidArgumentError(`${flag} takes at most ${MAX_OPEN_LOOP_PHASES} utilisations, got ${us.length} in "${v}"`);
  return us;
}
