// hwpc-sensor through the real daemons: a coordinator, an agent started with
// `--activity-source hwpc-sensor --hwpc-listen 127.0.0.1:PORT` (the cgroup base is the default: the
// agent's cgroup2 function subtree) and ISAWATT_HWPC_STALE_AFTER_MS from the environment, two
// functions assigned with `isawatt assign`, and a fake hwpc-sensor that streams reports in the
// sensor's real socket format (NDJSON, 1.7.0 delta times) over TCP for their cgroups: counts 3:1,
// RAPL and APERF/MPERF for the system target, one malformed line, one cgroup that is no function.
// Per-function energy in `isawatt watch --json` and in /metrics must split 3:1 within 5 %; /metrics
// counts the accepted and rejected reports; when the stream stops the agent says "degraded" and
// attributes on its fallback source, and when it resumes it uses the sensor again.
import { strict as assert } from 'node:assert';
import { existsSync } from 'node:fs';

import { connect, type Socket } from 'node:net';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';
import { AGENT_MAIN, eventually, freePort, runCli, spawnTs, startCoordinator } from '../helpers/processes.js';
import { tempDir } from '../helpers/temp-dir.js';

const skip =
  process.getuid?.() !== 0
    ? 'needs root (cgroups)'
    : !existsSync('/sys/fs/cgroup/unified/cgroup.controllers') && !existsSync('/sys/fs/cgroup/cgroup.controllers')
      ? 'needs a cgroup2 hierarchy (the sensor counts cgroup2 directories)'
      : cpus().length < 2
        ? 'needs 2 CPUs (one per function)'
        : false;

const HOST = `hwpc-${process.pid}`;
const FNS = { 'jwt-node': 3, 'html-node': 1 } as const; // activity weights: the split to find

function report(ts: number, target: string, groups: Record<string, Record<string, Record<string, Record<string, bigint>>>>): string {
  // hwpc-sensor writes uint64 JSON integers: never through a double.
  return JSON.stringify({ timestamp: ts, sensor: 'xeon-node-07', target, groups }, (_k, v: unknown) => (typeof v === 'bigint' ? `@@${v}@@` : v)).replace(
    /"@@(\d+)@@"/g,
    '$1',
  );
}

/** One sensor tick: both functions (3:1), a cgroup that is no function, and the system target. */
function tick(ts: number): string {
  const lines: string[] = [];
  let dynW = 0;
  Object.entries(FNS).forEach(([fn, w], cpu) => {
    const cycles = BigInt(w) * 700_000_000n;
    dynW += Number(cycles) * 2e-8;
    const run = BigInt(w) * 200_000_000n;
    lines.push(
      report(ts, `/${fn}`, {
        core: { 0: { [cpu]: { time_enabled: run, time_running: run, CPU_CLK_THREAD_UNHALTED: cycles, INSTRUCTIONS_RETIRED: cycles * 2n } } },
      }),
    );
  });
  lines.push(
    report(ts, '/system.slice/other.scope', {
      core: { 0: { 0: { time_enabled: 1000n, time_running: 1000n, CPU_CLK_THREAD_UNHALTED: 1000n, INSTRUCTIONS_RETIRED: 1000n } } },
    }),
  );
  const second = { time_enabled: 1_000_000_000n, time_running: 1_000_000_000n };
  lines.push(
    report(ts, 'all', {
      rapl: { 0: { 0: { ...second, RAPL_ENERGY_PKG: BigInt(Math.round((40 + dynW) * 2 ** 32)) } } },
      msr: { 0: { 0: { ...second, TSC: 2_100_000_000n, APERF: 2_520_000_000n, MPERF: 2_100_000_000n } } },
    }),
  );
  return lines.join('\n') + '\n';
}

function metric(text: string, re: RegExp, what: string): number {
  const m = re.exec(text);
  assert.ok(m, `${what} in /metrics`);
  return Number(m[1]);
}
/** Dynamic energy of a function summed over its series (one per quality: fallback ticks differ). */
function fnEnergy(text: string, fn: string): number {
  const re = new RegExp(`^isawatt_function_energy_joules_total\\{[^}]*function="${fn}"[^}]*kind="dynamic"[^}]*\\} (\\S+)$`, 'gm');
  const values = [...text.matchAll(re)].map((m) => Number(m[1]));
  assert.ok(values.length > 0, `dynamic energy of ${fn} in /metrics`);
  return values.reduce((a, b) => a + b, 0);
}

