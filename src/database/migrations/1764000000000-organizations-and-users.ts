import { MigrationInterface, QueryRunner, Table } from 'typeorm';
import { columnTypes } from '../column-types';

export class OrganizationsAndUsers1764000000000 implements MigrationInterface {
  name = 'OrganizationsAndUsers1764000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const t = columnTypes(queryRunner);
    await queryRunner.createTable(
      new Table({
        name: 'organizations',
        columns: [
          { name: 'id', type: t.uuid, isPrimary: true },
          { name: 'name', type: t.varchar, length: '200' },
          { name: 'created_at', type: t.timestamp, default: t.now },
          { name: 'updated_at', type: t.timestamp, default: t.now },
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'users',
        columns: [
          { name: 'id', type: t.uuid, isPrimary: true },
          // Null only for the platform superadmin, who belongs to no tenant.
          { name: 'organization_id', type: t.uuid, isNullable: true },
          { name: 'email', type: t.varchar, length: '320' },
          { name: 'name', type: t.varchar, length: '200' },
          { name: 'password_hash', type: t.varchar, length: '200' },
          { name: 'role', type: t.varchar, length: '20' },
          { name: 'disabled', type: t.boolean, default: t.false },
          { name: 'created_at', type: t.timestamp, default: t.now },
          { name: 'updated_at', type: t.timestamp, default: t.now },
        ],
        indices: [
          { name: 'UQ_users_email', columnNames: ['email'], isUnique: true },
          { name: 'IDX_users_organization', columnNames: ['organization_id'] },
        ],
        foreignKeys: [
          {
            name: 'FK_users_organization',
            columnNames: ['organization_id'],
            referencedTableName: 'organizations',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          },
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('users');
    await queryRunner.dropTable('organizations');
  }
}
