import { describeCorpus, listCorpusMessages, readCorpusFile } from '../../test/support/corpus';
import { detectAutoReply } from './auto-reply';
import { parseMessage } from './parse-message';
import type { ParsedMessage } from './parsed-message';

describeCorpus('detectAutoReply on the corpus', () => {
  const parsed = new Map<string, ParsedMessage>();
  const messages = listCorpusMessages();

  beforeAll(async () => {
    for (const entry of messages) {
      parsed.set(entry.path, await parseMessage(readCorpusFile(entry.path)));
    }
  });

  it('recognises every out-of-office and auto-generated message', () => {
    const automatic = messages.filter((entry) =>
      entry.categories.some((tag) => tag === 'auto_reply' || tag === 'auto_generated'),
    );
    const reasons = Object.fromEntries(
      automatic.map((entry) => [entry.path, detectAutoReply(parsed.get(entry.path)!)?.reason]),
    );
    expect(reasons).toEqual({
      'sisimai/bsd/arf-26.eml': 'auto-submitted',
      'sisimai/bsd/lhost-sendmail-31.eml': 'auto-submitted',
      'sisimai/bsd/rfc3834-02.eml': 'x-auto-response-suppress',
      // Apple's vacation reply has only its subject to show for it.
      'sisimai/bsd/rfc3834-03.eml': 'subject-auto-reply',
      'sisimai/bsd/rfc3834-04.eml': 'x-auto-response-suppress',
      'sisimai/bsd/rfc3834-05.eml': 'auto-submitted',
      'sisimai/not/rb-issue-368-bug.eml': 'auto-submitted',
      'zammad/mail089.box': 'auto-submitted',
      'zammad/mail090.box': 'auto-submitted',
    });
  });

  it('leaves ordinary mail alone, except where the sender declared it bulk', () => {
    const ordinary = messages.filter(
      (entry) =>
        !entry.categories.some((tag) => tag.startsWith('auto_')) &&
        entry.path !== 'mimekit/messages/feedback-report.txt',
    );
    const flagged = Object.fromEntries(
      ordinary
        .map((entry) => [entry.path, detectAutoReply(parsed.get(entry.path)!)?.reason] as const)
        .filter(([, reason]) => reason !== undefined),
    );
    // All "Precedence: bulk/junk": list mail, a newsletter and spam. The sender's own statement
    // that the mail is not personal, so no auto-acknowledgement should answer it.
    expect(flagged).toEqual({
      'django-mailbox/message_with_image_jpg_mimetype.eml': 'precedence-bulk',
      'django-mailbox/message_with_utf8_char.eml': 'precedence-bulk',
      'flanker/apache-message-news-mime.eml': 'precedence-bulk',
      'flanker/message-external-body.eml': 'precedence-bulk',
      'mikel-mail/error_emails/bad_date_header.eml': 'precedence-junk',
      'zammad/mail043.box': 'precedence-bulk',
    });
  });
});

describe('detectAutoReply rules', () => {
  const detect = (headers: Record<string, string>, subject = 'Question about my invoice') =>
    detectAutoReply({
      subject,
      headers: Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, [value]])),
    });

  it('follows RFC 3834 Auto-Submitted', () => {
    expect(detect({ 'auto-submitted': 'auto-replied; owner-email="a@b.example"' })).toEqual({
      reason: 'auto-submitted',
    });
    expect(detect({ 'auto-submitted': 'auto-generated' })).toEqual({ reason: 'auto-submitted' });
    expect(detect({ 'auto-submitted': 'No' })).toBeNull();
  });

  it('reads the vendor headers of auto-responders', () => {
    expect(detect({ 'x-autoreply': 'yes' })).toEqual({ reason: 'x-autoreply' });
    expect(detect({ 'x-autorespond': 'On vacation' })).toEqual({ reason: 'x-autorespond' });
    expect(detect({ 'x-autoresponder': '1' })).toEqual({ reason: 'x-autorespond' });
    expect(detect({ 'x-autoreply': 'no' })).toBeNull();
    expect(detect({ 'x-auto-response-suppress': 'DR, OOF' })).toEqual({ reason: 'x-auto-response-suppress' });
    expect(detect({ 'x-auto-response-suppress': 'DR, RN' })).toBeNull();
    expect(detect({ 'x-ms-exchange-generated-message-source': 'Mailbox Rules Agent' })).toEqual({
      reason: 'exchange-generated',
    });
    expect(detect({ 'x-ms-exchange-inbox-rules-loop': 'a@b.example' })).toEqual({ reason: 'exchange-inbox-rule' });
  });

  it('reads Precedence, and ignores List-* headers alone', () => {
    expect(detect({ precedence: 'bulk' })).toEqual({ reason: 'precedence-bulk' });
    expect(detect({ precedence: 'auto_reply' })).toEqual({ reason: 'precedence-auto-reply' });
    expect(detect({ precedence: 'first-class' })).toBeNull();
    expect(detect({ 'list-id': '<customers.example.com>', 'list-unsubscribe': '<mailto:u@example.com>' })).toBeNull();
  });

  it('treats read receipts as automatic', () => {
    expect(detect({ 'content-type': 'multipart/report; report-type=disposition-notification; boundary="x"' })).toEqual({
      reason: 'read-receipt',
    });
  });

  it('recognises auto-reply subjects only where responders put them', () => {
    for (const subject of [
      'Automatic reply: Invoice 42',
      'Out of Office: Invoice 42',
      'Out of Office AutoReply: Invoice 42',
      'Abwesenheitsnotiz: Rechnung',
      'Automatische Antwort: Rechnung',
      'Réponse automatique : Facture',
      '[Auto-Reply] Invoice 42',
      'Autoreply',
      '自动回复: 发票',
    ]) {
      expect({ subject, result: detect({}, subject) }).toEqual({ subject, result: { reason: 'subject-auto-reply' } });
    }
    for (const subject of [
      'Out of office on Friday, please cover',
      'Re: Automatic replies are annoying',
      'Invoice 42',
    ]) {
      expect({ subject, result: detect({}, subject) }).toEqual({ subject, result: null });
    }
  });
});
