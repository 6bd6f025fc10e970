// Linux CPU list syntax ("0-3,8,10-11"), both ways, as the kernel writes it in sysfs
// (/sys/devices/system/cpu/online), cpuset files and /proc/<pid>/status. The one parser and
// formatter of the agent: hardware detection, sensors, config and the runtime all use it.

/** Parses "0-3,8,10-11" into sorted unique CPU ids; throws a RangeError naming the bad part. */
export function parseCpuList(text: string): number[] {
  const out = new Set<number>();
  const trimmed = text.trim();
  if (trimmed === '') return [];
  for (const raw of trimmed.split(',')) {
    const part = raw.trim();
    const m = /^(\d+)(?:-(\d+))?$/.exec(part);
    if (!m) throw new RangeError(`"${part}" is not a CPU id or range (expected e.g. "0-3,8")`);
    const lo = Number(m[1]);
    const hi = m[2] === undefined ? lo : Number(m[2]);
    if (hi < lo) throw new RangeError(`CPU range "${part}" ends before it starts`);
    if (hi > 65_535) throw new RangeError(`CPU id in "${part}" is implausibly large`);
    for (let c = lo; c <= hi; c++) out.add(c);
  }
  return [...out].sort((a, b) => a - b);
}

/** Formats CPU ids as a compact kernel list: [0,1,2,5] -> "0-2,5". */
export function formatCpuList(cpus: readonly number[]): string {
  const sorted = [...new Set(cpus)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length;) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === (sorted[j] as number) + 1) j++;
    parts.push(i === j ? `${sorted[i]}` : `${sorted[i]}-${sorted[j]}`);
    i = j + 1;
  }
  return parts.join(',');
}
