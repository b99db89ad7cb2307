/** "90s", "5m", "1h30m", "250ms" -> milliseconds (Go duration syntax). */
export function parseDuration(text: string): number | undefined {
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h)/g;
  let total = 0;
  let consumed = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] as 'ms' | 's' | 'm' | 'h'];
    total += Number(m[1]) * unit;
    consumed += m[0].length;
  }
  return consumed === text.length && consumed > 0 ? total : undefined;
}
