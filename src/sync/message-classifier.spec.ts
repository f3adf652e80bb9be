import { parseMessage } from '../../libs/mail/parse-message';
import { classifyInbound, type ClassifierContext } from './message-classifier';

const context: ClassifierContext = {
  supportAddress: 'support@helpdesk.test',
  verifyProbeHeader: 'X-Helpdesk-Verify',
  isOwnMessageId: (id) => id.startsWith('hd.'),
};

function message(headers: string[], body = 'Hello, the printer is on fire.'): Buffer {
  return Buffer.from(
    [
      'From: Carol <carol@customer.test>',
      'To: support@helpdesk.test',
      'Subject: Printer',
      'Message-ID: <abc@customer.test>',
      ...headers,
      '',
      body,
      '',
    ].join('\r\n'),
  );
}

async function classify(raw: Buffer) {
  return classifyInbound(await parseMessage(raw), raw, context);
}

describe('classifyInbound', () => {
  it('lets an ordinary customer message through', async () => {
    expect(await classify(message([]))).toEqual({ kind: 'ticket-mail' });
  });

  it.each([
    [['X-Helpdesk-Verify: token-1'], 'verify-probe'],
    [['X-Helpdesk-Mail: org-1'], 'own-notification'],
    [['Auto-Submitted: auto-replied'], 'auto-reply:auto-submitted'],
    [['Precedence: bulk'], 'auto-reply:precedence-bulk'],
  ])('ignores %j with reason %s', async (headers, reason) => {
    expect(await classify(message(headers))).toEqual({ kind: 'ignore', reason });
  });

  it('ignores a message whose own Message-ID is one we generated', async () => {
    const raw = Buffer.from(message([]).toString().replace('<abc@customer.test>', '<hd.x@helpdesk.test>'));
    expect(await classify(raw)).toEqual({ kind: 'ignore', reason: 'own-notification' });
  });

  it('ignores mail from the support address itself', async () => {
    const raw = Buffer.from(message([]).toString().replace('carol@customer.test', 'SUPPORT@helpdesk.test'));
    expect(await classify(raw)).toEqual({ kind: 'ignore', reason: 'from-support-address' });
  });

  it('takes "Auto-Submitted: no" as a human message', async () => {
    expect(await classify(message(['Auto-Submitted: no']))).toEqual({ kind: 'ticket-mail' });
  });

  it('recognises a bounce before anything else, with the Message-ID it returns', async () => {
    const raw = Buffer.from(
      [
        'From: MAILER-DAEMON@mx.customer.test',
        'To: support@helpdesk.test',
        'Subject: Undelivered Mail Returned to Sender',
        'Auto-Submitted: auto-replied',
        'MIME-Version: 1.0',
        'Content-Type: multipart/report; report-type=delivery-status; boundary="b"',
        '',
        '--b',
        'Content-Type: text/plain',
        '',
        'Your message could not be delivered.',
        '--b',
        'Content-Type: message/delivery-status',
        '',
        'Reporting-MTA: dns; mx.customer.test',
        '',
        'Final-Recipient: rfc822; gone@customer.test',
        'Action: failed',
        'Status: 5.1.1',
        '--b',
        'Content-Type: text/rfc822-headers',
        '',
        'Message-ID: <hd.original@helpdesk.test>',
        'Subject: [#4] Your ticket',
        '--b--',
        '',
      ].join('\r\n'),
    );
    expect(await classify(raw)).toMatchObject({ kind: 'bounce', originalMessageId: 'hd.original@helpdesk.test' });
  });
});
