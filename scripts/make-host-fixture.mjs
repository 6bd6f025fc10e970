#!/usr/bin/env node
// Writes whole-host fixture trees (proc/ + sys/) for the agent's hardware detection and telemetry
// tests: packages/agent/testdata/hosts/<name>/. The trees are checked in; this script documents how
// they were made and regenerates them byte for byte (deterministic PRNG, no clock, no randomness).
//
//   node scripts/make-host-fixture.mjs            # writes every host below
//   node scripts/make-host-fixture.mjs xeon-2s    # one host
//
// What each host represents is described in packages/agent/testdata/hosts/README.md.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../packages/agent/testdata/hosts/', import.meta.url));

/** Mulberry32: small deterministic PRNG so regenerated trees are identical. */
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** "0-15,32-47" from a sorted list of ids. */
function cpuList(ids) {
  const sorted = [...ids].sort((a, b) => a - b);
  const parts = [];
  for (let i = 0; i < sorted.length;) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j] + 1) j++;
    parts.push(i === j ? `${sorted[i]}` : `${sorted[i]}-${sorted[j]}`);
    i = j + 1;
  }
  return parts.join(',');
}

function write(base, rel, content) {
  const p = join(base, rel);
  mkdirSync(dirname(p), { recursive: true });
  writeFileSync(p, content);
}

/**
 * /proc/stat with per-CPU jiffies (USER_HZ = 100) as after `uptimeS` seconds of a lightly loaded
 * host: user, nice, system, idle, iowait, irq, softirq, steal, guest, guest_nice.
 */
function procStat(cpus, uptimeS, busyFraction, seed) {
  const rnd = prng(seed);
  const rows = cpus.map(() => {
    const total = uptimeS * 100;
    const busy = Math.round(total * busyFraction * (0.6 + 0.8 * rnd()));
    const user = Math.round(busy * 0.7);
    const system = Math.round(busy * 0.25);
    const nice = Math.round(busy * 0.01);
    const irq = 0;
    const softirq = busy - user - system - nice;
    const iowait = Math.round(total * 0.002 * rnd());
    const idle = total - busy - iowait;
    return [user, nice, system, idle, iowait, irq, softirq, 0, 0, 0];
  });
  const sum = rows.reduce((acc, r) => acc.map((v, i) => v + r[i]), new Array(10).fill(0));
  const lines = [`cpu  ${sum.join(' ')}`];
  cpus.forEach((id, i) => lines.push(`cpu${id} ${rows[i].join(' ')}`));
  lines.push(
    `intr ${Math.round(uptimeS * 4000 * cpus.length)} 0 0 0`,
    `ctxt ${Math.round(uptimeS * 3100 * cpus.length)}`,
    'btime 1764201600',
    `processes ${Math.round(uptimeS * 2.5)}`,
    'procs_running 2',
    'procs_blocked 0',
    'softirq 0 0 0 0 0 0 0 0 0 0 0',
    '',
  );
  return lines.join('\n');
}

function topologyFiles(base, cpu, t) {
  const dir = `sys/devices/system/cpu/cpu${cpu.id}/topology`;
  write(base, `${dir}/physical_package_id`, `${cpu.socket}\n`);
  write(base, `${dir}/die_id`, `${t.dieId ?? 0}\n`);
  write(base, `${dir}/core_id`, `${cpu.coreId}\n`);
  write(base, `${dir}/thread_siblings_list`, `${cpuList(t.threadSiblings)}\n`);
  write(base, `${dir}/core_cpus_list`, `${cpuList(t.threadSiblings)}\n`);
  write(base, `${dir}/core_siblings_list`, `${cpuList(t.packageCpus)}\n`);
  write(base, `${dir}/package_cpus_list`, `${cpuList(t.packageCpus)}\n`);
  if (t.clusterId !== undefined) write(base, `${dir}/cluster_id`, `${t.clusterId}\n`);
}

