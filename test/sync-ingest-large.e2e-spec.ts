import { randomBytes } from 'node:crypto';
import { parseMessage } from '../libs/mail/parse-message';
import { makeMessage } from './support/messages';
import { withoutMessageId, type SupportDesk } from './support/support-desk';
import { syncFixture } from './support/sync-fixture';

/** Messages over 64 KB take the streamed path here (the default threshold is 4 MB). */
const SYNC_ENV = { MAIL_ALLOW_PRIVATE_HOSTS: 'true', SYNC_STREAM_MESSAGE_BYTES: String(64 * 1024) };

const base64Lines = (bytes: Buffer) => bytes.toString('base64').replace(/.{76}/g, '$&\r\n');

/** Text and HTML bodies, an inline image the HTML shows, a PDF and a delivery-status-looking part. */
function largeMessage(to: string, subject: string, pdf: Buffer, image: Buffer): string {
  return makeMessage({ from: 'Carol Customer <carol@customer.test>', to, subject })
    .replace('Content-Type: text/plain; charset=utf-8', 'Content-Type: multipart/mixed; boundary="outer"')
    .replace('Content-Transfer-Encoding: 8bit\r\n', '')
    .replace(
      'It is on fire. Please help.',
      [
        '--outer',
        'Content-Type: multipart/related; boundary="related"',
        '',
        '--related',
        'Content-Type: multipart/alternative; boundary="alt"',
        '',
        '--alt',
        'Content-Type: text/plain; charset=utf-8',
        '',
        'The scan of the broken printer is attached. Grüße!',
        '--alt',
        'Content-Type: text/html; charset=utf-8',
        '',
        '<p>The scan of the broken printer is attached. Grüße!</p><img src="cid:photo@customer.test">',
        '--alt--',
        '--related',
        'Content-Type: image/png; name="photo.png"',
        'Content-ID: <photo@customer.test>',
        'Content-Transfer-Encoding: base64',
        '',
        base64Lines(image),
        '--related--',
        '--outer',
        'Content-Type: application/pdf; name="=?utf-8?q?Scan_f=C3=BCr_Support.pdf?="',
        "Content-Disposition: attachment; filename*=utf-8''Scan%20f%C3%BCr%20Support.pdf",
        'Content-Transfer-Encoding: base64',
        '',
        base64Lines(pdf),
        '--outer--',
      ].join('\r\n'),
    );
}

/**
 * Mail too large to hold in memory is streamed: downloaded in chunks into storage, parsed from there
 * with every attachment streamed into storage too. What the agent sees must not differ from mail
 * parsed in memory.
 */
describe('sync ingestion: large messages, streamed through storage', () => {
  const mail = syncFixture(SYNC_ENV);

  async function syncClean(support: SupportDesk) {
    const run = await support.desk.syncNow();
    expect({ status: run.status, failed: run.failed }).toEqual({ status: 'succeeded', failed: 0 });
    return run;
  }

  it('makes the ticket a message parsed in memory would make, with every attachment byte for byte', async () => {
    const support = await mail.desk();
    const pdf = randomBytes(600 * 1024);
    const image = randomBytes(40 * 1024);
    const raw = largeMessage(support.address, 'Scan of the printer', pdf, image);
    await support.deliver(raw);
    const run = await syncClean(support);
    expect({ fetched: run.fetched, tickets: run.tickets }).toEqual({ fetched: 1, tickets: 1 });

    const ticket = await support.desk.ticketBySubject('Scan of the printer');
    const [comment] = ticket.comments;
    const inMemory = await parseMessage(Buffer.from(raw));
    expect(comment.body.trim()).toBe(inMemory.text?.trim());
    expect(comment.html).toContain('Grüße');
    expect(ticket.requester).toEqual({ email: 'carol@customer.test', name: 'Carol Customer' });
    const described = (parts: { filename: string; contentType: string; size: number }[]) =>
      parts
        .map(({ filename, contentType, size }) => ({ filename, contentType, size }))
        .sort((a, b) => (a.filename < b.filename ? -1 : 1));
    expect(described(comment.attachments)).toEqual(described(inMemory.attachments));
    expect(described(comment.attachments).map((part) => part.filename)).toEqual(['Scan für Support.pdf', 'photo.png']);
    const byName = new Map(comment.attachments.map((attachment) => [attachment.filename, attachment]));
    expect(
      Buffer.compare(await support.desk.attachmentBytes(ticket.id, byName.get('Scan für Support.pdf')!.id), pdf),
    ).toBe(0);
    expect(Buffer.compare(await support.desk.attachmentBytes(ticket.id, byName.get('photo.png')!.id), image)).toBe(0);
  });

  it('ingests a large message delivered twice once, with or without a Message-ID', async () => {
    const support = await mail.desk();
    const withId = largeMessage(support.address, 'Large, with an id', randomBytes(100 * 1024), randomBytes(1024));
    const withoutId = withoutMessageId(
      largeMessage(support.address, 'Large, without an id', randomBytes(100 * 1024), randomBytes(1024)),
    );
    await support.deliver(withId, withoutId, withId, withoutId);
    const run = await syncClean(support);
    expect({ fetched: run.fetched, tickets: run.tickets }).toEqual({ fetched: 4, tickets: 2 });
    expect((await support.desk.allSubjects()).sort()).toEqual(['Large, with an id', 'Large, without an id']);
  });

  it('threads a large reply into its ticket, in order with the small mail around it', async () => {
    const support = await mail.desk();
    await support.deliver({
      from: 'Carol Customer <carol@customer.test>',
      subject: 'Printer on fire',
      messageId: 'first@customer.test',
    });
    await syncClean(support);
    const ticket = await support.desk.ticketBySubject('Printer on fire');
    const reply = largeMessage(
      support.address,
      'Re: Printer on fire',
      randomBytes(200 * 1024),
      randomBytes(1024),
    ).replace('MIME-Version: 1.0', 'In-Reply-To: <first@customer.test>\r\nMIME-Version: 1.0');
    await support.deliver(reply, {
      from: 'Carol Customer <carol@customer.test>',
      subject: 'Re: Printer on fire',
      body: 'And one more thing.',
      inReplyTo: 'first@customer.test',
    });
    await syncClean(support);
    const thread = await support.desk.ticket(ticket.id);
    expect(thread.comments.map((comment) => comment.body.trim())).toEqual([
      'It is on fire. Please help.',
      'The scan of the broken printer is attached. Grüße!',
      'And one more thing.',
    ]);
    expect(thread.comments[1].attachments).toHaveLength(2);
  });
});
