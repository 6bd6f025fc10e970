// CPU lists as the kernel writes them ("0-3,8,10-11") in cpuset files, sysfs and
// /proc/<pid>/status, both ways.

/** Parses "0-3,8" into sorted unique CPU ids; throws a RangeError naming the bad part. */
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
  let i = 0;
  while (i < sorted.length) {
    const start = sorted[i] as number;
    let end = start;
    while (i + 1 < sorted.length && sorted[i + 1] === end + 1) {
      end++;
      i++;
    }
    parts.push(start === end ? `${start}` : `${start}-${end}`);
    i++;
  }
  return parts.join(',');
}
