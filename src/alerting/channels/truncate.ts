/** Size limits measured the way each vendor measures them, and cutting text to fit them safely. */

export function utf8Bytes(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

/**
 * `text` if it fits in `maxBytes` of UTF-8, else its longest prefix that ends on a character
 * boundary followed by `marker`, the whole at most `maxBytes`. A multi-byte character is never
 * split (the cut backs up over UTF-8 continuation bytes), and a lone surrogate never produced.
 */
export function truncateUtf8(text: string, maxBytes: number, marker: string): string {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= maxBytes) return text;
  const markerBytes = utf8Bytes(marker);
  if (markerBytes > maxBytes) return truncateUtf8(marker, maxBytes, '');
  let cut = maxBytes - markerBytes;
  // 0b10xxxxxx is a continuation byte: the character it belongs to starts further left.
  while (cut > 0 && ((bytes[cut] ?? 0) & 0xc0) === 0x80) cut--;
  return bytes.subarray(0, cut).toString('utf8') + marker;
}

/**
 * `text` if it has at most `maxChars` UTF-16 code units (JavaScript's length, which is never
 * less than the count of characters a vendor sees), else a prefix plus `marker` within that
 * length, never ending on half of a surrogate pair.
 */
export function truncateChars(text: string, maxChars: number, marker: string): string {
  if (text.length <= maxChars) return text;
  if (marker.length > maxChars) return truncateChars(marker, maxChars, '');
  let cut = maxChars - marker.length;
  const last = text.charCodeAt(cut - 1);
  if (cut > 0 && last >= 0xd800 && last <= 0xdbff) cut--;
  return text.slice(0, cut) + marker;
}

/**
 * The newest lines that still fit: keeps the last k lines of `lines` for the largest k with
 * `fits(kept, omitted)` true (binary search, so `fits` may render a whole payload). `fits` must
 * be monotonic: if k lines fit, fewer lines fit too.
 */
export function keepLatestLines(
  lines: readonly string[],
  fits: (kept: readonly string[], omitted: number) => boolean,
): { kept: string[]; omitted: number } {
  const take = (k: number) => lines.slice(lines.length - k);
  if (fits(lines, 0)) return { kept: [...lines], omitted: 0 };
  let lo = 0;
  let hi = lines.length - 1;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (fits(take(mid), lines.length - mid)) lo = mid;
    else hi = mid - 1;
  }
  return { kept: lo === 0 ? [] : take(lo), omitted: lines.length - lo };
}
