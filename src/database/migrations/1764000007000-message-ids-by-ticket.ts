import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `message_ids` is read two ways: by (organization, Message-ID), through its unique index, to thread a
 * batch of mail; and by ticket, for a reply's References. The second index was (organization, ticket),
 * so both began with the organization, and for a table PostgreSQL had not analyzed yet (during a
 * mailbox's first sync) the two cost the same to its planner. It took the ticket one and read every
 * Message-ID of the organization for each key looked up: 0 to 6 ms per batch of 50 over a
 * 2,000-message sync, growing with the table until autovacuum analyzed it. By (ticket, created) the
 * second index cannot serve a lookup by Message-ID, and serves the thread in its order. Ticket ids are
 * unique across organizations, so the organization adds nothing to it.
 */
export class MessageIdsByTicket1764000007000 implements MigrationInterface {
  name = 'MessageIdsByTicket1764000007000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX "IDX_message_ids_organization_ticket"');
    await queryRunner.query('CREATE INDEX "IDX_message_ids_ticket" ON "message_ids" ("ticket_id", "created_at")');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX "IDX_message_ids_ticket"');
    await queryRunner.query(
      'CREATE INDEX "IDX_message_ids_organization_ticket" ON "message_ids" ("organization_id", "ticket_id")',
    );
  }
}
