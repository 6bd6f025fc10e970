// Where workers run: one cgroup per function under the agent's own subtree, and under it one child
// per worker CPU (<fn>/w<cpu>) holding exactly that CPU, so each single-threaded worker is pinned
// to its CPU while the function cgroup stays the attribution boundary. Three mechanisms, best first:
//   cgroup-v2-cpuset  the agent's delegated cgroup2 subtree (systemd Delegate=yes) offers cpuset
//   cgroup-v1-cpuset  v1 cpuset (+ cpuacct for CPU time, memory for limits, and the cgroup2
//                     "unified" hierarchy so that `perf -G` can count the function)
//   sched-affinity    taskset per worker, last resort (accounting cgroups still used if present)
// Workers join their cgroups themselves, before exec'ing the runtime (see worker-launch.ts): the
// slot lists the cgroup.procs files to write.
// Emulated hosts (emulation/) add two things: a worker's CPU is an emulated CPU that maps onto real
// CPUs (`cpuMap`), and each worker gets a CPU bandwidth limit (`bandwidth`: cgroup v1
// cpu.cfs_quota_us / cfs_period_us in <root>/cpu, or cgroup2 cpu.max), so an emulated CPU really is
// a slice of a real one.
import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { errorMessage } from '@isawatt/common';
import type { ActivityTarget } from '../counters/activity-source.js';
import type { PinningMode } from './function-runtime.js';
import { exists, makeCgroup, readProcs, readText, removeTree, writeControl, type RemoveTreeOptions } from './cgroup-fs.js';
import { formatCpuList } from '../hardware/cpu-list.js';

/** What a worker needs to place itself. */
export interface WorkerSlot {
  /** cgroup.procs files the worker writes its own pid into before exec, in this order. */
  readonly procsFiles: readonly string[];
  /** CPU (or CPU list) for taskset when pinning is by affinity. */
  readonly affinityCpu?: number | string;
}

export interface CleanupReport {
  readonly removedCgroups: readonly string[];
  readonly killedPids: readonly number[];
}

export interface Pinning {
  readonly mode: PinningMode;
  /** Human-readable: which mechanism, where, and why the better ones were not used. */
  readonly description: string;
  /** Creates the agent subtree after removing stale cgroups (and killing their processes). */
  init(): Promise<CleanupReport>;
  /** Creates or re-sizes the function cgroup to exactly `cpus` (callers remove workers first when shrinking). */
  ensureFunction(fn: string, cpus: readonly number[]): Promise<void>;
  /** Creates the per-worker cgroup(s) for `cpu` with a memory limit, and says how to join them. */
  workerSlot(fn: string, cpu: number, memoryLimitMb: number): Promise<WorkerSlot>;
  /**
   * Limits the worker of `cpu` to `share` of one real CPU (cgroup CPU bandwidth); undefined lifts the
   * limit. A no-op where the pinning has no bandwidth control (see `bandwidth`).
   */
  setWorkerShare(fn: string, cpu: number, share: number | undefined): Promise<void>;
  /** Whether workers get CPU bandwidth limits (cpu controller found and asked for). */
  readonly bandwidth: boolean;
  /** Removes the per-worker cgroups (killing what is left in them). */
  releaseWorker(fn: string, cpu: number): Promise<void>;
  /** Removes the function's cgroups (killing what is left in them). */
  removeFunction(fn: string): Promise<void>;
  activityTarget(fn: string, cpus: readonly number[]): ActivityTarget;
  /** Removes the agent subtree (everything must have stopped; stragglers are killed). */
  close(): Promise<CleanupReport>;
}

