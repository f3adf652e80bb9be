import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import type { PushStatusInfo } from './dto/push-status.response';
import { PushStatesRepository } from './push-states.repository';
import { PushWatcher } from './push-watcher';

/** The push switch and the IDLE connection's state, as stored by whichever instance holds it. */
@Injectable()
export class PushStatus {
  constructor(
    private readonly config: AppConfig,
    private readonly states: PushStatesRepository,
    private readonly watcher: PushWatcher,
  ) {}

  /** `syncRunning`: without a running sync there is no connection, whatever a stale row says. */
  async of(organizationId: string, syncRunning: boolean): Promise<PushStatusInfo> {
    const row = await this.states.find(organizationId);
    const enabled = row?.enabled ?? true;
    const active = this.config.push.enabled && enabled && syncRunning;
    // A row still 'off' while push is wanted: no instance has picked the connection up yet.
    const state = !active ? 'off' : !row || row.state === 'off' ? 'connecting' : row.state;
    const troubled = (state === 'error' || state === 'connecting') && row?.errorClass;
    return {
      enabled,
      state,
      since: row?.state === state ? row.since : null,
      lastEventAt: row?.lastEventAt ?? null,
      error: troubled ? { class: row.errorClass ?? '', message: row.errorMessage ?? '' } : null,
    };
  }

  /** The admin's switch; this instance acts on it at once, the others at their next claim round. */
  async setEnabled(organizationId: string, enabled: boolean): Promise<void> {
    await this.states.setEnabled(organizationId, enabled);
    await this.watcher.wake(organizationId);
  }
}