/** SMBIOS type 4 (Processor Information) structure, SMBIOS 3.x layout, as in /sys/firmware/dmi/entries/4-N/raw. */
function smbiosProcessor({ socket, manufacturer, version, partNumber, maxSpeedMhz, cores, threads }) {
  const strings = [socket, manufacturer, version, 'Not Specified', 'Not Specified', partNumber];
  const f = Buffer.alloc(0x30);
  f[0x00] = 4; // type
  f[0x01] = 0x30; // formatted length
  f.writeUInt16LE(0x0004, 0x02); // handle
  f[0x04] = 1; // socket designation: string 1
  f[0x05] = 3; // processor type: central processor
  f[0x06] = 0xfe; // family: see family 2
  f[0x07] = 2; // manufacturer: string 2
  f[0x10] = 3; // version: string 3
  f.writeUInt16LE(maxSpeedMhz, 0x14);
  f.writeUInt16LE(maxSpeedMhz, 0x16);
  f[0x18] = 0x41; // populated, enabled
  f[0x20] = 4; // serial: string 4
  f[0x21] = 5; // asset tag: string 5
  f[0x22] = 6; // part number: string 6
  f[0x23] = Math.min(cores, 0xff); // 0xff: see core count 2
  f[0x24] = Math.min(cores, 0xff);
  f[0x25] = Math.min(threads, 0xff);
  f.writeUInt16LE(0x00ec, 0x26); // characteristics: 64-bit, multi-core, execute protection, ...
  f.writeUInt16LE(0x0101, 0x28); // family 2: ARMv8
  f.writeUInt16LE(cores, 0x2a);
  f.writeUInt16LE(cores, 0x2c);
  f.writeUInt16LE(threads, 0x2e);
  const tail = Buffer.from(strings.map((s) => s + '\0').join('') + '\0', 'latin1');
  return Buffer.concat([f, tail]);
}

/**
 * A dual-socket Intel Xeon with Hyper-Threading. Core ids come from the APIC ids of the enabled mesh
 * tiles, so they are not contiguous (`coreIds`, one per core of a socket).
 */
function xeonHost(base, x) {
  const { sockets, coresPerSocket, coreIds } = x;
  const cpus = [];
  // Linux numbers the first thread of every core (socket 0, then 1), then every second thread.
  for (let thread = 0; thread < 2; thread++) {
    for (let s = 0; s < sockets; s++) {
      for (let c = 0; c < coresPerSocket; c++) {
        cpus.push({ id: cpus.length, socket: s, coreId: coreIds[c], thread });
      }
    }
  }
  const ids = cpus.map((c) => c.id);
  const cpuinfo = cpus
    .map((c) =>
      [
        `processor\t: ${c.id}`,
        'vendor_id\t: GenuineIntel',
        'cpu family\t: 6',
        `model\t\t: ${x.modelNumber}`,
        `model name\t: ${x.modelName}`,
        `stepping\t: ${x.stepping}`,
        `microcode\t: ${x.microcode}`,
        `cpu MHz\t\t: ${(1000 + ((c.id * 37) % 1100)).toFixed(3)}`,
        `cache size\t: ${x.cacheKb} KB`,
        `physical id\t: ${c.socket}`,
        `siblings\t: ${coresPerSocket * 2}`,
        `core id\t\t: ${c.coreId}`,
        `cpu cores\t: ${coresPerSocket}`,
        `apicid\t\t: ${c.socket * x.apicPerSocket + c.coreId * 2 + c.thread}`,
        `initial apicid\t: ${c.socket * x.apicPerSocket + c.coreId * 2 + c.thread}`,
        'fpu\t\t: yes',
        'fpu_exception\t: yes',
        'cpuid level\t: 22',
        'wp\t\t: yes',
        `flags\t\t: ${x.flags}`,
        `bugs\t\t: ${x.bugs}`,
        'bogomips\t: 4200.00',
        'clflush size\t: 64',
        'cache_alignment\t: 64',
        `address sizes\t: ${x.addressSizes}`,
        'power management:',
        '',
      ].join('\n'),
    )
    .join('\n');
  write(base, 'proc/cpuinfo', cpuinfo + '\n');
  write(base, 'proc/stat', procStat(ids, 864_000, 0.12, x.seed));
  write(base, 'proc/meminfo', x.meminfo);
  write(base, 'proc/sys/kernel/arch', 'x86_64\n');
  write(base, 'sys/devices/system/cpu/online', `${cpuList(ids)}\n`);
  write(base, 'sys/devices/system/cpu/possible', `${cpuList(ids)}\n`);
  write(base, 'sys/devices/system/cpu/present', `${cpuList(ids)}\n`);
  for (const c of cpus) {
    topologyFiles(base, c, {
      threadSiblings: cpus.filter((o) => o.socket === c.socket && o.coreId === c.coreId).map((o) => o.id),
      packageCpus: cpus.filter((o) => o.socket === c.socket).map((o) => o.id),
    });
  }
  write(base, 'sys/devices/virtual/dmi/id/sys_vendor', 'Dell Inc.\n');
  write(base, 'sys/devices/virtual/dmi/id/product_name', `${x.product}\n`);
}