export interface PinningOptions {
  /** cgroup filesystem root (default /sys/fs/cgroup; tests pass a temp tree). */
  readonly cgroupRoot: string;
  /** Name of the agent's subtree (default "isawatt"; one per agent on a shared machine). */
  readonly subtree: string;
  /** Forced mechanism, or 'auto'. */
  readonly mode?: PinningMode | 'auto';
  /**
   * cgroup2: the agent's delegated cgroup, relative to the v2 mount (default: read from
   * /proc/self/cgroup, the "0::" line).
   */
  readonly v2Base?: string;
  /** /proc root for /proc/self/cgroup (default /proc). */
  readonly procRoot: string;
  /** Kill function for stale/straggler processes (tests inject a recorder for fake trees). */
  readonly kill: RemoveTreeOptions['kill'];
  /**
   * Real CPUs a worker slot's CPU runs on (emulated hosts: an emulated CPU id -> this machine's
   * function CPUs). Default: the CPU itself.
   */
  readonly cpuMap?: (cpu: number) => readonly number[];
  /**
   * Put every worker in a cgroup of the cpu controller so that setWorkerShare can limit it (v1
   * <root>/cpu with cfs quota, or cgroup2 cpu.max). Init fails when asked for and unavailable.
   */
  readonly bandwidth?: boolean;
}

/**
 * How long removing a cgroup waits for killed processes to leave it, ms: on a loaded machine a
 * bandwidth-limited (emulated) worker takes seconds to exit, and a cgroup left behind outlives us.
 */
const REMOVE_WAIT_MS = 8000;

/**
 * How long a bandwidth-limited worker runs at a stretch, µs: the quota of one CFS period. Measured
 * (docs/emulation.md, "Slice geometry"): with a 1 ms quota per 200 ms period a Node worker spends
 * 5-15x its quiet CPU per invocation (every run starts with cold caches and is cut mid-invocation),
 * while runs of 20-30 ms cost what a quiet CPU costs. Every worker gets the same run length and its
 * share sets how often it runs, so the overhead of a run is the same fraction on every emulated host.
 */
export const CFS_RUN_US = 20_000;

/**
 * CFS bandwidth for `share` of one real CPU: a quota of CFS_RUN_US and the period that gives the
 * share, kept within the kernel's 1 ms..1 s period; a share too small for a full run at 1 s gets a
 * shorter run (never below the kernel's 1 ms minimum quota).
 */
export function cfsQuota(share: number): { quotaUs: number; periodUs: number } {
  const minQuotaUs = 1000;
  const periodUs = Math.min(1_000_000, Math.max(1000, Math.round(CFS_RUN_US / share)));
  return { quotaUs: Math.max(minQuotaUs, Math.round(share * periodUs)), periodUs };
}

// ---------------------------------------------------------------------------------------------
// Layouts: which directories a function and a worker get, per mechanism.

interface Layout {
  readonly mode: PinningMode;
  /** Hierarchy that holds cpusets: v1 <root>/cpuset or the v2 base; undefined for affinity. */
  readonly cpusetTop?: string;
  /** v1 only: cpuacct and memory hierarchies, when mounted. */
  readonly cpuacctTop?: string;
  /** v1 only: the cpu controller's hierarchy, for CPU bandwidth limits (emulated hosts). */
  readonly cpuTop?: string;
  readonly memoryTop?: string;
  /** cgroup2 directory for the subtree (perf -G / cpu.stat), when usable. */
  readonly unifiedTop?: string;
  /** v2 only: the controllers to enable on the way down. */
  readonly v2Controllers?: readonly string[];
}

