import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { NotFoundError } from '../common/errors/domain-error';
import { MailConnectionError } from '../common/net/mail-connection-error';
import { AppConfig } from '../config/app-config';
import type { ImapConnectionSettings } from '../mailbox/imap-settings';
import type { MailboxSession } from '../mailbox/mailbox.types';
import { MailboxService } from '../mailbox/mailbox.service';
import type { OutgoingMessage, SendResult } from '../mailer/mailer.types';
import { MailerService } from '../mailer/mailer.service';
import {
  ConnectionFailureResponse,
  type IncomingCheckSuccessResponse,
  type OutgoingCheckSuccessResponse,
  type VerifyFailureResponse,
  type VerifyStage,
  type VerifySuccessResponse,
} from './dto/connection-check.response';
import type { IncomingSettingsDto } from './dto/incoming-settings.dto';
import { EmailSettingsService, type OutgoingConnection } from './email-settings.service';
import { withFreshTokenRetry } from './fresh-token-retry';
import { VERIFY_PROBE_HEADER } from './verify-probe';

/** Polling for the probe starts fast (local delivery takes milliseconds) and backs off to this. */
const MAX_POLL_INTERVAL_MS = 2_000;
const FIRST_POLL_INTERVAL_MS = 100;

const NOT_DELIVERED_HINT =
  'The outgoing server accepted the message, but it did not reach the mailbox. Check that the incoming ' +
  "address is right, that the outgoing server delivers to it, and the mailbox's spam folder and filters.";

/** A failure we can explain to the admin; anything else is a bug and propagates as a 500. */
function explain(err: unknown): ConnectionFailureResponse {
  if (err instanceof MailConnectionError) return ConnectionFailureResponse.from(err);
  throw err;
}

function checkMessage(
  from: OutgoingConnection['from'],
  to: string,
  subject: string,
  text: string,
  tag: string,
): OutgoingMessage {
  return {
    from,
    to: [to],
    subject,
    text,
    // The tag keeps checks out of ticket ingestion; Auto-Submitted keeps vacation responders quiet.
    headers: { [VERIFY_PROBE_HEADER]: tag, 'Auto-Submitted': 'auto-generated' },
  };
}

/**
 * The settings page's buttons: test the incoming account, send a test message, and the round trip
 * (send a tagged probe from the outgoing settings to the incoming address and find it over IMAP).
 * Mail failures come back as `{ ok: false, reason, ... }` with HTTP 200: the check itself worked.
 */
@Injectable()
export class EmailSettingsCheckService {
  constructor(
    private readonly settings: EmailSettingsService,
    private readonly mailbox: MailboxService,
    private readonly mailer: MailerService,
    private readonly config: AppConfig,
  ) {}

  async checkIncoming(
    organizationId: string,
    unsaved?: IncomingSettingsDto,
  ): Promise<IncomingCheckSuccessResponse | ConnectionFailureResponse> {
    try {
      // A grant that needs reconnecting is a failed check (reason auth, hint "Reconnect the mailbox").
      const settings = await this.settings.incomingForCheck(organizationId, unsaved);
      const result = await withFreshTokenRetry(
        settings,
        (current) => this.mailbox.testConnection(current),
        () => this.settings.incomingForCheck(organizationId, unsaved, { forceRefresh: true }),
      );
      return { ok: true, ...result };
    } catch (err) {
      return explain(err);
    }
  }

  async sendTestMessage(
    organizationId: string,
    to: string,
  ): Promise<OutgoingCheckSuccessResponse | ConnectionFailureResponse> {
    let outgoing: OutgoingConnection | null;
    try {
      outgoing = await this.settings.getOutgoingConnection(organizationId);
    } catch (err) {
      return explain(err);
    }
    if (!outgoing) throw new NotFoundError('Outgoing email settings');
    const message = checkMessage(
      outgoing.from,
      to,
      'Test message from your helpdesk',
      'Your helpdesk sent this message to check its outgoing email settings. They work.',
      `test ${randomUUID()}`,
    );
    try {
      const sent = await this.sendWithFreshToken(organizationId, outgoing, message);
      return { ok: true, messageId: sent.messageId };
    } catch (err) {
      return explain(err);
    }
  }

  async verify(organizationId: string): Promise<VerifySuccessResponse | VerifyFailureResponse> {
    const known = await this.settings.getSupportAddress(organizationId);
    let address = known ?? '';
    const failed = (stage: VerifyStage, err: unknown): VerifyFailureResponse => ({ ...explain(err), stage, address });
    let incoming: ImapConnectionSettings | null;
    let outgoing: OutgoingConnection | null;
    try {
      incoming = await this.settings.getIncomingConnection(organizationId);
    } catch (err) {
      return failed('receive', err);
    }
    if (!incoming) throw new NotFoundError('Incoming email settings');
    try {
      outgoing = await this.settings.getOutgoingConnection(organizationId);
    } catch (err) {
      return failed('send', err);
    }
    if (!outgoing) throw new NotFoundError('Outgoing email settings');
    address = known ?? outgoing.from.address;

    // The mailbox first: if it cannot be read, sending a probe into it would only leave litter.
    let session: MailboxSession;
    try {
      session = await withFreshTokenRetry(
        incoming,
        (settings) => this.mailbox.openSession(settings),
        () => this.settings.getIncomingConnection(organizationId, { forceRefresh: true }),
      );
    } catch (err) {
      return failed('receive', err);
    }
    try {
      const token = randomUUID();
      const probe = checkMessage(
        outgoing.from,
        address,
        'Helpdesk email check',
        'Your helpdesk sent this message to itself to check its email settings. It never becomes a ticket; you may delete it.',
        token,
      );
      const started = Date.now();
      try {
        await this.sendWithFreshToken(organizationId, outgoing, probe);
      } catch (err) {
        return failed('send', err);
      }
      try {
        if (await this.waitForProbe(session, token, started + this.config.mail.verifyTimeoutMs)) {
          return { ok: true, roundTripMs: Date.now() - started, address };
        }
      } catch (err) {
        return failed('receive', err);
      }
      const seconds = Math.round(this.config.mail.verifyTimeoutMs / 1000);
      const late = `The check message did not arrive in ${incoming.folder} of ${address} within ${seconds} s`;
      return failed('receive', new MailConnectionError('timeout', late, { hint: NOT_DELIVERED_HINT }));
    } finally {
      await session.close();
    }
  }

  /** Sends once more with a refreshed token when the server refused the OAuth2 login. */
  private sendWithFreshToken(
    organizationId: string,
    outgoing: OutgoingConnection,
    message: OutgoingMessage,
  ): Promise<SendResult> {
    return withFreshTokenRetry(
      outgoing.settings,
      (settings) => this.mailer.send(settings, message),
      async () => (await this.settings.getOutgoingConnection(organizationId, { forceRefresh: true }))?.settings ?? null,
    );
  }

  /** Searches for the probe until `deadline`, checking once more at the deadline itself. */
  private async waitForProbe(session: MailboxSession, token: string, deadline: number): Promise<boolean> {
    let interval = FIRST_POLL_INTERVAL_MS;
    for (;;) {
      if ((await session.findByHeader(VERIFY_PROBE_HEADER, token)).length > 0) return true;
      const remaining = deadline - Date.now();
      if (remaining <= 0) return false;
      await sleep(Math.min(interval, remaining));
      interval = Math.min(interval * 2, MAX_POLL_INTERVAL_MS);
    }
  }
}
