import { useDeferredValue, useEffect, useMemo, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';
import { highlightLine, parseAnsi, type LinePiece } from '../ansi.ts';
import { useI18n } from '../i18n-context.tsx';

interface Props {
  logs: string | null;
  truncated: boolean;
  error: string | null;
}

/**
 * The captured log: ANSI colours as classes, a search that highlights every match and steps
 * through them, line numbers. Log text is only ever rendered as React text nodes.
 */
export function LogViewer({ logs, truncated, error }: Props): ReactNode {
  const { t } = useI18n();
  const [query, setQuery] = useState('');
  const [current, setCurrent] = useState(0);
  const [wrap, setWrap] = useState(true);
  const deferred = useDeferredValue(query);
  const body = useRef<HTMLDivElement>(null);
  const lines = useMemo(() => (logs ? parseAnsi(logs) : []), [logs]);
  const { rendered, total } = useMemo(() => highlightAll(lines, deferred), [lines, deferred]);
  const active = total === 0 ? -1 : Math.min(current, total - 1);

  useEffect(() => setCurrent(0), [deferred]);
  useEffect(() => {
    if (active < 0) return;
    body.current?.querySelector('mark.current')?.scrollIntoView({ block: 'nearest', inline: 'nearest' });
  }, [active, deferred]);

  const step = (by: number): void => {
    if (total > 0) setCurrent((c) => (Math.min(c, total - 1) + by + total) % total);
  };
  const onKey = (e: KeyboardEvent<HTMLInputElement>): void => {
    if (e.key !== 'Enter') return;
    e.preventDefault();
    step(e.shiftKey ? -1 : 1);
  };

  return (
    <div className="logs">
      {error && (
        <p className="notice notice-error" role="note">
          {t('logs.error', { error })}
        </p>
      )}
      {truncated && (
        <p className="notice notice-warn logs-truncated" role="note">
          {t('logs.truncated')}
        </p>
      )}
      {logs === null || logs === '' ? (
        !error && <p className="status status-empty">{t('logs.empty')}</p>
      ) : (
        <>
          <div className="logs-toolbar">
            <label className="logs-search">
              <span className="visually-hidden">{t('logs.search')}</span>
              <input
                type="search"
                value={query}
                placeholder={t('logs.placeholder')}
                onChange={(e) => setQuery(e.target.value)}
                onKeyDown={onKey}
                aria-label={t('logs.search')}
              />
            </label>
            <span className="logs-count" aria-live="polite">
              {deferred === ''
                ? t('logs.lines', { n: lines.length })
                : total === 0
                  ? t('logs.noMatches')
                  : t('logs.matches', { current: active + 1, total })}
            </span>
            <button
              type="button"
              className="button button-small"
              onClick={() => step(-1)}
              disabled={total === 0}
              aria-label={t('logs.prev')}
              title={t('logs.prev')}
            >
              ↑
            </button>
            <button
              type="button"
              className="button button-small"
              onClick={() => step(1)}
              disabled={total === 0}
              aria-label={t('logs.next')}
              title={t('logs.next')}
            >
              ↓
            </button>
            <label className="logs-wrap">
              <input type="checkbox" checked={wrap} onChange={(e) => setWrap(e.target.checked)} /> {t('logs.wrap')}
            </label>
          </div>
          <div
            ref={body}
            className={wrap ? 'logs-body wrap' : 'logs-body'}
            role="region"
            aria-label={t('logs.region')}
            tabIndex={0}
          >
            {rendered.map((pieces, i) => (
              <div className="log-line" key={i}>
                <span className="log-ln" aria-hidden="true">
                  {i + 1}
                </span>
                <span className="log-text">
                  {pieces.map((p, j) => (
                    <Piece key={j} piece={p} active={active} />
                  ))}
                </span>
              </div>
            ))}
          </div>
        </>
      )}
    </div>
  );
}

function Piece({ piece, active }: { piece: LinePiece; active: number }): ReactNode {
  const style = piece.color || piece.background ? { color: piece.color, backgroundColor: piece.background } : undefined;
  const text =
    piece.match === undefined ? (
      piece.text
    ) : (
      <mark className={piece.match === active ? 'current' : undefined}>{piece.text}</mark>
    );
  if (!piece.className && !style) return text;
  return (
    <span className={piece.className || undefined} style={style}>
      {text}
    </span>
  );
}

function highlightAll(lines: ReturnType<typeof parseAnsi>, query: string): { rendered: LinePiece[][]; total: number } {
  let total = 0;
  const rendered = lines.map((line) => {
    const { pieces, count } = highlightLine(line, query, total);
    total += count;
    return pieces;
  });
  return { rendered, total };
}
