/**
 * What the bench:push run reads off the server's side: which users have an IMAP session open
 * (`doveadm who`), sampled over time, so the moment each mailbox's IDLE connection came back, and the
 * rate the logins arrived at, can be told without asking the service.
 */
import type { DovecotServer } from '../test/harness/dovecot';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** One `doveadm who` sample: when (ms from `since`) and how many users had come back by then. */
interface Sample {
  at: number;
  back: number;
}

/** When the users reconnected, as the samples saw it. */
export interface Reconnections {
  samples: Sample[];
  /** When the last user came back (ms from `since`), or null if some never did before the timeout. */
  allBackAt: number | null;
  /** When the first user came back. */
  firstBackAt: number | null;
  /** Users that never came back before the timeout. */
  missing: number;
}

/**
 * The sessions open now, by user: take it just before the kick, and hand it to watchReconnections.
 */
export function sessionsBefore(dovecot: DovecotServer): Promise<Map<string, number[]>> {
  return dovecot.sessionProcesses();
}

/**
 * Samples `doveadm who` every `everyMs` until every one of `users` has a session in a process that was
 * not serving it `before` (a kicked session's process ends with it), or until `timeoutMs`. Telling
 * sessions apart by process, not by a user's absence, counts those that came back between two samples.
 * A sample stands for the logins of the interval before it, so figures are good to about the sampling.
 */
export async function watchReconnections(
  dovecot: DovecotServer,
  users: string[],
  before: Map<string, number[]>,
  since: number,
  timeoutMs: number,
  everyMs = 250,
): Promise<Reconnections> {
  const back = new Set<string>();
  const samples: Sample[] = [{ at: 0, back: 0 }];
  let firstBackAt: number | null = null;
  while (back.size < users.length && Date.now() - since < timeoutMs) {
    const sessions = await dovecot.sessionProcesses();
    const at = Date.now() - since;
    for (const user of users) {
      const old = before.get(user) ?? [];
      if (!back.has(user) && (sessions.get(user) ?? []).some((pid) => !old.includes(pid))) back.add(user);
    }
    if (back.size > 0) firstBackAt ??= at;
    samples.push({ at, back: back.size });
    if (back.size < users.length) await sleep(everyMs);
  }
  const missing = users.length - back.size;
  return { samples, allBackAt: missing === 0 ? samples[samples.length - 1]!.at : null, firstBackAt, missing };
}

/** Waits until every one of `users` has a session open; answers how long that took, ms, or null on timeout. */
export async function allConnected(
  dovecot: DovecotServer,
  users: string[],
  since: number,
  timeoutMs: number,
): Promise<number | null> {
  while (Date.now() - since < timeoutMs) {
    const sessions = await dovecot.sessions();
    if (users.every((user) => sessions.has(user))) return Date.now() - since;
    await sleep(250);
  }
  return null;
}

/**
 * The highest login rate (per second) between two samples at least `spanSeconds` apart: shorter spans
 * would count a sample's lag (a login seen a sample late) as a burst.
 */
export function peakRate(samples: Sample[], spanSeconds: number): number {
  let peak = 0;
  let end = 0;
  for (let start = 0; start < samples.length; start += 1) {
    while (end < samples.length && samples[end]!.at - samples[start]!.at < spanSeconds * 1000) end += 1;
    if (end === samples.length) break;
    const span = (samples[end]!.at - samples[start]!.at) / 1000;
    peak = Math.max(peak, (samples[end]!.back - samples[start]!.back) / span);
  }
  return peak;
}
