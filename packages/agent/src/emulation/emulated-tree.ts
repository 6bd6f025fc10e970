// Writes and updates the fake sysfs tree of an emulated host: RAPL powercap zones (package + dram
// per socket, counters wrapping at max_energy_range_uj) or apm_xgene hwmon chips (CPU and IO power)
// with ACPI CPPC feedback counters, CPU topology files, and the marker file that makes every meter
// label its figures "emulated". Files are replaced atomically (write + rename) so a meter never
// reads a half-written value.
import { mkdir, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { EMULATED_MARKER } from '../sensors/emulated-marker.js';
import { emulatedSocketOf, type EmulatedProfile, type RaplEmulation } from './profiles.js';
import { energyUjOf, mhzToKhz, msToS } from '@isawatt/common';

/** CPPC reference counter rate of the emulated cores, counts per second while busy. */
const CPPC_REF_HZ = 100_000_000;
const CPPC_REFERENCE_PERF = 1000;
/** Shortest interval between writes of the CPPC feedback counters, ms. */
const CPPC_WRITE_MS = 400;

export interface EmulatedPowerW {
  /** Per socket: domain -> W ("package", "dram" or "cpu", "io"). */
  readonly bySocket: readonly Readonly<Record<string, number>>[];
}

/**
 * Power of each emulated domain for a number of busy logical CPUs per socket, each weighted by its
 * function's power factor (host-activity.ts caps it to the socket's CPUs).
 */
export function emulatedPowerW(p: EmulatedProfile, powerWeightedBusyCpus: readonly number[]): EmulatedPowerW {
  const e = p.energy;
  return {
    bySocket: Array.from({ length: p.sockets }, (_, s): Record<string, number> => {
      const busy = Math.max(0, powerWeightedBusyCpus[s] ?? 0);
      return e.kind === 'rapl'
        ? { package: e.packageIdleW + e.packageWPerBusyCpu * busy, dram: e.dramIdleW + e.dramWPerBusyCpu * busy }
        : { cpu: e.cpuIdleW + e.cpuWPerBusyCpu * busy, io: e.ioIdleW + e.ioWPerBusyCpu * busy };
    }),
  };
}

async function put(path: string, content: string): Promise<void> {
  const tmp = join(dirname(path), `.${path.slice(dirname(path).length + 1)}.tmp`);
  await writeFile(tmp, `${content}\n`);
  await rename(tmp, path);
}

async function file(root: string, rel: string, content: string | number | bigint): Promise<void> {
  const p = join(root, rel);
  await mkdir(dirname(p), { recursive: true });
  await put(p, String(content));
}

async function link(root: string, rel: string, targetRel: string): Promise<void> {
  const p = join(root, rel);
  await mkdir(dirname(p), { recursive: true });
  await rm(p, { force: true });
  await symlink(relative(dirname(p), join(root, targetRel)), p);
}

interface Counter {
  readonly path: string;
  valueUj: bigint;
  readonly maxUj: bigint;
}

export class EmulatedTree {
  private counters: { pkg: Counter; dram: Counter }[] = [];
  private cppcRef: bigint[] = [];
  private cppcDel: bigint[] = [];
  private wraps = 0;
  /** CPPC counters not yet written, and the time since the last write (they are written every CPPC_WRITE_MS). */
  private readonly cppcDirty = new Set<number>();
  private msSinceCppcWrite = 0;
  /** xgene: the last intervals (ms, power-weighted busy CPUs per socket) within powerWindowMs. */
  private readonly recent: { intervalMs: number; busy: readonly number[] }[] = [];

  /**
   * @param powerWindowMs xgene profiles: the power files hold the mean power over this trailing
   * window (0: over the last interval only). The emulated load comes in CFS bursts (20 ms runs,
   * periods up to 1 s) while a meter reads the files once per agent tick and integrates the
   * readings: a reading of the last 50-100 ms interval samples a tenth of the time and aliases with
   * the bursts (profiled energy per execution on the Altra changed 2-3x with the core count). A mean
   * over one agent tick makes the tick's readings add up to the tick's energy, as the counters do on
   * RAPL profiles.
   */
  constructor(
    readonly root: string,
    readonly profile: EmulatedProfile,
    private readonly powerWindowMs = 0,
  ) {}

  get logicalCpus(): number {
    return this.profile.sockets * this.profile.coresPerSocket * this.profile.threadsPerCore;
  }

  /** Counter wraps so far (RAPL profiles). */
  get wrapCount(): number {
    return this.wraps;
  }

  /** Writes the whole tree with idle readings. `initialEnergyUj` lets tests start near a wrap. */
  async create(initialEnergyUj = 0n): Promise<void> {
    const p = this.profile;
    await mkdir(this.root, { recursive: true });
    await file(this.root, EMULATED_MARKER, p.name);
    await file(this.root, 'devices/system/cpu/online', `0-${this.logicalCpus - 1}`);
    for (let c = 0; c < this.logicalCpus; c++) {
      await file(this.root, `devices/system/cpu/cpu${c}/topology/physical_package_id`, emulatedSocketOf(p, c));
      await file(this.root, `devices/system/cpu/cpu${c}/topology/core_id`, c % p.coresPerSocket);
    }
    if (p.energy.kind === 'rapl') await this.createRapl(p.energy, initialEnergyUj);
    else await this.createXgene();
  }

  private async createRapl(e: RaplEmulation, initial: bigint): Promise<void> {
    const base = 'devices/virtual/powercap/intel-rapl';
    await file(this.root, `${base}/enabled`, 1);
    await link(this.root, 'class/powercap/intel-rapl', base);
    this.counters = [];
    for (let s = 0; s < this.profile.sockets; s++) {
      const pkgDir = `${base}/intel-rapl:${s.toString(16)}`;
      const dramDir = `${pkgDir}/intel-rapl:${s.toString(16)}:0`;
      await file(this.root, `${pkgDir}/name`, `package-${s}`);
      await file(this.root, `${pkgDir}/max_energy_range_uj`, e.packageMaxEnergyUj);
      await file(this.root, `${dramDir}/name`, 'dram');
      await file(this.root, `${dramDir}/max_energy_range_uj`, e.dramMaxEnergyUj);
      await link(this.root, `class/powercap/intel-rapl:${s.toString(16)}`, pkgDir);
      await link(this.root, `class/powercap/intel-rapl:${s.toString(16)}:0`, dramDir);
      const pkg = { path: join(this.root, pkgDir, 'energy_uj'), valueUj: initial % (e.packageMaxEnergyUj + 1n), maxUj: e.packageMaxEnergyUj };
      const dram = { path: join(this.root, dramDir, 'energy_uj'), valueUj: initial % (e.dramMaxEnergyUj + 1n), maxUj: e.dramMaxEnergyUj };
      await put(pkg.path, String(pkg.valueUj));
      await put(dram.path, String(dram.valueUj));
      this.counters.push({ pkg, dram });
    }
    for (let c = 0; c < this.logicalCpus; c++) await file(this.root, `devices/system/cpu/cpu${c}/cpufreq/scaling_cur_freq`, mhzToKhz(e.curFreqMhz));
  }

  private async createXgene(): Promise<void> {
    for (let s = 0; s < this.profile.sockets; s++) {
      const dev = `devices/platform/APMC0D29:${s.toString(16).padStart(2, '0')}`;
      const chip = `${dev}/hwmon/hwmon${s}`;
      await file(this.root, `${chip}/name`, 'apm_xgene');
      await file(this.root, `${chip}/power1_label`, 'CPU power');
      await file(this.root, `${chip}/power2_label`, 'IO power');
      await file(this.root, `${chip}/temp1_label`, 'SoC Temperature');
      await file(this.root, `${chip}/temp1_input`, 35000);
      await link(this.root, `${chip}/device`, dev);
      await link(this.root, `class/hwmon/hwmon${s}`, chip);
    }
    await this.writeXgene(new Array<number>(this.profile.sockets).fill(0));
    const caps = {
      highest_perf: 3000,
      nominal_perf: 3000,
      lowest_nonlinear_perf: 1000,
      lowest_perf: 1000,
      nominal_freq: 3000,
      lowest_freq: 1000,
      reference_perf: CPPC_REFERENCE_PERF,
      wraparound_time: '18446744073709551615',
    };
    this.cppcRef = new Array<bigint>(this.logicalCpus).fill(0n);
    this.cppcDel = new Array<bigint>(this.logicalCpus).fill(0n);
    for (let c = 0; c < this.logicalCpus; c++) {
      for (const [k, v] of Object.entries(caps)) await file(this.root, `devices/system/cpu/cpu${c}/acpi_cppc/${k}`, v);
      await file(this.root, `devices/system/cpu/cpu${c}/acpi_cppc/feedback_ctrs`, 'ref:0 del:0');
    }
  }

  /** Power-weighted busy CPUs per socket, time-weighted over the trailing powerWindowMs. */
  private windowMean(busy: readonly number[], intervalMs: number): readonly number[] {
    if (this.powerWindowMs <= 0 || intervalMs <= 0) return busy;
    this.recent.push({ intervalMs, busy });
    let spanMs = this.recent.reduce((t, r) => t + r.intervalMs, 0);
    while (this.recent.length > 1 && spanMs - (this.recent[0]?.intervalMs ?? 0) >= this.powerWindowMs) spanMs -= this.recent.shift()?.intervalMs ?? 0;
    return busy.map((_, s) => this.recent.reduce((t, r) => t + (r.busy[s] ?? 0) * r.intervalMs, 0) / spanMs);
  }

  private async writeXgene(busy: readonly number[]): Promise<void> {
    const w = emulatedPowerW(this.profile, busy);
    for (let s = 0; s < this.profile.sockets; s++) {
      const chip = join(this.root, `devices/platform/APMC0D29:${s.toString(16).padStart(2, '0')}/hwmon/hwmon${s}`);
      const d = w.bySocket[s] ?? {};
      // xgene resolution is 1 mW, written in µW.
      await put(join(chip, 'power1_input'), String(Math.round((d.cpu ?? 0) * 1000) * 1000));
      await put(join(chip, 'power2_input'), String(Math.round((d.io ?? 0) * 1000) * 1000));
    }
  }

  /**
   * Advances the tree by one interval in which `busyCpus[s]` logical CPUs of socket s were busy on
   * average, drawing the dynamic power of `powerWeighted[s]` CPUs at power factor 1.
   */
  async advance(busyCpus: readonly number[], intervalMs: number, powerWeighted: readonly number[] = busyCpus): Promise<void> {
    const p = this.profile;
    if (p.energy.kind === 'rapl') {
      const w = emulatedPowerW(p, powerWeighted);
      for (const [s, c] of this.counters.entries()) {
        const d = w.bySocket[s] ?? {};
        for (const [counter, watts] of [
          [c.pkg, d.package ?? 0],
          [c.dram, d.dram ?? 0],
        ] as const) {
          let v = counter.valueUj + energyUjOf(watts, intervalMs);
          // Like the hardware: past max_energy_range_uj the counter starts again from 0.
          while (v > counter.maxUj) {
            v -= counter.maxUj;
            this.wraps++;
          }
          counter.valueUj = v;
          await put(counter.path, String(v));
        }
      }
      return;
    }
    await this.writeXgene(this.windowMean(powerWeighted, intervalMs));
    const e = p.energy;
    const perSocket = p.coresPerSocket * p.threadsPerCore;
    for (let c = 0; c < this.logicalCpus; c++) {
      const s = emulatedSocketOf(p, c);
      const frac = Math.min(1, Math.max(0, (busyCpus[s] ?? 0) / perSocket));
      const dRef = BigInt(Math.round(CPPC_REF_HZ * frac * msToS(intervalMs)));
      if (dRef === 0n) continue;
      // Delivered perf = busy frequency in these caps (1 perf unit = 1 MHz, see cppc-formula.ts).
      this.cppcRef[c] = (this.cppcRef[c] ?? 0n) + dRef;
      this.cppcDel[c] = (this.cppcDel[c] ?? 0n) + (dRef * BigInt(e.busyFreqMhz)) / BigInt(CPPC_REFERENCE_PERF);
      this.cppcDirty.add(c);
    }
    // 128 files per update: at short emulator ticks they are written every CPPC_WRITE_MS only (a
    // frequency reader needs no finer grain; the power files above are written every tick).
    this.msSinceCppcWrite += intervalMs;
    if (this.msSinceCppcWrite < CPPC_WRITE_MS) return;
    this.msSinceCppcWrite = 0;
    // Concurrently: one after the other, 128 writes took up to 360 ms under load.
    const dirty = [...this.cppcDirty];
    this.cppcDirty.clear();
    await Promise.all(
      dirty.map((c) => put(join(this.root, `devices/system/cpu/cpu${c}/acpi_cppc/feedback_ctrs`), `ref:${this.cppcRef[c]} del:${this.cppcDel[c]}`)),
    );
  }
}
