// `isawatt calibrate --host ID --steps K --step-duration S`: the paper's validation of power
// attribution. A CPU-bound catalogue function is run saturated on 1/K, 2/K, ... K/K of the host's
// function CPUs (one profile job per step; the first also measures the idle power, the 0 % step),
// and per step the measured host power is compared with the attributed function power + idle.
// The attribution keeps learning during the steps (SmartWatts refits when its error passes its
// threshold, in the agent's log); its own model error is shown per step. Table or --json.
import Table from 'cli-table3';
import { EXIT, ExitError, msToS, sToMs } from '@isawatt/common';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { calibrationRow, coresAtStep, idleRow, type CalibrationStep } from '../../profiling/calibration.js';
import { campaignIdOf } from '../../profiling/campaign.js';
import type { CliContext } from '../context.js';
import { addConnectionOptions, connectionFromFlags, ControlClient, type ConnectionFlags } from '../control-client.js';

interface CalibrateFlags extends ConnectionFlags {
  host: string;
  steps: number;
  stepDuration: number;
  warmup: number;
  function: string;
  cpus?: number;
  json?: boolean;
}

/** A CPU-bound function with no I/O: stress by design. */
const DEFAULT_FUNCTION = 'matrix-node';

const plain = {
  style: { head: [] as string[], border: [] as string[] },
  chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' },
};

export function renderCalibration(hostId: string, fn: string, rows: readonly CalibrationStep[]): string {
  const t = new Table({
    head: ['load', 'cores', 'measured host W', 'attributed fn W', 'idle W', 'attributed + idle W', 'error', 'attribution', 'model error W', 'quality'],
    colAligns: ['right', 'right', 'right', 'right', 'right', 'right', 'right', 'left', 'right', 'left'],
    ...plain,
  });
  for (const r of rows) {
    t.push([
      `${(r.load * 100).toFixed(0)} %`,
      String(r.cores),
      r.hostPowerW.toFixed(2),
      r.attributedW.toFixed(2),
      r.idleW.toFixed(2),
      (r.attributedW + r.idleW).toFixed(2),
      `${(r.error * 100).toFixed(2)} %`,
      r.attribution,
      r.modelErrorW < 0 ? '-' : r.modelErrorW.toFixed(2),
      r.quality.toUpperCase(),
    ]);
  }
  const worst = rows.slice(1).reduce((a, r) => Math.max(a, Math.abs(r.error)), 0);
  return [
    `calibration of ${hostId} with ${fn} (saturated, every stressed CPU kept busy)`,
    t.toString(),
    `largest |error| over the loaded steps: ${(worst * 100).toFixed(2)} %`,
  ].join('\n');
}

function positive(flag: string, max: number, integer: boolean): (v: string) => number {
  return (v) => {
    const n = Number(v);
    if (v.trim() === '' || !Number.isFinite(n) || n <= 0 || n > max || (integer && !Number.isInteger(n)))
      throw new InvalidArgumentError(`${flag} must be a ${integer ? 'whole ' : ''}number in (0, ${max}], got "${v}"`);
    return n;
  };
}

