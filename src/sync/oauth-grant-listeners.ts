import { Injectable } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import type { DomainEventMap } from '../common/events/domain-events';
import { EmailSettingsService } from '../settings/email-settings.service';
import { PushWatcher } from './push-watcher';
import { SyncControlService } from './sync-control.service';
import { SyncError } from './sync-error';
import { SyncRunner } from './sync-runner';
import { SyncStateRepository } from './sync-state.repository';

const DISCONNECTED =
  'The mailbox was disconnected from its OAuth2 account while this run used it. Reconnect the mailbox';

/**
 * Sync's side of the mailbox's OAuth2 grant. Reconnected: the back-off of a grant that needed it ends
 * and a run starts at once from the watermark, and push connects again. Disconnected: a run that logs
 * in with the tokens stops, failed with the reason, and push waits for a reconnect.
 */
@Injectable()
export class OAuthGrantListeners {
  constructor(
    private readonly settings: EmailSettingsService,
    private readonly state: SyncStateRepository,
    private readonly control: SyncControlService,
    private readonly runner: SyncRunner,
    private readonly push: PushWatcher,
  ) {}

  @OnEvent('oauth.connected')
  async onConnected(event: DomainEventMap['oauth.connected']): Promise<void> {
    if ((await this.settings.incomingAuth(event.organizationId)) !== 'oauth2') return;
    await this.control.onSettingsChanged(event);
    await this.push.onSettingsChanged({ organizationId: event.organizationId, section: 'incoming' });
    const state = await this.state.find(event.organizationId);
    // Requested: the admin's reconnect asks for it now, though the schedule's next period is later.
    if (state?.running && !state.suspended) {
      void this.runner.run(event.organizationId, 'schedule', { requested: true });
    }
  }

  @OnEvent('oauth.disconnected')
  async onDisconnected(event: DomainEventMap['oauth.disconnected']): Promise<void> {
    if ((await this.settings.incomingAuth(event.organizationId)) !== 'oauth2') return;
    this.runner.requestStop(event.organizationId, new SyncError('auth', DISCONNECTED));
    await this.push.onSettingsChanged({ organizationId: event.organizationId, section: 'incoming' });
  }
}
