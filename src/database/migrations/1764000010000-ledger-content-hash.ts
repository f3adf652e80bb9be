import { MigrationInterface, QueryRunner, TableColumn, TableIndex } from 'typeorm';

/**
 * Two different messages may carry one Message-ID (test fixtures, broken clients, mass mailers). The
 * ledger keeps the content hash of each message it took, so a later message with a known Message-ID is
 * a duplicate only when its content is the same too. Rows written before this have no hash.
 *
 * A run's record lists every message it took, by UID and page by page: the index on the run gains the
 * UID so that a page is read in order without sorting the run.
 */
export class LedgerContentHash1764000010000 implements MigrationInterface {
  name = 'LedgerContentHash1764000010000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn(
      'ingested_messages',
      new TableColumn({ name: 'content_hash', type: 'varchar', length: '64', isNullable: true }),
    );
    await queryRunner.query('DROP INDEX "IDX_ingested_messages_run"');
    await queryRunner.createIndex(
      'ingested_messages',
      new TableIndex({ name: 'IDX_ingested_messages_run_uid', columnNames: ['run_id', 'uid'] }),
    );
    await queryRunner.createIndex(
      'sync_failures',
      new TableIndex({ name: 'IDX_sync_failures_run_uid', columnNames: ['run_id', 'uid'] }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX "IDX_sync_failures_run_uid"');
    await queryRunner.query('DROP INDEX "IDX_ingested_messages_run_uid"');
    await queryRunner.query('CREATE INDEX "IDX_ingested_messages_run" ON "ingested_messages" ("run_id")');
    await queryRunner.dropColumn('ingested_messages', 'content_hash');
  }
}
