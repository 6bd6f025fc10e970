// A primary meter (the host total) plus finer-grained meters whose domains overlap it (Altra:
// xgene CPU/IO power is the host figure, altra_hwmon per-core energy sits inside CPU power and is
// reported with inHostTotal=false). The monitor sees one meter; a failing secondary never takes
// the primary down.
import { errorMessage } from '@isawatt/common';
import { weakerQuality, type Quality } from '@isawatt/common';
import type { EnergyDomainInfo, EnergyMeter, MeterSample } from './energy-meter.js';

export class CompositeMeter implements EnergyMeter {
  private active: EnergyMeter[];
  private readonly dropped: string[] = [];

  constructor(
    private readonly primary: EnergyMeter,
    private readonly secondaries: readonly EnergyMeter[],
  ) {
    this.active = [...secondaries];
  }

  get kind(): string {
    return this.primary.kind;
  }

  get quality(): Quality {
    return this.active.reduce<Quality>((q, m) => weakerQuality(q, m.quality), this.primary.quality);
  }

  async init(): Promise<void> {
    await this.primary.init();
    this.active = [];
    for (const m of this.secondaries) {
      try {
        await m.init();
        for (const d of m.domains()) {
          if (d.inHostTotal) throw new Error(`domain ${d.domain} claims to count toward the host total, but ${m.kind} is a secondary meter`);
        }
        this.active.push(m);
      } catch (err) {
        this.dropped.push(`${m.kind} dropped: ${errorMessage(err)}`);
      }
    }
  }

  domains(): readonly EnergyDomainInfo[] {
    return [this.primary, ...this.active].flatMap((m) => m.domains());
  }

  notes(): readonly string[] {
    return [...(this.primary.notes?.() ?? []), ...this.active.flatMap((m) => (m.notes?.() ?? []).map((n) => `${m.kind}: ${n}`)), ...this.dropped];
  }

  async sample(nowMs: number): Promise<MeterSample> {
    const main = await this.primary.sample(nowMs);
    const domains = [...main.domains];
    const warnings = [...main.warnings];
    for (const m of this.active) {
      try {
        const s = await m.sample(nowMs);
        domains.push(...s.domains);
        warnings.push(...s.warnings);
      } catch (err) {
        warnings.push(`${m.kind}: sample failed: ${errorMessage(err)}`);
      }
    }
    return { ...main, domains, warnings };
  }

  async close(): Promise<void> {
    for (const m of [this.primary, ...this.secondaries]) await m.close?.();
  }
}
