import { MigrationInterface, QueryRunner, Table, type TableColumnOptions } from 'typeorm';
import { columnTypes } from '../column-types';

export class EmailSettings1764000001000 implements MigrationInterface {
  name = 'EmailSettings1764000001000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const t = columnTypes(queryRunner);
    // One row per organization: the organization id is the primary key and cascades on delete.
    const ownedBy = (table: string) => ({
      columns: [{ name: 'organization_id', type: t.uuid, isPrimary: true }] as TableColumnOptions[],
      foreignKeys: [
        {
          name: `FK_${table}_organization`,
          columnNames: ['organization_id'],
          referencedTableName: 'organizations',
          referencedColumnNames: ['id'],
          onDelete: 'CASCADE',
        },
      ],
    });
    const server: TableColumnOptions[] = [
      { name: 'host', type: t.varchar, length: '253' },
      { name: 'port', type: t.integer },
      { name: 'security', type: t.varchar, length: '10' },
    ];
    const timestamps: TableColumnOptions[] = [
      { name: 'created_at', type: t.timestamp, default: t.now },
      { name: 'updated_at', type: t.timestamp, default: t.now },
    ];

    const incoming = ownedBy('email_incoming_settings');
    await queryRunner.createTable(
      new Table({
        name: 'email_incoming_settings',
        columns: [
          ...incoming.columns,
          ...server,
          { name: 'username', type: t.varchar, length: '320' },
          // AES-256-GCM, never the password itself (see SecretBox).
          { name: 'password_sealed', type: t.text },
          { name: 'folder', type: t.varchar, length: '255' },
          { name: 'verify_certificate', type: t.boolean },
          { name: 'address', type: t.varchar, length: '320', isNullable: true },
          ...timestamps,
        ],
        foreignKeys: incoming.foreignKeys,
      }),
    );

    const outgoing = ownedBy('email_outgoing_settings');
    await queryRunner.createTable(
      new Table({
        name: 'email_outgoing_settings',
        columns: [
          ...outgoing.columns,
          ...server,
          { name: 'authentication', type: t.varchar, length: '10' },
          { name: 'use_incoming_credentials', type: t.boolean },
          { name: 'username', type: t.varchar, length: '320', isNullable: true },
          { name: 'password_sealed', type: t.text, isNullable: true },
          { name: 'from_address', type: t.varchar, length: '320' },
          { name: 'from_name', type: t.varchar, length: '200', isNullable: true },
          { name: 'verify_certificate', type: t.boolean },
          ...timestamps,
        ],
        foreignKeys: outgoing.foreignKeys,
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('email_outgoing_settings');
    await queryRunner.dropTable('email_incoming_settings');
  }
}
