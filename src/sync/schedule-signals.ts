import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { PgListener } from '../database/pg-listener';

/** The PostgreSQL channel every instance listens on. */
const CHANNEL = 'helpdesk_sync_schedule';

/**
 * A change to an organization's schedule, told to every instance: `started` (Start, enabled again),
 * `stopped` (Stop, disabled: a run in progress anywhere stops), `rescheduled` (a new due time).
 * `missed` (no organization): notifications may have been lost, look at the whole schedule.
 */
export type ScheduleSignal =
  | { change: 'started' | 'stopped' | 'rescheduled'; organizationId: string }
  | { change: 'missed'; organizationId: null };

interface Envelope {
  from: string;
  signal: ScheduleSignal;
}

/**
 * Tells every instance that a schedule changed, within about a second: PostgreSQL NOTIFY, heard by
 * each instance's LISTEN connection (PgListener); this instance hears its own signals at once, in
 * process, which on SQLite (one instance) is all there is. When LISTEN is unavailable `listening` is
 * false and the scheduler polls instead.
 */
@Injectable()
export class ScheduleSignals implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ScheduleSignals.name);
  private readonly me = randomUUID();
  private readonly listeners: ((signal: ScheduleSignal) => void)[] = [];
  private readonly listener: PgListener | null;
  private failures = 0;

  constructor(
    private readonly config: AppConfig,
    private readonly dataSource: DataSource,
  ) {
    this.listener = config.databaseUrl
      ? new PgListener(config.databaseUrl, CHANNEL, {
          message: (payload) => this.heard(payload),
          listening: () => {
            if (this.failures > 0) this.logger.log('Listening for schedule changes again');
            this.failures = 0;
            this.deliver({ change: 'missed', organizationId: null });
          },
          failed: (error) => {
            this.failures += 1;
            // Once, not at every retry: behind a transaction-mode pooler it never works.
            if (this.failures === 1) {
              this.logger.warn(`Not listening for schedule changes, polling instead: ${error.message}`);
            }
          },
        })
      : null;
  }

  /** Whether signals from other instances arrive (always on SQLite: there are none). */
  get listening(): boolean {
    return this.listener ? this.listener.listening : true;
  }

  onApplicationBootstrap(): void {
    this.listener?.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.listener?.close();
  }

  subscribe(listener: (signal: ScheduleSignal) => void): void {
    this.listeners.push(listener);
  }

  /** Tells this instance now and the others through NOTIFY; a failed NOTIFY leaves them to their polling. */
  async publish(signal: ScheduleSignal): Promise<void> {
    this.deliver(signal);
    if (!this.config.databaseUrl) return;
    const envelope: Envelope = { from: this.me, signal };
    try {
      await this.dataSource.query('SELECT pg_notify($1, $2)', [CHANNEL, JSON.stringify(envelope)]);
    } catch (error) {
      this.logger.warn(`Could not tell the other instances of a schedule change: ${(error as Error).message}`);
    }
  }

  private heard(payload: string): void {
    let envelope: Envelope;
    try {
      envelope = JSON.parse(payload) as Envelope;
    } catch {
      return;
    }
    if (envelope.from !== this.me && envelope.signal) this.deliver(envelope.signal);
  }

  private deliver(signal: ScheduleSignal): void {
    for (const listener of this.listeners) listener(signal);
  }
}
