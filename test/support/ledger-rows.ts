import type { NewIngestedMessage } from '../../src/sync/ingested-messages.repository';

/** A ledger row of a message that was ignored, with nothing stored: what specs of the ledger itself write. */
export function ignoredLedgerRow(messageKey: string, values: Partial<NewIngestedMessage> = {}): NewIngestedMessage {
  return {
    messageKey,
    contentHash: null,
    folder: 'INBOX',
    uidValidity: '1',
    uid: 1,
    runId: null,
    outcome: 'ignored',
    reason: 'test',
    ticketId: null,
    fromAddress: null,
    subject: null,
    rawKey: null,
    raw: null,
    ...values,
  };
}
