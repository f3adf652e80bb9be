import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { ObjectLiteral, Repository } from 'typeorm';
import type { ColumnMetadata } from 'typeorm/metadata/ColumnMetadata';
import { Ticket } from './ticket.entity';
import type { TicketStatus } from './ticket-values';
import { preparedRead } from '../database/prepared-read';
import { isoFromTimestampText, localTimeIsUtc } from '../database/timestamp-text';

export interface TicketListFilter {
  status?: TicketStatus;
  /** A user id, or null for unassigned tickets. */
  assigneeId?: string | null;
  requesterId?: string;
  /** Searched in subjects and comment bodies, case-insensitively, as a substring. */
  search?: string;
  /** Tickets changed at or after this time, as the `updated_at` column's text (see TicketKeysetRepository). */
  updatedSince?: string;
}

/** Each sort of the list, newest first; each is served by an index that begins with the organization. */
export const LIST_ORDER = {
  activity: 't."last_activity_at" DESC, t."number" DESC',
  created: 't."created_at" DESC, t."number" DESC',
  number: 't."number" DESC',
} as const;
export type ListOrder = keyof typeof LIST_ORDER;

/**
 * What a row of the list shows: the ticket's own columns and its requester's address and name. Times
 * are ISO 8601 strings, as the response carries them: JSON.stringify leaves its fast path for any
 * object with a toJSON method, and 75 Dates made serializing a page four times slower.
 */
export type TicketListItem = Pick<
  Ticket,
  'id' | 'number' | 'subject' | 'status' | 'priority' | 'requesterId' | 'assigneeId' | 'source'
> & {
  createdAt: string;
  updatedAt: string;
  lastActivityAt: string;
  requester: { email: string; name: string } | null;
};

export interface TicketPage {
  items: TicketListItem[];
  total: number;
}

function unfiltered(filter: TicketListFilter): boolean {
  return (
    !filter.status && filter.assigneeId === undefined && !filter.requesterId && !filter.search && !filter.updatedSince
  );
}

/** Escapes LIKE wildcards so a search for "100%" finds that text. */
function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (character) => `\\${character}`)}%`;
}

export type Parameters = Record<string, string | number>;

/** The text as one FTS5 phrase: with the trigram tokenizer, a substring match. */
function ftsPhrase(text: string): string {
  return `"${text.replace(/"/g, '""')}"`;
}

/** The ticket columns of a list row, by property, with the SQL column each is read from. */
const ITEM_COLUMNS = {
  id: 'id',
  number: 'number',
  subject: 'subject',
  status: 'status',
  priority: 'priority',
  requesterId: 'requester_id',
  assigneeId: 'assignee_id',
  source: 'source',
  createdAt: 'created_at',
  updatedAt: 'updated_at',
  lastActivityAt: 'last_activity_at',
} as const satisfies Partial<Record<keyof Ticket, string>>;

const DATE_PROPERTIES = new Set<keyof typeof ITEM_COLUMNS>(['createdAt', 'updatedAt', 'lastActivityAt']);

/** The SELECT list; times as text (SQLite keeps them so), turned into ISO strings by itemOf. */
function selectItem(postgres: boolean): string {
  const column = ([property, name]: [string, string]) =>
    postgres && DATE_PROPERTIES.has(property as keyof typeof ITEM_COLUMNS)
      ? `t."${name}"::text AS "${name}"`
      : `t."${name}"`;
  return [
    ...Object.entries(ITEM_COLUMNS).map(column),
    'c."email" AS "requester_email"',
    'c."name" AS "requester_name"',
  ].join(', ');
}

/**
 * The total of an unfiltered list, without counting: numbers are handed out 1, 2, 3… by the counter in
 * the creating transaction (a rollback gives the number back) and tickets are never deleted, so the
 * counter is the exact total. Counting 100,000 rows dominated the first page of the list.
 */
const TOTAL_FROM_COUNTER =
  '(SELECT "last_number" FROM "ticket_counters" WHERE "organization_id" = :organizationId) AS "total"';

/** The tickets whose subject or comments hold the FTS5 `:phrase`, as "ticket_id" (SQLite's trigram index). */
const SQLITE_SEARCH_MATCHES = `SELECT r."ticket_id" FROM "ticket_search" JOIN "ticket_search_rows" r
  ON r."id" = "ticket_search"."rowid"
  WHERE "ticket_search" MATCH :phrase AND r."organization_id" = :organizationId`;

