// Writes the fake sysfs fixtures packages/agent/testdata/sys-<name>/ (checked in; rerun after a
// change: `node packages/agent/testdata/sys-generator/generate.mjs`). Layout mirrors /sys: real
// directories under devices/, symlinks under class/ and bus/ as the kernel makes them. Values come
// from docs/reference-readings.md (observed where it says so, illustrative otherwise); see ../README.md.
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const testdata = dirname(here);

function tree(name) {
  const root = join(testdata, `sys-${name}`);
  rmSync(root, { recursive: true, force: true });
  mkdirSync(root, { recursive: true });
  const file = (rel, content) => {
    const p = join(root, rel);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, `${content}\n`);
  };
  const link = (rel, target) => {
    const p = join(root, rel);
    mkdirSync(dirname(p), { recursive: true });
    symlinkSync(target.startsWith('/') ? relative(dirname(p), join(root, target)) : target, p);
  };
  const dir = (rel) => mkdirSync(join(root, rel), { recursive: true });
  return { root, file, link, dir };
}

const PKG_MAX = '262143328850';
const DRAM_MAX = '65712999613';

/** One RAPL zone: real dir under devices/virtual/powercap/<type>/..., flat symlink in class/powercap. */
function raplZone(t, type, path, name, energyUj, maxUj, extra = {}) {
  const parts = path.split(':').slice(1);
  const chain = parts.map((_, i) => `${type}:${parts.slice(0, i + 1).join(':')}`);
  const devDir = `devices/virtual/powercap/${type}/${chain.join('/')}`;
  t.file(`${devDir}/name`, name);
  if (energyUj !== null) t.file(`${devDir}/energy_uj`, energyUj);
  if (maxUj !== null) t.file(`${devDir}/max_energy_range_uj`, maxUj);
  t.file(`${devDir}/enabled`, name.startsWith('package') ? '1' : '0');
  t.file(`${devDir}/constraint_0_name`, 'long_term');
  t.file(`${devDir}/constraint_0_power_limit_uw`, extra.pl1 ?? '0');
  t.file(`${devDir}/constraint_0_time_window_us`, extra.tw1 ?? '976');
  if (name.startsWith('package')) {
    t.file(`${devDir}/constraint_0_max_power_uw`, extra.pl1 ?? '0');
    t.file(`${devDir}/constraint_1_name`, 'short_term');
    t.file(`${devDir}/constraint_1_power_limit_uw`, extra.pl2 ?? '0');
    t.file(`${devDir}/constraint_1_time_window_us`, '3904');
    t.file(`${devDir}/constraint_1_max_power_uw`, '0');
  }
  t.link(`class/powercap/${chain.at(-1)}`, `/${devDir}`);
  return devDir;
}

function controlType(t, type) {
  t.file(`devices/virtual/powercap/${type}/enabled`, '1');
  t.link(`class/powercap/${type}`, `/devices/virtual/powercap/${type}`);
}

function perfPowerPmu(t, cpumask, events) {
  const codes = { 'energy-cores': '0x01', 'energy-pkg': '0x02', 'energy-ram': '0x03', 'energy-gpu': '0x04', 'energy-psys': '0x05' };
  t.file('devices/power/type', '24');
  t.file('devices/power/cpumask', cpumask);
  t.file('devices/power/format/event', 'config:0-7');
  for (const e of events) {
    t.file(`devices/power/events/${e}`, `event=${codes[e]}`);
    t.file(`devices/power/events/${e}.scale`, '2.3283064365386962890625e-10');
    t.file(`devices/power/events/${e}.unit`, 'Joules');
  }
  t.link('bus/event_source/devices/power', '/devices/power');
}

function cpuTopology(t, cpu, socket, core) {
  t.file(`devices/system/cpu/cpu${cpu}/topology/physical_package_id`, socket);
  t.file(`devices/system/cpu/cpu${cpu}/topology/core_id`, core);
}

