/** A timestamp as SQLite keeps it and as PostgreSQL writes a `timestamp` as text: `2026-12-04 13:45:39.123`. */
const TIMESTAMP_TEXT = /^(\d{4}-\d\d-\d\d)[ T](\d\d:\d\d:\d\d)(?:\.(\d{1,6}))?$/;

const UTC_ZONES = new Set(['UTC', 'Etc/UTC', 'Etc/GMT', 'GMT', 'Etc/Universal', 'Universal', 'Etc/Zulu', 'Zulu']);

/** Whether this process's local time is UTC (it usually is on a server): then no conversion is needed. */
export function localTimeIsUtc(): boolean {
  return UTC_ZONES.has(Intl.DateTimeFormat().resolvedOptions().timeZone);
}

/**
 * The ISO 8601 form (`2026-12-04T13:45:39.123Z`) of a timestamp column read as text, without the
 * Date that the drivers would build and the response would turn back into text. `zone` says what
 * the text is: UTC (SQLite, as TypeORM writes it) or the process's local time (PostgreSQL's
 * `timestamp without time zone`, which pg writes and reads in local time). Fractions beyond
 * milliseconds are cut, as a Date would. Text of any other shape goes through a Date.
 */
export function isoFromTimestampText(text: string, zone: 'utc' | 'local', localIsUtc: boolean): string {
  const wallClock = wallClockOf(text);
  if (!wallClock) return new Date(zone === 'utc' ? `${text}Z` : text).toISOString();
  return zone === 'utc' || localIsUtc ? `${wallClock}Z` : new Date(wallClock).toISOString();
}

/** `YYYY-MM-DDTHH:MM:SS.mmm`, or null for text of another shape. Runs 75 times a page: no regex for the usual shape. */
function wallClockOf(text: string): string | null {
  if (text.length === 23 && text[10] === ' ' && text[19] === '.' && TIMESTAMP_TEXT.test(text)) {
    return `${text.slice(0, 10)}T${text.slice(11)}`;
  }
  const match = TIMESTAMP_TEXT.exec(text);
  return match ? `${match[1]}T${match[2]}.${(match[3] ?? '').padEnd(3, '0').slice(0, 3)}` : null;
}
