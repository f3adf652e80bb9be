import { expectLinearGrowth } from '../../test/support/growth';
import { detectBounce } from './bounce';
import {
  messageIdFromHeaderBlock,
  messageIdFromText,
  parseDeliveryStatus,
  recipientsFromText,
} from './delivery-report';

/** Hostile bounce shapes: each must cost time linear in its size (see test/support/growth.ts). */
describe('bounce reading on hostile input grows linearly', () => {
  it('parseDeliveryStatus: Final-Recipient followed by a@a@a@…', () => {
    expectLinearGrowth(
      16_000,
      (size) => `Final-Recipient: rfc822; ${'a@'.repeat(size / 2)}\nAction: failed\n`,
      parseDeliveryStatus,
    );
  });

  it('parseDeliveryStatus: one field of dots and dashes after an @', () => {
    expectLinearGrowth(16_000, (size) => `Final-Recipient: a@${'.a-'.repeat(size / 3)}`, parseDeliveryStatus);
  });

  it('recipientsFromText: 80 long lines repeating "user", "failed:" and "<a@"', () => {
    for (const word of ['user ', 'failed:', '<a@', 'not delivered to a@']) {
      expectLinearGrowth(
        4_000,
        (size) => Array.from({ length: 80 }, () => word.repeat(size / word.length)).join('\n'),
        recipientsFromText,
      );
    }
  });

  it('messageIdFromText and messageIdFromHeaderBlock: long Message-ID lines', () => {
    expectLinearGrowth(
      32_000,
      (size) => `Message-ID: ${'a@'.repeat(size / 2)}\n${'>'.repeat(size)}`,
      (text) => messageIdFromText(text, null),
    );
    expectLinearGrowth(
      32_000,
      (size) => Buffer.from(`Message-ID: <${'(a'.repeat(size / 2)}\n ${' '.repeat(size)}x\n\nbody`),
      messageIdFromHeaderBlock,
    );
  });

  it('detectBounce: a From header of unclosed angle brackets', () => {
    expectLinearGrowth(
      32_000,
      (size) => ({
        headers: { from: ['<'.repeat(size)], 'return-path': ['<>'] },
        subject: 'Undelivered Mail Returned to Sender',
        from: null,
        text: `${'user '.repeat(size / 5)}`,
        attachments: [],
        messageId: null,
      }),
      (message) => detectBounce(message),
    );
  });
});
