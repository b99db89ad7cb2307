import { describe, expect, it } from 'vitest';
import { findAll, highlightLine, parseAnsi } from '../../web/src/ansi.ts';

describe('ANSI parsing for the log viewer', () => {
  it('turns SGR codes into classes and carries the style across lines', () => {
    const lines = parseAnsi('\u001b[1;31mERR\u001b[22m still red\nred too\u001b[0m plain\n');
    expect(lines).toEqual([
      [
        { text: 'ERR', className: 'ansi-fg-red ansi-bold' },
        { text: ' still red', className: 'ansi-fg-red' },
      ],
      [
        { text: 'red too', className: 'ansi-fg-red' },
        { text: ' plain', className: '' },
      ],
    ]);
  });

  it('maps bright, background, 256-colour and true-colour codes; rgb only from parsed numbers', () => {
    const [line] = parseAnsi('\u001b[92;44ma\u001b[0m\u001b[38;5;196mb\u001b[48;2;1;2;300mc\u001b[38;5;3md');
    expect(line).toEqual([
      { text: 'a', className: 'ansi-fg-bright-green ansi-bg-blue' },
      { text: 'b', className: '', color: 'rgb(255, 0, 0)' },
      { text: 'c', className: '', color: 'rgb(255, 0, 0)', background: 'rgb(1, 2, 255)' },
      { text: 'd', className: 'ansi-fg-yellow', background: 'rgb(1, 2, 255)' },
    ]);
  });

  it('drops other escapes and control characters, keeps markup-like text as text', () => {
    const lines = parseAnsi('\u001b[2K\u001b]0;title\u0007<b>x</b>\r\u001b[?25l\u0007\tend\u001b');
    expect(lines).toEqual([[{ text: '<b>x</b>\tend', className: '' }]]);
  });

  it('highlights matches case-insensitively, across colour changes, numbering them over the log', () => {
    const [line] = parseAnsi('\u001b[31mERROR\u001b[0m upstream error');
    const { pieces, count } = highlightLine(line ?? [], 'error', 5);
    expect(count).toBe(2);
    expect(pieces).toEqual([
      { text: 'ERROR', className: 'ansi-fg-red', match: 5 },
      { text: ' upstream ', className: '' },
      { text: 'error', className: '', match: 6 },
    ]);
    const across = highlightLine(line ?? [], 'r up', 0);
    expect(across.pieces.filter((p) => p.match === 0).map((p) => p.text)).toEqual(['R', ' up']);
    expect(findAll('aaaa', 'aa')).toEqual([
      [0, 2],
      [2, 4],
    ]);
    expect(findAll('abc', '')).toEqual([]);
  });
});
