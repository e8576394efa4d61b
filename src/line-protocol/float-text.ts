/**
 * A float's text, exactly as `String(v)` writes it (except `-0`, written `-0`), several times
 * faster for the values that points and tables are full of: measurements with a few decimal
 * digits. `String(v)` on a double costs about as much as the rest of a line together.
 *
 * Why it is exact: for the smallest k (0..6) where m = round(v·10^k) satisfies m / 10^k === v,
 * the decimal m·10^-k reads back as v (the division of two exact doubles is correctly
 * rounded), and no decimal with fewer digits does (a smaller k failed). With |m| < 2^50 the
 * rounding interval of v is narrower than 10^-k, so m is the only such decimal with k digits,
 * which makes it the shortest round-trip decimal that `Number.prototype.toString` picks, and it
 * prints in plain notation (1e-6 ≤ |v| < 1e21). Anything else goes to `String`.
 */

const POWERS_OF_TEN = [1, 10, 100, 1_000, 10_000, 100_000, 1_000_000]
const MAX_FRACTION_DIGITS = 6
/** Keeps m·10^-k the only k-digit decimal that reads back as v (see above). */
const MAX_SCALED = 2 ** 50
/** Zeros that pad a fraction of k digits whose value has fewer: FRACTION_PADDING[k - length]. */
const FRACTION_PADDING = ['', '0', '00', '000', '0000', '00000']

/** `String(v)` for a finite number (`-0` stays `-0`). */
export function floatText(v: number): string {
  if (v !== 0) {
    for (let k = 0; k <= MAX_FRACTION_DIGITS; k++) {
      const scale = POWERS_OF_TEN[k]
      const m = Math.round(v * scale)
      if (m / scale !== v) continue
      if (m >= MAX_SCALED || m <= -MAX_SCALED) break
      if (k === 0) return '' + m
      // Whole part and fraction as integers (exact below 2^50): printing two small integers
      // measured about twice as fast as printing m and cutting its digits.
      const negative = m < 0
      const magnitude = negative ? -m : m
      const fraction = magnitude % scale
      const fractionDigits = '' + fraction
      const text = (magnitude - fraction) / scale + '.' + FRACTION_PADDING[k - fractionDigits.length] + fractionDigits
      return negative ? '-' + text : text
    }
  }
  // InfluxDB keeps the sign of -0; String(-0) would drop it.
  return v === 0 && 1 / v < 0 ? '-0' : String(v)
}
