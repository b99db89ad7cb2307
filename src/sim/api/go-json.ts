/**
 * Go's encoding/json syntax errors, recovered from JSON.parse's message and position, so a
 * malformed body gets the words kube-apiserver would use.
 */
function goQuoteRune(c: string): string {
  if (c === "'") return "'\\''";
  const code = c.codePointAt(0) ?? 0;
  if (code >= 0x20 && code < 0x7f) return `'${c}'`;
  return `'\\u${code.toString(16).padStart(4, '0')}'`;
}

const RULES: [RegExp, string][] = [
  [/^Expected property name/, 'looking for beginning of object key string'],
  [/^Expected ',' or '}'/, 'after object key:value pair'],
  [/^Expected ':'/, 'after object key'],
  [/^Expected ',' or ']'/, 'after array element'],
  [/^Unexpected non-whitespace character after JSON/, 'after top-level value'],
  [/^Bad control character/, 'in string literal'],
];

export function goJsonError(text: string, err: Error): string {
  const msg = err.message;
  if (/Unexpected end of JSON input|Unterminated string/.test(msg) || text.trim() === '')
    return 'unexpected end of JSON input';
  const pos = /position (\d+)/.exec(msg);
  let at = pos ? Number(pos[1]) : -1;
  if (at < 0) {
    // "Unexpected token 'x', ..." carries no position: take the first character JSON cannot start with.
    const quoted = /Unexpected token '(.)'/u.exec(msg);
    at = quoted?.[1] !== undefined ? text.indexOf(quoted[1]) : 0;
  }
  const ch = text[at] ?? '';
  if (ch === '') return 'unexpected end of JSON input';
  const rule = RULES.find(([re]) => re.test(msg));
  return `invalid character ${goQuoteRune(ch)} ${rule ? rule[1] : 'looking for beginning of value'}`;
}
