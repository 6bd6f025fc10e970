// `isawatt profile`: the paper's profiling campaign. Bags of co-located functions run saturated on
// one host of each host type (types in parallel); the medians across bags become the models file
// that `plan` and `deploy` read. --dry-run prints the plan and its duration; Ctrl-C stops every
// bag on the agents (the coordinator confirms workers and cgroups are gone) and --resume continues
// from the results the coordinator stored. Exit: 0 done, 1 bags failed every retry, 2 bad input,
// 3 coordinator unreachable, 130 interrupted.
import { execFileSync } from 'node:child_process';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EXIT, ExitError, errorMessage, msToS, sToMs } from '@isawatt/common';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { BagDesignError } from '../../profiling/bag-design.js';
import { aggregate, whyNoFigure } from '../../profiling/aggregate.js';
import { qualityName, runCampaign, samplesOf, type CampaignOutcome, type ProfileApi } from '../../profiling/campaign.js';
import { DEFAULT_OPEN_LOOP_UTILISATIONS, estimateMs, setupCampaign, type CampaignParams, type CampaignSetup } from '../../profiling/campaign-setup.js';
import { buildModels, writeModelsFile } from '../../profiling/models-file.js';
import { ProgressView } from '../../profiling/progress-view.js';
import { duration, renderModels, renderPlan } from '../../profiling/render.js';
import type { Models } from '../../workload/types.js';
import { parseOpenLoopUtilisations } from './open-loop-flag.js';
import type { CliContext } from '../context.js';
import { addConnectionOptions, connectionFromFlags, ControlClient, type ConnectionFlags } from '../control-client.js';

interface ProfileFlags extends ConnectionFlags {
  bags: number;
  bagSize: number;
  minBags: number;
  duration: number;
  warmup: number;
  idle?: number;
  openLoop: number[];
  coresPerFunction?: number;
  functions?: string[];
  seed: number;
  isolation?: boolean;
  resume?: boolean;
  dryRun?: boolean;
  out?: string;
  json?: boolean;
}

function wholeNumber(flag: string, min: number): (v: string) => number {
  return (v) => {
    const n = Number(v);
    if (!/^\d+$/.test(v) || !Number.isSafeInteger(n) || n < min) throw new InvalidArgumentError(`${flag} must be a whole number >= ${min}, got "${v}"`);
    return n;
  };
}

function seconds(flag: string, min: number): (v: string) => number {
  return (v) => {
    const n = Number(v);
    if (v.trim() === '' || !Number.isFinite(n) || n < min || n > 3600)
      throw new InvalidArgumentError(`${flag} must be a number of seconds in [${min}, 3600], got "${v}"`);
    return n;
  };
}

function functionList(v: string): string[] {
  const names = v
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  const bad = names.filter((n) => !/^[a-z0-9][a-z0-9._-]{0,127}$/.test(n));
  if (names.length === 0 || bad.length > 0)
    throw new InvalidArgumentError(
      `--functions: expected a comma-separated list of function names${bad.length ? `, got ${bad.map((b) => `"${b.slice(0, 40)}"`).join(', ')}` : ''}`,
    );
  return names;
}

/** The repository commit the CLI runs from ("unknown" outside a git checkout). */
function commitOf(): string {
  try {
    return execFileSync('git', ['rev-parse', 'HEAD'], { cwd: dirname(fileURLToPath(import.meta.url)), timeout: 2000, stdio: ['ignore', 'pipe', 'ignore'] })
      .toString()
      .trim();
  } catch {
    return 'unknown';
  }
}

/** The Control client as the campaign's ProfileApi. */
function controlApi(client: ControlClient): ProfileApi {
  return {
    begin: async (campaignId, resume) => (await client.beginProfileCampaign({ campaign_id: campaignId, resume })).results,
    runBag: async (hostId, job, timeoutMs, signal) => {
      const res = await client.profileBag({ host_id: hostId, job, timeout_ms: timeoutMs }, timeoutMs + 30_000, signal);
      if (!res.result) throw new Error(`ProfileBag: no result from ${hostId}`);
      return { hostType: res.host_type, result: res.result };
    },
    hostUp: async (hostId) => (await client.getHost(hostId)).state === 'HOST_STATE_UP',
    cancel: (campaignId, timeoutMs) => client.cancelProfile({ campaign_id: campaignId, job_ids: [], timeout_ms: timeoutMs }),
  };
}

