import { describeCorpus, listCorpusMessages, readCorpusFile, readCorpusText } from '../../test/support/corpus';
import { detectAutoReply } from './auto-reply';
import { detectBounce, type BounceDetection } from './bounce';
import { parseMessage } from './parse-message';
import type { ParsedMessage } from './parsed-message';
import { createSignedMessageId, verifySignedMessageId } from './signed-message-id';

const messages = listCorpusMessages();
const results = new Map<string, { message: ParsedMessage; raw: Buffer; bounce: BounceDetection | null }>();

beforeAll(async () => {
  for (const entry of messages) {
    const raw = readCorpusFile(entry.path);
    const message = await parseMessage(raw);
    results.set(entry.path, { message, raw, bounce: detectBounce(message, raw) });
  }
});

const result = (path: string) => results.get(path)!;

describeCorpus('detectBounce on the corpus', () => {
  // Tagged auto_bounce by the corpus heuristics, but they are read receipts (MDN), which are
  // automatic replies, not delivery failures: detectAutoReply reports them as read-receipt.
  const READ_RECEIPTS = ['flanker/disposition-notification.eml', 'mimekit/messages/disposition-notification.txt'];
  // Not tagged as bounces, but they are, and we say so on purpose:
  const UNTAGGED_BOUNCES: Record<string, string> = {
    // An ARF spam complaint (multipart/report; report-type=feedback-report) the tagger missed.
    'mimekit/messages/feedback-report.txt': 'feedback-report',
    // sisimai files it under "not a bounce" (it was a crash report for their parser), but it is a
    // postmaster's "your email was rejected … Mailbox full" with an empty Return-Path.
    'sisimai/not/rb-issue-368-bug.eml': 'postmaster-sender',
  };
  // Bounces whose report carries no copy of the original's Message-ID (checked by hand).
  const WITHOUT_ORIGINAL_ID = [
    'flanker/bounce/broken-mime.eml',
    'flanker/bounce/delayed-broken.eml',
    'flanker/bounce/delayed.eml',
    'flanker/bounce/gmail-no-dns.eml',
    'mimekit/messages/delivery-status-multiple-blank-lines.txt',
    'mimekit/messages/delivery-status2.txt',
    'sisimai/bsd/lhost-domino-01.eml',
    'sisimai/bsd/lhost-exchange2003-01.eml',
    'sisimai/bsd/lhost-opensmtpd-01.eml',
    'sisimai/bsd/lhost-postfix-01.eml',
    'sisimai/bsd/lhost-v5sendmail-01.eml',
    'sisimai/bsd/rfc3464-66.eml',
    'zammad/mail052.box',
    'zammad/mail092.box',
  ];

  for (const entry of messages) {
    const tagged = entry.categories.includes('auto_bounce');
    it(`${entry.path}: ${tagged ? 'is' : 'is not'} a bounce`, () => {
      const { message, raw, bounce } = result(entry.path);
      if (READ_RECEIPTS.includes(entry.path)) {
        expect(bounce).toBeNull();
        expect(detectAutoReply(message)).toEqual({ reason: 'read-receipt' });
      } else if (tagged || entry.path in UNTAGGED_BOUNCES) {
        expect(bounce).not.toBeNull();
        if (entry.path in UNTAGGED_BOUNCES) {
          expect(bounce?.reason).toBe(UNTAGGED_BOUNCES[entry.path]);
        }
        if (WITHOUT_ORIGINAL_ID.includes(entry.path)) {
          expect(bounce?.originalMessageId).toBeNull();
        } else {
          // The id must be the returned mail's, not the bounce's own.
          expect(bounce?.originalMessageId).not.toBeNull();
          expect(bounce?.originalMessageId).not.toBe(message.messageId);
          expect(raw.toString('latin1')).toContain(bounce!.originalMessageId!);
        }
      } else {
        expect(bounce).toBeNull();
      }
    });
  }

  it('finds the failed recipients sisimai expects', () => {
    const expected = JSON.parse(readCorpusText('sisimai/expected.json')) as Record<
      string,
      { expected: { reason: string }[] | null }
    >;
    // The only address in v5sendmail's report is in the quoted original's To: line.
    const UNNAMED_RECIPIENTS = ['bsd/lhost-v5sendmail-01.eml'];
    const mismatches = Object.entries(expected)
      .filter(([, value]) => Array.isArray(value.expected))
      .filter(([, value]) => !value.expected!.some((e) => ['vacation', 'feedback'].includes(e.reason)))
      .filter(([file, value]) => {
        const found = result(`sisimai/${file}`).bounce?.failedRecipients.length ?? 0;
        return found !== (UNNAMED_RECIPIENTS.includes(file) ? 0 : value.expected!.length);
      });
    expect(mismatches).toEqual([]);
  });

  it('links a bounce of a Zammad notification to that notification', () => {
    expect(result('zammad/mail055.box').bounce).toEqual({
      reason: 'delivery-status-report',
      originalMessageId: '20170526150141.232.13312@example.zammad.loc',
      failedRecipients: ['ticket-bounce-trigger2@example.com'],
    });
  });

  it('reports delay warnings without failed recipients', () => {
    expect(result('mikel-mail/multipart_report_emails/report_422.eml').bounce).toEqual(
      expect.objectContaining({ reason: 'delivery-delayed', failedRecipients: [] }),
    );
  });
});

