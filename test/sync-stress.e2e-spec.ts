import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDovecot, type DovecotServer } from './harness/dovecot';
import { makeMessage } from './support/messages';
import { caseRandom, type Random } from './support/mail-mutations';
import {
  bigHeader,
  brokenContentType,
  emptyContentType,
  invalidUtf8Subject,
  longAttachmentFields,
  longAutoReply,
  longSubject,
  longMessageId,
  longSender,
  manyParts,
  nestedMessage,
  nulInSender,
  nulInSubject,
  repeatedContentType,
  withAttachment,
} from './support/poison-mail';
import { allRunMessages } from './support/run-messages';
import { SPIN_HEADER } from './support/spin-hook';
import { openSupportDesk, type SupportDesk } from './support/support-desk';
import { startTestApp, type TestApp } from './support/test-app';

const SEED = Number(process.env.STRESS_SEED ?? 0x5eed17);
const MAX_HEADER_BYTES = 16 * 1024;
// Above the 101 parts of the 100-deep nesting, so that one is caught by the depth cap (20 by default).
const MAX_PARTS = 150;
const MAX_MESSAGE_BYTES = 64 * 1024;
const DEADLINE_MS = 2000;
const POISON_SHARE = 0.2;

/** What a shape must come to: a failure of one class, a ticket (with or without a failure), or a reasoned ignore. */
type Expected =
  | { kind: 'quarantined'; errorClass: string; reason: string }
  | { kind: 'ignored'; reason: string }
  | { kind: 'oversized' }
  | { kind: 'best-effort' }
  | { kind: 'good' };

interface Shape {
  name: string;
  expected: Expected;
  build(to: string, subject: string, spinFile: string): string | Buffer;
}

const GOOD: Shape = {
  name: 'good',
  expected: { kind: 'good' },
  build: (to, subject) => makeMessage({ to, subject }),
};

const POISON: Shape[] = [
  {
    name: 'header-over-cap',
    expected: { kind: 'quarantined', errorClass: 'over-limit', reason: 'over-limit header-size:' },
    build: (to, subject) => bigHeader(to, 300, subject),
  },
  {
    name: 'parts-over-cap',
    expected: { kind: 'quarantined', errorClass: 'over-limit', reason: 'over-limit mime-parts:' },
    build: (to, subject) => manyParts(to, MAX_PARTS + 10, subject),
  },
  {
    name: 'nested-100-deep',
    expected: { kind: 'quarantined', errorClass: 'over-limit', reason: 'over-limit mime-depth:' },
    build: (to, subject) => nestedMessage(to, 100, subject),
  },
  {
    name: 'oversized',
    expected: { kind: 'oversized' },
    build: (to, subject) => withAttachment(to, subject, MAX_MESSAGE_BYTES + 16 * 1024),
  },
  { name: 'nul-in-subject', expected: { kind: 'best-effort' }, build: nulInSubject },
  { name: 'nul-in-sender', expected: { kind: 'best-effort' }, build: nulInSender },
  { name: 'invalid-utf8-subject', expected: { kind: 'best-effort' }, build: invalidUtf8Subject },
  // No address anyone can be answered at (over RFC 5321's length) and nothing to fall back to.
  { name: 'long-sender', expected: { kind: 'ignored', reason: 'no-sender-address' }, build: longSender },
  { name: 'long-message-id', expected: { kind: 'best-effort' }, build: longMessageId },
  { name: 'long-subject', expected: { kind: 'best-effort' }, build: longSubject },
  { name: 'long-auto-reply', expected: { kind: 'ignored', reason: 'auto-reply:auto-submitted' }, build: longAutoReply },
  { name: 'long-attachment-fields', expected: { kind: 'best-effort' }, build: longAttachmentFields },
  { name: 'repeated-content-type', expected: { kind: 'best-effort' }, build: repeatedContentType },
  { name: 'empty-content-type', expected: { kind: 'best-effort' }, build: emptyContentType },
  { name: 'broken-content-type', expected: { kind: 'best-effort' }, build: brokenContentType },
  {
    name: 'worker-hangs',
    expected: { kind: 'quarantined', errorClass: 'processing-timeout', reason: 'Processing the message took too long' },
    build: (to, subject, spinFile) => makeMessage({ to, subject, headers: { [SPIN_HEADER]: spinFile } }),
  },
];

