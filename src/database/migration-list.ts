import { OrganizationsAndUsers1764000000000 } from './migrations/1764000000000-organizations-and-users';
import { EmailSettings1764000001000 } from './migrations/1764000001000-email-settings';
import { Tickets1764000002000 } from './migrations/1764000002000-tickets';
import { Sync1764000003000 } from './migrations/1764000003000-sync';
import { Notifications1764000004000 } from './migrations/1764000004000-notifications';
import { TicketSearch1764000005000 } from './migrations/1764000005000-ticket-search';
import { RawBytesUncompressed1764000006000 } from './migrations/1764000006000-raw-bytes-uncompressed';
import { MessageIdsByTicket1764000007000 } from './migrations/1764000007000-message-ids-by-ticket';
import { RawBytesBinary1764000008000 } from './migrations/1764000008000-raw-bytes-binary';
import { Leases1764000009000 } from './migrations/1764000009000-leases';
import { LedgerContentHash1764000010000 } from './migrations/1764000010000-ledger-content-hash';
import { AuditEvents1764000011000 } from './migrations/1764000011000-audit-events';
import { Alerts1764000012000 } from './migrations/1764000012000-alerts';
import { TicketEnumeration1764000013000 } from './migrations/1764000013000-ticket-enumeration';
import { Accounts1764000014000 } from './migrations/1764000014000-accounts';
import { SecretChecks1764000015000 } from './migrations/1764000015000-secret-checks';
import { PushStates1764000016000 } from './migrations/1764000016000-push-states';
import { SyncDueTimes1764000017000 } from './migrations/1764000017000-sync-due-times';
import { OAuth1764000018000 } from './migrations/1764000018000-oauth';
import { IncomingOAuth21764000019000 } from './migrations/1764000019000-incoming-oauth2';

/** Every migration, oldest first. Both dialects run the same list. */
export const MIGRATIONS = [
  OrganizationsAndUsers1764000000000,
  EmailSettings1764000001000,
  Tickets1764000002000,
  Sync1764000003000,
  Notifications1764000004000,
  TicketSearch1764000005000,
  RawBytesUncompressed1764000006000,
  MessageIdsByTicket1764000007000,
  RawBytesBinary1764000008000,
  Leases1764000009000,
  LedgerContentHash1764000010000,
  AuditEvents1764000011000,
  Alerts1764000012000,
  TicketEnumeration1764000013000,
  Accounts1764000014000,
  SecretChecks1764000015000,
  PushStates1764000016000,
  SyncDueTimes1764000017000,
  OAuth1764000018000,
  IncomingOAuth21764000019000,
];
