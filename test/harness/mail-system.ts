import { startDovecot, type DovecotServer, type TestUser } from './dovecot';
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
 * app. Users added to Dovecot later can receive mail but cannot log in to SMTP.
 */
export async function startMailSystem(opts: { users?: TestUser[] } = {}): Promise<MailSystem> {
  const users = opts.users ?? DEFAULT_USERS;
  const dovecot = await startDovecot({ users });
  try {
    const smtp = await startSmtpServer({ auth: 'required', users, tls: 'starttls', deliverTo: dovecot });
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
