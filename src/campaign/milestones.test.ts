import { describe, expect, it } from 'vitest';
import type { BuildoutDay, BuildoutResult } from '../buildout/buildout-result.js';
import { campaignMilestones } from './milestones.js';

// A hand-built site: H100 first, then H200; 199,999 GPUs online on day 5 and 200,000 on day 6.
function day(d: number, h100: number, h200: number, delivered: Record<string, number>): BuildoutDay {
  return {
    day: d,
    gpusDelivered: delivered,
    gpusInstalled: { H100: h100, H200: h200 },
    gpusReady: { H100: h100, H200: h200 },
    gpusOnline: { H100: h100, H200: h200 },
    gpusOnlineTotal: h100 + h200,
    racksInstalled: 0,
    arraysNetworked: 0,
    powerLimitMw: null,
    powerUsedMw: 0,
  };
}

const delivered = { H100: 150_000, H200: 50_000 };
const mixed: BuildoutResult = {
  gpuTypes: ['H100', 'H200'],
  days: [
    day(0, 0, 0, { H100: 10, H200: 0 }),
    day(1, 10, 0, { H100: 60_000, H200: 0 }),
    day(2, 49_999, 0, { H100: 150_000, H200: 0 }),
    day(3, 50_000, 0, delivered),
    day(4, 100_000, 0, delivered),
    day(5, 149_999, 50_000, delivered),
    day(6, 150_000, 50_000, delivered),
  ],
  milestones: { firstDeliveryDay: 0, firstRackInstalledDay: 1, firstGpusOnlineDay: 1, allDeliveredOnlineDay: 6 },
};

describe('campaignMilestones', () => {
  it('lists every milestone of a mixed fleet, in day order, with its exact label', () => {
    const m = campaignMilestones(mixed, { startDay: 3.5, doneDay: 9 });
    expect(m).toEqual([
      { kind: 'first-delivery', label: 'first GPUs delivered', day: 0 },
      { kind: 'first-rack', label: 'first rack installed', day: 1 },
      { kind: 'first-online', label: 'first GPUs online', day: 1 },
      { kind: 'online-H100-50000', label: '50,000 H100 online', day: 3 },
      { kind: 'training-start', label: 'training starts', day: 3.5 },
      { kind: 'online-H100-100000', label: '100,000 H100 online', day: 4 },
      { kind: 'online-total-100000', label: '100,000 GPUs online', day: 4 },
      { kind: 'online-H200-50000', label: '50,000 H200 online', day: 5 },
      { kind: 'online-H100-150000', label: '150,000 H100 online', day: 6 },
      { kind: 'online-total-200000', label: '200,000 GPUs online', day: 6 },
      { kind: 'all-online', label: 'all 200,000 delivered GPUs online', day: 6 },
      { kind: 'model-done', label: 'model trained on its token budget', day: 9 },
    ]);
  });

  it('is sorted by day, stably', () => {
    const m = campaignMilestones(mixed, { startDay: 3.5, doneDay: 9 });
    for (let i = 1; i < m.length; i++) expect(m[i]!.day).toBeGreaterThanOrEqual(m[i - 1]!.day);
    expect(m.map((x) => x.kind).slice(0, 3)).toEqual(['first-delivery', 'first-rack', 'first-online']);
  });

  it('leaves out milestones that never happen, and totals for a single GPU type', () => {
    const one: BuildoutResult = {
      gpuTypes: ['H100'],
      days: [day(0, 0, 0, { H100: 0 }), day(1, 99_999, 0, { H100: 120_000 })].map((d) => ({ ...d, gpusOnline: { H100: d.gpusOnline['H100']! } })),
      milestones: { firstDeliveryDay: null, firstRackInstalledDay: 1, firstGpusOnlineDay: null, allDeliveredOnlineDay: null },
    };
    const m = campaignMilestones(one, { startDay: null, doneDay: null });
    expect(m.map((x) => x.kind)).toEqual(['first-rack', 'online-H100-50000']);
    expect(m[1]).toEqual({ kind: 'online-H100-50000', label: '50,000 H100 online', day: 1 });
  });

  it('counts the delivered GPUs of the last day for the all-online label, and 0 with no days', () => {
    const empty: BuildoutResult = { gpuTypes: ['H100'], days: [], milestones: { firstDeliveryDay: null, firstRackInstalledDay: null, firstGpusOnlineDay: null, allDeliveredOnlineDay: 0 } };
    expect(campaignMilestones(empty, { startDay: null, doneDay: null })).toEqual([{ kind: 'all-online', label: 'all 0 delivered GPUs online', day: 0 }]);
  });

  it('dates every milestone from the start date, fractions of a day dropped', () => {
    const m = campaignMilestones(mixed, { startDay: 3.5, doneDay: 9 }, '2024-05-30');
    expect(m.find((x) => x.kind === 'first-delivery')?.date).toBe('2024-05-30');
    expect(m.find((x) => x.kind === 'training-start')?.date).toBe('2024-06-02');
    expect(m.find((x) => x.kind === 'model-done')?.date).toBe('2024-06-08');
    expect(campaignMilestones(mixed, { startDay: 3.5, doneDay: 9 }).every((x) => x.date === undefined)).toBe(true);
  });
});
