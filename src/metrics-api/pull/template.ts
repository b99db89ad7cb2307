/**
 * prometheus-adapter's templates are Go text/templates with `<<` `>>` delimiters. Real adapter
 * configs use field references only (<<.Series>>, <<.LabelMatchers>>, <<.GroupBy>>, <<.Resource>>
 * ...), so that is what is supported; anything else (range, if, pipelines) is refused when the
 * rule is loaded, with the rule and field named, rather than rendered wrongly at query time.
 */

const ACTION = /<<-?\s*(.*?)\s*-?>>/g;
const FIELD = /^\.([A-Za-z][A-Za-z0-9]*)$/;

export class TemplateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TemplateError';
  }
}

export interface CompiledTemplate {
  readonly source: string;
  readonly fields: ReadonlySet<string>;
  render(values: Readonly<Record<string, string>>): string;
}

/** Compiles a template; `allowed` lists the field names the context provides. */
export function compileTemplate(source: string, allowed: readonly string[]): CompiledTemplate {
  const parts: (string | { field: string })[] = [];
  const fields = new Set<string>();
  let last = 0;
  for (const m of source.matchAll(ACTION)) {
    const action = m[1] ?? '';
    const f = FIELD.exec(action);
    if (!f || !f[1])
      throw new TemplateError(
        `unsupported template action <<${action}>>: only field references such as ${allowed.map((a) => `<<.${a}>>`).join(', ')} are supported`,
      );
    if (!allowed.includes(f[1]))
      throw new TemplateError(
        `unknown template field .${f[1]}: this template can use ${allowed.map((a) => `.${a}`).join(', ')}`,
      );
    parts.push(source.slice(last, m.index), { field: f[1] });
    fields.add(f[1]);
    last = (m.index ?? 0) + m[0].length;
  }
  parts.push(source.slice(last));
  if (/<<|>>/.test(parts.filter((p): p is string => typeof p === 'string').join('')))
    throw new TemplateError('unbalanced << >> in the template');
  return {
    source,
    fields,
    render(values) {
      return parts.map((p) => (typeof p === 'string' ? p : (values[p.field] ?? ''))).join('');
    },
  };
}
