/**
 * The currency signs round 43's offer-text traits read before an amount (`$`, `£`, `€`; `US$` ends
 * in one), and the digit test they share (docs/classifier.md, round 43).
 *
 * @category constructors
 * @since 0.5.0
 */

/** The signs written before an amount, as characters (for native searches). */
export const CURRENCY_SIGNS = ["$", "\u00a3", "\u20ac"] as const

/** Whether the UTF-16 unit `c` is one of `CURRENCY_SIGNS`. */
export const isCurrencySign = (c: number): boolean => c === 0x24 || c === 0xa3 || c === 0x20ac

/** Whether the UTF-16 unit `c` is an ASCII digit. */
export const isDigit = (c: number): boolean => c >= 48 && c <= 57
