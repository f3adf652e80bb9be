import type { SecretColumn } from '../common/crypto/secret-column';

/** The sealed columns of the OAuth tables (see the key rotation command). */
export const OAUTH_CLIENT_SECRET: SecretColumn = {
  table: 'oauth_apps',
  idColumn: 'organization_id',
  column: 'client_secret_sealed',
};

export const OAUTH_ACCESS_TOKEN: SecretColumn = {
  table: 'oauth_connections',
  idColumn: 'organization_id',
  column: 'access_token_sealed',
};

export const OAUTH_REFRESH_TOKEN: SecretColumn = {
  table: 'oauth_connections',
  idColumn: 'organization_id',
  column: 'refresh_token_sealed',
};

export const OAUTH_VERIFIER: SecretColumn = {
  table: 'oauth_authorizations',
  idColumn: 'state_hash',
  column: 'verifier_sealed',
};

export const OAUTH_SECRET_COLUMNS: readonly SecretColumn[] = [
  OAUTH_CLIENT_SECRET,
  OAUTH_ACCESS_TOKEN,
  OAUTH_REFRESH_TOKEN,
  OAUTH_VERIFIER,
];
