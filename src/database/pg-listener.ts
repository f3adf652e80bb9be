import { randomUUID } from 'node:crypto';
import { Client, type Notification } from 'pg';

/** How long LISTEN may take to hear its own probe before the channel is taken as unavailable. */
const PROBE_MS = 2_000;
const RETRY_FIRST_MS = 1_000;
const RETRY_MAX_MS = 30_000;
/** How the connection shows in pg_stat_activity. */
export const PG_LISTENER_APPLICATION_NAME = 'helpdesk-listener';

export interface PgListenerEvents {
  /** A notification's payload on the channel. */
  message(payload: string): void;
  /** Listening again after a gap (or for the first time): notifications may have been missed meanwhile. */
  listening(): void;
  /** Why listening stopped or could not start; it is retried. */
  failed(error: Error): void;
}

/**
 * LISTEN on one channel over a connection of its own (a pooled one goes back to the pool, and with
 * it the subscription). After LISTEN it notifies itself and waits for that probe: behind a
 * transaction-mode pooler LISTEN is accepted but nothing ever arrives, and the caller must then poll.
 * A lost connection is reopened with a growing pause; `listening` says whether notifications arrive now.
 */
export class PgListener {
  private client: Client | null = null;
  private retryMs = RETRY_FIRST_MS;
  private retryTimer: NodeJS.Timeout | null = null;
  private closed = false;
  private live = false;

  constructor(
    private readonly url: string,
    private readonly channel: string,
    private readonly events: PgListenerEvents,
  ) {}

  get listening(): boolean {
    return this.live;
  }

  start(): void {
    void this.connect();
  }

  async close(): Promise<void> {
    this.closed = true;
    this.live = false;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    await this.client?.end().catch(() => undefined);
    this.client = null;
  }

  private async connect(): Promise<void> {
    if (this.closed) return;
    const client = new Client({
      connectionString: this.url,
      keepAlive: true,
      application_name: PG_LISTENER_APPLICATION_NAME,
    });
    this.client = client;
    const probe = `probe:${randomUUID()}`;
    let heard: () => void = () => undefined;
    const probeHeard = new Promise<void>((resolve) => (heard = resolve));
    client.on('notification', (notification: Notification) => {
      if (notification.channel !== this.channel || notification.payload === undefined) return;
      if (notification.payload === probe) heard();
      else this.events.message(notification.payload);
    });
    client.on('error', (error) => this.lost(client, error));
    client.on('end', () => this.lost(client, new Error('connection ended')));
    try {
      await client.connect();
      await client.query(`LISTEN "${this.channel}"`);
      await client.query('SELECT pg_notify($1, $2)', [this.channel, probe]);
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), PROBE_MS)));
      const arrived = await Promise.race([probeHeard.then(() => true), timeout]);
      clearTimeout(timer);
      if (!arrived) throw new Error('LISTEN accepted but its own NOTIFY never arrived (a transaction-mode pooler?)');
      if (this.client !== client || this.closed) return;
      this.live = true;
      this.retryMs = RETRY_FIRST_MS;
      this.events.listening();
    } catch (error) {
      this.lost(client, error as Error);
    }
  }

  private lost(client: Client, error: Error): void {
    if (this.client !== client) return;
    this.client = null;
    this.live = false;
    void client.end().catch(() => undefined);
    if (this.closed) return;
    this.events.failed(error);
    this.retryTimer = setTimeout(() => void this.connect(), this.retryMs);
    this.retryTimer.unref();
    this.retryMs = Math.min(this.retryMs * 2, RETRY_MAX_MS);
  }
}
