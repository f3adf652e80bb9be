import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';

/** Rows read per SELECT on SQLite (each is then written by its own UPDATE). */
const BATCH = 500;

/**
 * The raw messages of the ledger and of the failures list are kept as bytes (PostgreSQL bytea, SQLite
 * blob) instead of base64 text: a quarter smaller, with no base64 to make for every message, and sent to
 * PostgreSQL as they are (see insertRows), where the text had to be parsed. For 10,000 ledger rows of
 * mail, the server's CPU went from 0.7-1.6 s to 0.3-0.4 s and ours from 0.7-0.8 s to 0.3-0.4 s.
 *
 * What is stored is converted in place. PostgreSQL decodes it in one statement per table and keeps the
 * bytes uncompressed, as the text was (RawBytesUncompressed). SQLite has no base64 decoding, so rows are
 * converted here in batches.
 */
export class RawBytesBinary1764000008000 implements MigrationInterface {
  name = 'RawBytesBinary1764000008000';

  async up(queryRunner: QueryRunner): Promise<void> {
    if (queryRunner.connection.options.type === 'postgres') {
      for (const table of ['ingested_messages', 'sync_failures']) {
        // One statement, so the rewrite that decodes already stores the bytes uncompressed.
        await queryRunner.query(
          `ALTER TABLE "${table}" ALTER COLUMN "raw_base64" TYPE bytea USING decode("raw_base64", 'base64'), ` +
            `ALTER COLUMN "raw_base64" SET STORAGE EXTERNAL`,
        );
        await queryRunner.query(`ALTER TABLE "${table}" RENAME COLUMN "raw_base64" TO "raw"`);
      }
      return;
    }
    // The ledger can be large: SQLite adds a nullable column without touching the rows, and drops one
    // in a single pass over them, where making the table again would copy it twice. The file keeps the
    // freed space (about the size of the base64) until the next VACUUM.
    await queryRunner.query('ALTER TABLE "ingested_messages" ADD COLUMN "raw" blob');
    await convert<string>(queryRunner, 'ingested_messages', 'raw_base64', 'raw', (base64) =>
      Buffer.from(base64, 'base64'),
    );
    await queryRunner.query('ALTER TABLE "ingested_messages" DROP COLUMN "raw_base64"');
    // The failures' bytes are NOT NULL, which SQLite cannot add to a column: the table is made again
    // (TypeORM copies the text across), then the text in it decoded.
    await queryRunner.changeColumn('sync_failures', 'raw_base64', new TableColumn({ name: 'raw', type: 'blob' }));
    await convert<string>(queryRunner, 'sync_failures', 'raw', 'raw', (base64) => Buffer.from(base64, 'base64'));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    if (queryRunner.connection.options.type === 'postgres') {
      for (const table of ['sync_failures', 'ingested_messages']) {
        // encode() breaks its base64 into lines; the column held it unbroken.
        await queryRunner.query(
          `ALTER TABLE "${table}" ALTER COLUMN "raw" TYPE text USING translate(encode("raw", 'base64'), E'\\n', ''), ` +
            `ALTER COLUMN "raw" SET STORAGE EXTERNAL`,
        );
        await queryRunner.query(`ALTER TABLE "${table}" RENAME COLUMN "raw" TO "raw_base64"`);
      }
      return;
    }
    await queryRunner.changeColumn('sync_failures', 'raw', new TableColumn({ name: 'raw_base64', type: 'text' }));
    await convert<Buffer>(queryRunner, 'sync_failures', 'raw_base64', 'raw_base64', (bytes) =>
      bytes.toString('base64'),
    );
    await queryRunner.query('ALTER TABLE "ingested_messages" ADD COLUMN "raw_base64" text');
    await convert<Buffer>(queryRunner, 'ingested_messages', 'raw', 'raw_base64', (bytes) => bytes.toString('base64'));
    await queryRunner.query('ALTER TABLE "ingested_messages" DROP COLUMN "raw"');
  }
}

/**
 * SQLite: sets `to` to `change(from)` on every row whose `from` is not null, in batches by rowid.
 * A value read as text is a string to `change`; as a blob, a Buffer.
 */
async function convert<From extends string | Buffer>(
  queryRunner: QueryRunner,
  table: string,
  from: string,
  to: string,
  change: (value: From) => string | Buffer,
): Promise<void> {
  let after = 0;
  for (;;) {
    const rows = (await queryRunner.query(
      `SELECT rowid AS "at", "${from}" AS "value" FROM "${table}"
       WHERE rowid > ? AND "${from}" IS NOT NULL ORDER BY rowid LIMIT ${BATCH}`,
      [after],
    )) as { at: number; value: From }[];
    if (rows.length === 0) return;
    for (const { at, value } of rows) {
      await queryRunner.query(`UPDATE "${table}" SET "${to}" = ? WHERE rowid = ?`, [change(value), at]);
    }
    after = rows[rows.length - 1].at;
  }
}
