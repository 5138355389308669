import { closest } from './read.js';

/**
 * "Did you mean" for catalog ids: the ids that start with what was typed, or whose dash-separated
 * head it is (`h100` → "h100-sxm" or "h100-pcie"), before the closest by edit distance (`b20` → "b200").
 * Returns the quoted suggestion(s), e.g. `"h100-sxm"` or `"h100-sxm" or "h100-pcie"`, or undefined.
 */
export function suggestId(word: string, ids: readonly string[]): string | undefined {
  const w = word.trim().toLowerCase();
  if (w.length >= 2) {
    const heads = ids.filter((id) => id.toLowerCase().startsWith(w) || id.toLowerCase().split(/[-_]/).slice(0, -1).join('-') === w);
    const byHead = heads.length > 0 ? heads : ids.filter((id) => id.toLowerCase().replace(/[-_]/g, '').startsWith(w.replace(/[-_ ]/g, '')));
    if (byHead.length > 0 && byHead.length <= 3) return byHead.map((id) => JSON.stringify(id)).join(' or ');
  }
  const guess = closest(word, ids);
  return guess !== undefined ? JSON.stringify(guess) : undefined;
}
