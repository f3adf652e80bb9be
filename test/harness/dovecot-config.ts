import { join } from 'node:path';

export interface DovecotConfigParams {
  dir: string;
  imapPort: number;
  imapsPort: number;
  certPath: string;
  keyPath: string;
  /** One passwd-file per user (see dovecot-users.ts for why). */
  usersDir: string;
  /** Owner of the mail files. Dovecot refuses to touch mail as uid 0, so root runs use `nobody`. */
  mailUid: number;
  mailGid: number;
  /** Set when not root: Dovecot's own service users (dovecot, dovenull) are then out of reach. */
  unprivilegedUser?: string;
  /** False: the server does not offer IDLE (a server that only supports polling). */
  idle?: boolean;
  /** Also accept OAuth2 bearer tokens, checked by introspection (see renderOAuth2Args). */
  oauth2?: DovecotOAuth2Params;
}

export type OAuth2Mechanism = 'oauthbearer' | 'xoauth2';

export interface DovecotOAuth2Params {
  /** The passdb args file written from renderOAuth2Args. */
  argsPath: string;
  mechanisms: OAuth2Mechanism[];
}

/** Dovecot 2.3's capabilities after login, less IDLE (and the extensions that imply it). */
const CAPABILITIES_WITHOUT_IDLE =
  'IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE SORT SORT=DISPLAY THREAD=REFERENCES THREAD=REFS ' +
  'MULTIAPPEND UNSELECT CHILDREN NAMESPACE UIDPLUS LIST-EXTENDED I18NLEVEL=1 ESEARCH ESORT SEARCHRES ' +
  'WITHIN CONTEXT=SEARCH LIST-STATUS BINARY MOVE LITERAL+ SPECIAL-USE';

/** Paths inside the instance directory that the config and the harness agree on. */
export function dovecotPaths(dir: string) {
  return {
    config: join(dir, 'dovecot.conf'),
    oauth2Args: join(dir, 'dovecot-oauth2.conf.ext'),
    baseDir: join(dir, 'run'),
    stateDir: join(dir, 'state'),
    mailRoot: join(dir, 'mail'),
    log: join(dir, 'dovecot.log'),
  };
}

/**
 * A self-contained config: nothing from /etc/dovecot is included, so the system's Dovecot (if any) and
 * parallel test instances never share a socket, a port or a file.
 */
export function renderDovecotConfig(params: DovecotConfigParams): string {
  const paths = dovecotPaths(params.dir);
  const unprivileged = params.unprivilegedUser
    ? [
        `default_internal_user = ${params.unprivilegedUser}`,
        `default_login_user = ${params.unprivilegedUser}`,
        // chroot needs root
        'service imap-login {\n  chroot =\n}',
      ]
    : [];
  return [
    `base_dir = ${paths.baseDir}`,
    `state_dir = ${paths.stateDir}`,
    `instance_name = helpdesk-test-${params.imapPort}`,
    `log_path = ${paths.log}`,
    'protocols = imap',
    'listen = 127.0.0.1',
    // TLS is offered (STARTTLS on the plain port, implicit on the imaps port) but never required.
    'ssl = yes',
    `ssl_cert = <${params.certPath}`,
    `ssl_key = <${params.keyPath}`,
    'ssl_dh = </usr/share/dovecot/dh.pem',
    'disable_plaintext_auth = no',
    `auth_mechanisms = ${['plain', 'login', ...(params.oauth2?.mechanisms ?? [])].join(' ')}`,
    // Wrong-password tests would otherwise wait the default 2 s each (Dovecot still batches failures
    // every 500 ms).
    'auth_failure_delay = 0',
    // No brute-force penalty: every failed login from 127.0.0.1 would slow the next ones by up to 15 s.
    // Without the socket the auth process quietly skips penalties.
    'service anvil {\n  unix_listener anvil-auth-penalty {\n    mode = 0\n  }\n}',
    // Every running organization keeps an IDLE connection (one imap process each) besides its runs'
    // sessions: the defaults (100 processes per service) would drop connections in specs with many
    // organizations.
    'default_process_limit = 1000',
    'default_client_limit = 4000',
    'mail_max_userip_connections = 50',
    'mail_location = maildir:~/Maildir',
    'mail_fsync = never',
    // Passwords and tokens each have their own passdb, chosen by the SASL mechanism: a token is never
    // compared with a password, and a password never goes to the authorization server.
    'passdb {',
    '  driver = passwd-file',
    `  args = scheme=PLAIN ${params.usersDir}/%u`,
    ...(params.oauth2 ? ['  mechanisms = plain login'] : []),
    '}',
    ...(params.oauth2
      ? [
          'passdb {',
          '  driver = oauth2',
          `  mechanisms = ${params.oauth2.mechanisms.join(' ')}`,
          `  args = ${params.oauth2.argsPath}`,
          '}',
        ]
      : []),
    'userdb {',
    '  driver = static',
    `  args = uid=${params.mailUid} gid=${params.mailGid} home=${paths.mailRoot}/%u`,
    '}',
    'service imap-login {',
    `  inet_listener imap {\n    address = 127.0.0.1\n    port = ${params.imapPort}\n  }`,
    `  inet_listener imaps {\n    address = 127.0.0.1\n    port = ${params.imapsPort}\n    ssl = yes\n  }`,
    '}',
    ...(params.idle === false ? [`imap_capability = ${CAPABILITIES_WITHOUT_IDLE}`] : []),
    ...unprivileged,
    '',
  ].join('\n');
}

/**
 * The oauth2 passdb's settings (Dovecot 2.3): every login asks the authorization server's RFC 7662
 * endpoint (POST `token=`), accepts only `"active": true`, and requires the token's `username` to be the
 * login name, so a token for one mailbox never opens another.
 */
export function renderOAuth2Args(introspectionUrl: string): string {
  return [
    `introspection_url = ${introspectionUrl}`,
    'introspection_mode = post',
    // Without a tokeninfo URL there is nothing else to ask; the flag makes the intent explicit.
    'force_introspection = yes',
    'active_attribute = active',
    'active_value = true',
    'username_attribute = username',
    '',
  ].join('\n');
}
