import { randomBytes } from 'node:crypto';

export interface MessageSpec {
  from?: string;
  to?: string;
  cc?: string;
  subject?: string;
  body?: string;
  messageId?: string;
  inReplyTo?: string;
  references?: string[];
  date?: Date;
  headers?: Record<string, string>;
}

export const uniqueMessageId = (domain = 'customer.test') => `${randomBytes(8).toString('hex')}@${domain}`;

/** A plain RFC 5322 message, CRLF line endings, as a mail client would write it. */
export function makeMessage(spec: MessageSpec = {}): string {
  const messageId = spec.messageId ?? uniqueMessageId();
  const lines = [
    `From: ${spec.from ?? 'Carol Customer <carol@customer.test>'}`,
    `To: ${spec.to ?? 'support@helpdesk.test'}`,
    ...(spec.cc ? [`Cc: ${spec.cc}`] : []),
    `Subject: ${spec.subject ?? 'Printer on fire'}`,
    `Date: ${(spec.date ?? new Date()).toUTCString()}`,
    `Message-ID: <${messageId}>`,
    ...(spec.inReplyTo ? [`In-Reply-To: <${spec.inReplyTo}>`] : []),
    ...(spec.references ? [`References: ${spec.references.map((id) => `<${id}>`).join(' ')}`] : []),
    ...Object.entries(spec.headers ?? {}).map(([name, value]) => `${name}: ${value}`),
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
    '',
    spec.body ?? 'It is on fire. Please help.',
    '',
  ];
  return lines.join('\r\n');
}

/** Polls every `intervalMs` until `check` returns a value (not undefined/null/false) or the time is up. */
export async function eventually<T>(
  check: () => Promise<T | null | undefined | false>,
  timeoutMs = 15_000,
  intervalMs = 100,
): Promise<T> {
  const started = Date.now();
  let last: unknown;
  while (Date.now() - started < timeoutMs) {
    try {
      const value = await check();
      if (value !== null && value !== undefined && value !== false) return value;
    } catch (error) {
      last = error;
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  throw new Error(`Condition not met within ${timeoutMs} ms${last ? `: ${String(last)}` : ''}`);
}
