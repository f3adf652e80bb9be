import { Injectable } from '@nestjs/common';
import type { TicketListPosition, TicketSort } from './ticket-list-cursor';
import {
  type Parameters,
  type TicketListFilter,
  type TicketListItem,
  TicketListRepository,
} from './ticket-list.repository';

/**
 * How far in the past an activity enumeration takes its order. A comment's time is taken when its
 * transaction starts and becomes visible when it commits; an order taken at a time some transaction
 * could still be writing under would change under the enumeration. Two minutes is far longer than any
 * ticket write takes (a sync batch commits within seconds).
 */
export const ACTIVITY_SNAPSHOT_LAG_MS = 2 * 60_000;

/**
 * A ticket's last activity as of `:asOf`: its latest comment from a person (system notes do not count,
 * see TicketsService.addSystemNote) at or before then, or its creation. Read through the comments index
 * (organization, ticket, created_at). Equal to `last_activity_at` for a ticket nothing has moved since.
 */
const ACTIVITY_AS_OF = `COALESCE((SELECT MAX(cm."created_at") FROM "comments" cm
    WHERE cm."organization_id" = t."organization_id" AND cm."ticket_id" = t."id"
      AND cm."kind" <> 'system' AND cm."created_at" <= :asOf), t."created_at")`;

/** Past the position: a key before it, or the same key and a lower number (every sort is newest first). */
const PAST_POSITION = 'm."sort_key" <= :afterKey AND (m."sort_key" < :afterKey OR m."number" < :afterNumber)';
const KEY_ORDER = 'm."sort_key" DESC, m."number" DESC';

export interface KeysetPage {
  items: TicketListItem[];
  /** Where the next page starts; null when this one reached the end. */
  next: TicketListPosition | null;
}

type KeyedItem = { item: TicketListItem; sortKey: string };

/** A timestamp's text in a fixed width (PostgreSQL writes `…:05` for `…:05.000`), so texts compare as times. */
function comparableTime(text: string): string {
  const dot = text.indexOf('.', 19);
  return dot < 0 ? `${text}.000000` : text.padEnd(dot + 7, '0');
}

function newestFirst(a: KeyedItem, b: KeyedItem): number {
  const [left, right] = [comparableTime(a.sortKey), comparableTime(b.sortKey)];
  if (left !== right) return left < right ? 1 : -1;
  return b.item.number - a.item.number;
}

const pad = (value: number, width = 2) => String(value).padStart(width, '0');

/**
 * A time as a timestamp column holds it as text: UTC on SQLite; on PostgreSQL the process's local time,
 * since pg writes a Date to `timestamp without time zone` in local time.
 */
export function timestampText(epochMs: number, zone: 'utc' | 'local'): string {
  const time = new Date(epochMs);
  if (zone === 'utc') return time.toISOString().slice(0, 23).replace('T', ' ');
  const date = `${time.getFullYear()}-${pad(time.getMonth() + 1)}-${pad(time.getDate())}`;
  const clock = `${pad(time.getHours())}:${pad(time.getMinutes())}:${pad(time.getSeconds())}`;
  return `${date} ${clock}.${pad(time.getMilliseconds(), 3)}`;
}

/**
 * Keyset pages of the ticket list: each page starts after the last ticket of the one before, found by its
 * sort key and number, so nothing written meanwhile shifts the pages as it does with offsets.
 *
 * `created` and `number` never change, so their keyset is stable as it is. Activity does change, so an
 * activity enumeration takes its order as of a fixed time, `asOf` (its first page's time less
 * ACTIVITY_SNAPSHOT_LAG_MS): each ticket sorts by its activity as of then, which never changes again.
 * A ticket nothing moved since `asOf` has it in `last_activity_at` and is read by the activity index;
 * the few moved since (`last_activity_at` > asOf) have it worked out from their comments
 * (ACTIVITY_AS_OF). The two reads are merged. So every ticket that existed when the enumeration began
 * comes exactly once, at the place it had then, however often it moves; a ticket created afterwards sorts
 * by its creation, after `asOf`, so it comes at most once (usually not: above the position) and is left
 * to `updatedSince`.
 *
 * The first page is the ordinary list (page 1, the same fast query), whose order is the live one: a
 * ticket moved since `asOf` may sit on it above its place in the enumeration's order. Its number goes
 * into the cursor (`served`), and later pages leave it out.
 */
