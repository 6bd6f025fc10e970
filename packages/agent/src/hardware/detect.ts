// Hardware detection: architecture, CPU model, sockets, cores, online CPUs and the CPUs usable for
// functions, all read from procfs/sysfs under configurable roots, so that a fixture tree describes a
// whole host (testdata/hosts/). On the live machine an optional LiveProbe (systeminformation) fills
// what the files do not say and is cross-checked against them.
import { ConfigError, SensorUnavailableError, type Arch } from '@isawatt/common';
import { join } from 'node:path';
import { armCoreName, decodeMidr, parseHexField } from './arm-cpu.js';
import { archFromCpuinfo, firstField, isX86Without64Bit, parseCpuinfo, type CpuinfoBlock } from './cpuinfo.js';
import { formatCpuList } from './cpu-list.js';
import { hostTypeFromModel } from './host-type.js';
import { parseSmbiosProcessor, type SmbiosProcessor } from './smbios.js';
import { readBytes, readText } from '../hostfs/sysfs-read.js';
import { readTopology, type CpuTopologyEntry } from './topology.js';

export interface HostHardware {
  readonly arch: Arch;
  /** "Intel(R) Xeon(R) Gold 6130 CPU @ 2.10GHz", "Ampere(R) Altra(R) Max Processor M128-30". */
  readonly cpuModel: string;
  readonly sockets: number;
  readonly physicalCores: number;
  readonly logicalCpus: number;
  readonly onlineCpus: readonly number[];
  readonly cpus: readonly CpuTopologyEntry[];
  readonly socketOfCpu: ReadonlyMap<number, number>;
  /** Online CPUs minus the reserved ones: what the runtime may pin functions to. */
  readonly functionCpus: readonly number[];
  readonly reservedCpus: readonly number[];
  /** MemTotal, bytes (0n when unknown). */
  readonly memoryBytes: bigint;
  readonly hostType: string;
  /** Where each figure came from, e.g. { model: "cpuinfo", topology: "sysfs topology" }. */
  readonly sources: Readonly<Record<string, string>>;
  /** Degraded findings worth a warn log (missing files, disagreements with the live probe). */
  readonly warnings: readonly string[];
}

/** What systeminformation (or another live source) says about the machine the agent runs on. */
export interface LiveFacts {
  readonly arch?: Arch | undefined;
  readonly cpuModel?: string | undefined;
  readonly physicalCores?: number | undefined;
  readonly sockets?: number | undefined;
  readonly memoryBytes?: bigint | undefined;
}

/** Source of LiveFacts; only used when the roots are the live /proc and /sys. */
export interface LiveProbe {
  readonly name: string;
  probe(): Promise<LiveFacts>;
}

export interface DetectOptions {
  readonly procfsRoot: string;
  readonly sysfsRoot: string;
  readonly reservedCpus?: readonly number[];
  /** Overrides the derived host type. */
  readonly hostType?: string | undefined;
  /** Live machine facts (pass only when the roots are the real /proc and /sys). */
  readonly live?: LiveProbe | undefined;
}

interface ModelResult {
  readonly model: string | undefined;
  readonly hostType: string | undefined;
  readonly source: string;
}

async function readSmbiosProcessor(sysfsRoot: string): Promise<SmbiosProcessor | undefined> {
  const raw = await readBytes(join(sysfsRoot, 'firmware/dmi/entries/4-0/raw'));
  if (raw === undefined) return undefined;
  try {
    return parseSmbiosProcessor(raw);
  } catch {
    return undefined;
  }
}

async function armModel(cpuinfo: readonly CpuinfoBlock[], sysfsRoot: string, cpu0: number, physicalCores: number): Promise<ModelResult> {
  const smbios = await readSmbiosProcessor(sysfsRoot);
  if (smbios?.version !== undefined) {
    const model = smbios.partNumber !== undefined && !smbios.version.includes(smbios.partNumber) ? `${smbios.version} ${smbios.partNumber}` : smbios.version;
    return { model, hostType: hostTypeFromModel(model), source: 'smbios type 4' };
  }
  let implementer = parseHexField(firstField(cpuinfo, 'CPU implementer'));
  let part = parseHexField(firstField(cpuinfo, 'CPU part'));
  let source = 'cpuinfo midr';
  if (implementer === undefined || part === undefined) {
    const midr = await readText(join(sysfsRoot, `devices/system/cpu/cpu${cpu0}/regs/identification/midr_el1`));
    const fields = midr.text === undefined ? undefined : decodeMidr(midr.text);
    if (fields === undefined) return { model: undefined, hostType: undefined, source: 'none' };
    implementer = fields.implementer;
    part = fields.part;
    source = 'sysfs midr_el1';
  }
  const core = armCoreName(implementer, part);
  return { model: core, hostType: `${hostTypeFromModel(core)}-${physicalCores}c`, source };
}

async function readMemoryBytes(procfsRoot: string): Promise<bigint | undefined> {
  const { text } = await readText(join(procfsRoot, 'meminfo'));
  const m = text === undefined ? null : /^MemTotal:\s+(\d+)\s+kB/m.exec(text);
  return m ? BigInt(m[1] as string) * 1024n : undefined;
}

async function readArch(procfsRoot: string, cpuinfo: readonly CpuinfoBlock[]): Promise<{ arch: Arch | undefined; source: string }> {
  const fromCpuinfo = archFromCpuinfo(cpuinfo);
  if (fromCpuinfo !== undefined) return { arch: fromCpuinfo, source: 'cpuinfo' };
  // Linux 6.1+ exposes uname -m as /proc/sys/kernel/arch.
  const { text } = await readText(join(procfsRoot, 'sys/kernel/arch'));
  const t = text?.trim();
  if (t === 'x86_64' || t === 'aarch64') return { arch: t, source: 'proc/sys/kernel/arch' };
  return { arch: undefined, source: 'none' };
}

