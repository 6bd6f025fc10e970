// The demo's experiment step: a short `isawatt experiment` on the emulated pair (two mixes ×
// round-robin, core-aware and energy-aware), then `isawatt report` of it. The report is written
// outside the demo's temporary directory (which the demo removes) and its path printed. The
// hosts' figures are emulated and the report says so; the step is skipped with --no-experiment.

export interface ExperimentStepOptions {
  /** Coordinator Control address. */
  readonly address: string;
  readonly modelsFile: string;
  /** Functions the mixes draw from (the demo can count on Node.js only). */
  readonly functions: readonly string[];
  readonly mixes: readonly string[];
  readonly policies: readonly string[];
  /** Share of the cluster's function cores each mix is sized for. */
  readonly load: number;
  readonly durationS: number;
  readonly warmupS: number;
  readonly settleS: number;
  /** How long each run's deployment may wait for the agents' acks (demo/ack-timeout.ts). */
  readonly ackTimeoutMs: number;
  /** Where the HTML report goes. */
  readonly reportFile: string;
  /** Runs one `isawatt` command, echoing it (the demo's runCli). */
  readonly runCli: (args: string[], display: string) => Promise<{ code: number; output: string }>;
}

export interface ExperimentStepResult {
  readonly ok: boolean;
  readonly experimentId: string | undefined;
  readonly reportFile: string | undefined;
  /** The experiment's summary table (the last box-drawn table of its output). */
  readonly table: string;
}

function lastTable(output: string): string {
  const lines = output.split('\n');
  const end = lines.findLastIndex((l) => l.startsWith('└'));
  const start = end < 0 ? -1 : lines.slice(0, end).findLastIndex((l) => l.startsWith('┌'));
  return start < 0 ? '' : lines.slice(start, end + 1).join('\n');
}

export async function runExperimentStep(o: ExperimentStepOptions): Promise<ExperimentStepResult> {
  const args = [
    'experiment',
    '--coordinator',
    o.address,
    '--models',
    o.modelsFile,
    '--mixes',
    o.mixes.join(','),
    '--policies',
    o.policies.join(','),
    '--functions',
    o.functions.join(','),
    '--load',
    String(o.load),
    '--duration',
    String(o.durationS),
    '--warmup',
    String(o.warmupS),
    '--settle',
    String(o.settleS),
    '--ack-timeout-ms',
    String(o.ackTimeoutMs),
  ];
  const exp = await o.runCli(args, args.join(' '));
  const experimentId = /experiment (exp-[A-Za-z0-9-]+): \d+\/\d+ runs met their rates/.exec(exp.output)?.[1];
  if (!experimentId) return { ok: false, experimentId: undefined, reportFile: undefined, table: '' };
  const rep = await o.runCli(['report', experimentId, '--coordinator', o.address, '--out', o.reportFile], `report ${experimentId} --out ${o.reportFile}`);
  return { ok: exp.code === 0 && rep.code === 0, experimentId, reportFile: rep.code === 0 ? o.reportFile : undefined, table: lastTable(exp.output) };
}
