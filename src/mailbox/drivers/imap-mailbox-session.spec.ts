import type { ImapFlow } from 'imapflow';
import { MailConnectionError } from '../../common/net/mail-connection-error';
import { ImapMailboxSession } from './imap-mailbox-session';

/**
 * imapflow's answer to a SEARCH when the connection drops while the command is under way: `false`,
 * and the client no longer usable. A real server cannot be made to drop at that exact moment on
 * demand, so this stands in for imapflow with just what the session touches.
 */
function clientWhoseSearchAnswersFalse(connectionDrops: boolean): ImapFlow {
  let dropped = false;
  const client = {
    get usable() {
      return !dropped;
    },
    noop: async () => true,
    search: async () => {
      dropped = connectionDrops;
      return false;
    },
    close: () => undefined,
  };
  return client as unknown as ImapFlow;
}

async function reasonOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(MailConnectionError);
    return (error as MailConnectionError).reason;
  }
  throw new Error('expected a MailConnectionError');
}

describe('ImapMailboxSession when a search answers false', () => {
  it('reports a connection that dropped during the search as lost, not as a server that refused it', async () => {
    const session = new ImapMailboxSession(clientWhoseSearchAnswersFalse(true), 'INBOX', 1_000);
    expect(await reasonOf(session.uidsAbove(0))).toBe('refused');
  });

  it('reports a search the server refused on a live connection as a protocol error', async () => {
    const session = new ImapMailboxSession(clientWhoseSearchAnswersFalse(false), 'INBOX', 1_000);
    expect(await reasonOf(session.uidsAbove(0))).toBe('protocol');
  });
});
