import type { Logger } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { MailConnectionError, type MailFailureReason } from '../common/net/mail-connection-error';
import type { AppConfig } from '../config/app-config';
import type { HeldLease } from '../leases/lease.service';
import type { ImapConnectionSettings } from '../mailbox/imap-settings';
import { MailboxThrottledError, type MailboxWatch, type MailboxWatchEvent } from '../mailbox/mailbox-watch';
import type { MailboxService } from '../mailbox/mailbox.service';
import type { EmailSettingsService } from '../settings/email-settings.service';
import { MailboxGrantError } from '../settings/mailbox-grant-error';
import { loginToMailbox } from './incoming-login';
import type { AdmissionGate } from './push-admission-gate';
import { ReconnectBackoff } from './push-backoff';
import type { PushConnectionState } from './push-state.entity';
import type { PushProblem, PushStatesRepository } from './push-states.repository';

/** IDLE is broken and re-issued after this long (RFC 2177 asks for less than 29 minutes; NATs forget sooner). */
const MAX_IDLE_MS = 5 * 60_000;
/** Changes reported within this window after a run was started become one more run, at its end. */
const DEBOUNCE_MS = 200;
/** `lastEventAt` is written at most this often per organization. */
const EVENT_WRITE_SPACING_MS = 1_000;

/**
 * Failures only a settings change can fix: reconnecting would fail the same way (and a wrong password
 * retried in a loop can get the account locked). The connection waits in 'error' until the settings change.
 */
const NEEDS_NEW_SETTINGS: Partial<Record<MailFailureReason, string>> = {
  auth: 'auth',
  folder: 'config',
  blocked: 'config',
  tls: 'tls',
  certificate: 'tls',
};

/** What a connection needs from the rest of the sync module. */
export interface PushConnectionDeps {
  mailbox: MailboxService;
  settings: EmailSettingsService;
  states: PushStatesRepository;
  gate: AdmissionGate;
  config: AppConfig['push'];
  logger: Logger;
  /** Starts (or joins) a run of the organization: push is only a hint, the run reads from the watermark. */
  runSync(organizationId: string): Promise<void>;
}

/**
 * The settings a permanent failure happened with, so a later change (on any instance) can be noticed. An
 * OAuth2 access token is left out: it changes with every refresh, the settings do not.
 */
function fingerprint(settings: ImapConnectionSettings): string {
  return createHash('sha256')
    .update(JSON.stringify({ ...settings, accessToken: undefined }))
    .digest('hex');
}

/** Parked on a grant that cannot give a token: only a reconnect (a settings change) helps. */
const GRANT_UNUSABLE = 'grant';

/** The stored settings, or GRANT_UNUSABLE when their OAuth2 grant needs reconnecting. */
async function currentSettings(
  settings: EmailSettingsService,
  organizationId: string,
): Promise<ImapConnectionSettings | null | typeof GRANT_UNUSABLE> {
  try {
    return await settings.getIncomingConnection(organizationId);
  } catch (error) {
    if (error instanceof MailboxGrantError) return GRANT_UNUSABLE;
    throw error;
  }
}

/**
 * One organization's IDLE connection on this instance, while it holds the organization's push lease:
 * connect through the admission gate, run once to catch up, run again (debounced) on every change the
 * server reports, reconnect with back-off when the connection drops, and wait in 'error' when only new
 * settings can help.
 */
export class PushConnection {
  private watch: MailboxWatch | null = null;
  private stopped = false;
  private readonly abort = new AbortController();
  private state: PushConnectionState | null = null;
  private readonly backoff = new ReconnectBackoff();
  private retryTimer: NodeJS.Timeout | null = null;
  private debounceTimer: NodeJS.Timeout | null = null;
  /** A change came in while the debounce window was open: one more run when it closes. */
  private pendingTrigger = false;
  private lastEventWrite = 0;
  /** Set while waiting in 'error' for new settings: those that failed. */
  private parkedOn: string | null = null;
  private connecting = false;
  /** The reason last written with 'connecting', so repeated failures of one kind are written once. */
  private problemWritten: string | null = null;
  /** We closed the connection to reconnect with new settings: no back-off for that one. */
  private reconnectNow = false;
  /** The settings changed while a connection was being opened, maybe with the old ones. */
  private settingsChangedMeanwhile = false;

