import { MigrationInterface, QueryRunner, Table } from 'typeorm';
import { columnTypes } from '../column-types';

const organizationKey = (table: string) => ({
  name: `FK_${table}_organization`,
  columnNames: ['organization_id'],
  referencedTableName: 'organizations',
  referencedColumnNames: ['id'],
  onDelete: 'CASCADE',
});

/**
 * OAuth2 for mailboxes: an organization's own app registration (`oauth_apps`), its connected account and
 * tokens (`oauth_connections`), and sign-ins in progress (`oauth_authorizations`, keyed by a hash of the
 * state, holding the PKCE verifier). Secrets are sealed; expiries are epoch milliseconds, compared as
 * numbers on both databases.
 */
export class OAuth1764000018000 implements MigrationInterface {
  name = 'OAuth1764000018000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const t = columnTypes(queryRunner);
    await queryRunner.createTable(
      new Table({
        name: 'oauth_apps',
        columns: [
          { name: 'organization_id', type: t.uuid, isPrimary: true },
          { name: 'provider', type: t.varchar, length: '20' },
          { name: 'client_id', type: t.varchar, length: '500' },
          { name: 'client_secret_sealed', type: t.text, isNullable: true },
          { name: 'tenant', type: t.varchar, length: '255', isNullable: true },
          { name: 'grant_type', type: t.varchar, length: '30' },
          { name: 'issuer', type: t.text, isNullable: true },
          { name: 'authorization_endpoint', type: t.text, isNullable: true },
          { name: 'token_endpoint', type: t.text, isNullable: true },
          { name: 'revocation_endpoint', type: t.text, isNullable: true },
          { name: 'scopes', type: t.text, isNullable: true },
          { name: 'updated_at', type: t.timestamp, default: t.now },
        ],
        foreignKeys: [organizationKey('oauth_apps')],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'oauth_connections',
        columns: [
          { name: 'organization_id', type: t.uuid, isPrimary: true },
          { name: 'provider', type: t.varchar, length: '20' },
          { name: 'grant_type', type: t.varchar, length: '30' },
          { name: 'account', type: t.varchar, length: '320' },
          { name: 'access_token_sealed', type: t.text, isNullable: true },
          { name: 'access_token_expires_at_ms', type: 'bigint', isNullable: true },
          { name: 'refresh_token_sealed', type: t.text, isNullable: true },
          { name: 'status', type: t.varchar, length: '20' },
          { name: 'connected_at', type: t.timestamp },
          { name: 'last_refresh_at', type: t.timestamp, isNullable: true },
          { name: 'error_class', type: t.varchar, length: '20', isNullable: true },
          { name: 'error_message', type: t.text, isNullable: true },
          { name: 'error_at', type: t.timestamp, isNullable: true },
          { name: 'updated_at', type: t.timestamp, default: t.now },
        ],
        foreignKeys: [organizationKey('oauth_connections')],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'oauth_authorizations',
        columns: [
          { name: 'state_hash', type: t.varchar, length: '64', isPrimary: true },
          { name: 'organization_id', type: t.uuid },
          { name: 'user_id', type: t.uuid },
          { name: 'user_email', type: t.varchar, length: '320' },
          { name: 'provider', type: t.varchar, length: '20' },
          { name: 'verifier_sealed', type: t.text },
          { name: 'expires_at_ms', type: 'bigint' },
        ],
        foreignKeys: [organizationKey('oauth_authorizations')],
        indices: [{ name: 'IDX_oauth_authorizations_organization', columnNames: ['organization_id'] }],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('oauth_authorizations');
    await queryRunner.dropTable('oauth_connections');
    await queryRunner.dropTable('oauth_apps');
  }
}
