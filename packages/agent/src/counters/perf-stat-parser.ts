// Parser for `perf stat -x, -I <ms>` CSV output (linux-perf 6.x), one line at a time. Layouts:
//   -I -x, --for-each-cgroup:            interval,value,unit,event,cgroup,run_ns,pct,metric,metric_unit
//   -I -x, --per-socket --for-each-cgroup: interval,S<id>,ncpus,value,unit,event,cgroup,run_ns,pct,...
//   -I -x, -A --for-each-cgroup:         interval,CPU<n>,value,unit,event,cgroup,run_ns,pct,...
// perf 6.1's --per-socket marks a whole socket "<not counted>" as soon as one of its CPUs did not run
// the cgroup (seen on the project machine), so the source counts per CPU (-A) and sums sockets itself.
//   probe (no -I, no cgroup):            value,unit,event,run_ns,pct,...
// value is a number (task-clock in msec, with decimals), "<not counted>" (the cgroup did not run)
// or "<not supported>" (no such counter on this CPU).

export interface PerfIntervalLine {
  readonly intervalS: number;
  /** Socket id with --per-socket, else undefined. */
  readonly socket: number | undefined;
  /** CPU id with -A (--no-aggr), else undefined. */
  readonly cpu: number | undefined;
  readonly event: string;
  readonly cgroup: string;
  /** Count as an integer: events as printed, task-clock/cpu-clock msec converted to ns. */
  readonly count: bigint;
  readonly status: 'counted' | 'not-counted' | 'not-supported';
}

export interface PerfProbeLine {
  readonly event: string;
  readonly supported: boolean;
}

/** Integer count of a perf value: msec (task-clock, cpu-clock) become ns so every feature is integral. */
export function perfCount(value: string, unit: string): bigint | undefined {
  if (!/^\d+(\.\d+)?$/.test(value)) return undefined;
  if (unit === 'msec') return BigInt(Math.round(Number(value) * 1e6));
  if (value.includes('.')) return BigInt(Math.round(Number(value)));
  return BigInt(value);
}

function status(value: string): PerfIntervalLine['status'] | undefined {
  if (value === '<not counted>') return 'not-counted';
  if (value === '<not supported>') return 'not-supported';
  return undefined;
}

/** One interval line, or undefined for lines that are not data (comments, blanks, perf warnings). */
export type PerfAggregation = 'none' | 'per-socket' | 'per-cpu';

export function parsePerfIntervalLine(line: string, aggregation: PerfAggregation): PerfIntervalLine | undefined {
  const f = line.trim().split(',');
  if (f.length < 5 || !/^\d+\.\d+$/.test(f[0] ?? '')) return undefined;
  const intervalS = Number(f[0]);
  let i = 1;
  let socket: number | undefined;
  let cpu: number | undefined;
  if (aggregation === 'per-socket') {
    const m = /^S(\d+)$/.exec(f[1] ?? '');
    if (m === null) return undefined;
    socket = Number(m[1]);
    i = 3; // skip the CPU count column
  } else if (aggregation === 'per-cpu') {
    const m = /^CPU(\d+)$/.exec(f[1] ?? '');
    if (m === null) return undefined;
    cpu = Number(m[1]);
    i = 2;
  }
  const [value = '', unit = '', event = '', cgroup = ''] = f.slice(i, i + 4);
  if (event === '') return undefined;
  const st = status(value);
  if (st !== undefined) return { intervalS, socket, cpu, event, cgroup, count: 0n, status: st };
  const count = perfCount(value, unit);
  if (count === undefined) return undefined;
  return { intervalS, socket, cpu, event, cgroup, count, status: 'counted' };
}

/** One line of a probe run (`perf stat -x, -a -e a,b,c -- true`). */
export function parsePerfProbeLine(line: string): PerfProbeLine | undefined {
  const f = line.trim().split(',');
  if (f.length < 3) return undefined;
  const [value = '', , event = ''] = f;
  if (event === '' || !(/^[\d.]+$/.test(value) || value.startsWith('<'))) return undefined;
  return { event, supported: value !== '<not supported>' };
}