@Injectable()
export class TicketKeysetRepository {
  constructor(private readonly list: TicketListRepository) {}

  /** The position after the first page of the ordinary list (read at `readAt`), or null if it was the last. */
  positionAfterFirstPage(
    sort: TicketSort,
    items: TicketListItem[],
    limit: number,
    readAt: number,
  ): TicketListPosition | null {
    const last = items.at(-1);
    if (!last || items.length < limit) return null;
    const zone = this.list.timestampZone;
    if (sort === 'number') return { sort, number: last.number };
    if (sort === 'created') return { sort, key: timestampText(Date.parse(last.createdAt), zone), number: last.number };
    const asOf = readAt - ACTIVITY_SNAPSHOT_LAG_MS;
    const served: number[] = [];
    for (const item of items) if (Date.parse(item.lastActivityAt) > asOf) served.push(item.number);
    // Every ticket above an unmoved last item is on this page (moved ones all sort above unmoved ones in
    // the live order). If even the last one moved, the enumeration has not yet passed any place.
    if (Date.parse(last.lastActivityAt) > asOf) return { sort, asOf, served };
    return { sort, asOf, served, key: timestampText(Date.parse(last.lastActivityAt), zone), number: last.number };
  }

  async page(
    organizationId: string,
    filter: TicketListFilter,
    position: TicketListPosition,
    limit: number,
  ): Promise<KeysetPage> {
    const after = position.number !== undefined;
    const parameters: Parameters = after ? { afterNumber: position.number! } : {};
    if (position.key !== undefined) parameters.afterKey = position.key;
    const read = { keys: '1 = 1', order: KEY_ORDER, parameters, limit };
    if (position.sort === 'number') {
      const rows = await this.list.keysetRows(organizationId, filter, {
        ...read,
        sortKey: 't."number"',
        tickets: after ? 't."number" < :afterNumber' : '1 = 1',
        order: 'm."number" DESC',
      });
      return this.pageOf(position, rows, limit);
    }
    if (position.sort === 'created') {
      const rows = await this.list.keysetRows(organizationId, filter, {
        ...read,
        sortKey: 't."created_at"',
        tickets: after ? 't."created_at" <= :afterKey' : '1 = 1',
        keys: after ? PAST_POSITION : '1 = 1',
        order: KEY_ORDER,
      });
      return this.pageOf(position, rows, limit);
    }
    return this.activityPage(organizationId, filter, position, limit, parameters);
  }

  private async activityPage(
    organizationId: string,
    filter: TicketListFilter,
    position: TicketListPosition,
    limit: number,
    parameters: Parameters,
  ): Promise<KeysetPage> {
    if (position.asOf === undefined) throw new Error('An activity position carries asOf');
    const after = position.key !== undefined && position.number !== undefined;
    const asOfParameters = { ...parameters, asOf: timestampText(position.asOf, this.list.timestampZone) };
    const served = new Set(position.served ?? []);
    const [unmoved, moved] = await Promise.all([
      this.list.keysetRows(organizationId, filter, {
        sortKey: 't."last_activity_at"',
        tickets: `t."last_activity_at" <= :asOf${after ? ' AND t."last_activity_at" <= :afterKey' : ''}`,
        keys: after ? PAST_POSITION : '1 = 1',
        order: KEY_ORDER,
        parameters: asOfParameters,
        limit,
      }),
      this.list.keysetRows(organizationId, filter, {
        sortKey: ACTIVITY_AS_OF,
        tickets: 't."last_activity_at" > :asOf',
        keys: after ? PAST_POSITION : '1 = 1',
        order: KEY_ORDER,
        parameters: asOfParameters,
        limit: limit + served.size,
      }),
    ]);
    const rows = [...unmoved, ...moved.filter((row) => !served.has(row.item.number))].sort(newestFirst);
    return this.pageOf(position, rows, limit);
  }

  /** The first `limit` rows, and the position after the last of them when there may be more. */
  private pageOf(position: TicketListPosition, rows: KeyedItem[], limit: number): KeysetPage {
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    if (!last || page.length < limit) return { items: page.map((row) => row.item), next: null };
    const next: TicketListPosition = { ...position, number: last.item.number };
    if (position.sort !== 'number') next.key = last.sortKey;
    return { items: page.map((row) => row.item), next };
  }
}
