import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';
import { columnTypes } from '../column-types';
import { addColumnsInPlace, dropColumnsInPlace } from '../columns-in-place';

const TABLE = 'email_incoming_settings';

/**
 * The incoming account may log in with OAuth2 (Microsoft 365, Google): `auth` says how, and such an
 * account stores no password. `auth` is added in place; making `password_sealed` nullable rebuilds the
 * table on SQLite, which is safe here because no table references email_incoming_settings (the rebuild
 * drops the old copy, and only a referenced table would lose rows through ON DELETE CASCADE).
 */
export class IncomingOAuth21764000019000 implements MigrationInterface {
  name = 'IncomingOAuth21764000019000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const t = columnTypes(queryRunner);
    await addColumnsInPlace(queryRunner, TABLE, [
      new TableColumn({ name: 'auth', type: t.varchar, length: '10', default: "'password'" }),
    ]);
    await queryRunner.changeColumn(
      TABLE,
      'password_sealed',
      new TableColumn({ name: 'password_sealed', type: t.text, isNullable: true }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const t = columnTypes(queryRunner);
    // An OAuth2 account has no password to fall back to: it goes, and is set up again after a downgrade.
    await queryRunner.query(`DELETE FROM "${TABLE}" WHERE "auth" = 'oauth2'`);
    await queryRunner.changeColumn(
      TABLE,
      'password_sealed',
      new TableColumn({ name: 'password_sealed', type: t.text, isNullable: false }),
    );
    await dropColumnsInPlace(queryRunner, TABLE, ['auth']);
  }
}
