/**
 * The Wilson score interval for a proportion (kpis.md, CSAT): with p = successes / n,
 *   centre = (p + z²/2n) / (1 + z²/n),
 *   half-width = z·√(p(1−p)/n + z²/4n²) / (1 + z²/n).
 * Unlike the normal approximation it stays inside [0, 1] and is sensible for small n.
 * Null when n = 0.
 */
export const WILSON_Z95 = 1.959964;

export function wilsonInterval(successes: number, n: number, z = WILSON_Z95): { low: number; high: number } | null {
  if (!(n > 0)) return null;
  const p = successes / n;
  const z2 = z * z;
  const denominator = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denominator;
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / denominator;
  return { low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}