interface Planned {
  shape: Shape;
  /** A token unique in the whole spec, in the subject of every message, good or poison. */
  token: string;
}

/**
 * About POISON_SHARE of the slots get a poison shape, drawn from a shuffled bag of every shape so each
 * appears once the mailbox has enough poison; a hanging worker costs a deadline, so once per mailbox.
 */
function plan(random: Random, label: string, size: number): Planned[] {
  let bag: Shape[] = [];
  let spun = false;
  const draw = (): Shape => {
    for (;;) {
      if (bag.length === 0) bag = shuffle(random, POISON);
      const shape = bag.pop()!;
      if (shape.name !== 'worker-hangs' || !spun) {
        spun ||= shape.name === 'worker-hangs';
        return shape;
      }
    }
  };
  return Array.from({ length: size }, (_, i) => ({
    shape: random.next() < POISON_SHARE ? draw() : GOOD,
    token: `[${label}-${String(i).padStart(3, '0')}]`,
  }));
}

function shuffle<T>(random: Random, items: readonly T[]): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = random.below(i + 1);
    [copy[i], copy[j]] = [copy[j], copy[i]];
  }
  return copy;
}

interface Failure {
  uid: number;
  errorClass: string;
  reason: string;
  ticketId: string | null;
}

/**
 * Delivers a planned mix into a fresh mailbox, runs one sync, and lists every way the outcome breaks the
 * promise: each good message one ticket, each poison one quarantined with a specific reason (or, if merely
 * odd, ingested best-effort), no `internal` failure, counts that add up and a record naming every UID once.
 */
async function stressMailbox(support: SupportDesk, planned: Planned[], spinFile: string): Promise<string[]> {
  const problems: string[] = [];
  const uids = await support.deliver(
    ...planned.map(({ shape, token }) => shape.build(support.address, `${shape.name} ${token}`, spinFile)),
  );
  const run = await support.desk.syncNow();
  if (run.status !== 'succeeded') problems.push(`run ${run.status}: ${JSON.stringify(run.error)}`);
  if (run.fetched !== planned.length) problems.push(`fetched ${run.fetched} of ${planned.length}`);
  const sum = run.tickets + run.comments + run.ignored + run.failed;
  if (run.fetched !== sum)
    problems.push(`fetched ${run.fetched} != ${run.tickets}+${run.comments}+${run.ignored}+${run.failed}`);

  const listed = await allRunMessages(support.desk, run.id, 50);
  const listedUids = listed.map((message) => message.uid).sort((a, b) => a - b);
  if (JSON.stringify(listedUids) !== JSON.stringify([...uids].sort((a, b) => a - b)))
    problems.push(`run record lists uids ${summarize(listedUids)}, delivered ${summarize(uids)}`);
  const outcomes = new Map(listed.map((message) => [message.uid, message]));

  const subjects = await support.desk.allSubjects();
  const failures = (await support.desk.failures()) as Failure[];
  for (const failure of failures.filter(({ errorClass }) => errorClass === 'internal'))
    problems.push(`uid ${failure.uid}: internal failure: ${failure.reason}`);
  const failuresByUid = new Map<number, Failure[]>();
  for (const failure of failures) failuresByUid.set(failure.uid, [...(failuresByUid.get(failure.uid) ?? []), failure]);

  planned.forEach(({ shape, token }, index) => {
    const uid = uids[index];
    const what = `uid ${uid} ${shape.name} ${token}`;
    const tickets = subjects.filter((subject) => subject.includes(token)).length;
    const own = failuresByUid.get(uid) ?? [];
    const outcome = outcomes.get(uid)?.outcome;
    const reason = outcomes.get(uid)?.reason;
    const expected = shape.expected;
    if (own.length > 1) problems.push(`${what}: ${own.length} failures`);
    switch (expected.kind) {
      case 'good':
        if (tickets !== 1 || outcome !== 'ticket' || own.length > 0)
          problems.push(`${what}: ${tickets} tickets, outcome ${outcome}, failures ${listFailures(own)}`);
        break;
      case 'quarantined':
        if (
          tickets !== 0 ||
          outcome !== 'failed' ||
          own[0]?.errorClass !== expected.errorClass ||
          !own[0].reason.startsWith(expected.reason)
        )
          problems.push(`${what}: ${tickets} tickets, outcome ${outcome}, failures ${listFailures(own)}`);
        break;
      case 'ignored':
        if (tickets !== 0 || outcome !== 'ignored' || reason !== expected.reason || own.length > 0)
          problems.push(`${what}: ${tickets} tickets, outcome ${outcome} (${reason}), failures ${listFailures(own)}`);
        break;
      case 'oversized':
        if (tickets !== 1 || outcome !== 'ticket' || own[0]?.errorClass !== 'too-large')
          problems.push(`${what}: ${tickets} tickets, outcome ${outcome}, failures ${listFailures(own)}`);
        break;
      case 'best-effort': {
        const ingested = tickets === 1 && outcome === 'ticket' && own.length === 0;
        const quarantined = tickets === 0 && outcome === 'failed' && own.length === 1;
        if (!ingested && !quarantined)
          problems.push(`${what}: ${tickets} tickets, outcome ${outcome}, failures ${listFailures(own)}`);
        break;
      }
    }
  });
  const stray = failures.filter((failure) => !uids.includes(failure.uid));
  if (stray.length > 0) problems.push(`failures for uids never delivered: ${listFailures(stray)}`);
  if (subjects.length !== run.tickets) problems.push(`${subjects.length} tickets, the run says ${run.tickets}`);
  return problems;
}

