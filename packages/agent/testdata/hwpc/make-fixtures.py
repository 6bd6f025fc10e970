#!/usr/bin/python3
"""Writes the hwpc-sensor fixtures of this directory (run: /usr/bin/python3 make-fixtures.py).

Tick 0 of target "all" and of /fnpool.slice/fn-resize-7f3c.scope is the report of
docs/reference-readings.md ("hwpc-sensor reports") verbatim (hwpc-sensor 1.7.0 socket output, 1000 ms,
2 sockets, 2 CPUs shown per socket). Ticks 1-3 vary the counts; RAPL values are whole joules in
2^-32 J units (85 J = 365072220160). jwt tick 1 is multiplexed (time_running = time_enabled / 2).
The <= 1.6.0 variants carry the same per-tick counts with cumulative time_enabled/time_running,
starting 120 days into the sensor's run, i.e. above 2^53 ns (exact only with BigInt parsing).
"""
import json, os

T0 = 1767225600000
SENSOR = "xeon-node-07"
J = 1 << 32
RAPL = {0: [85, 86, 84, 85], 1: [62.5, 63, 62, 62.5]}
RAPL_TE = {0: [1000123456, 1000001200, 999998700, 1000000300], 1: [1000120001, 1000001100, 999998800, 1000000200]}
MSR = {  # socket -> cpu -> (TSC, APERF, MPERF, time)
    0: {0: (2100212345, 1650433210, 1188311902, 1000101234), 1: (2100209876, 1612004432, 1160643190, 1000099871)},
    1: {28: (2100207654, 402113567, 375303621, 1000098765), 29: (2100205432, 398762114, 372170045, 1000097650)},
}
CORE_EVENTS = ["CPU_CLK_THREAD_UNHALTED:REF_P", "CPU_CLK_THREAD_UNHALTED:THREAD_P", "INSTRUCTIONS_RETIRED", "LLC_MISSES"]
# target -> (socket, cpu, base counts, base time_running ns, factors per tick); other CPUs read 0
TARGETS = {
    "/fnpool.slice/fn-resize-7f3c.scope": (0, 0, [8652069, 1186250112, 2101334870, 1834412], 412003311, [1.0, 1.2, 0.8, 1.1]),
    "/fnpool.slice/fn-jwt-11aa.scope": (1, 28, [5210344, 903311870, 1508112004, 502113], 301220455, [1.0, 0.9, 1.3, 1.0]),
    "/system.slice/sshd.service": (0, 1, [40211, 5003121, 4012007, 2011], 2004511, [1.0, 1.0, 1.0, 1.0]),
}
CPUS = {0: [0, 1], 1: [28, 29]}
BASE_ALL_NS = 120 * 86400 * 10**9          # 1.0368e16 > 2^53
BASE_CG_NS = 3600 * 10**9


def tick_reports(k):
    ts = T0 + 1000 * k
    all_groups = {"rapl": {}, "msr": {}}
    for s in (0, 1):
        cpu = CPUS[s][0]
        te = RAPL_TE[s][k]
        all_groups["rapl"][str(s)] = {str(cpu): {"time_enabled": te, "time_running": te, "RAPL_ENERGY_PKG": int(RAPL[s][k] * J)}}
        all_groups["msr"][str(s)] = {}
        for c, (tsc, aperf, mperf, t) in MSR[s].items():
            all_groups["msr"][str(s)][str(c)] = {"time_enabled": t, "time_running": t, "TSC": tsc, "APERF": aperf, "MPERF": mperf}
    out = [{"timestamp": ts, "sensor": SENSOR, "target": "all", "groups": all_groups}]
    for target, (sock, cpu, counts, tr, factors) in TARGETS.items():
        f = factors[k]
        core = {}
        for s in (0, 1):
            core[str(s)] = {}
            for c in CPUS[s]:
                if s == sock and c == cpu:
                    run = int(tr * f)
                    en = run
                    if target.endswith("jwt-11aa.scope") and k == 1:
                        run = en // 2  # multiplexed: counted half of the time
                    vals = {"time_enabled": en, "time_running": run}
                    vals.update({e: int(v * f * (run / en)) for e, v in zip(CORE_EVENTS, counts)})
                else:
                    vals = {"time_enabled": 0, "time_running": 0}
                    vals.update({e: 0 for e in CORE_EVENTS})
                core[str(s)][str(c)] = vals
        out.append({"timestamp": ts, "sensor": SENSOR, "target": target, "groups": {"core": core}})
    return out


