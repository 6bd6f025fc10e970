// The demo's profiling step: before anything is deployed, a short `isawatt profile` campaign on the
// two emulated hosts measures the models of the demo's functions (co-located bags, saturated, the
// paper's method at a small scale), `isawatt models show` prints the x86/ARM comparison, and the
// deployment then plans on these freshly measured models instead of the illustrative file. The
// figures are EMULATED (the hosts are), and the step says so. Kept in its own file so the demo's
// other steps stay readable; demo.ts calls profileStep() once.
import { join } from 'node:path';
import type { ControlClient } from '../../packages/coordinator/src/cli/control-client.js';

export interface ProfileStepOptions {
  readonly client: ControlClient;
  /** Runs one `isawatt` command, echoing it (the demo's runCli). */
  readonly runCli: (args: string[], display: string) => Promise<{ code: number; output: string }>;
  readonly address: string;
  /** The demo's temporary directory: the models file goes there. */
  readonly dir: string;
  readonly functions: readonly string[];
  readonly write: (text: string) => void;
}

/** Campaign size: every function in 2 bags of 2, 3 s measured after 1 s of warm-up. */
const BAG_SIZE = 2;
const MIN_BAGS = 2;
/** At most this many CPUs per function: enough to measure, few enough for a 2-CPU machine. */
const MAX_CORES = 2;

/** Runs the campaign; resolves with the models file, or undefined (said why) when it failed. */
export async function profileStep(o: ProfileStepOptions): Promise<string | undefined> {
  const hosts = (await o.client.listHosts()).hosts.filter((h) => h.state === 'HOST_STATE_UP');
  const cpus = Math.min(...hosts.map((h) => h.hello?.function_cpus.length ?? 0));
  const cores = Math.max(1, Math.min(MAX_CORES, Math.floor(cpus / BAG_SIZE)));
  const bags = Math.ceil((o.functions.length * MIN_BAGS) / BAG_SIZE);
  const out = join(o.dir, 'models-profiled.yaml');
  const args = [
    '--functions',
    o.functions.join(','),
    '--bags',
    String(bags),
    '--bag-size',
    String(BAG_SIZE),
    '--min-bags',
    String(MIN_BAGS),
    '--duration',
    '3',
    '--warmup',
    '1',
    '--idle',
    '2',
    '--cores-per-function',
    String(cores),
    '--out',
    out,
  ];
  o.write("\nProfiling the demo functions on the emulated hosts (the paper's bags, small): the figures are EMULATED.\n");
  const run = await o.runCli(['profile', '--coordinator', o.address, ...args], `profile ${args.join(' ').replace(out, '<demo dir>/models-profiled.yaml')}`);
  if (run.code !== 0) {
    o.write(`demo: profiling failed (exit ${run.code}); planning on the illustrative examples/models.yaml instead\n`);
    return undefined;
  }
  await o.runCli(['models', 'show', out], 'models show <demo dir>/models-profiled.yaml');
  return out;
}
