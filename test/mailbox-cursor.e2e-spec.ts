import { startDovecot, type DovecotServer } from './harness/dovecot';
import { imapSettingsFor, LOOPBACK_CONNECT } from './support/imap-settings';
import { ImapMailboxDriver } from '../src/mailbox/drivers/imap-mailbox.driver';
import type { MailboxSession } from '../src/mailbox/mailbox.types';
import { type ListedMessage, MailboxCursor } from '../src/sync/mailbox-cursor';

const agent = { user: 'agent', password: 'agent-secret' };
const MB = 1024 * 1024;

function message(n: number): string {
  return `Message-ID: <m${n}@test>\r\nSubject: message ${n}\r\n\r\nBody ${'x'.repeat(n)}\r\n`;
}

async function walk(cursor: MailboxCursor): Promise<ListedMessage[][]> {
  const pages: ListedMessage[][] = [];
  for (let page = await cursor.nextPage(); page.length > 0; page = await cursor.nextPage()) pages.push(page);
  return pages;
}

describe('MailboxCursor against Dovecot', () => {
  let dovecot: DovecotServer;
  let session: MailboxSession;
  let uids: number[];

  beforeAll(async () => {
    dovecot = await startDovecot({ users: [agent] });
    uids = await dovecot.appendMany(
      agent.user,
      Array.from({ length: 7 }, (_, n) => message(n)),
    );
    session = await new ImapMailboxDriver().openSession(imapSettingsFor(dovecot, agent), LOOPBACK_CONNECT);
  });

  afterAll(async () => {
    await session?.close();
    await dovecot?.close();
  });

  afterEach(() => jest.restoreAllMocks());

  it('walks the folder oldest first in pages, listing it once and reading sizes only over the bound', async () => {
    const listings = jest.spyOn(session, 'uidsAbove');
    const sizeReads = jest.spyOn(session, 'sizesOf');
    // Messages 5 and 6 are the only ones over the bound.
    const bound = Buffer.byteLength(message(4));
    const pages = await walk(new MailboxCursor(session, 0, 2, bound, 5));
    expect(pages.map((page) => page.map((ref) => ref.uid))).toEqual([
      [uids[0], uids[1]],
      [uids[2], uids[3]],
      [uids[4], uids[5]],
      [uids[6]],
    ]);
    expect(pages.flat().map((ref) => ref.size)).toEqual([
      ...[0, 1, 2, 3, 4].map(() => null),
      Buffer.byteLength(message(5)),
      Buffer.byteLength(message(6)),
    ]);
    // The first listing, and the one that found nothing new; one size read, of the two over the bound.
    expect(listings).toHaveBeenCalledTimes(2);
    expect(sizeReads.mock.calls).toEqual([[[uids[5], uids[6]]]]);
  });

  it('starts above the given UID and takes in mail that arrives during the walk, after what was listed', async () => {
    const cursor = new MailboxCursor(session, uids[4], 10, MB);
    expect((await cursor.nextPage()).map((ref) => ref.uid)).toEqual([uids[5], uids[6]]);
    const arrived = await dovecot.append(agent.user, message(7));
    expect((await cursor.nextPage()).map((ref) => ref.uid)).toEqual([arrived]);
    await expect(cursor.nextPage()).resolves.toEqual([]);
    uids.push(arrived);
  });

  it('finds nothing above the last message', async () => {
    await expect(new MailboxCursor(session, uids[uids.length - 1], 10, MB).nextPage()).resolves.toEqual([]);
  });
});