def cumulative(ticks):
    """Same reports with time_enabled/time_running accumulated (hwpc-sensor <= 1.6.0)."""
    acc = {}
    res = []
    for reports in ticks:
        tick = []
        for r in reports:
            r = json.loads(json.dumps(r))
            base = BASE_ALL_NS if r["target"] == "all" else BASE_CG_NS
            for g, sockets in r["groups"].items():
                for s, cpus in sockets.items():
                    for c, v in cpus.items():
                        key = (r["target"], g, c)
                        te, tr = acc.get(key, (base, base if r["target"] == "all" else base // 3))
                        te += v["time_enabled"]
                        tr += v["time_running"]
                        acc[key] = (te, tr)
                        v["time_enabled"], v["time_running"] = te, tr
            tick.append(r)
        res.append(tick)
    return res


def write_ndjson(path, ticks):
    with open(path, "w") as f:
        for reports in ticks:
            for r in reports:
                f.write(json.dumps(r, separators=(",", ":")) + "\n")


def write_csv(d, ticks):
    os.makedirs(d, exist_ok=True)
    files = {}
    for reports in ticks:
        for r in reports:
            for g, sockets in r["groups"].items():
                for s, cpus in sockets.items():
                    for c, v in cpus.items():
                        cols = sorted(v.keys())  # strcmp order: upper-case events, then time_*
                        if g not in files:
                            files[g] = open(os.path.join(d, g + ".csv"), "w")
                            files[g].write(",".join(["timestamp", "sensor", "target", "socket", "cpu"] + cols) + "\n")
                        files[g].write(",".join([str(r["timestamp"]), r["sensor"], r["target"], s, c] + [str(v[k]) for k in cols]) + "\n")
    for f in files.values():
        f.close()


ticks = [tick_reports(k) for k in range(4)]
write_ndjson("socket-v1.7.0-delta.ndjson", ticks)
write_ndjson("socket-v1.6.0-cumulative.ndjson", cumulative(ticks))
write_csv("csv-v1.7.0-delta", ticks)
write_csv("csv-v1.6.0-cumulative", cumulative(ticks))
good = [json.dumps(r, separators=(",", ":")) for r in ticks[0]]
bad = [
    '{"timestamp":1767225600000,"sensor":"xeon-node-07","target":"all","groups":{"rapl":{"0":{"0":{"time_enabled":1000',
    '{"timestamp":1767225600000,"sensor":"xeon-node-07","target":"/x","groups":{"core":{"0":{"0":{"time_enabled":1,"time_running":1,"LLC_MISSES":1.5}}}}}',
    '{"timestamp":1767225600000,"sensor":"xeon-node-07","target":"/x","groups":{"core":{"0":{"0":{"time_enabled":1,"time_running":1,"LLC_MISSES":-3}}}}}',
    '{"timestamp":1767225600000,"sensor":"xeon-node-07","target":"/x"}',
    'hwpc-sensor: error: failed to connect',
    '{"timestamp":"yesterday","sensor":"xeon-node-07","target":"all","groups":{}}',
]
with open("socket-malformed.ndjson", "w") as f:
    f.write("\n".join([good[0], bad[0], good[1], bad[1], bad[2], "", good[2], bad[3], bad[4], good[3], bad[5]]) + "\n")