/** A hierarchy we may create cgroups in (root, or a delegated subtree); false for non-root users. */
async function writable(dir: string): Promise<boolean> {
  try {
    await access(dir, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

async function v2MountOf(root: string): Promise<string | undefined> {
  if ((await readText(join(root, 'cgroup.controllers'))) !== undefined) return root; // pure v2
  const unified = join(root, 'unified');
  if ((await readText(join(unified, 'cgroup.controllers'))) !== undefined) return unified; // hybrid
  return undefined;
}

async function ownV2Cgroup(procRoot: string): Promise<string | undefined> {
  const text = await readText(join(procRoot, 'self', 'cgroup'));
  const line = text?.split('\n').find((l) => l.startsWith('0::'));
  return line?.slice(3).trim();
}

/** Picks the best mechanism this host offers; `reasons` says why better ones were skipped. */
export async function detectPinning(opts: PinningOptions): Promise<Pinning> {
  const root = opts.cgroupRoot;
  const reasons: string[] = [];
  const want = opts.mode ?? 'auto';
  const v2Mount = await v2MountOf(root);

  if (want === 'auto' || want === 'cgroup-v2-cpuset') {
    if (v2Mount === undefined) reasons.push(`cgroup-v2-cpuset: no cgroup2 mount at ${root} or ${join(root, 'unified')}`);
    else {
      const base = join(v2Mount, opts.v2Base ?? (await ownV2Cgroup(opts.procRoot)) ?? '');
      const ctrls = ((await readText(join(base, 'cgroup.controllers'))) ?? '').trim().split(/\s+/).filter(Boolean);
      if (ctrls.includes('cpuset') && !(await writable(base))) reasons.push(`cgroup-v2-cpuset: ${base} is not writable by this user`);
      else if (!ctrls.includes('cpuset'))
        reasons.push(`cgroup-v2-cpuset: ${join(base, 'cgroup.controllers')} does not offer cpuset (needs systemd Delegate=yes and cpuset not bound to v1)`);
      else {
        const layout: Layout = {
          mode: 'cgroup-v2-cpuset',
          cpusetTop: base,
          unifiedTop: base,
          v2Controllers: ['cpuset', 'cpu', 'memory'].filter((c) => ctrls.includes(c)),
        };
        if (opts.bandwidth === true && !ctrls.includes('cpu'))
          throw new Error(`CPU bandwidth limits asked for but ${join(base, 'cgroup.controllers')} does not offer cpu`);
        return new CgroupPinning(
          layout,
          opts,
          `cgroup v2 cpuset under ${join(base, opts.subtree)}${opts.bandwidth === true ? ' with cpu.max bandwidth per worker' : ''}`,
        );
      }
    }
  }
  if (want === 'auto' || want === 'cgroup-v1-cpuset') {
    const cpusetTop = join(root, 'cpuset');
    if ((await readText(join(cpusetTop, 'cpuset.cpus'))) === undefined) reasons.push(`cgroup-v1-cpuset: ${join(cpusetTop, 'cpuset.cpus')} not found`);
    else if (!(await writable(cpusetTop))) reasons.push(`cgroup-v1-cpuset: ${cpusetTop} is not writable by this user (run the agent as root)`);
    else {
      const cpuTop = opts.bandwidth === true ? await cpuBandwidthTop(root) : undefined;
      const layout: Layout = {
        mode: 'cgroup-v1-cpuset',
        cpusetTop,
        ...(cpuTop !== undefined ? { cpuTop } : {}),
        ...((await exists(join(root, 'cpuacct'))) && (await writable(join(root, 'cpuacct'))) ? { cpuacctTop: join(root, 'cpuacct') } : {}),
        ...((await readText(join(root, 'memory', 'memory.limit_in_bytes'))) !== undefined && (await writable(join(root, 'memory')))
          ? { memoryTop: join(root, 'memory') }
          : {}),
        ...(v2Mount !== undefined && v2Mount !== root && (await writable(v2Mount)) ? { unifiedTop: v2Mount } : {}),
      };
      const extras = [layout.cpuacctTop && 'cpuacct', layout.memoryTop && 'memory', layout.unifiedTop && 'unified', layout.cpuTop && 'cpu bandwidth per worker']
        .filter(Boolean)
        .join(', ');
      const skipped = reasons.length > 0 ? ` (${reasons.join('; ')})` : '';
      return new CgroupPinning(layout, opts, `cgroup v1 cpuset under ${join(cpusetTop, opts.subtree)}${extras ? ` with ${extras}` : ''}${skipped}`);
    }
  }
  const cpuTop = opts.bandwidth === true ? await cpuBandwidthTop(root) : undefined;
  const layout: Layout = {
    mode: 'sched-affinity',
    ...(cpuTop !== undefined ? { cpuTop } : {}),
    ...((await exists(join(root, 'cpuacct'))) && (await writable(join(root, 'cpuacct'))) ? { cpuacctTop: join(root, 'cpuacct') } : {}),
    ...(v2Mount !== undefined && v2Mount !== root && (await writable(v2Mount)) ? { unifiedTop: v2Mount } : {}),
  };
  return new CgroupPinning(layout, opts, `sched_setaffinity (taskset) per worker, last resort: ${reasons.join('; ') || 'forced by configuration'}`);
}

/** The v1 cpu hierarchy with CFS bandwidth control; throws when it is missing or not writable. */
async function cpuBandwidthTop(root: string): Promise<string> {
  const top = join(root, 'cpu');
  if ((await readText(join(top, 'cpu.cfs_quota_us'))) === undefined)
    throw new Error(`CPU bandwidth limits asked for but ${join(top, 'cpu.cfs_quota_us')} not found (cgroup v1 cpu controller)`);
  if (!(await writable(top))) throw new Error(`CPU bandwidth limits asked for but ${top} is not writable by this user (run the agent as root)`);
  return top;
}

// ---------------------------------------------------------------------------------------------

class CgroupPinning implements Pinning {
  readonly mode: PinningMode;
  /** Last share written per worker cgroup directory (writes only what changed). */
  private readonly shares = new Map<string, number | undefined>();

  constructor(
    private readonly layout: Layout,
    private readonly opts: PinningOptions,
    readonly description: string,
  ) {
    this.mode = layout.mode;
  }

  /** Top-level dirs of the agent subtree, one per hierarchy used. */
  private subtreeDirs(): string[] {
    const tops = [this.layout.cpusetTop, this.layout.cpuacctTop, this.layout.memoryTop, this.layout.unifiedTop, this.layout.cpuTop];
    return [...new Set(tops.filter((t): t is string => t !== undefined).map((t) => join(t, this.opts.subtree)))];
  }

  private fnDir(top: string, fn: string): string {
    return join(top, this.opts.subtree, fn);
  }

  async init(): Promise<CleanupReport> {
    const report = await this.cleanup();
    const { cpusetTop, v2Controllers } = this.layout;
    for (const dir of this.subtreeDirs()) await makeCgroup(dir);
    if (this.opts.bandwidth === true) {
      // The workers' quotas are what makes an emulated CPU slower than a real one; other load on
      // this machine must not eat into them, so the subtree gets the highest weight (the quotas
      // still cap what it takes).
      if (this.layout.cpuTop !== undefined) await writeControl(join(this.layout.cpuTop, this.opts.subtree, 'cpu.shares'), '262144');
      else if (this.mode === 'cgroup-v2-cpuset' && cpusetTop !== undefined)
        await writeControl(join(cpusetTop, this.opts.subtree, 'cpu.weight'), '10000').catch(() => undefined);
    }
    if (this.mode === 'cgroup-v1-cpuset' && cpusetTop !== undefined) {
      // v1 cpusets start empty (unless clone_children): copy the parent's CPUs and memory nodes.
      await this.copyCpuset(cpusetTop, join(cpusetTop, this.opts.subtree));
    }
    if (this.mode === 'cgroup-v2-cpuset' && cpusetTop !== undefined && v2Controllers !== undefined) {
      // cgroup2 forbids processes in a cgroup that delegates controllers to children: move the
      // agent (and anything else in its service cgroup) into a leaf first, as systemd advises.
      const inBase = await readProcs(cpusetTop);
      if (inBase.length > 0) {
        const leaf = join(cpusetTop, 'agent');
        await makeCgroup(leaf);
        for (const pid of inBase) await writeControl(join(leaf, 'cgroup.procs'), String(pid));
      }
      const enable = v2Controllers.map((c) => `+${c}`).join(' ');
      await writeControl(join(cpusetTop, 'cgroup.subtree_control'), enable);
      await writeControl(join(cpusetTop, this.opts.subtree, 'cgroup.subtree_control'), enable);
    }
    return report;
  }

  private async copyCpuset(from: string, to: string): Promise<void> {
    const cpus = (await readText(join(from, 'cpuset.effective_cpus'))) ?? (await readText(join(from, 'cpuset.cpus')));
    const mems = (await readText(join(from, 'cpuset.effective_mems'))) ?? (await readText(join(from, 'cpuset.mems')));
    await writeControl(join(to, 'cpuset.cpus'), (cpus ?? '').trim());
    await writeControl(join(to, 'cpuset.mems'), (mems ?? '0').trim() || '0');
  }

  private async mems(): Promise<string> {
    const top = this.layout.cpusetTop;
    if (top === undefined) return '0';
    const dir = join(top, this.opts.subtree);
    const text =
      (await readText(join(dir, 'cpuset.mems.effective'))) ??
      (await readText(join(dir, 'cpuset.effective_mems'))) ??
      (await readText(join(dir, 'cpuset.mems')));
    return text?.trim() || '0';
  }

  async ensureFunction(fn: string, cpus: readonly number[]): Promise<void> {
    for (const top of [this.layout.cpusetTop, this.layout.cpuacctTop, this.layout.memoryTop, this.layout.unifiedTop, this.layout.cpuTop]) {
      if (top !== undefined) await makeCgroup(this.fnDir(top, fn));
    }
    const top = this.layout.cpusetTop;
    if (top === undefined) return;
    const dir = this.fnDir(top, fn);
    const real = this.realCpus(cpus);
    if (this.mode === 'cgroup-v2-cpuset') {
      await writeControl(join(dir, 'cpuset.cpus'), formatCpuList(real));
      const ctrls = this.layout.v2Controllers ?? ['cpuset'];
      await writeControl(join(dir, 'cgroup.subtree_control'), ctrls.map((c) => `+${c}`).join(' '));
    } else {
      // v1: cpus AND mems before any process joins (ENOSPC otherwise).
      await writeControl(join(dir, 'cpuset.cpus'), formatCpuList(real));
      await writeControl(join(dir, 'cpuset.mems'), await this.mems());
    }
  }

  /** Real CPUs behind slot CPUs (identity unless an emulated host maps them). */
  private realCpus(cpus: readonly number[]): number[] {
    const map = this.opts.cpuMap;
    return map === undefined ? [...cpus] : [...new Set(cpus.flatMap((c) => map(c)))].sort((a, b) => a - b);
  }

  get bandwidth(): boolean {
    return this.layout.cpuTop !== undefined || (this.opts.bandwidth === true && this.mode === 'cgroup-v2-cpuset');
  }

  async setWorkerShare(fn: string, cpu: number, share: number | undefined): Promise<void> {
    if (!this.bandwidth) return;
    const w = `w${cpu}`;
    const dir = this.layout.cpuTop !== undefined ? join(this.fnDir(this.layout.cpuTop, fn), w) : join(this.fnDir(this.layout.cpusetTop ?? '', fn), w);
    if (this.shares.has(dir) && this.shares.get(dir) === share) return;
    if (share !== undefined && !(share > 0 && Number.isFinite(share))) throw new RangeError(`CPU share of ${fn}/${w} must be > 0, got ${share}`);
    if (this.layout.cpuTop !== undefined) {
      // Order matters: a quota may not exceed what a shorter period allows, so lift it first.
      await writeControl(join(dir, 'cpu.cfs_quota_us'), '-1');
      if (share !== undefined) {
        const { quotaUs, periodUs } = cfsQuota(share);
        await writeControl(join(dir, 'cpu.cfs_period_us'), String(periodUs));
        await writeControl(join(dir, 'cpu.cfs_quota_us'), String(quotaUs));
      }
    } else {
      const q = share === undefined ? undefined : cfsQuota(share);
      await writeControl(join(dir, 'cpu.max'), q === undefined ? 'max 100000' : `${q.quotaUs} ${q.periodUs}`);
    }
    this.shares.set(dir, share);
  }

  async workerSlot(fn: string, cpu: number, memoryLimitMb: number): Promise<WorkerSlot> {
    const { cpusetTop, cpuacctTop, memoryTop, unifiedTop, cpuTop } = this.layout;
    const real = formatCpuList(this.realCpus([cpu]));
    const w = `w${cpu}`;
    const procs: string[] = [];
    const limitBytes = String(memoryLimitMb * 1024 * 1024);
    if (this.mode === 'cgroup-v2-cpuset' && cpusetTop !== undefined) {
      const dir = join(this.fnDir(cpusetTop, fn), w);
      await makeCgroup(dir);
      await writeControl(join(dir, 'cpuset.cpus'), real);
      if (this.layout.v2Controllers?.includes('memory')) await writeControl(join(dir, 'memory.max'), limitBytes);
      this.shares.delete(dir);
      procs.push(join(dir, 'cgroup.procs'));
      return { procsFiles: procs };
    }
    if (this.mode === 'cgroup-v1-cpuset' && cpusetTop !== undefined) {
      const dir = join(this.fnDir(cpusetTop, fn), w);
      await makeCgroup(dir);
      await writeControl(join(dir, 'cpuset.cpus'), real);
      await writeControl(join(dir, 'cpuset.mems'), await this.mems());
      procs.push(join(dir, 'cgroup.procs'));
    }
    if (cpuTop !== undefined) {
      // Starts unlimited (the runtime's start-up is not the function's work); setWorkerShare limits it.
      const dir = join(this.fnDir(cpuTop, fn), w);
      await makeCgroup(dir);
      this.shares.delete(dir);
      procs.push(join(dir, 'cgroup.procs'));
    }
    if (memoryTop !== undefined) {
      const dir = join(this.fnDir(memoryTop, fn), w);
      await makeCgroup(dir);
      await writeControl(join(dir, 'memory.limit_in_bytes'), limitBytes);
      procs.push(join(dir, 'cgroup.procs'));
    }
    if (cpuacctTop !== undefined) procs.push(join(this.fnDir(cpuacctTop, fn), 'cgroup.procs'));
    if (unifiedTop !== undefined) procs.push(join(this.fnDir(unifiedTop, fn), 'cgroup.procs'));
    return this.mode === 'sched-affinity' ? { procsFiles: procs, affinityCpu: this.opts.cpuMap === undefined ? cpu : real } : { procsFiles: procs };
  }

  async releaseWorker(fn: string, cpu: number): Promise<void> {
    for (const top of [this.layout.cpusetTop, this.layout.memoryTop, this.layout.cpuTop]) {
      if (top !== undefined) await removeTree(join(this.fnDir(top, fn), `w${cpu}`), { kill: this.opts.kill, waitMs: REMOVE_WAIT_MS });
    }
  }

  async removeFunction(fn: string): Promise<void> {
    for (const top of [this.layout.cpusetTop, this.layout.cpuacctTop, this.layout.memoryTop, this.layout.unifiedTop, this.layout.cpuTop]) {
      if (top !== undefined) await removeTree(this.fnDir(top, fn), { kill: this.opts.kill, waitMs: REMOVE_WAIT_MS });
    }
  }

  activityTarget(fn: string, cpus: readonly number[]): ActivityTarget {
    const { cpusetTop, cpuacctTop, memoryTop, unifiedTop } = this.layout;
    const v1: Record<string, string> = {};
    if (this.mode === 'cgroup-v1-cpuset' && cpusetTop !== undefined) v1.cpuset = this.fnDir(cpusetTop, fn);
    if (cpuacctTop !== undefined) v1.cpuacct = this.fnDir(cpuacctTop, fn);
    if (memoryTop !== undefined) v1.memory = this.fnDir(memoryTop, fn);
    return {
      name: fn,
      ...(unifiedTop !== undefined ? { cgroupV2Path: this.fnDir(unifiedTop, fn) } : {}),
      ...(Object.keys(v1).length > 0 ? { cgroupV1Paths: v1 } : {}),
      cpus: [...cpus],
    };
  }

  /** Removes the whole agent subtree in every hierarchy, killing what is still inside. */
  private async cleanup(): Promise<CleanupReport> {
    const removed: string[] = [];
    const killed: number[] = [];
    const errors: string[] = [];
    for (const dir of this.subtreeDirs()) {
      if (!(await exists(dir))) continue;
      try {
        killed.push(...(await removeTree(dir, { kill: this.opts.kill, waitMs: REMOVE_WAIT_MS })));
        removed.push(dir);
      } catch (err) {
        errors.push(errorMessage(err));
      }
    }
    if (errors.length > 0) throw new Error(`cannot clean the agent cgroup subtree: ${errors.join('; ')}`);
    return { removedCgroups: removed, killedPids: [...new Set(killed)] };
  }

  async close(): Promise<CleanupReport> {
    return this.cleanup();
  }
}