interface WatchEvent {
  report?: { energy_source: string; functions: { function: string; dynamic_energy_uj: string }[] };
}

test(
  'agent --activity-source hwpc-sensor: streamed counts split the energy 3:1 in watch and /metrics; silence -> fallback and back',
  { skip, timeout: 240_000 },
  async (t) => {
    const dir = await tempDir(t, 'isawatt-hwpc-daemon-');
    const [port, httpPort, hwpcPort] = [await freePort(), await freePort(), await freePort()];
    const coordinator = `127.0.0.1:${port}`;
    await startCoordinator(t, { port, stateDir: join(dir, 'state') });
    const agent = spawnTs(
      t,
      `agent:${HOST}`,
      AGENT_MAIN,
      [
        '--coordinator',
        coordinator,
        '--host-id',
        HOST,
        '--emulate',
        'xeon-gold-5318y-2s',
        '--activity-source',
        'hwpc-sensor',
        '--hwpc-listen',
        `127.0.0.1:${hwpcPort}`,
        '--http-listen',
        `127.0.0.1:${httpPort}`,
      ],
      { ISAWATT_HWPC_STALE_AFTER_MS: '3000' },
    );
    await agent.waitForLine(/hwpc-sensor input ready/, 60_000);
    await eventually(
      'agent attached',
      async () => {
        const r = await runCli(['hosts', '--coordinator', coordinator, '--json']);
        return r.stdout.includes(HOST) && r.stdout.includes('HOST_STATE_UP') ? true : undefined;
      },
      60_000,
      500,
    );
    // The ack comes once both workers have warmed at full speed (emulated host): seconds on a busy
    // machine, past the CLI's default 10 s at a load average of 20 on 2 CPUs.
    const assign = await runCli(['assign', HOST, 'jwt-node=1@0', 'html-node=1@0', '--ack-timeout-ms', '120000', '--coordinator', coordinator], {}, 180_000);
    assert.equal(assign.code, 0, `assign failed:\n${assign.stdout}\n${assign.stderr}\n${agent.tail()}`);
    const health = async (): Promise<{ status: string; hwpc: { state: string; using: string; targets: Record<string, string | null> } }> =>
      (await (await fetch(`http://127.0.0.1:${httpPort}/healthz`)).json()) as never;
    assert.equal((await health()).status, 'degraded', 'no report yet: degraded, attributing on the fallback');

    // The fake sensor: one tick per 500 ms (sensor timestamps 1 s apart), one malformed line first.
    const sock: Socket = connect(hwpcPort, '127.0.0.1');
    await new Promise<void>((resolve, reject) => sock.once('connect', resolve).once('error', reject));
    t.after(() => sock.destroy());
    sock.write('this is not a report\n');
    let ts = Date.now();
    let streaming = true;
    let linesSent = 0;
    let lastWriteAtMs = 0; // performance.now() (the agent's clock is monotonic too) once the write is flushed
    const send = async (): Promise<void> => {
      const lines = tick((ts += 1000));
      linesSent += lines.split('\n').length - 1;
      await new Promise<void>((resolve, reject) => sock.write(lines, (err) => (err ? reject(err) : resolve())));
      lastWriteAtMs = performance.now();
    };
    const streamer = (async () => {
      while (streaming) {
        await send();
        await sleep(500);
      }
    })();
    t.after(async () => {
      streaming = false;
      await streamer;
    });
    await eventually(
      'hwpc fresh and the targets mapped',
      async () => {
        const h = await health();
        return h.status === 'ok' && h.hwpc.state === 'fresh' && h.hwpc.targets['/jwt-node'] === 'jwt-node' ? h : undefined;
      },
      30_000,
      500,
    );
    const h = await health();
    assert.equal(h.hwpc.targets['/system.slice/other.scope'], null, 'a cgroup that is no function maps to none');

    const metricsUrl = `http://127.0.0.1:${httpPort}/metrics`;
    await sleep(2000);
    const before = await (await fetch(metricsUrl)).text();
    const watch = await runCli(['watch', '--coordinator', coordinator, '--host', HOST, '--json', '--count', '6'], {}, 60_000);
    assert.equal(watch.code, 0, watch.stderr);
    const sum = new Map<string, number>();
    for (const ev of watch.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as WatchEvent)) {
      assert.equal(ev.report?.energy_source, 'hwpc-sensor', "energy of the sensor's own ticks (its RAPL group)");
      for (const f of ev.report.functions) sum.set(f.function, (sum.get(f.function) ?? 0) + Number(f.dynamic_energy_uj));
    }
    const watchRatio = (sum.get('jwt-node') ?? 0) / (sum.get('html-node') ?? 1);
    t.diagnostic(
      `watch: jwt-node ${((sum.get('jwt-node') ?? 0) / 1e6).toFixed(2)} J, html-node ${((sum.get('html-node') ?? 0) / 1e6).toFixed(2)} J, ratio ${watchRatio.toFixed(3)}`,
    );
    assert.ok(Math.abs(watchRatio - 3) / 3 <= 0.05, `watch ratio ${watchRatio.toFixed(3)} (expected 3 ± 5 %)`);
    const text = await (await fetch(metricsUrl)).text();
    const metricsRatio = (fnEnergy(text, 'jwt-node') - fnEnergy(before, 'jwt-node')) / (fnEnergy(text, 'html-node') - fnEnergy(before, 'html-node'));
    t.diagnostic(`/metrics ratio ${metricsRatio.toFixed(3)}`);
    assert.ok(Math.abs(metricsRatio - 3) / 3 <= 0.05, `/metrics ratio ${metricsRatio.toFixed(3)} (expected 3 ± 5 %)`);
    assert.ok(metric(text, /^isawatt_hwpc_reports_accepted_total (\S+)$/m, 'accepted reports') >= 20);
    assert.equal(metric(text, /^isawatt_hwpc_reports_rejected_total\{reason="not_json"\} (\S+)$/m, 'rejected not_json'), 1);
    assert.equal(metric(text, /^isawatt_hwpc_sensor_up\{fallback="none"\} (\S+)$/m, 'sensor up'), 1);

    // The sensor stops: degraded, fallback source, metric; then it comes back.
    streaming = false;
    await streamer;
    // The last report's age is measured from the test's last write, not bounded by a constant: under
    // load the agent reads a report late, which makes it younger, never older, than that write.
    const counted = (m: string): number =>
      metric(m, /^isawatt_hwpc_reports_accepted_total (\S+)$/m, 'accepted reports') +
      [...m.matchAll(/^isawatt_hwpc_reports_rejected_total\{[^}]*\} (\S+)$/gm)].reduce((n, r) => n + Number(r[1]), 0);
    const settled = await eventually(
      `all ${linesSent + 1} lines sent counted`,
      async () => {
        const m = await (await fetch(metricsUrl)).text();
        return counted(m) === linesSent + 1 ? m : undefined;
      },
      30_000,
      100,
    );
    const sinceLastWriteS = (performance.now() - lastWriteAtMs) / 1000;
    const ageS = metric(settled, /^isawatt_hwpc_last_report_age_seconds (\S+)$/m, 'last report age');
    assert.equal(metric(settled, /^isawatt_hwpc_reports_rejected_total\{reason="late"\} (\S+)$/m, 'rejected late'), 0, 'every tick was accepted');
    assert.ok(ageS >= 0 && ageS <= sinceLastWriteS, `last report age ${ageS} s vs ${sinceLastWriteS.toFixed(3)} s since the last write`);
    const stale = await eventually(
      'hwpc stale',
      async () => {
        const v = await health();
        return v.hwpc.state === 'stale' ? v : undefined;
      },
      60_000,
      500,
    );
    assert.equal(stale.status, 'degraded');
    assert.notEqual(stale.hwpc.using, 'hwpc-sensor');
    assert.match(await (await fetch(metricsUrl)).text(), /^isawatt_hwpc_sensor_up\{fallback="(perf|cgroup-cputime)"\} 0$/m);
    await agent.waitForLine(/hwpc-sensor stopped reporting: per-function activity from (perf|cgroup-cputime)/, 30_000);
    streaming = true;
    const again = (async () => {
      while (streaming) {
        await send();
        await sleep(500);
      }
    })();
    await eventually('hwpc fresh again', async () => ((await health()).hwpc.state === 'fresh' ? true : undefined), 60_000, 500);
    await agent.waitForLine(/hwpc-sensor reports again/, 30_000);
    streaming = false;
    await again;
    assert.deepEqual(await agent.stop('SIGTERM'), { code: 0, signal: null });
  },
);
