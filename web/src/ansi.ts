/**
 * ANSI escape codes in captured logs, turned into plain data for React to render as text: SGR
 * colours and attributes become class names (16 colours) or an rgb() colour computed from the
 * numbers (256-colour and true-colour), every other escape or control character is dropped.
 * Nothing from the log ever reaches the DOM as markup.
 */
export interface AnsiSegment {
  text: string;
  /** Space-separated `ansi-*` classes; empty for unstyled text. */
  className: string;
  /** Only for colours outside the 16-colour palette: "rgb(r, g, b)" built from parsed numbers. */
  color?: string;
  background?: string;
}

type Colour = { palette: number } | { rgb: string };

interface SgrState {
  fg?: Colour;
  bg?: Colour;
  bold: boolean;
  dim: boolean;
  italic: boolean;
  underline: boolean;
  inverse: boolean;
  strike: boolean;
}

const PALETTE = ['black', 'red', 'green', 'yellow', 'blue', 'magenta', 'cyan', 'white'];

const reset = (): SgrState => ({
  bold: false,
  dim: false,
  italic: false,
  underline: false,
  inverse: false,
  strike: false,
});

// CSI sequences (SGR when the final byte is "m"), OSC strings, other two-byte escapes, and C0
// controls other than tab and newline.
// eslint-disable-next-line no-control-regex
const TOKEN = /\x1b\[([0-9;:?]*)([@-~])|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[@-Z\\-_]?|[\x00-\x08\x0b-\x1f\x7f]/g;

/** The log as lines of styled segments; the style carries across lines as in a terminal. */
export function parseAnsi(text: string): AnsiSegment[][] {
  const lines: AnsiSegment[][] = [];
  let state = reset();
  const rawLines = text.split('\n');
  if (rawLines.length > 1 && rawLines[rawLines.length - 1] === '') rawLines.pop();
  for (const raw of rawLines) {
    const line: AnsiSegment[] = [];
    let last = 0;
    TOKEN.lastIndex = 0;
    for (let m = TOKEN.exec(raw); m; m = TOKEN.exec(raw)) {
      push(line, raw.slice(last, m.index), state);
      last = m.index + m[0].length;
      if (m[2] === 'm') state = applySgr(state, m[1] ?? '');
    }
    push(line, raw.slice(last), state);
    lines.push(line);
  }
  return lines;
}

function push(line: AnsiSegment[], text: string, s: SgrState): void {
  if (text === '') return;
  const seg = styleOf(s);
  const prev = line[line.length - 1];
  if (prev && prev.className === seg.className && prev.color === seg.color && prev.background === seg.background) {
    prev.text += text;
    return;
  }
  line.push({ text, ...seg });
}

function styleOf(s: SgrState): Omit<AnsiSegment, 'text'> {
  const classes: string[] = [];
  const out: Omit<AnsiSegment, 'text'> = { className: '' };
  const [fg, bg] = s.inverse ? [s.bg, s.fg] : [s.fg, s.bg];
  if (fg && 'palette' in fg) classes.push(`ansi-fg-${paletteName(fg.palette)}`);
  if (fg && 'rgb' in fg) out.color = fg.rgb;
  if (bg && 'palette' in bg) classes.push(`ansi-bg-${paletteName(bg.palette)}`);
  if (bg && 'rgb' in bg) out.background = bg.rgb;
  if (s.inverse) classes.push('ansi-inverse');
  if (s.bold) classes.push('ansi-bold');
  if (s.dim) classes.push('ansi-dim');
  if (s.italic) classes.push('ansi-italic');
  if (s.underline) classes.push('ansi-underline');
  if (s.strike) classes.push('ansi-strike');
  out.className = classes.join(' ');
  return out;
}

function paletteName(i: number): string {
  return i < 8 ? (PALETTE[i] ?? 'white') : `bright-${PALETTE[i - 8] ?? 'white'}`;
}

function applySgr(prev: SgrState, params: string): SgrState {
  const s = { ...prev };
  const codes = params === '' ? [0] : params.split(/[;:]/).map((p) => (p === '' ? 0 : Number(p)));
  for (let i = 0; i < codes.length; i++) {
    const c = codes[i] ?? 0;
    if (c === 38 || c === 48) {
      const { colour, used } = extendedColour(codes, i + 1);
      if (colour) s[c === 38 ? 'fg' : 'bg'] = colour;
      i += used;
      continue;
    }
    applyCode(s, c);
  }
  return s;
}

function applyCode(s: SgrState, c: number): void {
  if (c === 0) Object.assign(s, reset(), { fg: undefined, bg: undefined });
  else if (c === 1) s.bold = true;
  else if (c === 2) s.dim = true;
  else if (c === 3) s.italic = true;
  else if (c === 4) s.underline = true;
  else if (c === 7) s.inverse = true;
  else if (c === 9) s.strike = true;
  else if (c === 22) s.bold = s.dim = false;
  else if (c === 23) s.italic = false;
  else if (c === 24) s.underline = false;
  else if (c === 27) s.inverse = false;
  else if (c === 29) s.strike = false;
  else if (c >= 30 && c <= 37) s.fg = { palette: c - 30 };
  else if (c === 39) s.fg = undefined;
  else if (c >= 40 && c <= 47) s.bg = { palette: c - 40 };
  else if (c === 49) s.bg = undefined;
  else if (c >= 90 && c <= 97) s.fg = { palette: c - 90 + 8 };
  else if (c >= 100 && c <= 107) s.bg = { palette: c - 100 + 8 };
}

/** `5;n` (256 colours) or `2;r;g;b` (true colour) after a 38/48; `used` = codes consumed. */
function extendedColour(codes: number[], at: number): { colour?: Colour; used: number } {
  const mode = codes[at];
  if (mode === 5) {
    const n = codes[at + 1];
    if (n === undefined || !(n >= 0 && n <= 255)) return { used: 2 };
    return { colour: n < 16 ? { palette: n } : { rgb: xterm256(n) }, used: 2 };
  }
  if (mode === 2) {
    const [r, g, b] = [codes[at + 1], codes[at + 2], codes[at + 3]].map((v) => clampByte(v ?? 0));
    return { colour: { rgb: `rgb(${r}, ${g}, ${b})` }, used: 4 };
  }
  return { used: 0 };
}

function clampByte(v: number): number {
  return Number.isFinite(v) ? Math.min(255, Math.max(0, Math.round(v))) : 0;
}

function xterm256(n: number): string {
  if (n >= 232) {
    const v = 8 + (n - 232) * 10;
    return `rgb(${v}, ${v}, ${v})`;
  }
  const i = n - 16;
  const level = (x: number): number => (x === 0 ? 0 : 55 + x * 40);
  return `rgb(${level(Math.floor(i / 36))}, ${level(Math.floor(i / 6) % 6)}, ${level(i % 6)})`;
}

/** A piece of a line: a segment, split where a search match starts or ends. */
export interface LinePiece extends AnsiSegment {
  /** The match's index over the whole log, when this piece is (part of) a match. */
  match?: number;
}

/**
 * Splits a line's segments at the matches of `query` (case-insensitive, across colour changes).
 * `firstMatch` is the number of matches on earlier lines; returns the pieces and this line's count.
 */
export function highlightLine(
  line: AnsiSegment[],
  query: string,
  firstMatch: number,
): { pieces: LinePiece[]; count: number } {
  if (query === '') return { pieces: line, count: 0 };
  const plain = line.map((s) => s.text).join('');
  const ranges = findAll(plain, query);
  if (ranges.length === 0) return { pieces: line, count: 0 };
  const pieces: LinePiece[] = [];
  let offset = 0;
  for (const seg of line) {
    const end = offset + seg.text.length;
    let pos = offset;
    for (let r = 0; r < ranges.length && pos < end; r++) {
      const [from, to] = ranges[r] as [number, number];
      if (to <= pos || from >= end) continue;
      if (from > pos) pieces.push({ ...seg, text: plain.slice(pos, from) });
      const stop = Math.min(to, end);
      pieces.push({ ...seg, text: plain.slice(Math.max(from, pos), stop), match: firstMatch + r });
      pos = stop;
    }
    if (pos < end) pieces.push({ ...seg, text: plain.slice(pos, end) });
    offset = end;
  }
  return { pieces, count: ranges.length };
}

/** Non-overlapping [from, to) ranges of `query` in `text`, ignoring case where that keeps offsets. */
export function findAll(text: string, query: string): Array<[number, number]> {
  const lower = text.toLowerCase();
  const q = query.toLowerCase();
  const [hay, needle] = lower.length === text.length && q.length === query.length ? [lower, q] : [text, query];
  const out: Array<[number, number]> = [];
  for (let i = hay.indexOf(needle); i !== -1 && needle !== ''; i = hay.indexOf(needle, i + needle.length)) {
    out.push([i, i + needle.length]);
  }
  return out;
}
