import { MigrationInterface, QueryRunner, Table } from 'typeorm';
import { columnTypes } from '../column-types';

/**
 * The audit log: one row per admin action or sign-in, never changed afterwards.
 *
 * No foreign key to organizations: a row is history and outlives what it names (a deleted user or
 * organization); rows go only when the retention prune removes them. `organization_id` is null only
 * for platform-level events with no organization (a failed sign-in with an unknown email address).
 *
 * Append-only is enforced below the application too. PostgreSQL: a trigger refuses every UPDATE and
 * TRUNCATE, and every DELETE unless the transaction first set `helpdesk.audit_prune` to `on` (only the
 * retention prune does, with SET LOCAL semantics, so the flag dies with its transaction). This guards
 * against the application changing history by mistake (an ORM save, a future route); it is no defence
 * against a database owner, who can drop the trigger. SQLite has no session variables: there a
 * trigger refuses UPDATE only.
 */
export class AuditEvents1764000011000 implements MigrationInterface {
  name = 'AuditEvents1764000011000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const t = columnTypes(queryRunner);
    await queryRunner.createTable(
      new Table({
        name: 'audit_events',
        columns: [
          { name: 'id', type: t.uuid, isPrimary: true },
          { name: 'organization_id', type: t.uuid, isNullable: true },
          { name: 'at', type: t.timestamp },
          { name: 'action', type: t.varchar, length: '80' },
          { name: 'actor_user_id', type: t.uuid, isNullable: true },
          { name: 'actor_email', type: t.varchar, length: '320', isNullable: true },
          { name: 'target_type', type: t.varchar, length: '40', isNullable: true },
          { name: 'target_id', type: t.varchar, length: '100', isNullable: true },
          { name: 'changes', type: t.text, isNullable: true },
          { name: 'client_address', type: t.varchar, length: '64', isNullable: true },
          { name: 'outcome', type: t.varchar, length: '20' },
        ],
        indices: [
          { name: 'IDX_audit_events_org_at', columnNames: ['organization_id', 'at'] },
          { name: 'IDX_audit_events_at', columnNames: ['at'] },
        ],
      }),
    );
    if (queryRunner.connection.driver.options.type === 'postgres') {
      await queryRunner.query(`
        CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF TG_OP = 'DELETE' AND current_setting('helpdesk.audit_prune', true) = 'on' THEN
            RETURN OLD;
          END IF;
          RAISE EXCEPTION 'audit_events is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
        END $$`);
      await queryRunner.query(`
        CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events
        FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()`);
      await queryRunner.query(`
        CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
        FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only()`);
    } else {
      await queryRunner.query(`
        CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
        BEGIN SELECT RAISE(ABORT, 'audit_events is append-only: UPDATE refused'); END`);
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    if (queryRunner.connection.driver.options.type === 'postgres') {
      await queryRunner.query('DROP TRIGGER audit_events_no_truncate ON audit_events');
      await queryRunner.query('DROP TRIGGER audit_events_append_only ON audit_events');
      await queryRunner.query('DROP FUNCTION audit_events_append_only()');
    } else {
      await queryRunner.query('DROP TRIGGER audit_events_no_update');
    }
    await queryRunner.dropTable('audit_events');
  }
}
