// Host type: the key the coordinator's models use ("xeon-gold-6130", "altra-max-m128-30"). Derived
// from the CPU model by dropping trademarks, vendor names and clock suffixes; an operator can set
// it in the config when two machine kinds share a CPU model.

/** "Intel(R) Xeon(R) Gold 6130 CPU @ 2.10GHz" -> "xeon-gold-6130"; "AMD EPYC 7763 64-Core Processor" -> "epyc-7763". */
export function hostTypeFromModel(model: string): string {
  const slug = model
    .replace(/\((R|TM|C)\)/gi, ' ')
    .replace(/@.*$/, ' ')
    .replace(/\b\d+-Core\b/gi, ' ')
    .replace(/\b(CPU|Processor|Intel|AMD|Ampere|Arm)\b/gi, ' ')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return slug === '' ? 'unknown' : slug;
}
