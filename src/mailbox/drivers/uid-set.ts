/** Packs UIDs into a short IMAP sequence set, e.g. [3, 1, 2, 7, 9, 10] → "1:3,7,9:10". */
export function toUidSet(uids: readonly number[]): string {
  const sorted = [...new Set(uids)].sort((a, b) => a - b);
  const ranges: string[] = [];
  for (let first = 0; first < sorted.length;) {
    let last = first;
    while (last + 1 < sorted.length && sorted[last + 1] === sorted[last] + 1) last += 1;
    ranges.push(first === last ? `${sorted[first]}` : `${sorted[first]}:${sorted[last]}`);
    first = last + 1;
  }
  return ranges.join(',');
}
