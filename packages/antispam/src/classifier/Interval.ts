/**
 * Confidence intervals for the rates an evaluation reports. A rate measured on a few hundred
 * messages (say 1 false positive in 828 ham) says little on its own; the Wilson score interval
 * stays inside [0, 1] and is honest at counts of 0 or 1, where the normal approximation is not.
 *
 * @category models
 * @since 0.2.0
 */

/** Two-sided 95 % normal quantile. */
const Z95 = 1.959964

/** Wilson score interval of `successes` out of `trials` (95 % by default); [0, 1] when trials is 0. */
export const wilson = (successes: number, trials: number, z: number = Z95): readonly [number, number] => {
  if (trials <= 0) return [0, 1]
  const p = successes / trials
  const z2 = z * z
  const centre = (p + z2 / (2 * trials)) / (1 + z2 / trials)
  const half = (z * Math.sqrt((p * (1 - p)) / trials + z2 / (4 * trials * trials))) / (1 + z2 / trials)
  return [Math.max(0, centre - half), Math.min(1, centre + half)]
}