/** The tickets whose subject or comments match ILIKE `:pattern`, as "ticket_id" (PostgreSQL's trigram indexes). */
const POSTGRES_SEARCH_MATCHES = `SELECT "id" AS "ticket_id" FROM "tickets" WHERE "organization_id" = :organizationId
    AND "subject" ILIKE :pattern ESCAPE '\\'
  UNION SELECT "ticket_id" FROM "comments" WHERE "organization_id" = :organizationId
    AND "body" ILIKE :pattern ESCAPE '\\'`;

/**
 * What looking up one match by id and sorting it costs, in tickets read newest first. Measured on
 * SQLite at 100,000 tickets: about 2.5 µs a match against 0.6 µs a ticket read in order, on top of
 * building the set of matches, which both ways do; PostgreSQL's costs are in the same proportion. The
 * estimate assumes matches spread over time; when they are all old, reading in order costs at most one
 * pass over the organization's tickets. See `searchPage`.
 */
const SORTED_MATCH_COST_IN_SCANNED_TICKETS = 4;

/**
 * PostgreSQL tests membership in a hash of the matches only while the planner expects it to fit in
 * work_mem × hash_mem_multiplier (8 MB by default); past that it rescans the matches for every ticket it
 * reads (seen: 18 s for 100,000 matches with work_mem at 1 MB). Larger sets are always looked up by id;
 * the cap leaves room for a work_mem smaller than the default.
 */
const POSTGRES_HASHED_MATCHES_MAX = 50_000;

/**
 * The agents' ticket list: newest activity first, with `number` as the tie-breaker so pages are
 * stable. Each filter combination is served by one of the tickets indexes (organization first).
 *
 * Written as SQL rather than with the query builder: this is the busiest read of the product, and
 * building the query and hydrating entities through TypeORM cost more CPU than the database took to
 * answer. The requester is joined in (contacts belong to this module), so a page is one query.
 */
@Injectable()
export class TicketListRepository {
  private readonly columns: [keyof typeof ITEM_COLUMNS, ColumnMetadata][];
  private readonly postgres: boolean;
  private readonly selectItem: string;
  /** SQLite's times are UTC; PostgreSQL's `timestamp` columns hold the process's local time. */
  private readonly timeZone: 'utc' | 'local';
  private readonly localIsUtc = localTimeIsUtc();

  constructor(@InjectRepository(Ticket) private readonly tickets: Repository<Ticket>) {
    this.columns = Object.keys(ITEM_COLUMNS).map((property) => {
      const column = tickets.metadata.findColumnWithPropertyName(property);
      if (!column) throw new Error(`Ticket has no column ${property}`);
      return [property as keyof typeof ITEM_COLUMNS, column];
    });
    this.postgres = tickets.manager.connection.options.type === 'postgres';
    this.selectItem = selectItem(this.postgres);
    this.timeZone = this.postgres ? 'local' : 'utc';
  }

  async page(
    organizationId: string,
    filter: TicketListFilter,
    offset: number,
    limit: number,
    sort: ListOrder = 'activity',
  ): Promise<TicketPage> {
    const indexedSearch = sort === 'activity' ? this.indexedSearchAlone(filter) : null;
    if (indexedSearch) return this.searchPage(organizationId, indexedSearch, offset, limit);
    const { where, parameters } = this.conditions(organizationId, filter);
    const order = LIST_ORDER[sort];
    if (unfiltered(filter)) {
      // The total rides along on every row: one round trip instead of two on PostgreSQL. A page past
      // the end has no row to carry it.
      const rows = await this.rows(where, { ...parameters, limit, offset }, TOTAL_FROM_COUNTER, order);
      const total = rows.length > 0 ? Number(rows[0].total) : offset === 0 ? 0 : await this.ticketCount(organizationId);
      return { items: rows.map((row) => this.itemOf(row)), total };
    }
    const [rows, total] = await Promise.all([
      this.rows(where, { ...parameters, limit, offset }, undefined, order),
      this.count(where, parameters),
    ]);
    return { items: rows.map((row) => this.itemOf(row)), total };
  }

  /** The number of tickets the filter matches, on all pages. */
  total(organizationId: string, filter: TicketListFilter): Promise<number> {
    if (unfiltered(filter)) return this.ticketCount(organizationId);
    const { where, parameters } = this.conditions(organizationId, filter);
    return this.count(where, parameters);
  }

