import type { FieldError } from '../../../kube/apimachinery/errors.ts';
import {
  isEverything,
  matchesLabels,
  tryLabelSelectorFromObject,
  type LabelSelector,
  type LabelSelectorObject,
} from '../selectors.ts';
import { arr, eachInvalid, forbidden, invalid, obj, required, semanticEqual, str } from './field.ts';
import { goLabelSelector, goStringMap } from './go-format.ts';
import { isQualifiedName } from '../../../kube/apimachinery/names.ts';
import { validateLabels } from './object-meta.ts';

/** Label selectors in specs: metav1validation.ValidateLabelSelector and the template match check. */

/** ValidateLabelSelector (a nil selector has nothing to check). */
export function validateLabelSelector(sel: unknown, path: string): FieldError[] {
  if (sel === undefined || sel === null) return [];
  const s = obj(sel);
  const errs = validateLabels(s['matchLabels'], `${path}.matchLabels`);
  arr(s['matchExpressions']).forEach((item, i) => {
    const e = obj(item);
    const f = `${path}.matchExpressions[${i}]`;
    const op = str(e['operator']);
    const values = arr(e['values']);
    if (op === 'In' || op === 'NotIn') {
      if (values.length === 0)
        errs.push(required(`${f}.values`, "must be specified when `operator` is 'In' or 'NotIn'"));
    } else if (op === 'Exists' || op === 'DoesNotExist') {
      if (values.length > 0)
        errs.push(forbidden(`${f}.values`, "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
    } else {
      errs.push(invalid(`${f}.operator`, op, 'not a valid selector operator'));
    }
    errs.push(...eachInvalid(`${f}.key`, str(e['key']), isQualifiedName(str(e['key']))));
  });
  return errs;
}

export const isNilSelector = (sel: unknown): boolean => sel === undefined || sel === null;

/** A non-nil selector with no matchLabels and no matchExpressions. */
export function isEmptySelector(sel: unknown): boolean {
  const s = obj(sel);
  return !isNilSelector(sel) && Object.keys(obj(s['matchLabels'])).length + arr(s['matchExpressions']).length === 0;
}

/** metav1.LabelSelectorAsSelector: the selector, or undefined where Go returns an error. */
export function selectorOf(sel: unknown): LabelSelector | undefined {
  const res = tryLabelSelectorFromObject(isNilSelector(sel) ? undefined : (obj(sel) as LabelSelectorObject));
  return res instanceof Error ? undefined : res;
}

/** The template-labels check; a nil selector is labels.Nothing(), which is not Empty() and matches nothing. */
export function templateMismatch(selector: LabelSelector, template: unknown, templatePath: string): FieldError[] {
  const labels = obj(template)['metadata'];
  const templateLabels = obj(labels)['labels'];
  if (isEverything(selector) || matchesLabels(selector, obj(templateLabels) as Record<string, string>)) return [];
  return [
    invalid(
      `${templatePath}.metadata.labels`,
      goStringMap(templateLabels),
      '`selector` does not match template `labels`',
    ),
  ];
}

/** ValidateImmutableField on spec.selector (apps/v1 and batch/v1). */
export function selectorImmutable(next: unknown, old: unknown, path = 'spec.selector'): FieldError[] {
  const nilNext = isNilSelector(next);
  if (nilNext !== isNilSelector(old) || !semanticEqual(next, old))
    return [invalid(path, goLabelSelector(next), 'field is immutable')];
  return [];
}
