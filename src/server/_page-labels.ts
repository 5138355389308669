import type { Page } from 'playwright-core';

/**
 * Test helper: in the page (the browser's own text metrics), for every chart matched by `selector`,
 * the pairs of SVG labels whose boxes overlap by more than a pixel, and the largest number on the
 * chart's bottom row of labels (the last x tick).
 */
export async function chartLabels(page: Page, selector: string): Promise<{ chart: string; overlaps: string[]; maxXTick: number }[]> {
  return page.evaluate((sel) => {
    // Runs in the page; typed here without the DOM library (the tests' tsconfig has none).
    interface Rect { left: number; right: number; top: number; bottom: number; height: number }
    interface El { id: string; textContent: string | null; getBoundingClientRect(): Rect; querySelectorAll(s: string): ArrayLike<El>; querySelector(s: string): El | null; closest(s: string): El | null }
    const doc = (globalThis as unknown as { document: { querySelectorAll(s: string): ArrayLike<El> } }).document;
    return Array.from(doc.querySelectorAll(sel)).map((chart, k) => {
      const boxes = Array.from(chart.querySelectorAll('svg text'))
        .filter((t) => (t.textContent ?? '').trim() !== '')
        .map((t) => ({ text: t.textContent ?? '', r: t.getBoundingClientRect() }));
      const overlaps: string[] = [];
      for (let i = 0; i < boxes.length; i++)
        for (let j = i + 1; j < boxes.length; j++) {
          const [p, q] = [boxes[i]!, boxes[j]!];
          const dx = Math.min(p.r.right, q.r.right) - Math.max(p.r.left, q.r.left);
          const dy = Math.min(p.r.bottom, q.r.bottom) - Math.max(p.r.top, q.r.top);
          if (dx > 1 && dy > 1) overlaps.push(`${p.text} / ${q.text}`);
        }
      const svg = chart.querySelector('svg')?.getBoundingClientRect();
      const ticks = svg ? boxes.filter((x) => /^\d+$/.test(x.text) && x.r.top > svg.top + svg.height * 0.7).map((x) => Number(x.text)) : [];
      const name = chart.id || `${chart.closest('[data-run]')?.id ?? ''} chart ${k}`;
      return { chart: name, overlaps, maxXTick: ticks.length ? Math.max(...ticks) : NaN };
    });
  }, selector);
}