  constructor(
    readonly organizationId: string,
    readonly lease: HeldLease,
    private readonly deps: PushConnectionDeps,
  ) {}

  get parked(): boolean {
    return this.parkedOn !== null;
  }

  start(): void {
    void this.connect();
  }

  /**
   * The settings may have changed (an event on this instance, or a periodic look from the claim round):
   * a connection waiting in 'error' tries again when they differ; a live one reconnects with them.
   */
  async settingsChanged(known: 'changed' | 'maybe'): Promise<void> {
    if (this.stopped) return;
    if (this.parkedOn !== null) {
      const settings = await currentSettings(this.deps.settings, this.organizationId);
      const now = settings === GRANT_UNUSABLE ? GRANT_UNUSABLE : settings && fingerprint(settings);
      if (known === 'maybe' && now && now === this.parkedOn) return;
      this.parkedOn = null;
      this.backoff.reset();
      void this.connect();
    } else if (known === 'changed' && this.watch) {
      this.backoff.reset();
      this.reconnectNow = true;
      await this.watch.close();
    } else if (known === 'changed') {
      this.settingsChangedMeanwhile = true;
    }
  }

  /** Closes the connection and gives the lease back (unless it was lost); `finalState` is what the API shows. */
  async stop(finalState: PushConnectionState | null): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.abort.abort();
    if (this.retryTimer) clearTimeout(this.retryTimer);
    if (this.debounceTimer) clearTimeout(this.debounceTimer);
    await this.watch?.close();
    if (this.lease.lost) return;
    if (finalState) await this.transition(finalState, null).catch(() => undefined);
    await this.lease.release().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    if (this.stopped || this.connecting) return;
    this.connecting = true;
    this.settingsChangedMeanwhile = false;
    try {
      await this.transition('connecting', null);
      if (!(await this.deps.gate.admit(this.abort.signal))) return;
      let settings: ImapConnectionSettings | null;
      try {
        settings = await this.deps.settings.getIncomingConnection(this.organizationId);
      } catch (error) {
        // No token to log in with until an admin reconnects: no reconnect loop meanwhile.
        if (!(error instanceof MailboxGrantError)) throw error;
        await this.park(GRANT_UNUSABLE, { errorClass: 'auth', message: `${error.message}. ${error.hint}` });
        return;
      }
      if (!settings) {
        await this.park('', { errorClass: 'config', message: 'Incoming email settings are missing' });
        return;
      }
      let watch: MailboxWatch;
      try {
        const options = { maxIdleMs: MAX_IDLE_MS, pollIntervalMs: this.deps.config.pollIntervalMs };
        watch = await loginToMailbox(this.deps.settings, this.organizationId, settings, (current) =>
          this.deps.mailbox.openWatch(current, options),
        );
      } catch (error) {
        await this.failed(error, fingerprint(settings));
        return;
      }
      if (this.stopped) {
        await watch.close();
        return;
      }
      this.watch = watch;
      this.backoff.connected(Date.now());
      watch.onEvent((event) => void this.onEvent(watch, event));
      if (this.settingsChangedMeanwhile) {
        this.reconnectNow = true;
        await watch.close();
        return;
      }
      await this.transition(watch.idleSupported ? 'idle' : 'unsupported', null);
      // IDLE only tells what happens from now on: whatever arrived while we were away is caught up here.
      this.trigger();
    } catch (error) {
      // The database, most likely: try again later like any other failure.
      this.deps.logger.warn(`Push connection of ${this.organizationId} failed: ${(error as Error).message}`);
      this.retryLater(this.backoff.next(Date.now()));
    } finally {
      this.connecting = false;
    }
  }

  private async onEvent(watch: MailboxWatch, event: MailboxWatchEvent): Promise<void> {
    if (event.type !== 'closed') {
      this.trigger();
      await this.noteEvent();
      return;
    }
    if (this.watch === watch) this.watch = null;
    if (this.stopped) return;
    if (event.error) {
      await this.failed(event.error, null);
    } else {
      // Closed cleanly (a BYE: server shutting down, an admin's kick): back soon, but never in a tight loop.
      this.retryLater(this.reconnectNow ? 0 : this.backoff.next(Date.now()));
      this.reconnectNow = false;
    }
  }

  private async failed(error: unknown, settingsFingerprint: string | null): Promise<void> {
    if (this.stopped) return;
    const failure = error instanceof MailConnectionError ? error : null;
    const permanent = failure ? NEEDS_NEW_SETTINGS[failure.reason] : undefined;
    const problem = { errorClass: permanent ?? failure?.reason ?? 'internal', message: (error as Error).message };
    if (permanent) {
      // A failure on a live connection: the settings it was opened with are the ones stored now, or older.
      const current =
        error instanceof MailboxGrantError
          ? GRANT_UNUSABLE
          : (settingsFingerprint ?? (await currentSettings(this.deps.settings, this.organizationId)));
      const parkOn = typeof current === 'string' ? current : current ? fingerprint(current) : '';
      await this.park(parkOn, problem);
      return;
    }
    const wait = this.backoff.next(Date.now());
    // A throttled server said how long to stay away; the back-off may ask for longer.
    const throttledFor = error instanceof MailboxThrottledError ? error.retryAfterMs : 0;
    this.deps.logger.warn(
      `Push connection of ${this.organizationId} dropped (${problem.errorClass}): ${problem.message}`,
    );
    await this.transition('connecting', problem).catch(() => undefined);
    this.retryLater(Math.max(wait, throttledFor));
  }

  private async park(settingsFingerprint: string, problem: PushProblem): Promise<void> {
    this.parkedOn = settingsFingerprint;
    this.deps.logger.warn(
      `Push of ${this.organizationId} waits for new settings (${problem.errorClass}): ${problem.message}`,
    );
    await this.transition('error', problem);
  }

  private retryLater(ms: number): void {
    if (this.stopped) return;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      void this.connect();
    }, ms);
    this.retryTimer.unref();
  }

  /**
   * The first change after a quiet spell starts a run at once (Dovecot already waits half a second
   * before it reports new mail); further changes within DEBOUNCE_MS become one run at the window's
   * end. The runner joins a run already under way (it lists the folder once more before finishing).
   */
  private trigger(): void {
    if (this.stopped) return;
    if (this.debounceTimer) {
      this.pendingTrigger = true;
      return;
    }
    this.runSync();
    this.debounceTimer = setTimeout(() => {
      this.debounceTimer = null;
      if (!this.pendingTrigger) return;
      this.pendingTrigger = false;
      this.trigger();
    }, DEBOUNCE_MS);
    this.debounceTimer.unref();
  }

  private runSync(): void {
    this.deps.runSync(this.organizationId).catch((error: unknown) => {
      this.deps.logger.error(`Push-triggered sync of ${this.organizationId} failed: ${(error as Error).message}`);
    });
  }

  private async noteEvent(): Promise<void> {
    const now = Date.now();
    if (now - this.lastEventWrite < EVENT_WRITE_SPACING_MS) return;
    this.lastEventWrite = now;
    await this.deps.states.touchEvent(this.organizationId, new Date(now)).catch(() => undefined);
  }

  /** Written only when the state (or, while connecting, the kind of failure) changes. */
  private async transition(state: PushConnectionState, problem: PushProblem | null): Promise<void> {
    const problemKey = problem ? `${problem.errorClass}:${problem.message}` : null;
    if (this.state === state && (problem === null || problemKey === this.problemWritten)) return;
    this.state = state;
    this.problemWritten = problemKey;
    await this.deps.states.setState(this.organizationId, state, problem);
  }
}
