import { messageIdKey } from '../../libs/mail/message-id';
import { attachmentMetadata, commentContent, contactOf, ticketSubject } from './inbound-email';

describe('inbound email normalization', () => {
  it.each([
    ['<abc@example.com>', 'abc@example.com'],
    ['abc@example.com', 'abc@example.com'],
    ['  <abc@example.com> (comment)', 'abc@example.com'],
    ['<no-at-sign>', 'no-at-sign'],
    ['<>', null],
    ['', null],
    [null, null],
    [`<${'a'.repeat(1000)}@x>`, null],
  ])('normalizes the Message-ID %j', (value: string | null, expected: string | null) => {
    expect(messageIdKey(value)).toBe(expected);
  });

  it('keeps the visible text as body, the full text only when it differs, and sanitized HTML', () => {
    expect(
      commentContent({
        text: 'Hi',
        fullText: 'Hi\n> old',
        html: '<p onclick="x()">Hi<a href="javascript:alert(1)">x</a></p>',
      }),
    ).toEqual({
      body: 'Hi',
      fullBody: 'Hi\n> old',
      html: '<p>Hi<a target="_blank" rel="noopener noreferrer nofollow">x</a></p>',
    });
    expect(commentContent({ text: 'Hi', fullText: 'Hi', html: '<script>x</script>' })).toEqual({
      body: 'Hi',
      fullBody: null,
      html: null,
    });
    expect(commentContent({ text: null, fullText: 'All\u0000', html: null })).toEqual({
      body: 'All',
      fullBody: null,
      html: null,
    });
  });

  it('makes subjects and names one line and addresses lower-case', () => {
    expect(ticketSubject(' Re: Help\r\n\tnow ')).toBe('Re: Help now');
    expect(ticketSubject('\r\n')).toBe('(no subject)');
    expect(contactOf({ address: ' Carla@Example.COM ', name: 'Carla\r\nBcc: x' })).toEqual({
      email: 'carla@example.com',
      name: 'Carla Bcc: x',
    });
  });

  it('cleans attachment metadata', () => {
    const base = { content: Buffer.from('x'), inline: false, contentId: null };
    expect(
      attachmentMetadata({ ...base, filename: '../../x.pdf', contentType: 'Application/PDF; name="x.pdf"' }),
    ).toEqual({
      filename: 'x.pdf',
      contentType: 'application/pdf',
      contentId: null,
      inline: false,
    });
    expect(
      attachmentMetadata({ ...base, filename: '', contentType: 'bogus', contentId: '<img1@x>', inline: true }),
    ).toEqual({
      filename: 'attachment',
      contentType: 'application/octet-stream',
      contentId: 'img1@x',
      inline: true,
    });
  });
});
