/**
 * Split `total` integer units among claimants in proportion to their integer `claims`, never
 * giving anyone more than they claim, with the rounding remainder handed out by largest
 * fractional share (ties: earlier claimant first). If the claims fit, everyone gets their claim.
 * The result sums to `min(total, sum(claims))`.
 */
export function splitProRata(total: number, claims: readonly number[]): number[] {
  const claimed = claims.reduce((sum, c) => sum + c, 0);
  if (total >= claimed) return [...claims];
  if (total <= 0 || claimed === 0) return claims.map(() => 0);
  const shares = claims.map((c) => Math.floor((total * c) / claimed));
  let left = total - shares.reduce((sum, s) => sum + s, 0);
  if (left > 0) {
    const byFraction = claims
      .map((c, i) => ({ i, fraction: (total * c) / claimed - (shares[i] ?? 0) }))
      .filter(({ i, fraction }) => fraction > 0 && (shares[i] ?? 0) < (claims[i] ?? 0))
      .sort((a, b) => b.fraction - a.fraction || a.i - b.i);
    for (const { i } of byFraction) {
      if (left === 0) break;
      shares[i] = (shares[i] ?? 0) + 1;
      left -= 1;
    }
  }
  return shares;
}