/**
 * Detects the host. Throws SensorUnavailableError when the architecture or the CPUs cannot be
 * found at all, and ConfigError when the reserved CPUs leave nothing for functions.
 */
export async function detectHardware(opts: DetectOptions): Promise<HostHardware> {
  const warnings: string[] = [];
  const sources: Record<string, string> = {};
  const cpuinfoPath = join(opts.procfsRoot, 'cpuinfo');
  const cpuinfoRead = await readText(cpuinfoPath);
  if (cpuinfoRead.text === undefined) warnings.push(`${cpuinfoPath}: unreadable (${cpuinfoRead.reason})`);
  const cpuinfo = parseCpuinfo(cpuinfoRead.text ?? '');

  let topology;
  try {
    topology = await readTopology(opts.sysfsRoot, cpuinfo);
  } catch (err) {
    throw new SensorUnavailableError('hardware', join(opts.sysfsRoot, 'devices/system/cpu'), `cannot list CPUs: ${(err as Error).message}`, { cause: err });
  }
  warnings.push(...topology.warnings);
  sources.topology = topology.source;

  let live: LiveFacts = {};
  if (opts.live) {
    try {
      live = await opts.live.probe();
    } catch (err) {
      warnings.push(`live probe ${opts.live.name}: ${(err as Error).message}`);
    }
  }

  const archRead = await readArch(opts.procfsRoot, cpuinfo);
  let arch = archRead.arch;
  sources.arch = archRead.source;
  if (arch === undefined && live.arch !== undefined) {
    arch = live.arch;
    sources.arch = opts.live?.name ?? 'live';
  }
  if (arch === undefined && isX86Without64Bit(cpuinfo)) {
    throw new SensorUnavailableError(
      'hardware',
      cpuinfoPath,
      'x86 CPU without the "lm" (long mode) flag: 32-bit x86 is not supported; isawatt runs on x86_64 and aarch64',
    );
  }
  if (arch === undefined) {
    throw new SensorUnavailableError(
      'hardware',
      cpuinfoPath,
      'cannot tell the architecture (no x86 flags or arm64 MIDR fields, no proc/sys/kernel/arch); supported: x86_64, aarch64',
    );
  }

  const firstCpu = topology.onlineCpus[0] ?? 0;
  let modelResult: ModelResult;
  if (arch === 'x86_64') {
    const m = firstField(cpuinfo, 'model name');
    modelResult = { model: m, hostType: m === undefined ? undefined : hostTypeFromModel(m), source: 'cpuinfo' };
  } else {
    modelResult = await armModel(cpuinfo, opts.sysfsRoot, firstCpu, topology.physicalCores);
  }
  let cpuModel = modelResult.model;
  sources.model = modelResult.source;
  if (cpuModel === undefined && live.cpuModel !== undefined) {
    cpuModel = live.cpuModel;
    sources.model = opts.live?.name ?? 'live';
  }
  if (cpuModel === undefined) {
    cpuModel = `unknown ${arch} CPU`;
    warnings.push(`no CPU model in ${cpuinfoPath} or SMBIOS; set hostType in the config`);
  }

  if (live.physicalCores !== undefined && live.physicalCores !== topology.physicalCores) {
    warnings.push(`${opts.live?.name ?? 'live probe'} counts ${live.physicalCores} physical cores, sysfs ${topology.physicalCores}; using sysfs`);
  }
  if (live.sockets !== undefined && live.sockets !== topology.sockets) {
    warnings.push(`${opts.live?.name ?? 'live probe'} counts ${live.sockets} sockets, sysfs ${topology.sockets}; using sysfs`);
  }

  let memoryBytes = await readMemoryBytes(opts.procfsRoot);
  sources.memory = 'meminfo';
  if (memoryBytes === undefined) {
    memoryBytes = live.memoryBytes;
    sources.memory = live.memoryBytes === undefined ? 'none' : (opts.live?.name ?? 'live');
  }
  if (memoryBytes === undefined) warnings.push(`${join(opts.procfsRoot, 'meminfo')}: no MemTotal; memory reported as 0`);

  const reserved = [...new Set(opts.reservedCpus ?? [])].sort((a, b) => a - b);
  const online = new Set(topology.onlineCpus);
  const notOnline = reserved.filter((c) => !online.has(c));
  if (notOnline.length > 0) warnings.push(`reservedCpus ${formatCpuList(notOnline)} are not online; ignored`);
  const reservedSet = new Set(reserved);
  const functionCpus = topology.onlineCpus.filter((c) => !reservedSet.has(c));
  if (functionCpus.length === 0) {
    throw new ConfigError(
      [`reservedCpus: reserves every online CPU (${formatCpuList(topology.onlineCpus)}); leave at least one for functions`],
      'agent config',
    );
  }

  let hostType = opts.hostType;
  sources.hostType = 'config';
  if (hostType === undefined) {
    hostType = modelResult.hostType ?? hostTypeFromModel(cpuModel);
    sources.hostType = 'derived from the CPU model';
  }

  return {
    arch,
    cpuModel,
    sockets: topology.sockets,
    physicalCores: topology.physicalCores,
    logicalCpus: topology.onlineCpus.length,
    onlineCpus: topology.onlineCpus,
    cpus: topology.cpus,
    socketOfCpu: new Map(topology.cpus.map((c) => [c.id, c.socket])),
    functionCpus,
    reservedCpus: reserved.filter((c) => online.has(c)),
    memoryBytes: memoryBytes ?? 0n,
    hostType,
    sources,
    warnings,
  };
}