function cppc(t, cpu, ctrs = 'ref:5000000000 del:14250000000') {
  const d = `devices/system/cpu/cpu${cpu}/acpi_cppc`;
  const v = { highest_perf: 3000, nominal_perf: 3000, guaranteed_perf: 3000, lowest_nonlinear_perf: 1000, lowest_perf: 1000, nominal_freq: 3000, lowest_freq: 1000, reference_perf: 1000, wraparound_time: '18446744073709551615' };
  for (const [k, val] of Object.entries(v)) t.file(`${d}/${k}`, val);
  if (ctrs !== null) t.file(`${d}/feedback_ctrs`, ctrs);
}

/** apm_xgene chip: real dir under the ACPI platform device, class/hwmon symlink, device link. */
function xgene(t, hwmon, acpi, cpuUw, ioUw, labels = true) {
  const dev = `devices/platform/${acpi}`;
  const d = `${dev}/hwmon/${hwmon}`;
  t.file(`${d}/name`, 'apm_xgene');
  t.file(`${d}/temp1_input`, '35000');
  t.file(`${d}/temp1_critical_alarm`, '0');
  t.file(`${d}/power1_input`, cpuUw);
  t.file(`${d}/power2_input`, ioUw);
  if (labels) {
    t.file(`${d}/temp1_label`, 'SoC Temperature');
    t.file(`${d}/power1_label`, 'CPU power');
    t.file(`${d}/power2_label`, 'IO power');
  }
  t.link(`${d}/device`, `/${dev}`);
  t.link(`class/hwmon/${hwmon}`, `/${d}`);
}

function altraHwmon(t, hwmon, acpi, cores, baseUj) {
  const dev = `devices/platform/${acpi}`;
  const d = `${dev}/hwmon/${hwmon}`;
  t.file(`${d}/name`, 'altra_hwmon');
  t.file(`${d}/temp1_label`, 'SoC Temp 000');
  t.file(`${d}/temp1_input`, '52000');
  for (let c = 0; c < cores; c++) {
    t.file(`${d}/energy${c + 1}_label`, `Core Energy ${String(c).padStart(3, '0')}`);
    // 2.79 kJ and 2.69 kJ observed for cores 0 and 1; the rest follow the same style.
    t.file(`${d}/energy${c + 1}_input`, c === 0 ? '2790000000' : c === 1 ? '2690000000' : String(baseUj + c * 1_000_000));
  }
  t.link(`${d}/device`, `/${dev}`);
  t.link(`class/hwmon/${hwmon}`, `/${d}`);
}

function altraCpus(t, sockets, coresPerSocket) {
  const n = sockets * coresPerSocket;
  t.file('devices/system/cpu/online', `0-${n - 1}`);
  t.file('devices/system/cpu/possible', `0-${n - 1}`);
  for (let c = 0; c < n; c++) {
    cpuTopology(t, c, Math.floor(c / coresPerSocket), c % coresPerSocket);
    cppc(t, c);
  }
}

// 1. Two-socket Xeon (Gold 6130 class): package + dram per socket, perf power PMU, cpufreq.
{
  const t = tree('xeon-2s');
  controlType(t, 'intel-rapl');
  raplZone(t, 'intel-rapl', 'intel-rapl:0', 'package-0', '84123569873', PKG_MAX, { pl1: '205000000', pl2: '246000000', tw1: '999424' });
  raplZone(t, 'intel-rapl', 'intel-rapl:0:0', 'dram', '23014599210', DRAM_MAX);
  raplZone(t, 'intel-rapl', 'intel-rapl:1', 'package-1', '79002231120', PKG_MAX, { pl1: '205000000', pl2: '246000000', tw1: '999424' });
  raplZone(t, 'intel-rapl', 'intel-rapl:1:0', 'dram', '21900448711', DRAM_MAX);
  perfPowerPmu(t, '0,16', ['energy-pkg', 'energy-ram']);
  t.file('devices/system/cpu/online', '0-1,16-17');
  const freqs = { 0: 2800000, 1: 2600000, 16: 2100000, 17: 1900000 };
  for (const [cpu, khz] of Object.entries(freqs)) {
    cpuTopology(t, cpu, Number(cpu) < 16 ? 0 : 1, Number(cpu) % 16);
    t.file(`devices/system/cpu/cpu${cpu}/cpufreq/scaling_cur_freq`, khz);
    t.file(`devices/system/cpu/cpu${cpu}/cpufreq/cpuinfo_max_freq`, '3700000');
    t.file(`devices/system/cpu/cpu${cpu}/cpufreq/cpuinfo_min_freq`, '1000000');
  }
}

