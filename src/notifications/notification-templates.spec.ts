import { verifySignedMessageId } from '../../libs/mail/signed-message-id';
import { compose, messageIdDomain, threadHeaders } from './notification-composer';
import { DEFAULT_NOTIFICATION_SETTINGS, NOTIFICATION_KINDS } from './notification-kinds';
import { renderSubject, renderText, templateErrors, textToHtml } from './notification-templates';
import { recipientProblem } from './recipient-policy';

const SECRET = 'a-secret-of-at-least-thirty-two-characters';
const ORG = '11111111-1111-4111-8111-111111111111';
const TICKET = '22222222-2222-4222-8222-222222222222';

describe('notification templates', () => {
  it('accepts every default template', () => {
    for (const kind of NOTIFICATION_KINDS) {
      const { subject, body } = DEFAULT_NOTIFICATION_SETTINGS.templates[kind];
      expect({ kind, errors: [...templateErrors(subject), ...templateErrors(body)] }).toEqual({ kind, errors: [] });
    }
  });

  it.each([
    ['Hi {{ticket.secret}}', /unknown placeholder \{\{ticket\.secret\}\}/],
    ['{{#ticket}}x{{/ticket}}', /may only use \{\{placeholder\}\} tags \(found a "#" tag/],
    ['{{{comment.body}}}', /found a "&" tag/],
    ['{{> partial}}', /found a ">" tag/],
    ['{{=<% %>=}}', /found a "=" tag/],
    ['{{ticket.number', /is not a valid template/],
  ])('refuses %j', (template, message) => {
    expect(templateErrors(template).join(' ')).toMatch(message);
  });

  it('puts values in as text: never rendered again, CR/LF gone from subjects, escaped in HTML', () => {
    const values = { 'comment.body': 'a\r\nBcc: x@evil.test {{ticket.number}}', 'ticket.number': '7' };
    expect(renderSubject('Re: {{comment.body}}', values)).toBe('Re: a Bcc: x@evil.test {{ticket.number}}');
    expect(renderText('{{comment.body}} #{{ticket.number}}', values)).toBe('a\nBcc: x@evil.test {{ticket.number}} #7');
    expect(textToHtml('<b>"Tom" & Jerry</b>\n\nsecond')).toContain(
      '<p>&lt;b&gt;&quot;Tom&quot; &amp; Jerry&lt;/b&gt;</p>\n<p>second</p>',
    );
    expect(renderSubject('{{comment.body}}', { 'comment.body': 'x'.repeat(400) })).toHaveLength(250);
    expect(renderSubject('\u2028{{requester.name}}\u0085', { 'requester.name': 'Eve' })).toBe('Eve');
  });
});

describe('recipient policy', () => {
  const own = new Set(['support@acme.test']);
  it.each([
    'MAILER-DAEMON@acme.test',
    'postmaster@customer.test',
    'noreply@shop.test',
    'no-reply@shop.test',
    'do_not_reply@shop.test',
    'donotreply@shop.test',
    'notifications-noreply@github.test',
    'noreply+abc@shop.test',
    'bounce@lists.test',
    'bounces+123-abc=customer.test@mailer.test',
  ])('refuses the machine mailbox %s', (address) => {
    expect(recipientProblem(address, own)).toMatch(/machine mailbox/);
  });

  it('refuses our own address and a non-address, accepts people', () => {
    expect(recipientProblem('Support@Acme.test', own)).toBe('our own support address');
    expect(recipientProblem('not an address', own)).toBe('not a valid email address');
    for (const address of ['carol@customer.test', 'reply@customer.test', 'bouncer.jim@club.test', 'noreen@x.test']) {
      expect(recipientProblem(address, own)).toBeNull();
    }
  });
});

describe('composing a message', () => {
  it('threads to the newest inbound message, references the thread, signs its own id', () => {
    const ours = compose(
      { kind: 'agentReplied', recipient: 'carol@customer.test', values: {} },
      { enabled: true, subject: 'Re: x', body: 'b' },
      {
        organizationId: ORG,
        ticketId: TICKET,
        ticketNumber: 3,
        ticketSubject: 'x',
        eventId: TICKET,
        secret: SECRET,
        fromAddress: 'support@acme.test',
        replyTo: null,
        thread: [],
      },
      new Date(),
    ).messageId.replace(/^<|>$/g, '');
    const thread = ['first@customer.test', ours, 'reply@customer.test', ours.replace('@', '.x@')];
    const headers = threadHeaders({ secret: SECRET, organizationId: ORG, thread: [...thread.slice(0, 3), ours] });
    expect(headers.inReplyTo).toBe('<reply@customer.test>');
    expect(headers.references).toBe(`<first@customer.test> <${ours}> <reply@customer.test> <${ours}>`);
    expect(verifySignedMessageId(SECRET, ours)).toEqual({ organizationId: ORG, ticketId: TICKET });
    expect(threadHeaders({ secret: SECRET, organizationId: ORG, thread: [] })).toEqual({
      inReplyTo: null,
      references: null,
    });
    const long = Array.from({ length: 50 }, (_, i) => `m${i}@customer.test`);
    const kept = threadHeaders({ secret: SECRET, organizationId: ORG, thread: long }).references!.split(' ');
    expect(kept).toHaveLength(30);
    expect(kept[0]).toBe('<m0@customer.test>');
    expect(kept[29]).toBe('<m49@customer.test>');
  });

  it('uses an ASCII domain of the sender for Message-IDs', () => {
    expect(messageIdDomain('support@Acme.Test')).toBe('acme.test');
    expect(messageIdDomain('support@bücher.example')).toBe('xn--bcher-kva.example');
    expect(messageIdDomain('support@localhost')).toBe('helpdesk.invalid');
  });
});