function provenanceOf(setup: CampaignSetup, params: CampaignParams, outcome: CampaignOutcome, coordinator: string, wallMs: number): Record<string, unknown> {
  const used = new Set(outcome.done.map((d) => d.hostId));
  return {
    tool: 'isawatt profile',
    commit: commitOf(),
    coordinator,
    campaign: {
      id: setup.plan.campaignId,
      method: params.isolation ? 'isolation (each function alone)' : 'co-located bags (seeded random design)',
      bags: setup.plan.bags.length,
      bagSize: params.isolation ? 1 : params.bagSize,
      minBags: params.minBags,
      seed: params.seed,
      durationS: msToS(params.durationMs),
      warmupS: msToS(params.warmupMs),
      idleS: msToS(params.idleMs),
      // The highest utilisation (the one `openLoop` holds) and every one measured.
      openLoopUtilisation: params.openLoopUtilisations?.at(-1) ?? 0,
      openLoopUtilisations: [...(params.openLoopUtilisations ?? [])],
      functions: setup.functions,
      coresPerFunction: Object.fromEntries(setup.plan.hostTypes.map((t) => [t.hostType, t.coresPerFunction])),
      bagRuns: outcome.done.length,
      resumedBagRuns: outcome.resumed,
      retries: outcome.retries,
      wallTimeS: Math.round(msToS(wallMs)),
    },
    hosts: setup.hosts
      .filter((h) => used.has(h.host_id))
      .map((h) => {
        const primary = h.hello?.energy_sources.find((s) => s.primary);
        return {
          id: h.host_id,
          type: h.hello?.host_type,
          cpuModel: h.hello?.cpu_model,
          emulated: h.hello?.emulated === true ? h.hello.emulated_profile : false,
          energySource: primary?.kind ?? 'none',
          energyQuality: primary ? qualityName(primary.quality) : 'none',
          counterSource: h.hello?.counter_source,
          agentVersion: h.hello?.agent_version,
        };
      }),
  };
}

function summaryLines(outcome: CampaignOutcome, total: number): string[] {
  const lines = [
    `bag runs: ${outcome.done.length} of ${total}${outcome.resumed > 0 ? ` (${outcome.resumed} from the stored campaign)` : ''}, retries ${outcome.retries}`,
  ];
  for (const f of outcome.failed) lines.push(`  FAILED bag ${f.bag + 1} on ${f.hostType}: ${f.error}`);
  return lines;
}