// 2. Client part: package with core/uncore subzones, psys, and the MMIO duplicate of package-0.
{
  const t = tree('client-rapl');
  controlType(t, 'intel-rapl');
  controlType(t, 'intel-rapl-mmio');
  raplZone(t, 'intel-rapl', 'intel-rapl:0', 'package-0', '31846510332', PKG_MAX, { pl1: '28000000', pl2: '64000000' });
  raplZone(t, 'intel-rapl', 'intel-rapl:0:0', 'core', '12093416711', PKG_MAX);
  raplZone(t, 'intel-rapl', 'intel-rapl:0:1', 'uncore', '1044587213', PKG_MAX);
  raplZone(t, 'intel-rapl', 'intel-rapl:1', 'psys', '70012331004', PKG_MAX);
  raplZone(t, 'intel-rapl-mmio', 'intel-rapl-mmio:0', 'package-0', '31846498120', PKG_MAX, { pl1: '28000000', pl2: '64000000' });
}

// 3. AMD Zen (same intel-rapl control type): package + core.
{
  const t = tree('amd');
  controlType(t, 'intel-rapl');
  raplZone(t, 'intel-rapl', 'intel-rapl:0', 'package-0', '5312765432', PKG_MAX);
  raplZone(t, 'intel-rapl', 'intel-rapl:0:0', 'core', '2712334455', PKG_MAX);
}

// 4. Xeon 6 (Granite Rapids) with TPMI RAPL next to the MSR tree: the same packages twice.
{
  const t = tree('tpmi');
  controlType(t, 'intel-rapl');
  controlType(t, 'intel-rapl-tpmi');
  raplZone(t, 'intel-rapl', 'intel-rapl:0', 'package-0', '120334455667', PKG_MAX);
  raplZone(t, 'intel-rapl', 'intel-rapl:1', 'package-1', '118223344556', PKG_MAX);
  raplZone(t, 'intel-rapl', 'intel-rapl:2', 'psys', '210334455667', PKG_MAX);
  raplZone(t, 'intel-rapl-tpmi', 'intel-rapl-tpmi:0', 'package-0', '120334455001', PKG_MAX);
  raplZone(t, 'intel-rapl-tpmi', 'intel-rapl-tpmi:0:0', 'dram', '30112233445', DRAM_MAX);
  raplZone(t, 'intel-rapl-tpmi', 'intel-rapl-tpmi:1', 'package-1', '118223344002', PKG_MAX);
  raplZone(t, 'intel-rapl-tpmi', 'intel-rapl-tpmi:1:0', 'dram', '29001122334', DRAM_MAX);
}

// 5. Hexadecimal zone index: the eleventh zone is intel-rapl:a (powercap prints indices with %x).
{
  const t = tree('rapl-hex');
  controlType(t, 'intel-rapl');
  raplZone(t, 'intel-rapl', 'intel-rapl:0', 'package-0', '1000000', PKG_MAX);
  raplZone(t, 'intel-rapl', 'intel-rapl:a', 'package-10', '2000000', PKG_MAX);
  raplZone(t, 'intel-rapl', 'intel-rapl:a:b', 'dram', '3000000', DRAM_MAX);
}

// 6. Altra Max M128, one socket: xgene (observed 16.28 W / 31.90 W), 128-core CPPC.
{
  const t = tree('altra-max-1s');
  xgene(t, 'hwmon0', 'APMC0D29:00', '16280000', '31900000');
  altraCpus(t, 1, 128);
}

// 7. Altra Max M128, two sockets: one apm_xgene per socket (socket 1 values observed on an Altra Max).
{
  const t = tree('altra-max-2s');
  xgene(t, 'hwmon2', 'APMC0D29:00', '16280000', '31900000');
  xgene(t, 'hwmon3', 'APMC0D29:01', '9364000', '32452000');
  altraCpus(t, 2, 128);
}