const listFailures = (failures: Failure[]) =>
  failures.length === 0 ? 'none' : failures.map((failure) => `${failure.errorClass} (${failure.reason})`).join('; ');

function summarize(uids: number[]): string {
  return uids.length <= 10 ? uids.join(',') : `${uids.length} from ${uids[0]} to ${uids[uids.length - 1]}`;
}

/**
 * Random mixes of good and poison mail (seeded: STRESS_SEED reruns one), in mailboxes of a few sizes,
 * synced by instances with small and large pages: every message has exactly one visible outcome.
 */
describe('sync stress: good and poison mail mixed in mailboxes and pages of every size', () => {
  let dovecot: DovecotServer;
  let apps: { batch: number; app: TestApp }[];
  let scratch: string;

  beforeAll(async () => {
    scratch = mkdtempSync(join(tmpdir(), 'hd-stress-'));
    const env = (batch: number) => ({
      MAIL_ALLOW_PRIVATE_HOSTS: 'true',
      SYNC_BATCH_SIZE: String(batch),
      SYNC_MAX_HEADER_BYTES: String(MAX_HEADER_BYTES),
      SYNC_MAX_MIME_PARTS: String(MAX_PARTS),
      SYNC_MAX_MESSAGE_BYTES: String(MAX_MESSAGE_BYTES),
      SYNC_MESSAGE_DEADLINE_MS: String(DEADLINE_MS),
      // TEST-ONLY hook (refused by the config outside NODE_ENV=test): X-Test-Spin hangs the worker.
      SYNC_TEST_WORKER_HOOK: join(__dirname, 'support', 'spin-hook.js'),
    });
    const [server, small] = await Promise.all([startDovecot(), startTestApp(env(7))]);
    dovecot = server;
    // Two instances on one database (as deployed): each runs the syncs asked of it, with its own pages.
    const large = await small.sibling(env(200));
    apps = [
      { batch: 7, app: small },
      { batch: 200, app: large },
    ];
  });
  afterAll(async () => {
    await apps?.[1].app.stop();
    await apps?.[0].app.close();
    await dovecot?.close();
    rmSync(scratch, { recursive: true, force: true });
  });

  it(`gives every message exactly one outcome, none of them internal (seed ${SEED})`, async () => {
    const spinFile = join(scratch, 'spin');
    writeFileSync(spinFile, '');
    const mailboxes = apps.flatMap(({ batch, app }) => [25, 120].map((size) => ({ batch, app, size })));
    const desks: SupportDesk[] = [];
    for (const { app } of mailboxes) desks.push(await openSupportDesk(app, dovecot));
    // The four mailboxes sync at once: pages of both sizes interleave on each instance.
    const problems = await Promise.all(
      mailboxes.map(async ({ batch, size }, index) => {
        const label = `p${batch}-m${size}`;
        const found = await stressMailbox(desks[index], plan(caseRandom(SEED, index), label, size), spinFile);
        return found.map((problem) => `${label}: ${problem}`);
      }),
    );
    expect({ seed: SEED, problems: problems.flat() }).toEqual({ seed: SEED, problems: [] });
  });
});
