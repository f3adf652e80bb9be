import { randomBytes } from 'node:crypto';

/** Mail written by machines, as real servers write it (CRLF line endings). */

export interface BounceSpec {
  /** The mailbox the bounce is delivered to (the envelope sender of the returned message). */
  to: string;
  /** Message-ID of the returned message, without angle brackets. */
  originalMessageId: string;
  failedRecipient?: string;
  /** `message/rfc822` returns the whole message; `text/rfc822-headers` only its header block. */
  returned?: 'message/rfc822' | 'text/rfc822-headers';
  originalSubject?: string;
  /** `delayed`: a warning that the server is still trying (RFC 3464 Action: delayed). */
  action?: 'failed' | 'delayed';
}

/** A Postfix non-delivery report: multipart/report with a delivery-status part and the returned message. */
export function postfixBounce(spec: BounceSpec): string {
  const boundary = `${randomBytes(6).toString('hex')}.1770000000/mx.customer.test`;
  const recipient = spec.failedRecipient ?? 'gone@customer.test';
  const date = new Date().toUTCString();
  const returnedHeaders = [
    `From: Helpdesk <${spec.to}>`,
    `To: ${recipient}`,
    `Subject: ${spec.originalSubject ?? '[#1] We received your request'}`,
    `Date: ${date}`,
    `Message-ID: <${spec.originalMessageId}>`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
  ];
  const delayed = spec.action === 'delayed';
  const returnedPart =
    spec.returned === 'text/rfc822-headers'
      ? [
          'Content-Description: Undelivered Message Headers',
          'Content-Type: text/rfc822-headers',
          '',
          ...returnedHeaders,
        ]
      : [
          'Content-Description: Undelivered Message',
          'Content-Type: message/rfc822',
          '',
          ...returnedHeaders,
          '',
          'Thank you for your message. We will get back to you shortly.',
        ];
  return [
    'Return-Path: <>',
    `Date: ${date}`,
    'From: MAILER-DAEMON@mx.customer.test (Mail Delivery System)',
    `Subject: ${delayed ? 'Delayed Mail (still being retried)' : 'Undelivered Mail Returned to Sender'}`,
    `To: ${spec.to}`,
    'Auto-Submitted: auto-replied',
    'MIME-Version: 1.0',
    `Content-Type: multipart/report; report-type=delivery-status;\r\n\tboundary="${boundary}"`,
    `Message-ID: <${randomBytes(6).toString('hex')}.1770000000@mx.customer.test>`,
    '',
    'This is a MIME-encapsulated message.',
    '',
    `--${boundary}`,
    'Content-Description: Notification',
    'Content-Type: text/plain; charset=us-ascii',
    '',
    'This is the mail system at host mx.customer.test.',
    '',
    ...(delayed
      ? [
          '####################################################################',
          '# THIS IS A WARNING ONLY.  YOU DO NOT NEED TO RESEND YOUR MESSAGE. #',
          '####################################################################',
          '',
          'Your message could not be delivered for more than 4 hour(s).',
          'It will be retried until it is 5 day(s) old.',
          '',
          `<${recipient}>: connect to mx.customer.test[192.0.2.25]:25: Connection timed out`,
        ]
      : [
          "I'm sorry to have to inform you that your message could not",
          "be delivered to one or more recipients. It's attached below.",
          '',
          `<${recipient}>: host mx.customer.test[192.0.2.25] said: 550 5.1.1`,
          `    <${recipient}>: Recipient address rejected: User unknown in local`,
          '    recipient table (in reply to RCPT TO command)',
        ]),
    '',
    `--${boundary}`,
    'Content-Description: Delivery report',
    'Content-Type: message/delivery-status',
    '',
    'Reporting-MTA: dns; mx.customer.test',
    'X-Postfix-Queue-ID: 4Zx1yT2abcz9',
    `X-Postfix-Sender: rfc822; ${spec.to}`,
    `Arrival-Date: ${date}`,
    '',
    `Final-Recipient: rfc822; ${recipient}`,
    `Original-Recipient: rfc822;${recipient}`,
    ...(delayed
      ? [
          'Action: delayed',
          'Status: 4.4.1',
          'Diagnostic-Code: X-Postfix; connect to mx.customer.test[192.0.2.25]:25: Connection',
          '    timed out',
          `Will-Retry-Until: ${date}`,
        ]
      : [
          'Action: failed',
          'Status: 5.1.1',
          'Remote-MTA: dns; mx.customer.test',
          `Diagnostic-Code: smtp; 550 5.1.1 <${recipient}>: Recipient address rejected:`,
          '    User unknown in local recipient table',
        ]),
    '',
    `--${boundary}`,
    ...returnedPart,
    '',
    `--${boundary}--`,
    '',
  ].join('\r\n');
}

/** An Exim-style bounce: plain text from Mailer-Daemon, no report part and no X-Failed-Recipients. */
export function daemonBounce(to: string): string {
  return [
    'Return-Path: <>',
    `Date: ${new Date().toUTCString()}`,
    'From: Mail Delivery System <Mailer-Daemon@mail.customer.test>',
    `To: ${to}`,
    'Subject: Mail delivery failed: returning message to sender',
    `Message-ID: <E1${randomBytes(5).toString('hex')}-0003Xy-Q1@mail.customer.test>`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=us-ascii',
    '',
    'This message was created automatically by mail delivery software.',
    '',
    'A message that you sent could not be delivered to one or more of its',
    'recipients. This is a permanent error.',
    '',
    '  nobody@customer.test',
    '    mailbox is full',
    '',
  ].join('\r\n');
}
