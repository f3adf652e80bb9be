import { randomBytes } from 'node:crypto';

const NAMES = ['Ada Lovelace', 'Grace Hopper', 'Alan Turing', 'Edsger Dijkstra', 'Barbara Liskov', 'Ken Thompson'];
const TOPICS = ['Printer on fire', 'Cannot log in', 'Invoice question', 'VPN drops every hour', 'Refund request'];
const PARAGRAPH =
  'Hello support team, since this morning the thing described in the subject keeps happening. ' +
  'I tried restarting, clearing the cache and asking a colleague, with no luck. Could you have a look? ';

function base64Lines(bytes: Buffer): string {
  return bytes.toString('base64').replace(/.{76}/g, '$&\r\n');
}

/**
 * A mix like a real support inbox: plain text, text+HTML alternatives, and some with a small
 * attachment; about 5 KB on average. Deterministic per index, with unique Message-IDs.
 */
export function realisticMessage(index: number, attachmentBytes = 0): string {
  const name = NAMES[index % NAMES.length];
  const address = `${name.split(' ')[0].toLowerCase()}${index}@customer.example`;
  const subject = `${TOPICS[index % TOPICS.length]} #${index}`;
  const text = `${PARAGRAPH.repeat(1 + (index % 4))}\r\n\r\nThanks,\r\n${name}\r\n`;
  const headers = [
    `From: ${name} <${address}>`,
    'To: support@helpdesk.example',
    `Subject: ${subject}`,
    `Date: ${new Date(Date.UTC(2026, 10, 1) + index * 60_000).toUTCString()}`,
    `Message-ID: <bench-${index}-${randomBytes(4).toString('hex')}@customer.example>`,
    'MIME-Version: 1.0',
  ];
  const kind = attachmentBytes > 0 ? 2 : index % 3;
  if (kind === 0) {
    return [...headers, 'Content-Type: text/plain; charset=utf-8', '', text].join('\r\n');
  }
  const html = `<html><body><p>${text.replace(/\r\n/g, '<br>')}</p></body></html>`;
  const alternative = [
    'Content-Type: multipart/alternative; boundary="alt"',
    '',
    '--alt',
    'Content-Type: text/plain; charset=utf-8',
    '',
    text,
    '--alt',
    'Content-Type: text/html; charset=utf-8',
    '',
    html,
    '--alt--',
  ];
  if (kind === 1) return [...headers, ...alternative].join('\r\n');
  const attachment = randomBytes(attachmentBytes > 0 ? attachmentBytes : 4096 + (index % 8) * 1024);
  return [
    ...headers,
    'Content-Type: multipart/mixed; boundary="mixed"',
    '',
    '--mixed',
    ...alternative,
    '--mixed',
    `Content-Type: application/pdf; name="report-${index}.pdf"`,
    'Content-Transfer-Encoding: base64',
    `Content-Disposition: attachment; filename="report-${index}.pdf"`,
    '',
    base64Lines(attachment),
    '--mixed--',
    '',
  ].join('\r\n');
}