// 8. Altra with Ampere's out-of-tree altra_hwmon next to xgene.
{
  const t = tree('altra-hwmon');
  xgene(t, 'hwmon2', 'APMC0D29:00', '16280000', '31900000');
  altraHwmon(t, 'hwmon4', 'AMPC0005:00', 128, 2_600_000_000);
  t.file('devices/system/cpu/online', '0-127');
}

// 9. Unreadable energy_uj: a directory in its place (zone 0) and a dangling symlink (zone 1); the
// dram zones still work. (Root ignores mode 0000, so permission errors are tested by injection.)
{
  const t = tree('broken-unreadable');
  controlType(t, 'intel-rapl');
  const z0 = raplZone(t, 'intel-rapl', 'intel-rapl:0', 'package-0', null, PKG_MAX);
  t.dir(`${z0}/energy_uj`);
  // git keeps no empty directory: a file inside keeps this one in every clone.
  t.file(`${z0}/energy_uj/.keep`, 'energy_uj is a directory here on purpose (fixture: unreadable energy_uj)\n');
  raplZone(t, 'intel-rapl', 'intel-rapl:0:0', 'dram', '23014599210', DRAM_MAX);
  const z1 = raplZone(t, 'intel-rapl', 'intel-rapl:1', 'package-1', null, PKG_MAX);
  t.link(`${z1}/energy_uj`, 'energy_uj.gone');
  raplZone(t, 'intel-rapl', 'intel-rapl:1:0', 'dram', '21900448711', DRAM_MAX);
}

// 10. Garbage values: text in energy_uj, a negative range, a garbage xgene reading, bad CPPC.
{
  const t = tree('broken-garbage');
  controlType(t, 'intel-rapl');
  raplZone(t, 'intel-rapl', 'intel-rapl:0', 'package-0', 'not-a-number', PKG_MAX);
  raplZone(t, 'intel-rapl', 'intel-rapl:1', 'package-1', '79002231120', '-5');
  xgene(t, 'hwmon0', 'APMC0D29:00', 'garbage', '31900000');
  cppc(t, 0, 'ref:12 delx:5');
  cppc(t, 1, 'ref:5000000000 del:14250000000');
  t.file('devices/system/cpu/cpu1/acpi_cppc/nominal_freq', 'fast');
  cppc(t, 2);
  t.file('devices/system/cpu/online', '0-2');
}

// 11. hwmon without labels: an apm_xgene chip and a generic power chip with no *_label files.
{
  const t = tree('broken-nolabels');
  xgene(t, 'hwmon0', 'APMC0D29:00', '16280000', '31900000', false);
  const d = 'devices/platform/acpi-power-meter/hwmon/hwmon1';
  t.file(`${d}/name`, 'power_meter');
  t.file(`${d}/power1_average`, '112000000');
  t.file(`${d}/power1_input`, '113500000');
  t.link('class/hwmon/hwmon1', `/${d}`);
  const e = 'devices/platform/amd_energy.0/hwmon/hwmon2';
  t.file(`${e}/name`, 'amd_energy');
  t.file(`${e}/energy1_input`, '9123456789');
  t.file(`${e}/energy2_input`, '812345678');
  t.link('class/hwmon/hwmon2', `/${e}`);
}

// 12. A package counter just below its wrap; tests rewrite energy_uj between reads.
{
  const t = tree('broken-wrap');
  controlType(t, 'intel-rapl');
  raplZone(t, 'intel-rapl', 'intel-rapl:0', 'package-0', '262143000000', PKG_MAX);
  raplZone(t, 'intel-rapl', 'intel-rapl:0:0', 'dram', '65712000000', DRAM_MAX);
}

// 13. CPPC counters that never move (firmware reports zeros), and one core without feedback_ctrs.
{
  const t = tree('broken-cppc-frozen');
  t.file('devices/system/cpu/online', '0-3');
  for (let c = 0; c < 3; c++) {
    cpuTopology(t, c, 0, c);
    cppc(t, c, 'ref:0 del:0');
  }
  cpuTopology(t, 3, 0, 3);
  cppc(t, 3, null);
}

console.log('fixtures written under', testdata);