describe('detectBounce on hand-made mail', () => {
  const parseText = (text: string): Promise<ParsedMessage> => parseMessage(Buffer.from(text.replace(/\n/g, '\r\n')));

  it('does not take a customer complaining about bounces for a bounce', async () => {
    const message = await parseText(
      'From: Ann <ann@example.com>\nReturn-Path: <ann@example.com>\nSubject: Mail delivery failed\n\nMy mail to you could not be delivered, why?',
    );
    expect(detectBounce(message)).toBeNull();
  });

  it('does not take a postmaster writing to support for a bounce', async () => {
    const message = await parseText(
      'From: postmaster@customer.example\nSubject: Please allow our server\n\nHi, we changed IPs.',
    );
    expect(detectBounce(message)).toBeNull();
  });

  it('reads X-Failed-Recipients', async () => {
    const message = await parseText(
      'From: Mail Delivery System <Mailer-Daemon@mx.example>\nX-Failed-Recipients: A@Example.com, b@example.com\nSubject: x\n\nfailed',
    );
    expect(detectBounce(message)).toEqual({
      reason: 'x-failed-recipients',
      originalMessageId: null,
      failedRecipients: ['a@example.com', 'b@example.com'],
    });
  });

  it('ties a bounce of our own notification back to its ticket through the signed id', async () => {
    const secret = 'a-test-secret-that-is-long-enough-for-hmac';
    const organizationId = '2f1b7a4e-6c1d-4b8e-9f3a-1c2d3e4f5a6b';
    const ticketId = '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d';
    const ourId = createSignedMessageId({ secret, organizationId, ticketId, domain: 'help.example.com' });
    const bounce = await parseText(
      [
        'From: MAILER-DAEMON@mx.example.org',
        'Subject: Undelivered Mail Returned to Sender',
        'Content-Type: multipart/report; report-type=delivery-status; boundary="b"',
        '',
        '--b',
        'Content-Type: text/plain',
        '',
        'I could not deliver your message.',
        '--b',
        'Content-Type: message/delivery-status',
        '',
        'Reporting-MTA: dns; mx.example.org',
        '',
        'Final-Recipient: rfc822; gone@customer.example',
        'Action: failed',
        'Status: 5.1.1',
        '--b',
        'Content-Type: text/rfc822-headers',
        '',
        'From: Support <support@help.example.com>',
        `Message-ID: ${ourId}`,
        'Subject: Your ticket',
        '--b--',
      ].join('\n'),
    );
    const detection = detectBounce(bounce);
    expect(detection?.failedRecipients).toEqual(['gone@customer.example']);
    expect(verifySignedMessageId(secret, detection!.originalMessageId!)).toEqual({ organizationId, ticketId });
  });
});
