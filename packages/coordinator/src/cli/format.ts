// Text formatting shared by the CLI commands: quality labels (every figure says whether it is
// measured, modelled, estimated or emulated), watts, percentages and ages.
import type { wire } from '@isawatt/common';
import { msToS } from '@isawatt/common';

const QUALITY: Record<string, string> = {
  QUALITY_MEASURED: 'measured',
  QUALITY_MODELLED: 'modelled',
  QUALITY_ESTIMATED: 'estimated',
  QUALITY_EMULATED: 'emulated',
};

export function qualityLabel(q: string): string {
  return QUALITY[q] ?? 'unknown';
}

export function archLabel(a: string): string {
  return a === 'ARCH_X86_64' ? 'x86_64' : a === 'ARCH_AARCH64' ? 'aarch64' : '?';
}

export function stateLabel(s: string): string {
  return s === 'HOST_STATE_UP' ? 'up' : s === 'HOST_STATE_DOWN' ? 'down' : '?';
}

export function watts(w: number): string {
  return w >= 100 ? w.toFixed(0) : w >= 10 ? w.toFixed(1) : w.toFixed(2);
}

export function percent(fraction: number): string {
  return `${(fraction * 100).toFixed(1)}%`;
}

export function ago(ms: number, nowMs: number): string {
  if (ms <= 0) return 'never';
  const s = Math.max(0, Math.round(msToS(nowMs - ms)));
  if (s < 120) return `${s}s ago`;
  if (s < 7200) return `${Math.round(s / 60)}m ago`;
  return `${Math.round(s / 3600)}h ago`;
}

/** Host power with its quality, e.g. "83.2 W (measured, rapl)"; "-" before the first report. */
export function hostPower(h: wire.Host__Output): string {
  const r = h.last_report;
  if (!h.has_last_report || !r) return '-';
  return `${watts(r.host_power_w)} W (${qualityLabel(r.host_quality)}${r.energy_source ? `, ${r.energy_source}` : ''})`;
}

/** PDU wall power and its difference to the agent's host figure, in % of the PDU reading. */
export function pduColumns(h: wire.Host__Output): [string, string] {
  if (!h.has_pdu_power) return ['-', '-'];
  const pdu = `${watts(h.pdu_power_w)} W`;
  const r = h.last_report;
  if (!h.has_last_report || !r || h.pdu_power_w <= 0) return [pdu, '-'];
  const diff = ((r.host_power_w - h.pdu_power_w) / h.pdu_power_w) * 100;
  return [pdu, `${diff >= 0 ? '+' : ''}${diff.toFixed(1)}%`];
}

/** JSON with one value per line for --json output. */
export function json(value: unknown): string {
  return JSON.stringify(value, null, 2) + '\n';
}
