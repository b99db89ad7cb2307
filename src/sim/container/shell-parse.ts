/**
 * A small POSIX-sh subset for `sh -c`: sequences (;), && and ||, pipes, quotes, $VAR expansion
 * and the fd redirections scripts use (>&2, 2>&1, >/dev/null, 2>/dev/null).
 */
export interface SimpleCommand {
  argv: string[];
  /** Where stdout (1) and stderr (2) go: 1, 2 or null (discarded). */
  stdoutTo: 1 | 2 | null;
  stderrTo: 1 | 2 | null;
}

export interface Pipeline {
  commands: SimpleCommand[];
}

export interface Script {
  /** Pipelines with the operator that links each to the previous one. */
  steps: { op: ';' | '&&' | '||'; pipeline: Pipeline }[];
}

type Tok = { kind: 'word'; text: string } | { kind: 'op'; text: string };

export class ShellSyntaxError extends Error {}

function tokenize(src: string, env: Record<string, string>): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  const expandVar = (): string => {
    // src[i] is '$'
    i++;
    if (src[i] === '{') {
      const end = src.indexOf('}', i);
      if (end < 0) throw new ShellSyntaxError('bad substitution');
      const name = src.slice(i + 1, end);
      i = end + 1;
      return env[name] ?? '';
    }
    const m = /^(\?|[A-Za-z_][A-Za-z0-9_]*)/.exec(src.slice(i));
    if (!m) return '$';
    i += (m[1] as string).length;
    return env[m[1] as string] ?? '';
  };
  while (i < src.length) {
    const c = src[i] as string;
    if (c === ' ' || c === '\t') {
      i++;
      continue;
    }
    if (c === '\n' || c === ';') {
      out.push({ kind: 'op', text: ';' });
      i++;
      continue;
    }
    if (c === '#') {
      while (i < src.length && src[i] !== '\n') i++;
      continue;
    }
    const two = src.slice(i, i + 2);
    if (two === '&&' || two === '||') {
      out.push({ kind: 'op', text: two });
      i += 2;
      continue;
    }
    if (c === '|') {
      out.push({ kind: 'op', text: '|' });
      i++;
      continue;
    }
    const redirect = /^(2>&1|1>&2|>&2|2>\/dev\/null|1?>\/dev\/null)/.exec(src.slice(i));
    if (redirect) {
      out.push({ kind: 'op', text: redirect[1] as string });
      i += (redirect[1] as string).length;
      continue;
    }
    let word = '';
    let quotedAny = false;
    while (i < src.length && !' \t\n;|&'.includes(src[i] as string)) {
      const ch = src[i] as string;
      if (ch === "'") {
        const end = src.indexOf("'", i + 1);
        if (end < 0) throw new ShellSyntaxError('unterminated quoted string');
        word += src.slice(i + 1, end);
        i = end + 1;
        quotedAny = true;
      } else if (ch === '"') {
        i++;
        quotedAny = true;
        while (i < src.length && src[i] !== '"') {
          if (src[i] === '\\' && i + 1 < src.length && '"\\$`'.includes(src[i + 1] as string)) {
            word += src[i + 1];
            i += 2;
          } else if (src[i] === '$') word += expandVar();
          else word += src[i++];
        }
        if (src[i] !== '"') throw new ShellSyntaxError('unterminated quoted string');
        i++;
      } else if (ch === '\\' && i + 1 < src.length) {
        word += src[i + 1];
        i += 2;
      } else if (ch === '$') {
        word += expandVar();
      } else if (ch === '>' || ch === '<') {
        throw new ShellSyntaxError(`unsupported redirection near '${src.slice(i, i + 10)}'`);
      } else {
        word += ch;
        i++;
      }
    }
    if (word !== '' || quotedAny) out.push({ kind: 'word', text: word });
    else if (i < src.length && src[i] === '&') throw new ShellSyntaxError("syntax error: unexpected '&'");
  }
  return out;
}

export function parseScript(src: string, env: Record<string, string>): Script {
  const toks = tokenize(src, env);
  const steps: Script['steps'] = [];
  let op: ';' | '&&' | '||' = ';';
  let commands: SimpleCommand[] = [];
  let cur: SimpleCommand = { argv: [], stdoutTo: 1, stderrTo: 2 };
  const endCommand = (): void => {
    if (cur.argv.length === 0) throw new ShellSyntaxError('syntax error: unexpected operator');
    commands.push(cur);
    cur = { argv: [], stdoutTo: 1, stderrTo: 2 };
  };
  const endPipeline = (): void => {
    endCommand();
    steps.push({ op, pipeline: { commands } });
    commands = [];
  };
  for (const t of toks) {
    if (t.kind === 'word') {
      cur.argv.push(t.text);
      continue;
    }
    switch (t.text) {
      case '>&2':
      case '1>&2':
        cur.stdoutTo = 2;
        break;
      case '2>&1':
        cur.stderrTo = 1;
        break;
      case '>/dev/null':
      case '1>/dev/null':
        cur.stdoutTo = null;
        break;
      case '2>/dev/null':
        cur.stderrTo = null;
        break;
      case '|':
        endCommand();
        break;
      case ';':
        if (cur.argv.length === 0 && commands.length === 0) break;
        endPipeline();
        op = ';';
        break;
      default:
        endPipeline();
        op = t.text as '&&' | '||';
    }
  }
  if (cur.argv.length > 0 || commands.length > 0) endPipeline();
  else if (op !== ';') throw new ShellSyntaxError('syntax error: unexpected end of file');
  return { steps };
}