const hosts = {
  // Dual-socket Intel Xeon Gold 6130 (Skylake-SP): 2 x 16 cores, Hyper-Threading, 64 logical CPUs.
  'xeon-2s': (base) =>
    xeonHost(base, {
      sockets: 2,
      coresPerSocket: 16,
      coreIds: [0, 1, 2, 3, 4, 5, 6, 8, 9, 10, 11, 12, 16, 17, 18, 19],
      modelNumber: 85,
      modelName: 'Intel(R) Xeon(R) Gold 6130 CPU @ 2.10GHz',
      stepping: 4,
      microcode: '0x2006e05',
      cacheKb: 22528,
      apicPerSocket: 64,
      flags:
        'fpu vme de pse tsc msr pae mce cx8 apic sep mtrr pge mca cmov pat pse36 clflush dts acpi mmx fxsr sse sse2 ss ht tm pbe syscall nx pdpe1gb rdtscp lm constant_tsc art arch_perfmon pebs bts rep_good nopl xtopology nonstop_tsc cpuid aperfmperf pni pclmulqdq dtes64 monitor ds_cpl vmx smx est tm2 ssse3 sdbg fma cx16 xtpr pdcm pcid dca sse4_1 sse4_2 x2apic movbe popcnt tsc_deadline_timer aes xsave avx f16c rdrand lahf_lm abm 3dnowprefetch cpuid_fault epb cat_l3 cdp_l3 invpcid_single pti intel_ppin ssbd mba ibrs ibpb stibp tpr_shadow vnmi flexpriority ept vpid ept_ad fsgsbase tsc_adjust bmi1 hle avx2 smep bmi2 erms invpcid rtm cqm mpx rdt_a avx512f avx512dq rdseed adx smap clflushopt clwb intel_pt avx512cd avx512bw avx512vl xsaveopt xsavec xgetbv1 xsaves cqm_llc cqm_occup_llc cqm_mbm_total cqm_mbm_local dtherm ida arat pln pts pku ospke md_clear flush_l1d arch_capabilities',
      bugs: 'cpu_meltdown spectre_v1 spectre_v2 spec_store_bypass l1tf mds swapgs taa itlb_multihit mmio_stale_data retbleed gds',
      addressSizes: '46 bits physical, 48 bits virtual',
      seed: 6130,
      meminfo: 'MemTotal:       196608000 kB\nMemFree:        171204512 kB\nMemAvailable:   187933116 kB\n',
      product: 'PowerEdge R640',
    }),

  // The paper's x86 server: dual-socket Intel Xeon Gold 5318Y (Ice Lake-SP), 2 x 24 cores,
  // Hyper-Threading, 96 logical CPUs. Ice Lake-SP adds AVX-512 VNNI/VBMI2, GFNI, VAES, SHA-NI and
  // 5-level paging to the flags; Meltdown/L1TF are fixed in hardware, so fewer bugs are listed.
  // The core ids (enabled tiles) are plausible, not copied from one particular part.
  'xeon-5318y-2s': (base) =>
    xeonHost(base, {
      sockets: 2,
      coresPerSocket: 24,
      coreIds: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 16, 17, 18, 19, 20, 21, 24, 25, 26, 27, 28, 29],
      modelNumber: 106,
      modelName: 'Intel(R) Xeon(R) Gold 5318Y CPU @ 2.10GHz',
      stepping: 6,
      microcode: '0xd0003a5',
      cacheKb: 36864,
      apicPerSocket: 128,
      flags:
        'fpu vme de pse tsc msr pae mce cx8 apic sep mtrr pge mca cmov pat pse36 clflush dts acpi mmx fxsr sse sse2 ss ht tm pbe syscall nx pdpe1gb rdtscp lm constant_tsc art arch_perfmon pebs bts rep_good nopl xtopology nonstop_tsc cpuid aperfmperf pni pclmulqdq dtes64 monitor ds_cpl vmx smx est tm2 ssse3 sdbg fma cx16 xtpr pdcm pcid dca sse4_1 sse4_2 x2apic movbe popcnt tsc_deadline_timer aes xsave avx f16c rdrand lahf_lm abm 3dnowprefetch cpuid_fault epb cat_l3 cdp_l3 invpcid_single intel_ppin ssbd mba ibrs ibpb stibp tpr_shadow vnmi flexpriority ept vpid ept_ad fsgsbase tsc_adjust bmi1 avx2 smep bmi2 erms invpcid rtm cqm rdt_a avx512f avx512dq rdseed adx smap clflushopt clwb intel_pt avx512cd avx512bw avx512vl sha_ni xsaveopt xsavec xgetbv1 xsaves cqm_llc wbnoinvd cqm_occup_llc cqm_mbm_total cqm_mbm_local dtherm ida arat pln pts avx512ifma avx512vbmi umip pku ospke avx512_vbmi2 gfni vaes vpclmulqdq avx512_vnni avx512_bitalg tme avx512_vpopcntdq la57 rdpid fsrm md_clear pconfig flush_l1d arch_capabilities',
      bugs: 'spectre_v1 spectre_v2 spec_store_bypass swapgs mmio_stale_data eibrs_pbrsb gds bhi',
      addressSizes: '46 bits physical, 57 bits virtual',
      seed: 5318,
      meminfo: 'MemTotal:       263572084 kB\nMemFree:        247115232 kB\nMemAvailable:   255009804 kB\n',
      product: 'PowerEdge R650',
    }),

  // Single-socket Ampere Altra Max M128-30: 128 Arm Neoverse N1 cores, no SMT, 3.0 GHz.
  'altra-max-1s': (base) => {
    const cores = 128;
    const cpus = Array.from({ length: cores }, (_, i) => ({ id: i, socket: 0, coreId: i }));
    const ids = cpus.map((c) => c.id);
    // arm64 /proc/cpuinfo names no model: only the MIDR fields (implementer 0x41 = Arm Ltd,
    // part 0xd0c = Neoverse N1). The product name comes from SMBIOS type 4 below.
    const cpuinfo = cpus
      .map((c) =>
        [
          `processor\t: ${c.id}`,
          'BogoMIPS\t: 50.00',
          'Features\t: fp asimd evtstrm aes pmull sha1 sha2 crc32 atomics fphp asimdhp cpuid asimdrdm lrcpc dcpop asimddp ssbs',
          'CPU implementer\t: 0x41',
          'CPU architecture: 8',
          'CPU variant\t: 0x3',
          'CPU part\t: 0xd0c',
          'CPU revision\t: 1',
          '',
        ].join('\n'),
      )
      .join('\n');
    write(base, 'proc/cpuinfo', cpuinfo + '\n');
    write(base, 'proc/stat', procStat(ids, 432_000, 0.05, 128));
    write(base, 'proc/meminfo', 'MemTotal:       263921920 kB\nMemFree:        255108212 kB\nMemAvailable:   259730048 kB\n');
    write(base, 'proc/sys/kernel/arch', 'aarch64\n');
    write(base, 'sys/devices/system/cpu/online', `${cpuList(ids)}\n`);
    write(base, 'sys/devices/system/cpu/possible', `${cpuList(ids)}\n`);
    write(base, 'sys/devices/system/cpu/present', `${cpuList(ids)}\n`);
    for (const c of cpus) {
      topologyFiles(base, c, {
        threadSiblings: [c.id],
        packageCpus: ids,
        clusterId: Math.floor(c.id / 2),
      });
      // MIDR_EL1: implementer 0x41, variant 0x3, architecture 0xf, part 0xd0c, revision 0x1.
      write(base, `sys/devices/system/cpu/cpu${c.id}/regs/identification/midr_el1`, '0x00000000413fd0c1\n');
    }
    write(
      base,
      'sys/firmware/dmi/entries/4-0/raw',
      smbiosProcessor({
        socket: 'CPU 0',
        manufacturer: 'Ampere(R)',
        version: 'Ampere(R) Altra(R) Max Processor',
        partNumber: 'M128-30',
        maxSpeedMhz: 3000,
        cores: 128,
        threads: 128,
      }),
    );
    write(base, 'sys/devices/virtual/dmi/id/sys_vendor', 'GIGABYTE\n');
    write(base, 'sys/devices/virtual/dmi/id/product_name', 'R272-P31-00\n');
  },
};

const wanted = process.argv.slice(2);
for (const [name, make] of Object.entries(hosts)) {
  if (wanted.length > 0 && !wanted.includes(name)) continue;
  const base = join(root, name);
  rmSync(join(base, 'proc'), { recursive: true, force: true });
  rmSync(join(base, 'sys'), { recursive: true, force: true });
  make(base);
  console.log(`wrote ${base}`);
}
