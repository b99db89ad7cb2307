import { isQualifiedName, isValidLabelValue } from './names.ts';

/**
 * labels.NewRequirement (Kubernetes 1.20): the checks every label selector requirement passes,
 * whether parsed from a query string or converted from a metav1.LabelSelector.
 */

/** selection.Operator, spelled as labels.Requirement.String() needs. */
export type Op = '=' | '==' | '!=' | 'in' | 'notin' | 'exists' | '!' | 'gt' | 'lt';

export interface Requirement {
  readonly key: string;
  readonly op: Op;
  readonly values: readonly string[];
  /** values[0]: the whole value set of =, ==, != and of most in/notin. */
  readonly first: string;
  readonly bound: bigint;
}

const INT64 = /^[+-]?[0-9]+$/;
const INT64_MAX = 9223372036854775807n;

/** strconv.ParseInt(s, 10, 64), undefined where Go returns an error. */
export function parseInt64(s: string): bigint | undefined {
  if (!INT64.test(s)) return undefined;
  const n = BigInt(s);
  return n > INT64_MAX || n < -INT64_MAX - 1n ? undefined : n;
}

export function validateLabelKey(key: string): void {
  const errs = isQualifiedName(key);
  if (errs.length > 0) throw new Error(`invalid label key ${JSON.stringify(key)}: ${errs.join('; ')}`);
}

/** labels.NewRequirement, with its checks in its order. */
export function newRequirement(key: string, op: Op, values: string[]): Requirement {
  validateLabelKey(key);
  let bound = 0n;
  if ((op === 'in' || op === 'notin') && values.length === 0)
    throw new Error("for 'in', 'notin' operators, values set can't be empty");
  if ((op === '=' || op === '==' || op === '!=') && values.length !== 1)
    throw new Error('exact-match compatibility requires one single value');
  if ((op === 'exists' || op === '!') && values.length !== 0)
    throw new Error('values set must be empty for exists and does not exist');
  if (op === 'gt' || op === 'lt') {
    if (values.length !== 1) throw new Error("for 'Gt', 'Lt' operators, exactly one value is required");
    const n = parseInt64(values[0] as string);
    if (n === undefined) throw new Error("for 'Gt', 'Lt' operators, the value must be an integer");
    bound = n;
  }
  for (const v of values) {
    const errs = isValidLabelValue(v);
    if (errs.length > 0)
      throw new Error(`invalid label value: ${JSON.stringify(v)}: at key: ${JSON.stringify(key)}: ${errs.join('; ')}`);
  }
  return { key, op, values, first: values[0] ?? '', bound };
}
