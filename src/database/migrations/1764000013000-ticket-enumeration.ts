import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Stable enumeration of the ticket list (`sort`, `updatedSince`, keyset cursors):
 * - an index per new way of reading the list, organization first: by creation (`sort=created`, with the
 *   number as tie-breaker) and by last change (`updatedSince`). `sort=number` is served by the unique
 *   (organization, number) index, `sort=activity` by the activity index as before.
 * - system notes (a bounce, the loop brake holding mail back) no longer move a ticket's last activity,
 *   which is now the last comment from a person. Tickets whose activity a system note moved get back the
 *   time of their last person's comment (or their creation). Only those rows are written; what a note
 *   changed is still seen in `updated_at`. The activity an enumeration sorts by is worked out from the
 *   comments the same way (TicketKeysetRepository), so the two must agree.
 * Going down drops the indexes; the activity times stay as this migration left them.
 */
export class TicketEnumeration1764000013000 implements MigrationInterface {
  name = 'TicketEnumeration1764000013000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const greatest = queryRunner.connection.options.type === 'postgres' ? 'GREATEST' : 'MAX';
    await queryRunner.query(
      `UPDATE "tickets" SET "last_activity_at" = ${greatest}("tickets"."created_at", COALESCE(
         (SELECT MAX(c."created_at") FROM "comments" c WHERE c."organization_id" = "tickets"."organization_id"
            AND c."ticket_id" = "tickets"."id" AND c."kind" <> 'system'),
         "tickets"."created_at"))
       WHERE EXISTS (SELECT 1 FROM "comments" s WHERE s."organization_id" = "tickets"."organization_id"
         AND s."ticket_id" = "tickets"."id" AND s."kind" = 'system' AND s."created_at" >= "tickets"."last_activity_at")`,
    );
    await queryRunner.query(
      'CREATE INDEX "IDX_tickets_organization_created" ON "tickets" ("organization_id", "created_at", "number")',
    );
    await queryRunner.query(
      'CREATE INDEX "IDX_tickets_organization_updated" ON "tickets" ("organization_id", "updated_at")',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX "IDX_tickets_organization_updated"');
    await queryRunner.query('DROP INDEX "IDX_tickets_organization_created"');
  }
}
