import { startDovecot, type DovecotOAuth2Options, type DovecotServer, type TestUser } from './dovecot';
import { startSmtpServer, type TestSmtpServer } from './smtp-server';

export interface MailSystem {
  dovecot: DovecotServer;
  /** Requires AUTH (same users as Dovecot) and offers STARTTLS; delivers into Dovecot. */
  smtp: TestSmtpServer;
  close(): Promise<void>;
}

const DEFAULT_USERS: TestUser[] = [{ user: 'support', password: 'support-secret' }];

/**
 * Dovecot plus an SMTP server that delivers into it: what a tenant's mail provider looks like to the
 * app. Users added to Dovecot later can receive mail but cannot log in to SMTP. With `oauth2`, both also
 * take access tokens from that authorization server (IMAP OAUTHBEARER/XOAUTH2, SMTP XOAUTH2) for any
 * account; add the account as a user too when the test needs to append to its mailbox.
 */
export async function startMailSystem(
  opts: { users?: TestUser[]; oauth2?: DovecotOAuth2Options } = {},
): Promise<MailSystem> {
  const users = opts.users ?? DEFAULT_USERS;
  const { oauth2 } = opts;
  const dovecot = await startDovecot({ users, oauth2 });
  try {
    const smtpOAuth2 = oauth2 ? { introspectionUrl: oauth2.introspectionUrl } : undefined;
    const smtp = await startSmtpServer({
      auth: 'required',
      users,
      tls: 'starttls',
      deliverTo: dovecot,
      oauth2: smtpOAuth2,
    });
    return {
      dovecot,
      smtp,
      close: async () => {
        await smtp.close();
        await dovecot.close();
      },
    };
  } catch (err) {
    await dovecot.close();
    throw err;
  }
}
