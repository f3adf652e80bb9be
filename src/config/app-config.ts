import type { MessageLimits } from '../../libs/mail/message-limits';
import type { MailConnectOptions } from '../common/net/mail-connect-options';
import type { SystemSmtpConfig } from './system-smtp-url';

/** The typed process configuration, built once at boot by `parseConfig` and injected as `AppConfig`. */
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
export type LogFormat = 'json' | 'pretty' | 'auto';

export abstract class AppConfig {
  abstract readonly nodeEnv: 'development' | 'production' | 'test';
  abstract readonly host: string;
  abstract readonly port: number;
  abstract readonly publicUrl: string | null;
  abstract readonly dataDir: string;
  /** PostgreSQL connection string; null means the embedded SQLite file in `dataDir`. */
  abstract readonly databaseUrl: string | null;
  /** PostgreSQL connections in this process's pool, shared by the API and the sync runs. */
  abstract readonly databasePoolSize: number;
  abstract readonly superadmin: { email: string; password: string } | null;
  abstract readonly logLevel: LogLevel;
  abstract readonly logFormat: LogFormat;
  /** Null means "generate one into dataDir on first start". */
  abstract readonly jwtSecret: string | null;
  abstract readonly jwtExpiresInSeconds: number;
  abstract readonly trustProxy: boolean;
  /** Signs the Message-IDs of mail we send; null means "generate one into dataDir". */
  abstract readonly messageIdSecret: string | null;
  abstract readonly sync: {
    /** Lowest interval the API accepts (the product says 60; tests lower it). */
    minIntervalSeconds: number;
    /** Messages listed and fetched per round trip. */
    batchSize: number;
    /** Over this RFC822.SIZE the body is not downloaded; the ticket notes it. */
    maxMessageBytes: number;
    /** A run stops after this long; the next run goes on from the watermark. */
    runBudgetSeconds: number;
    /** Longest back-off after repeated failures. */
    maxBackoffSeconds: number;
    /** How long POST /sync/now waits for the run before answering 202. */
    nowWaitSeconds: number;
    /** Worker threads that process fetched mail (parse, classify, strip, sanitize); at least 1. */
    parseWorkers: number;
    /** Over this RFC822.SIZE a message is streamed through storage instead of being held in memory. */
    streamMessageBytes: number;
    /** Runs of this instance at once; more wait their turn, by due time, holding no connection. */
    concurrency: number;
    /** How long a run's lease lasts without a heartbeat: how long a crashed instance blocks its organizations. */
    leaseSeconds: number;
    /** A message still being processed after this long is quarantined and its worker replaced. */
    messageDeadlineMs: number;
    /** Over any of these a message is quarantined (`over-limit`) instead of processed. */
    limits: MessageLimits;
    /** Bytes of stored mail (raw bytes and attachments) per organization; null means no limit. */
    storageQuotaBytes: number | null;
    /** Test-only module loaded into each content worker (NODE_ENV=test only); null in production. */
    testWorkerHook: string | null;
  };
  /** Push: IMAP IDLE connections that start a run as soon as mail arrives (PUSH_*). */
  abstract readonly push: {
    /** Off: no instance opens IDLE connections; the interval runs alone bring mail in. */
    enabled: boolean;
    /** For servers without IDLE: how often the watch connection asks with a NOOP instead. */
    pollIntervalMs: number;
    /** Logins of watch connections per second on this instance, so a restart does not stampede servers. */
    loginsPerSecond: number;
    /** How long an instance's claim on an organization's IDLE connection lasts without a heartbeat. */
    leaseMs: number;
    /** How often an instance looks for running organizations whose IDLE connection nobody holds. */
    claimIntervalMs: number;
  };
  /** The notification outbox and its sender (NOTIFY_*). */
  abstract readonly notifications: {
    /** Whether this process drains the outbox (every instance may; PostgreSQL shares the work safely). */
    senderEnabled: boolean;
    /** How often the sender looks for due mail when nothing woke it. */
    pollIntervalMs: number;
    /** Outbox rows claimed per round. */
    batchSize: number;
    /** SMTP connections kept open per organization while draining. */
    poolConnections: number;
    /** First retry delay after a transient failure; doubles per attempt up to `retryMaxMs`. */
    retryBaseMs: number;
    retryMaxMs: number;
    /** After this many attempts a transiently failing message is marked failed. */
    maxAttempts: number;
    /** How long a claimed row belongs to one sender; another instance takes it over after that. */
    leaseMs: number;
    /** Loop brake: at most `loopLimit` automatic messages per ticket and per recipient in `loopWindowSeconds`. */
    loopLimit: number;
    loopWindowSeconds: number;
  };
  /** `GET /metrics` (Prometheus): with neither a token nor a port it answers 404. */
  abstract readonly metrics: {
    /** Bearer token that `GET /metrics` on the API's port requires; null: not served there. */
    token: string | null;
    /** A listener of its own on 127.0.0.1 serving `/metrics` without a token; null: none. */
    port: number | null;
    /** Label series with the organization id (one series per organization: only for few tenants). */
    perOrganization: boolean;
  };
  /** bcrypt cost factor; lower only in tests. */
  abstract readonly passwordHashCost: number;
  /**
   * Sign-in throttles (see LoginThrottle). Past each allowance an attempt waits a delay that doubles
   * with every further failure, up to `windowSeconds`; a key is forgotten after two quiet windows.
   */
  abstract readonly loginRateLimit: {
    windowSeconds: number;
    /** Failed sign-ins from one client address, whatever the account. */
    maxPerIp: number;
    /** Failed sign-ins for one account from one client address. */
    maxPerAccount: number;
    /** Failed sign-ins for one account from all addresses together: the slower ceiling. */
    accountCeiling: number;
  };
  /** The platform's outgoing server for password links and alerts (SYSTEM_SMTP_URL); null: none. */
  abstract readonly systemSmtp: SystemSmtpConfig | null;
  /** Per organization and window: calls to the routes that reach a tenant's mail servers on demand. */
  abstract readonly organizationRateLimit: {
    windowSeconds: number;
    /** Incoming and outgoing connection tests together. */
    mailTests: number;
    /** Round-trip checks (each sends a real message). */
    verify: number;
    syncNow: number;
  };
  /** The audit log of admin actions and sign-ins. */
  abstract readonly audit: {
    /** Rows older than this many days are pruned (hourly). */
    retentionDays: number;
  };
  /** 32-byte AES key for secrets stored in the database; null means "generate one into dataDir on first start". */
  abstract readonly encryptionKey: Buffer | null;
  abstract readonly mail: {
    /** Step timeout and outbound host policy for every IMAP and SMTP connection made for a tenant. */
    connect: MailConnectOptions;
    /** How long the settings round-trip check waits for its probe message to arrive. */
    verifyTimeoutMs: number;
  };
  /** Incidents and the alert mail to each organization's admins (ALERT_*; sent through `systemSmtp` when set). */
  abstract readonly alerts: {
    /** Failed sync runs in a row that open a `sync-failing` incident. */
    syncFailures: number;
    /** The outbox is failing when its oldest queued message is older than this… */
    outboxMaxAgeSeconds: number;
    /** …or when this many messages were given up on within the last hour. */
    outboxFailures: number;
    /** How often the outbox is looked at and due mail (reminders, retries) is sent. */
    checkIntervalSeconds: number;
  };
  /**
   * The platform's OAuth app registrations for connecting mailboxes (OAUTH_*); null where not configured.
   * An organization may bring its own instead (PUT /settings/email/oauth-app).
   */
  abstract readonly oauth: {
    microsoft: { clientId: string; clientSecret: string; tenant: string } | null;
    google: { clientId: string; clientSecret: string } | null;
  };
}
