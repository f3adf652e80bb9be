import {
  messageIdFromHeaderBlock,
  messageIdFromText,
  parseDeliveryStatus,
  recipientsFromText,
} from './delivery-report';

describe('parseDeliveryStatus', () => {
  it('reads each recipient block of an RFC 3464 report', () => {
    const report = [
      'Reporting-MTA: dns; mx.example.org',
      '',
      'Original-Recipient: rfc822;Ann@Example.com',
      'Final-Recipient: rfc822; ann@example.com',
      'Action: failed',
      'Status: 5.1.1 (user unknown)',
      '',
      'Final-Recipient: rfc822; bob@example.com',
      'Action: Delayed',
      'Status: 4.4.7',
    ].join('\r\n');
    expect(parseDeliveryStatus(report)).toEqual([
      { address: 'ann@example.com', action: 'failed' },
      { address: 'bob@example.com', action: 'delayed' },
    ]);
  });

  it('splits recipients when the report has no blank lines', () => {
    const report =
      'Final-Recipient: rfc822; a@example.com\nAction: failed\nFinal-Recipient: rfc822; b@example.com\nAction: failed';
    expect(parseDeliveryStatus(report).map((recipient) => recipient.address)).toEqual([
      'a@example.com',
      'b@example.com',
    ]);
  });
});

describe('original Message-ID', () => {
  it('comes from the returned headers, folded or not', () => {
    expect(messageIdFromHeaderBlock(Buffer.from('From: a@x\r\nMessage-ID:\r\n <orig@example.com>\r\n\r\nbody'))).toBe(
      'orig@example.com',
    );
    expect(messageIdFromHeaderBlock(Buffer.from('From: a@x\r\n\r\nMessage-ID: <in-body@example.com>'))).toBeNull();
  });

  it("comes from quoted headers in the text, skipping the bounce's own id", () => {
    const text = 'Report\nMessage-Id: <bounce@mx>\n--- copy follows ---\n> Message-ID: <orig@example.com>';
    expect(messageIdFromText(text, 'bounce@mx')).toBe('orig@example.com');
    expect(messageIdFromText('no ids here', null)).toBeNull();
  });
});

describe('recipientsFromText', () => {
  it('finds recipients in the common report styles, before the quoted original', () => {
    const text = [
      'This is the mail system at host mx.example.org.',
      '<ann@example.com>: host mx.example.com said: 550 5.1.1 User unknown',
      'bob@example.com on Thu, 29 Apr 2010',
      "Your message wasn't delivered to carl@example.com because the address couldn't be found.",
      'There was an error delivering your mail to <dora@example.com>.',
      'Delivery failed 10 attempts: eve@example.net',
      'User Kijitoranyan (kim@example.jp) not listed in Domino Directory',
      'From: sender@example.com',
      '<not-a-recipient@example.com>: after the quoted headers',
    ].join('\n');
    expect(recipientsFromText(text)).toEqual([
      'ann@example.com',
      'bob@example.com',
      'carl@example.com',
      'dora@example.com',
      'eve@example.net',
      'kim@example.jp',
    ]);
  });
});
