import { Injectable } from '@nestjs/common';
import { NotFoundError } from '../common/errors/domain-error';
import { AlertNotices } from './alert-notices';
import type { Incident } from './incident.entity';
import { KIND_TEXT, SYNC_KINDS, type IncidentKind, type IncidentStatus } from './incident-kinds';
import { IncidentsRepository } from './incidents.repository';

/** An incident as other modules and the API see it. */
export interface IncidentView {
  id: string;
  kind: IncidentKind;
  status: IncidentStatus;
  title: string;
  since: Date;
  lastSeenAt: Date;
  resolvedAt: Date | null;
  lastError: string | null;
  hint: string;
  occurrences: number;
  acknowledgedAt: Date | null;
  acknowledgedBy: string | null;
}

/** Resolved incidents stay in the list this long. */
const RECENT_MS = 7 * 24 * 3600 * 1000;
const LIST_LIMIT = 100;

function viewOf(incident: Incident): IncidentView {
  return {
    id: incident.id,
    kind: incident.kind,
    status: incident.status,
    title: KIND_TEXT[incident.kind].title,
    since: incident.openedAt,
    lastSeenAt: incident.lastSeenAt,
    resolvedAt: incident.resolvedAt,
    lastError: incident.lastError,
    hint: KIND_TEXT[incident.kind].hint,
    occurrences: incident.occurrences,
    acknowledgedAt: incident.acknowledgedAt,
    acknowledgedBy: incident.acknowledgedBy,
  };
}

/** Opens and clears incidents per organization and kind, and mails the admins when they change. */
@Injectable()
export class AlertsService {
  /** Raises under way, by organization and kind: a burst of the same cause is one raise, not many. */
  private readonly raising = new Set<string>();

  constructor(
    private readonly incidents: IncidentsRepository,
    private readonly notices: AlertNotices,
  ) {}

  /** The cause is (still) there: opens the incident and mails the admins once, or counts one more occurrence. */
  async raise(organizationId: string, kind: IncidentKind, lastError: string | null): Promise<void> {
    const key = `${organizationId}:${kind}`;
    if (this.raising.has(key)) return;
    this.raising.add(key);
    try {
      const { incident, opened } = await this.incidents.open(organizationId, kind, lastError, new Date());
      if (opened) await this.notices.send(incident, 'opened');
    } finally {
      this.raising.delete(key);
    }
  }

  /** The cause is gone: resolves the open incident, if any, and mails the admins it recovered. */
  async clear(organizationId: string, kind: IncidentKind): Promise<void> {
    const resolved = await this.incidents.resolve(organizationId, kind, new Date());
    if (resolved) await this.notices.send(resolved, 'recovered');
  }

  async list(organizationId: string): Promise<IncidentView[]> {
    const since = new Date(Date.now() - RECENT_MS);
    return (await this.incidents.listRecent(organizationId, since, LIST_LIMIT)).map(viewOf);
  }

  /** Another organization's incident is "not found", like a missing one. Stops the daily reminders. */
  async acknowledge(organizationId: string, id: string, userId: string): Promise<IncidentView> {
    if (!(await this.incidents.find(organizationId, id))) throw new NotFoundError('Alert');
    await this.incidents.acknowledge(organizationId, id, userId, new Date());
    return viewOf((await this.incidents.find(organizationId, id))!);
  }

  /** The open incident about the organization's mailbox sync, the most important kind first; null when none. */
  async syncAlert(organizationId: string): Promise<IncidentView | null> {
    const open = await this.incidents.findOpenOfKinds(organizationId, SYNC_KINDS);
    open.sort((a, b) => SYNC_KINDS.indexOf(a.kind) - SYNC_KINDS.indexOf(b.kind));
    return open.length > 0 ? viewOf(open[0]) : null;
  }
}
