/**
 * Test helper: the boxes of the text labels of an ECharts SVG (server-side rendered), estimated
 * from each <text>'s position, transform, anchor, baseline and font size, to check that no two
 * labels overlap. Glyph width is taken as 0.62 em (DejaVu Sans, a wide fallback font; Arial averages
 * ~0.5 em), so the test errs towards finding overlaps.
 */
export interface TextBox {
  text: string;
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

const EM_WIDTH = 0.62;

function attr(tag: string, name: string): string | undefined {
  return new RegExp(`\\s${name}="([^"]*)"`).exec(tag)?.[1];
}

function unescape(s: string): string {
  return s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');
}

export function svgTextBoxes(svg: string): TextBox[] {
  const out: TextBox[] = [];
  for (const m of svg.matchAll(/<text([^>]*)>([^<]*)<\/text>/g)) {
    const tag = m[1] ?? '';
    const text = unescape(m[2] ?? '');
    if (text.trim() === '') continue;
    const fs = Number(/font-size:([\d.]+)px/.exec(tag)?.[1] ?? 12);
    const lx = Number(attr(tag, 'x') ?? 0);
    const ly = Number(attr(tag, 'y') ?? 0);
    const w = text.length * fs * EM_WIDTH;
    const anchor = attr(tag, 'text-anchor') ?? 'start';
    const x0 = anchor === 'middle' ? lx - w / 2 : anchor === 'end' ? lx - w : lx;
    const base = attr(tag, 'dominant-baseline') ?? 'alphabetic';
    const y0 = base === 'central' ? ly - fs / 2 : base === 'hanging' ? ly : ly - fs * 0.8;
    // Transform: translate(e f) or matrix(a,b,c,d,e,f).
    const tr = attr(tag, 'transform') ?? '';
    let [a, b, c, d, e, f] = [1, 0, 0, 1, 0, 0];
    const t = /translate\(([-\d.e]+)[ ,]+([-\d.e]+)\)/.exec(tr);
    const mx = /matrix\(([^)]*)\)/.exec(tr);
    if (t) [e, f] = [Number(t[1]), Number(t[2])];
    else if (mx) [a, b, c, d, e, f] = (mx[1] ?? '').split(/[ ,]+/).map(Number) as [number, number, number, number, number, number];
    const corners = [
      [x0, y0],
      [x0 + w, y0],
      [x0, y0 + fs],
      [x0 + w, y0 + fs],
    ].map(([x, y]) => [a * (x ?? 0) + c * (y ?? 0) + e, b * (x ?? 0) + d * (y ?? 0) + f] as const);
    out.push({
      text,
      x0: Math.min(...corners.map((p) => p[0])),
      y0: Math.min(...corners.map((p) => p[1])),
      x1: Math.max(...corners.map((p) => p[0])),
      y1: Math.max(...corners.map((p) => p[1])),
    });
  }
  return out;
}

/** Pairs of labels whose boxes overlap by more than `tolerancePx` in both directions. */
export function overlappingLabels(boxes: readonly TextBox[], tolerancePx = 1): [string, string][] {
  const out: [string, string][] = [];
  for (let i = 0; i < boxes.length; i++) {
    for (let j = i + 1; j < boxes.length; j++) {
      const p = boxes[i]!;
      const q = boxes[j]!;
      const dx = Math.min(p.x1, q.x1) - Math.max(p.x0, q.x0);
      const dy = Math.min(p.y1, q.y1) - Math.max(p.y0, q.y0);
      if (dx > tolerancePx && dy > tolerancePx) out.push([p.text, q.text]);
    }
  }
  return out;
}

/** Labels that stick out of the chart's box. */
export function labelsOutside(boxes: readonly TextBox[], widthPx: number, heightPx: number): string[] {
  return boxes.filter((b) => b.x0 < -1 || b.y0 < -1 || b.x1 > widthPx + 1 || b.y1 > heightPx + 1).map((b) => b.text);
}
