import { randomUUID } from 'node:crypto';
import type { InboundEmail } from '../../src/tickets/inbound-email';

/**
 * A parsed inbound message as the Sync module hands it to TicketsService, with a fresh Message-ID.
 * `fullText` follows `text` unless given.
 */
export function inboundEmail(overrides: Partial<InboundEmail> = {}): InboundEmail {
  const text = overrides.text ?? 'hello';
  return {
    subject: 'Printer on fire',
    from: { address: 'carla@customer.test', name: 'Carla' },
    cc: [],
    messageId: `<${randomUUID()}@customer.test>`,
    html: null,
    attachments: [],
    receivedAt: new Date(),
    ...overrides,
    text,
    fullText: overrides.fullText ?? text,
  };
}
