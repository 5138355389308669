/** Colours of the report, by GPU type and by series. */
export const GPU_COLORS: Readonly<Record<string, string>> = {
  'h100-sxm': '#4e79a7',
  'h200-sxm': '#f28e2b',
  b200: '#59a14f',
  gb200: '#76b7b2',
};

export const FALLBACK_COLORS = ['#e15759', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'];

export function gpuColor(gpu: string, index: number): string {
  return GPU_COLORS[gpu] ?? FALLBACK_COLORS[index % FALLBACK_COLORS.length] ?? '#888';
}
