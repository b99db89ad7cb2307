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
  [27, 'E'],
  [24, 'P'],
  [21, 'T'],
  [18, 'G'],
  [15, 'M'],
  [12, 'k'],
  [9, ''],
  [6, 'm'],
  [3, 'u'],
  [0, 'n'],
];

/**
 * The canonical DecimalSI form of a finite number: the largest SI suffix that keeps an integer
 * mantissa. The number is first rounded to the nearest nano-unit from its exact binary value
 * (toFixed), so float noise such as 0.1 + 0.2 prints as "300m", not "300000001n".
 *
 * Works on the decimal digits of the nano count (a multiple of 10^z has z trailing zeros): a
 * response carries a value per pod, and BigInt arithmetic made this the costliest step of a read.
 */
export function formatMetricQuantity(value: number): string {
  if (!Number.isFinite(value)) throw new RangeError(`not a finite number: ${value}`);
  if (Math.abs(value) > MAX_METRIC_VALUE) throw new RangeError(`${value} is beyond ±${MAX_METRIC_VALUE}`);
  const fixed = Math.abs(value).toFixed(9);
  const dot = fixed.indexOf('.');
  const digits = (fixed.slice(0, dot) + fixed.slice(dot + 1)).replace(/^0+/, '');
  if (digits === '') return '0';
  let trailing = 0;
  while (trailing < digits.length && digits.charCodeAt(digits.length - 1 - trailing) === 48) trailing++;
  for (const [zeros, suffix] of SUFFIXES) {
    if (trailing >= zeros) return `${value < 0 ? '-' : ''}${digits.slice(0, digits.length - zeros)}${suffix}`;
  }
  /* c8 ignore next */
  return `${digits}n`;
}
