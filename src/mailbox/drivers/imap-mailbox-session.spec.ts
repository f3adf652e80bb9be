import type { ImapFlow } from 'imapflow';
import { mailFailure } from '../../../test/support/mail-failure';
import { ImapMailboxSession } from './imap-mailbox-session';

const STATES = { NOT_AUTHENTICATED: 1, AUTHENTICATED: 2, SELECTED: 3, LOGOUT: 4 } as const;

/**
 * How imapflow answers a command that goes out between a server's BYE ("Server shutting down") and the
 * close it defers to the next turn of the event loop: the client is in the LOGOUT state yet still
 * `usable`, and refuses the command as if no folder were selected (a search or a status answers
 * false, a fetch rejects with NoMailboxSelected). Dovecot stopped mid-run hits that gap now and then,
 * never on demand, so this stands in for imapflow with just what the session touches. The BYE comes
 * in while the command is under way, after the session checked that the connection was open.
 */
function clientHearingBye(serverSaysBye: boolean): ImapFlow {
  const client = {
    usable: true,
    states: STATES,
    state: STATES.SELECTED as number,
    byeReason: undefined as string | undefined,
    noop: async () => true,
    search: async () => answer(false),
    status: async () => answer(false),
    fetch: () => ({
      next: () =>
        answer(Promise.reject(Object.assign(new Error('No mailbox is selected'), { code: 'NoMailboxSelected' }))),
      return: () => Promise.resolve({ done: true, value: undefined }),
    }),
    close: () => undefined,
  };
  function answer<T>(value: T): T {
    if (serverSaysBye) Object.assign(client, { state: STATES.LOGOUT, byeReason: 'Server shutting down.' });
    return value;
  }
  return client as unknown as ImapFlow;
}

async function drain(session: ImapMailboxSession): Promise<void> {
  for await (const message of session.fetchSources([1, 2])) void message;
}

describe('ImapMailboxSession when the server says BYE during a command', () => {
  const session = () => new ImapMailboxSession(clientHearingBye(true), 'INBOX', 1_000);

  it('reports a search as a lost connection, with the server’s farewell', async () => {
    const failure = await mailFailure(session().uidsAbove(0));
    expect(failure.reason).toBe('refused');
    expect(failure.message).toMatch(/closed by the server.*\(Server shutting down\.\)/);
  });

  it('reports a download as a lost connection, not as a folder that is not selected', async () => {
    expect((await mailFailure(drain(session()))).reason).toBe('refused');
  });

  it('reports a status as a lost connection, not as a server that does not report it', async () => {
    expect((await mailFailure(session().folderState())).reason).toBe('refused');
  });
});

describe('ImapMailboxSession on a live connection', () => {
  const session = () => new ImapMailboxSession(clientHearingBye(false), 'INBOX', 1_000);

  it('reports a search the server refused as a protocol error', async () => {
    expect((await mailFailure(session().uidsAbove(0))).reason).toBe('protocol');
  });

  it('reports a status the server did not give as a protocol error', async () => {
    expect((await mailFailure(session().folderState())).reason).toBe('protocol');
  });
});
