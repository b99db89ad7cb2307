/**
 * Metric values as canonical Kubernetes quantities (resource.Quantity in DecimalSI), the form the
 * custom and external metrics APIs put on the wire: "1500m", "30", "2k", "12500m" for 12.5.
 *
 * src/util/quantity.ts#formatQuantity is close but not canonical below milli-units (it prints
 * "1000000u" for 1.0000001 and "0u" for 1e-9), so values are formatted here from an exact count
 * of nano-units: the finest unit a Quantity keeps.
 */

/** Largest magnitude served: the HPA reads values as int64 milli-units (MilliValue()), which end near 9.22e15. */
export const MAX_METRIC_VALUE = 9e15;

const SUFFIXES: readonly (readonly [number, string])[] = [
  [27, 'E'], [24, 'P'], [21, 'T'], [18, 'G'], [15, 'M'], [12, 'k'], [9, ''], [6, 'm'], [3, 'u'], [0, 'n'],
];

/**
 * The canonical DecimalSI form of a finite number: the largest SI suffix that keeps an integer
 * mantissa. The number is first rounded to the nearest nano-unit from its exact binary value
 * (toFixed), so float noise such as 0.1 + 0.2 prints as "300m", not "300000001n".
 */
export function formatMetricQuantity(value: number): string {
  if (!Number.isFinite(value)) throw new RangeError(`not a finite number: ${value}`);
  if (Math.abs(value) > MAX_METRIC_VALUE) throw new RangeError(`${value} is beyond ±${MAX_METRIC_VALUE}`);
  const nanos = toNanos(value);
  if (nanos === 0n) return '0';
  const negative = nanos < 0n;
  const abs = negative ? -nanos : nanos;
  for (const [zeros, suffix] of SUFFIXES) {
    const f = 10n ** BigInt(zeros);
    if (abs % f === 0n) return `${negative ? '-' : ''}${abs / f}${suffix}`;
  }
  /* c8 ignore next */
  return `${nanos}n`;
}

/** value x 1e9 as an exact integer, rounded half away from zero at the ninth decimal. */
function toNanos(value: number): bigint {
  const fixed = Math.abs(value).toFixed(9);
  const [int = '0', frac = ''] = fixed.split('.');
  const n = BigInt(int) * 1_000_000_000n + BigInt(frac.padEnd(9, '0'));
  return value < 0 ? -n : n;
}
