import type { SecretColumn } from '../common/crypto/secret-column';

/** The sealed password columns of the email settings tables (see the key rotation command). */
export const INCOMING_PASSWORD: SecretColumn = {
  table: 'email_incoming_settings',
  idColumn: 'organization_id',
  column: 'password_sealed',
};

export const OUTGOING_PASSWORD: SecretColumn = {
  table: 'email_outgoing_settings',
  idColumn: 'organization_id',
  column: 'password_sealed',
};

export const EMAIL_SETTINGS_SECRET_COLUMNS: readonly SecretColumn[] = [INCOMING_PASSWORD, OUTGOING_PASSWORD];
