/**
 * Go's regexp.Expand, which prometheus-adapter uses for `name.as`: `$1`, `${1}`, `$name`,
 * `${name}`, `$$`. In `$name` the name is the longest run of letters, digits and underscores, so
 * `$1x` refers to a group named "1x" (empty), unlike JavaScript's replace; hence our own expander.
 */
export function expandGoTemplate(template: string, match: RegExpExecArray): string {
  return template.replace(
    /\$(\$|\{([A-Za-z0-9_]+)\}|([A-Za-z0-9_]+))/g,
    (_all, token: string, braced?: string, bare?: string) => {
      if (token === '$') return '$';
      const name = braced ?? bare ?? '';
      if (/^\d+$/.test(name)) return match[Number(name)] ?? '';
      return match.groups?.[name] ?? '';
    },
  );
}
