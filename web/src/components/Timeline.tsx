import { useEffect, useRef, useState, type ReactNode, type RefObject } from 'react';
import { useI18n } from '../i18n-context.tsx';

const H = 160;
const PAD = { top: 12, right: 8, bottom: 24, left: 32 };

/** The element's width in CSS pixels, following resizes, so the chart draws at 1:1 and its text stays legible. */
function useWidth(fallback: number): [RefObject<HTMLDivElement | null>, number] {
  const ref = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(fallback);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const observer = new ResizeObserver(([entry]) => {
      if (entry) setWidth(Math.max(240, Math.floor(entry.contentRect.width)));
    });
    observer.observe(el);
    return () => observer.disconnect();
  }, []);
  return [ref, width];
}

/** Failures per hour as a small SVG bar chart; each bar has a tooltip, the chart a summary label. */
export function Timeline({ buckets }: { buckets: Array<{ at: string; count: number }> }): ReactNode {
  const { t, hour } = useI18n();
  const [ref, W] = useWidth(720);
  const total = buckets.reduce((n, b) => n + b.count, 0);
  const peak = buckets.reduce((n, b) => Math.max(n, b.count), 0);
  const top = niceMax(peak);
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const slot = plotW / Math.max(1, buckets.length);
  const barW = Math.max(2, slot * 0.7);
  const y = (v: number): number => PAD.top + plotH - (v / top) * plotH;
  const ticks = [0, top / 2, top];
  const labelEvery = W < 560 ? 6 : W < 900 ? 3 : 2;
  return (
    <div ref={ref} className="timeline-wrap">
      <svg
        className="timeline"
        width={W}
        height={H}
        viewBox={`0 0 ${W} ${H}`}
        role="img"
        aria-label={t('overview.timeline.aria', { total, peak })}
      >
        {ticks.map((v) => (
          <g key={v} className="timeline-grid">
            <line x1={PAD.left} x2={W - PAD.right} y1={y(v)} y2={y(v)} />
            <text x={PAD.left - 6} y={y(v) + 4} textAnchor="end">
              {v}
            </text>
          </g>
        ))}
        {buckets.map((b, i) => {
          const x = PAD.left + i * slot + (slot - barW) / 2;
          const h = Math.max(b.count > 0 ? 2 : 1, (b.count / top) * plotH);
          return (
            <g key={b.at}>
              <rect
                className={b.count > 0 ? 'timeline-bar' : 'timeline-bar empty'}
                x={x}
                y={PAD.top + plotH - h}
                width={barW}
                height={h}
                rx={2}
              >
                <title>{t('overview.timeline.bar', { time: hour(b.at), count: b.count })}</title>
              </rect>
              {i % labelEvery === 0 && (
                <text className="timeline-label" x={x + barW / 2} y={H - 6} textAnchor="middle">
                  {hour(b.at)}
                </text>
              )}
            </g>
          );
        })}
      </svg>
    </div>
  );
}

/** An axis maximum at or above the peak that halves to a whole number: 4, 6, 8, 10, 20, 40... */
function niceMax(peak: number): number {
  if (peak <= 4) return 4;
  const mag = 10 ** Math.floor(Math.log10(peak));
  const m = [2, 4, 6, 8, 10].find((s) => s * mag >= peak) ?? 10;
  return m * mag;
}
