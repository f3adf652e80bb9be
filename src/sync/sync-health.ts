import { Injectable } from '@nestjs/common';
import { SyncStateRepository } from './sync-state.repository';

/** What a mailbox's sync is doing: stopped, running, or running with its last run failed. */
export type MailboxState = 'running' | 'stopped' | 'failing';

export const MAILBOX_STATES: readonly MailboxState[] = ['running', 'stopped', 'failing'];

/** How many mailboxes are in a state; `organizationId` is null for the platform-wide count. */
export interface MailboxStateCount {
  organizationId: string | null;
  state: MailboxState;
  count: number;
}

/** The sync's health as other modules (metrics) may see it: plain counts, never its rows. */
@Injectable()
export class SyncHealth {
  constructor(private readonly states: SyncStateRepository) {}

  /** Mailboxes by state, for the whole platform, or per organization when `byOrganization`. */
  async mailboxStates(byOrganization: boolean): Promise<MailboxStateCount[]> {
    const counts = await this.states.countByState(byOrganization);
    return counts.map((row) => ({ ...row, state: row.state as MailboxState }));
  }
}