export function registerCalibrate(program: Command, ctx: CliContext): void {
  const cmd = program
    .command('calibrate')
    .description("validate a host's power attribution: stress its function CPUs from 0 % to 100 % and compare measured with attributed + idle power")
    .requiredOption('--host <id>', 'host to calibrate')
    .addOption(new Option('--steps <K>', 'load steps above 0 %').argParser(positive('--steps', 100, true)).default(4))
    .addOption(new Option('--step-duration <s>', 'measured seconds per step').argParser(positive('--step-duration', 3600, false)).default(30))
    .addOption(new Option('--warmup <s>', 'seconds of load before each step is measured').argParser(positive('--warmup', 3600, false)).default(5))
    .option('--function <name>', 'CPU-bound catalogue function used as the stress', DEFAULT_FUNCTION)
    .addOption(
      new Option('--cpus <n>', "stress this many of the host's function CPUs at 100 % (default: all of them)").argParser(positive('--cpus', 65_536, true)),
    )
    .option('--json', 'print the steps as JSON');
  addConnectionOptions(cmd).action(async (flags: CalibrateFlags) => {
    const client = new ControlClient(connectionFromFlags(flags, ctx.io.env));
    const abort = new AbortController();
    const onSigint = (): void => abort.abort();
    process.once('SIGINT', onSigint);
    try {
      const host = await client.getHost(flags.host);
      const hello = host.hello;
      if (host.state !== 'HOST_STATE_UP' || !hello) throw new ExitError(EXIT.FAILURE, `host ${flags.host} is down`);
      const entry = hello.catalogue.find((f) => f.name === flags.function);
      if (!entry?.runnable)
        throw new ExitError(
          EXIT.BAD_INPUT,
          `--function ${flags.function}: ${entry ? `not runnable on ${flags.host} (${entry.unavailable_reason})` : `not in the catalogue of ${flags.host}`}`,
        );
      const hostCpus = hello.function_cpus.length;
      if (hostCpus === 0) throw new ExitError(EXIT.FAILURE, `host ${flags.host} has no function CPUs`);
      if (flags.cpus !== undefined && flags.cpus > hostCpus)
        throw new ExitError(EXIT.BAD_INPUT, `--cpus ${flags.cpus}: host ${flags.host} has ${hostCpus} function CPUs`);
      const cpus = flags.cpus ?? hostCpus;
      const durationMs = Math.round(sToMs(flags.stepDuration));
      const warmupMs = Math.round(sToMs(flags.warmup));
      const campaignId = campaignIdOf({ calibrate: flags.host, steps: flags.steps, durationMs, fn: flags.function, at: Date.now() });
      await client.beginProfileCampaign({ campaign_id: campaignId, resume: false });
      const rows: CalibrationStep[] = [];
      let idleW = 0;
      for (let i = 1; i <= flags.steps && !abort.signal.aborted; i++) {
        const cores = coresAtStep(i, flags.steps, cpus);
        const idleMs = i === 1 ? durationMs : 0;
        if (flags.json !== true)
          ctx.io.stderr(`isawatt calibrate: step ${i}/${flags.steps}: ${cores} of ${cpus} CPUs (${msToS(warmupMs + durationMs + idleMs)} s)\n`);
        const timeoutMs = idleMs + warmupMs + durationMs + 120_000;
        const res = await client
          .profileBag(
            {
              host_id: flags.host,
              job: {
                job_id: `${campaignId}:step${i}`,
                campaign_id: campaignId,
                functions: [flags.function],
                cores_per_function: cores,
                duration_ms: durationMs,
                warmup_ms: warmupMs,
                idle_ms: idleMs,
                saturate: true,
              },
              timeout_ms: timeoutMs,
            },
            timeoutMs + 30_000,
            abort.signal,
          )
          .catch((err: unknown) => {
            if (abort.signal.aborted) return undefined;
            throw err;
          });
        if (!res?.result) break;
        const r = res.result;
        if (!r.ok) throw new ExitError(EXIT.FAILURE, `step ${i} failed on ${flags.host}: ${r.error}`);
        if (i === 1) {
          idleW = r.idle_power_w;
          rows.push(idleRow(idleW, r.idle_duration_ms, calibrationRow(r, 0, 0, idleW).quality));
        }
        rows.push(calibrationRow(r, cores / cpus, cores, idleW));
      }
      if (abort.signal.aborted) {
        await client.cancelProfile({ campaign_id: campaignId, job_ids: [], timeout_ms: 15_000 }).catch(() => undefined);
        throw new ExitError(EXIT.INTERRUPTED, 'interrupted (the running step was cancelled on the agent)');
      }
      ctx.io.stdout(
        flags.json === true
          ? JSON.stringify({ host: flags.host, function: flags.function, functionCpus: cpus, steps: rows }, null, 2) + '\n'
          : renderCalibration(flags.host, flags.function, rows) + '\n',
      );
    } finally {
      process.off('SIGINT', onSigint);
      client.close();
    }
  });
}