  /** Whether times are compared as UTC text (SQLite) or as the process's local time (PostgreSQL). */
  get timestampZone(): 'utc' | 'local' {
    return this.timeZone;
  }

  /**
   * Rows of a keyset read (TicketKeysetRepository): the filter's tickets that also meet `tickets` (over
   * `tickets t`), each with `sortKey` (an expression over `t`) as "sort_key", kept where `keys` holds and
   * sorted by `order` (both over the row's names in `m`), `limit` of them. The sort key comes back as
   * its column's text, paired with the item.
   */
  async keysetRows(
    organizationId: string,
    filter: TicketListFilter,
    read: { sortKey: string; tickets: string; keys: string; order: string; parameters: Parameters; limit: number },
  ): Promise<{ item: TicketListItem; sortKey: string }[]> {
    const conditions = this.conditions(organizationId, filter);
    const where = `${conditions.where} AND ${read.tickets}`;
    const { parameters } = conditions;
    // Compared and ordered as the column's own type inside (PostgreSQL would order text by collation).
    const rows = await this.query(
      `SELECT m.*, ${this.postgres ? 'm."sort_key"::text' : 'm."sort_key"'} AS "sort_text"
       FROM (SELECT ${this.selectItem}, ${read.sortKey} AS "sort_key" FROM "tickets" t
         LEFT JOIN "contacts" c ON c."organization_id" = t."organization_id" AND c."id" = t."requester_id"
         WHERE ${where}) m
       WHERE ${read.keys}
       ORDER BY ${read.order}
       LIMIT :limit`,
      { ...read.parameters, ...parameters, limit: read.limit },
    );
    return rows.map((row) => ({ item: this.itemOf(row), sortKey: String(row.sort_text) }));
  }

  /** The text of a search with no other filter that a trigram index serves (three characters or more). */
  private indexedSearchAlone(filter: TicketListFilter): string | null {
    const { search, status, assigneeId, requesterId, updatedSince } = filter;
    const alone = !status && assigneeId === undefined && !requesterId && !updatedSince;
    return alone && search && [...search].length >= 3 ? search : null;
  }

  /**
   * A page of a search, read whichever way is cheaper. The matches are counted first, which is also the
   * total. A common term is best served by reading the list newest first and keeping the matches, which
   * stops after about (offset + limit) × tickets / matches rows: "printer" in 4% of 100,000 tickets took
   * 7.6 ms that way against 17.5 ms for looking up and sorting all 4,000 matches on SQLite (6.4 against
   * 15.7 ms on PostgreSQL). A rare term, or a deep page, is best served the other way round (reading the
   * whole list to find 11 matches took 35 ms on SQLite, the lookup 0.1 ms).
   */
  private async searchPage(organizationId: string, text: string, offset: number, limit: number): Promise<TicketPage> {
    const parameters: Parameters = { organizationId };
    const matching = this.matching(text, parameters);
    const [counts] = await this.query(
      `SELECT (SELECT COUNT(DISTINCT m."ticket_id") FROM (${matching}) m) AS "matches", ${TOTAL_FROM_COUNTER}`,
      parameters,
    );
    const matches = Number(counts?.matches ?? 0);
    if (matches === 0 || offset >= matches) return { items: [], total: matches };
    const tickets = Number(counts?.total ?? 0);
    const hashable = !this.postgres || matches <= POSTGRES_HASHED_MATCHES_MAX;
    const readInOrder =
      hashable && (offset + limit) * tickets < SORTED_MATCH_COST_IN_SCANNED_TICKETS * matches * matches;
    // Wrapped in IS TRUE, the membership test is a filter to both planners: they read the activity index
    // (PostgreSQL probing a hash of the matches) instead of looking the matches up by id.
    const membership = `t."id" IN (${matching})`;
    const rows = await this.rows(
      `t."organization_id" = :organizationId AND ${readInOrder ? `(${membership}) IS TRUE` : membership}`,
      { ...parameters, limit, offset },
    );
    return { items: rows.map((row) => this.itemOf(row)), total: matches };
  }

  /** The SQL of the tickets matching `text` through the trigram indexes, as "ticket_id"; sets its parameters. */
  private matching(text: string, parameters: Parameters): string {
    if (this.postgres) {
      parameters.pattern = likePattern(text);
      return POSTGRES_SEARCH_MATCHES;
    }
    parameters.phrase = ftsPhrase(text);
    return SQLITE_SEARCH_MATCHES;
  }

