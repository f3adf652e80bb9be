import { Inject, Injectable } from '@nestjs/common';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { DomainError } from '../common/errors/domain-error';
import { MESSAGE_ID_SECRET } from '../config/message-id-secret';

export const TICKET_SORTS = ['activity', 'created', 'number'] as const;
export type TicketSort = (typeof TICKET_SORTS)[number];

/**
 * Where an enumeration of the list stands. `key` is the sort key of the last ticket returned, as its
 * column's text (absent for `number`, and for an activity enumeration not yet past its first tickets),
 * `number` its tie-breaker. An activity enumeration also carries `asOf`, the time its order is taken at
 * (epoch ms), and `served`: the numbers of tickets it returned whose activity was already past `asOf`
 * (see TicketKeysetRepository).
 */
export interface TicketListPosition {
  sort: TicketSort;
  key?: string;
  number?: number;
  asOf?: number;
  served?: number[];
}

/** The cursor's JSON, with one-letter names to keep it short in a URL. */
interface CursorPayload {
  v: 1;
  s: TicketSort;
  k?: string;
  n?: number;
  a?: number;
  x?: number[];
}

const VERSION = 1;
/** The largest list of served numbers a cursor may carry: one page's worth. */
const MAX_SERVED = 100;

export class InvalidCursorError extends DomainError {
  constructor(message = 'The cursor is malformed, was altered, or belongs to another list') {
    super('validation', 'INVALID_CURSOR', message);
  }
}

const isSafeNumber = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) >= 0;

function positionOf(payload: unknown): TicketListPosition | null {
  if (typeof payload !== 'object' || payload === null) return null;
  const { v, s, k, n, a, x } = payload as Partial<CursorPayload>;
  if (v !== VERSION || !TICKET_SORTS.includes(s as TicketSort)) return null;
  if (k !== undefined && (typeof k !== 'string' || k.length > 40)) return null;
  if (n !== undefined && !isSafeNumber(n)) return null;
  if (a !== undefined && !isSafeNumber(a)) return null;
  if (x !== undefined && (!Array.isArray(x) || x.length > MAX_SERVED || !x.every(isSafeNumber))) return null;
  // The shapes this module writes (TicketKeysetRepository): anything else is not one of ours.
  if (s === 'number' ? k !== undefined || n === undefined : (k === undefined) !== (n === undefined)) return null;
  if ((s === 'activity') !== (a !== undefined) || (s !== 'activity' && x !== undefined)) return null;
  return { sort: s as TicketSort, key: k, number: n, asOf: a, served: x };
}

/**
 * Opaque cursors for the ticket list: base64url JSON of the position, then an HMAC over it, the
 * organization and the list's filters. A cursor altered by hand, made by another organization, or made
 * for other filters fails the check, and a forged position could otherwise steer the query. The key is
 * derived from MESSAGE_ID_SECRET, which every instance shares, so a cursor from one works on another.
 */
@Injectable()
export class TicketListCursors {
  private readonly key: Buffer;

  constructor(@Inject(MESSAGE_ID_SECRET) secret: string) {
    this.key = createHmac('sha256', secret).update('ticket-list-cursor').digest();
  }

  encode(organizationId: string, filters: string, position: TicketListPosition): string {
    const payload: CursorPayload = { v: VERSION, s: position.sort };
    if (position.key !== undefined) payload.k = position.key;
    if (position.number !== undefined) payload.n = position.number;
    if (position.asOf !== undefined) payload.a = position.asOf;
    if (position.served?.length) payload.x = position.served;
    const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
    return `${body}.${this.signature(organizationId, filters, body).toString('base64url')}`;
  }

  /** The position in `cursor`, checked against the organization, filters and sort of this request. */
  decode(organizationId: string, filters: string, sort: TicketSort, cursor: string): TicketListPosition {
    const [body, signature, extra] = cursor.split('.');
    if (!body || !signature || extra !== undefined) throw new InvalidCursorError();
    const given = Buffer.from(signature, 'base64url');
    const expected = this.signature(organizationId, filters, body);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new InvalidCursorError();
    let position: TicketListPosition | null = null;
    try {
      position = positionOf(JSON.parse(Buffer.from(body, 'base64url').toString('utf8')));
    } catch {
      position = null;
    }
    if (!position) throw new InvalidCursorError();
    if (position.sort !== sort) {
      throw new InvalidCursorError(`The cursor was made for sort=${position.sort}; this request asks for sort=${sort}`);
    }
    return position;
  }

  private signature(organizationId: string, filters: string, body: string): Buffer {
    return createHmac('sha256', this.key).update(`${organizationId}\n${filters}\n${body}`).digest();
  }
}
