import { Injectable, Logger } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import type {
  OAuthConnectedEvent,
  OAuthDisconnectedEvent,
  OAuthNeedsReauthEvent,
  SyncFailureClosedEvent,
  SyncMessageFailedEvent,
  SyncRunFinishedEvent,
} from '../common/events/domain-events';
import { AppConfig } from '../config/app-config';
import { AlertsService } from './alerts.service';

/**
 * Turns sync's and the OAuth connection's facts into incidents. Thin on purpose: each handler decides open or clear and leaves the
 * rest to AlertsService; a failure is logged and never reaches the sync that published the event.
 */
@Injectable()
export class AlertListeners {
  private readonly logger = new Logger(AlertListeners.name);

  constructor(
    private readonly alerts: AlertsService,
    private readonly config: AppConfig,
  ) {}

  @OnEvent('sync.run.finished')
  async onRunFinished(event: SyncRunFinishedEvent): Promise<void> {
    const { organizationId } = event;
    if (event.status === 'succeeded')
      return this.guard(organizationId, this.alerts.clear(organizationId, 'sync-failing'));
    if (event.status !== 'failed' || event.consecutiveFailures < this.config.alerts.syncFailures) return;
    const error = event.error ? `${event.error.class}: ${event.error.message}` : null;
    const failedRuns = `${event.consecutiveFailures} sync runs failed in a row`;
    await this.guard(
      organizationId,
      this.alerts.raise(organizationId, 'sync-failing', error ? `${error} (${failedRuns})` : failedRuns),
    );
  }

  @OnEvent('sync.message.failed')
  async onMessageFailed(event: SyncMessageFailedEvent): Promise<void> {
    const error = `${event.errorClass}: ${event.reason} (message UID ${event.uid} in ${event.folder})`;
    await this.guard(event.organizationId, this.alerts.raise(event.organizationId, 'failed-messages', error));
  }

  @OnEvent('sync.failure.closed')
  async onFailureClosed(event: SyncFailureClosedEvent): Promise<void> {
    if (event.openFailures > 0) return;
    await this.guard(event.organizationId, this.alerts.clear(event.organizationId, 'failed-messages'));
  }

  /** The provider refused the mailbox's grant: only an admin signing in again brings mail back. */
  @OnEvent('oauth.needs-reauth')
  async onNeedsReauth(event: OAuthNeedsReauthEvent): Promise<void> {
    const error = `${event.error.class}: ${event.error.message}`;
    await this.guard(event.organizationId, this.alerts.raise(event.organizationId, 'needs-reauth', error));
  }

  /** Reconnected, or disconnected on purpose: either way there is no grant waiting for a sign-in. */
  @OnEvent('oauth.connected')
  @OnEvent('oauth.disconnected')
  async onGrantSettled(event: OAuthConnectedEvent | OAuthDisconnectedEvent): Promise<void> {
    await this.guard(event.organizationId, this.alerts.clear(event.organizationId, 'needs-reauth'));
  }

  private async guard(organizationId: string, work: Promise<void>): Promise<void> {
    try {
      await work;
    } catch (error) {
      this.logger.error({ err: error, organizationId }, 'An alert could not be recorded');
    }
  }
}