  private rows(
    where: string,
    parameters: Parameters,
    extraColumn?: string,
    order: string = LIST_ORDER.activity,
  ): Promise<ObjectLiteral[]> {
    return this.query(
      `SELECT ${this.selectItem}${extraColumn ? `, ${extraColumn}` : ''} FROM "tickets" t
       LEFT JOIN "contacts" c ON c."organization_id" = t."organization_id" AND c."id" = t."requester_id"
       WHERE ${where}
       ORDER BY ${order}
       LIMIT :limit OFFSET :offset`,
      parameters,
    );
  }

  /** COUNT(*): no joins here, so there is nothing to count twice. */
  private async count(where: string, parameters: Parameters): Promise<number> {
    const [counted] = await this.query(`SELECT COUNT(*) AS "total" FROM "tickets" t WHERE ${where}`, parameters);
    return Number(counted?.total ?? 0);
  }

  /** The counter alone, for a page past the end of an unfiltered list (see TOTAL_FROM_COUNTER). */
  private async ticketCount(organizationId: string): Promise<number> {
    const [counter] = await this.query(`SELECT ${TOTAL_FROM_COUNTER}`, { organizationId });
    return Number(counter?.total ?? 0);
  }

  /** The WHERE clause over `tickets t`, always starting with the organization. */
  private conditions(organizationId: string, filter: TicketListFilter): { where: string; parameters: Parameters } {
    const where = ['t."organization_id" = :organizationId'];
    const parameters: Parameters = { organizationId };
    if (filter.status) {
      where.push('t."status" = :status');
      parameters.status = filter.status;
    }
    if (filter.assigneeId === null) where.push('t."assignee_id" IS NULL');
    else if (filter.assigneeId) {
      where.push('t."assignee_id" = :assigneeId');
      parameters.assigneeId = filter.assigneeId;
    }
    if (filter.requesterId) {
      where.push('t."requester_id" = :requesterId');
      parameters.requesterId = filter.requesterId;
    }
    if (filter.search) {
      where.push(this.searchCondition(filter.search, parameters));
    }
    if (filter.updatedSince) {
      where.push('t."updated_at" >= :updatedSince');
      parameters.updatedSince = filter.updatedSince;
    }
    return { where: where.join(' AND '), parameters };
  }

  /**
   * Tickets whose subject or any comment contains `text`, case-insensitively, through the indexes of
   * migration TicketSearch: PostgreSQL's trigram indexes serve ILIKE; SQLite's FTS5 trigram index
   * matches the text as a phrase, which is a substring match for three characters or more. Shorter
   * text cannot be looked up by trigrams and is matched with LIKE over the organization's tickets.
   */
  private searchCondition(text: string, parameters: Parameters): string {
    if (this.postgres || [...text].length >= 3) return `t."id" IN (${this.matching(text, parameters)})`;
    parameters.pattern = likePattern(text);
    return `(t."subject" LIKE :pattern ESCAPE '\\' OR EXISTS (SELECT 1 FROM "comments" cm
        WHERE cm."organization_id" = t."organization_id" AND cm."ticket_id" = t."id"
        AND cm."body" LIKE :pattern ESCAPE '\\'))`;
  }

  private query(sql: string, parameters: Parameters): Promise<ObjectLiteral[]> {
    const { driver } = this.tickets.manager.connection;
    const [escaped, values] = driver.escapeQueryWithParameters(sql, parameters);
    return preparedRead(this.tickets.manager.connection, escaped, values);
  }

  /** Column values converted by the driver as TypeORM does, but times straight to ISO strings (see TicketListItem). */
  private itemOf(row: ObjectLiteral): TicketListItem {
    const { driver } = this.tickets.manager.connection;
    const item: ObjectLiteral = {
      requester: row.requester_email === null ? null : { email: row.requester_email, name: row.requester_name },
    };
    for (const [property, column] of this.columns) {
      const value: unknown = row[ITEM_COLUMNS[property]];
      item[property] = DATE_PROPERTIES.has(property)
        ? isoFromTimestampText(String(value), this.timeZone, this.localIsUtc)
        : driver.prepareHydratedValue(value, column);
    }
    return item as TicketListItem;
  }
}