export function registerProfile(program: Command, ctx: CliContext): void {
  const cmd = program
    .command('profile')
    .description('profile functions in co-located bags on every host type and write the models file plan/deploy read')
    .addOption(new Option('--bags <G>', 'number of bags').argParser(wholeNumber('--bags', 1)).default(20))
    .addOption(new Option('--bag-size <N>', 'functions per bag').argParser(wholeNumber('--bag-size', 1)).default(8))
    .addOption(new Option('--min-bags <G_MIN>', 'bags every function is in, at least').argParser(wholeNumber('--min-bags', 1)).default(2))
    .addOption(new Option('--duration <s>', 'measured seconds per bag').argParser(seconds('--duration', 1)).makeOptionMandatory())
    .addOption(new Option('--warmup <s>', 'seconds of load before measuring').argParser(seconds('--warmup', 0)).default(5))
    .addOption(
      new Option(
        '--open-loop <u,...>',
        "after each bag's saturated window, drive every function open loop at each of these shares of the capacity it just sustained, one phase each, and measure its cost there (models' openLoopPoints; openLoop: the highest; 0: no such phase)",
      )
        .argParser((v) => parseOpenLoopUtilisations('--open-loop', v))
        .default([...DEFAULT_OPEN_LOOP_UTILISATIONS], DEFAULT_OPEN_LOOP_UTILISATIONS.join(',')),
    )
    .addOption(new Option('--idle <s>', 'idle-power interval per host, seconds (default: --duration)').argParser(seconds('--idle', 0)))
    .addOption(
      new Option('--cores-per-function <k>', "CPUs per function in a bag (default: the host's function CPUs split evenly over the bag)").argParser(
        wholeNumber('--cores-per-function', 1),
      ),
    )
    .addOption(new Option('--functions <a,b,...>', 'functions to profile (default: every function runnable on every host type)').argParser(functionList))
    .addOption(new Option('--seed <n>', 'seed of the bag design').argParser(wholeNumber('--seed', 0)).default(1))
    .option('--isolation', 'run each function alone (G_min times) instead of in bags, to compare with co-location')
    .option('--resume', "continue the campaign with these parameters from the coordinator's stored results")
    .option('--dry-run', 'print the bag plan and how long it will take, run nothing')
    .option('--out <file>', 'models file to write (YAML)')
    .option('--json', 'print the result as JSON');
  addConnectionOptions(cmd).action(async (flags: ProfileFlags) => {
    if (flags.dryRun !== true && flags.out === undefined) throw new ExitError(EXIT.BAD_INPUT, '--out FILE is required (or --dry-run)');
    const params: CampaignParams = {
      bags: flags.bags,
      bagSize: flags.bagSize,
      minBags: flags.minBags,
      seed: flags.seed,
      durationMs: Math.round(sToMs(flags.duration)),
      warmupMs: Math.round(sToMs(flags.warmup)),
      idleMs: Math.round(sToMs(flags.idle ?? flags.duration)),
      openLoopUtilisations: flags.openLoop,
      isolation: flags.isolation === true,
      coresPerFunction: flags.coresPerFunction,
      functions: flags.functions,
    };
    const conn = connectionFromFlags(flags, ctx.io.env);
    const client = new ControlClient(conn);
    try {
      let setup: CampaignSetup;
      try {
        setup = setupCampaign((await client.listHosts()).hosts, params);
      } catch (err) {
        if (err instanceof BagDesignError) throw new ExitError(EXIT.BAD_INPUT, `bag design: ${err.message}`);
        throw err;
      }
      for (const s of setup.skipped) ctx.io.stderr(`isawatt profile: host ${s}; left out\n`);
      const estimate = estimateMs(setup.plan);
      if (flags.dryRun === true) {
        if (flags.json === true) {
          ctx.io.stdout(
            JSON.stringify(
              {
                campaignId: setup.plan.campaignId,
                functions: setup.functions,
                bags: setup.plan.bags,
                hostTypes: setup.plan.hostTypes,
                estimateS: Math.round(msToS(estimate)),
              },
              null,
              2,
            ) + '\n',
          );
        } else ctx.io.stdout(renderPlan(setup.plan, setup.functions, estimate, params.isolation) + '\n');
        return;
      }

      const abort = new AbortController();
      const onSigint = (): void => {
        if (abort.signal.aborted) process.exit(EXIT.INTERRUPTED); // second Ctrl-C: leave at once
        ctx.io.stderr('\nisawatt profile: stopping: cancelling the running bags on the agents (Ctrl-C again to leave at once)\n');
        abort.abort();
      };
      process.on('SIGINT', onSigint);
      process.on('SIGTERM', onSigint);
      const view = new ProgressView({ tty: process.stderr.isTTY === true && flags.json !== true, write: ctx.io.stderr, quiet: flags.json === true });
      const started = Date.now();
      let outcome: CampaignOutcome;
      try {
        outcome = await runCampaign(setup.plan, controlApi(client), { resume: flags.resume === true, signal: abort.signal, onProgress: (p) => view.update(p) });
      } finally {
        view.stop();
        process.off('SIGINT', onSigint);
        process.off('SIGTERM', onSigint);
      }
      const wallMs = Date.now() - started;
      const total = setup.plan.bags.length * setup.plan.hostTypes.length;
      if (outcome.interrupted) {
        const c = outcome.cancel;
        ctx.io.stderr(
          [
            ...summaryLines(outcome, total),
            c
              ? `agents confirmed ${c.confirmed.length} running bag(s) stopped (workers and cgroups removed)${c.unconfirmed.length > 0 ? `; ${c.unconfirmed.length} did not confirm: ${c.unconfirmed.join(', ')}` : ''}`
              : 'could not ask the coordinator to cancel the running bags',
            `campaign ${setup.plan.campaignId} kept by the coordinator; continue with the same flags and --resume`,
          ].join('\n') + '\n',
        );
        throw new ExitError(EXIT.INTERRUPTED, 'interrupted');
      }
      if (outcome.failed.length > 0) {
        ctx.io.stderr(summaryLines(outcome, total).join('\n') + '\n');
        throw new ExitError(
          EXIT.FAILURE,
          `${outcome.failed.length} bag run(s) failed every retry; no models written (the successful ones are stored: --resume runs only the rest)`,
        );
      }
      const { samples, idle } = samplesOf(outcome.done);
      const agg = aggregate(samples, idle);
      const missing = setup.plan.hostTypes.flatMap((t) =>
        setup.functions.filter((f) => agg[t.hostType]?.functions[f] === undefined).map((f) => `${f} on ${t.hostType} (${whyNoFigure(samples, t.hostType, f)})`),
      );
      if (missing.length > 0)
        ctx.io.stderr(
          `isawatt profile: NO FIGURE for ${missing.length} function/host type pair(s), left out of the models (plan cannot place them there): ${missing.join('; ')}\n`,
        );
      const createdAt = new Date().toISOString();
      const models: Models = buildModels({
        hostTypes: Object.fromEntries(
          setup.plan.hostTypes.map((t) => [
            t.hostType,
            { arch: t.arch, aggregated: agg[t.hostType] ?? { functions: {}, idlePowerW: undefined, idlePowerByHostW: {} } },
          ]),
        ),
        categories: Object.fromEntries(setup.functions.map((f) => [f, setup.categories[f] ?? ''])),
        provenance: {
          ...provenanceOf(setup, params, outcome, conn.address, wallMs),
          idlePowerByHostW: Object.fromEntries(Object.values(agg).flatMap((a) => Object.entries(a.idlePowerByHostW))),
        },
        createdAt,
      });
      await writeModelsFile(flags.out as string, models).catch((err: unknown) => {
        throw new ExitError(EXIT.FAILURE, `cannot write ${flags.out}: ${errorMessage(err)}`);
      });
      if (flags.json === true) {
        ctx.io.stdout(
          JSON.stringify(
            {
              campaignId: setup.plan.campaignId,
              out: flags.out,
              wallTimeS: msToS(wallMs),
              bagRuns: outcome.done.length,
              resumed: outcome.resumed,
              retries: outcome.retries,
              models,
            },
            null,
            2,
          ) + '\n',
        );
      } else {
        ctx.io.stdout(
          [renderModels(models), ...summaryLines(outcome, total), `wall time ${duration(wallMs)}; models written to ${flags.out}`].join('\n') + '\n',
        );
      }
    } finally {
      client.close();
    }
  });
}
