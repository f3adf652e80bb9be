import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Brackets, In, IsNull, MoreThanOrEqual, Repository } from 'typeorm';
import { timeOrderedId } from '../../libs/ids/time-ordered-id';
import { isUniqueViolation } from '../database/unique-violation';
import { Incident } from './incident.entity';
import type { IncidentKind } from './incident-kinds';

/** The three alert mails of an incident, each sent at most once (reminders: at most once per period). */
export type Notice = 'opened' | 'reminder' | 'recovered';

const NOTICE_COLUMN: Record<Notice, 'opened_notified_at' | 'reminded_at' | 'recovered_notified_at'> = {
  opened: 'opened_notified_at',
  reminder: 'reminded_at',
  recovered: 'recovered_notified_at',
};

/** The only place that touches the incidents table. Tenant methods take the organization id first. */
@Injectable()
export class IncidentsRepository {
  constructor(@InjectRepository(Incident) private readonly incidents: Repository<Incident>) {}

  findOpen(organizationId: string, kind: IncidentKind): Promise<Incident | null> {
    return this.incidents.findOneBy({ organizationId, kind, status: 'open' });
  }

  /**
   * Opens the organization's incident of this kind, or counts one more occurrence of the open one.
   * Two instances opening it at once meet at the partial unique index: the loser counts instead.
   */
  async open(
    organizationId: string,
    kind: IncidentKind,
    lastError: string | null,
    now: Date,
  ): Promise<{ incident: Incident; opened: boolean }> {
    for (let attempt = 0; ; attempt++) {
      const existing = await this.findOpen(organizationId, kind);
      if (existing) {
        await this.incidents
          .createQueryBuilder()
          .update(Incident)
          .set({ lastError: lastError ?? existing.lastError, lastSeenAt: now, occurrences: () => 'occurrences + 1' })
          .where('organization_id = :organizationId AND id = :id', { organizationId, id: existing.id })
          .execute();
        return { incident: existing, opened: false };
      }
      const incident = this.incidents.create({
        id: timeOrderedId(),
        organizationId,
        kind,
        status: 'open',
        lastError,
        occurrences: 1,
        openedAt: now,
        lastSeenAt: now,
        resolvedAt: null,
        acknowledgedAt: null,
        acknowledgedBy: null,
        openedNotifiedAt: null,
        remindedAt: null,
        recoveredNotifiedAt: null,
      });
      try {
        await this.incidents.insert(incident);
        return { incident, opened: true };
      } catch (error) {
        if (!isUniqueViolation(error) || attempt > 0) throw error;
      }
    }
  }

  /** Resolves the open incident of this kind; null when none was open (or another instance resolved it). */
  async resolve(organizationId: string, kind: IncidentKind, now: Date): Promise<Incident | null> {
    const open = await this.findOpen(organizationId, kind);
    if (!open) return null;
    const result = await this.incidents
      .createQueryBuilder()
      .update(Incident)
      .set({ status: 'resolved', resolvedAt: now })
      .where("organization_id = :organizationId AND id = :id AND status = 'open'", { organizationId, id: open.id })
      .execute();
    return result.affected === 1 ? { ...open, status: 'resolved', resolvedAt: now } : null;
  }

  /**
   * Claims the right to send one notice of the incident: a conditional UPDATE that only one caller, on
   * any instance, can win. `opened` once; `recovered` once and only after `opened` went out; `reminder`
   * while open, not acknowledged, and the last opened or reminder notice is older than `remindBefore`.
   */
  async claim(organizationId: string, id: string, notice: Notice, now: Date, remindBefore?: Date): Promise<boolean> {
    const column = NOTICE_COLUMN[notice];
    const query = this.incidents
      .createQueryBuilder()
      .update(Incident)
      .set({ [this.property(notice)]: now })
      .where('organization_id = :organizationId AND id = :id', { organizationId, id });
    if (notice === 'opened') query.andWhere(`${column} IS NULL AND status = 'open'`);
    if (notice === 'recovered') {
      query.andWhere(`${column} IS NULL AND status = 'resolved' AND opened_notified_at IS NOT NULL`);
    }
    if (notice === 'reminder') {
      query.andWhere(
        "status = 'open' AND acknowledged_at IS NULL AND opened_notified_at IS NOT NULL " +
          'AND COALESCE(reminded_at, opened_notified_at) < :remindBefore',
        { remindBefore },
      );
    }
    return (await query.execute()).affected === 1;
  }

  /**
   * Gives a claim back after its mail could not be sent, so the next check tries again. Nobody else can
   * hold the same claim meanwhile (the column is set), so no compare with the claim's time is needed.
   */
  async release(organizationId: string, id: string, notice: Notice): Promise<void> {
    await this.incidents.update({ organizationId, id }, { [this.property(notice)]: null });
  }

  /** Open incidents, and those resolved since `resolvedSince`, newest first. */
  listRecent(organizationId: string, resolvedSince: Date, limit: number): Promise<Incident[]> {
    return this.incidents.find({
      where: [
        { organizationId, status: 'open' },
        { organizationId, status: 'resolved', resolvedAt: MoreThanOrEqual(resolvedSince) },
      ],
      order: { openedAt: 'DESC', id: 'DESC' },
      take: limit,
    });
  }

  find(organizationId: string, id: string): Promise<Incident | null> {
    return this.incidents.findOneBy({ organizationId, id });
  }

  findOpenOfKinds(organizationId: string, kinds: readonly IncidentKind[]): Promise<Incident[]> {
    return this.incidents.findBy({ organizationId, kind: In([...kinds]), status: 'open' });
  }

  /** Records the first acknowledgement only. */
  async acknowledge(organizationId: string, id: string, userId: string, now: Date): Promise<void> {
    await this.incidents.update(
      { organizationId, id, acknowledgedAt: IsNull() },
      { acknowledgedAt: now, acknowledgedBy: userId },
    );
  }

  /** Platform-wide, for the periodic check: the organizations with an open incident of this kind. */
  async organizationsWithOpen(kind: IncidentKind): Promise<string[]> {
    const rows = await this.incidents.find({ select: { organizationId: true }, where: { kind, status: 'open' } });
    return rows.map((row) => row.organizationId);
  }

  /**
   * Platform-wide, for the periodic check: incidents with a notice that may be due (an opened or recovered
   * mail not sent yet, e.g. after a failed send; a reminder). The claim decides; this only finds candidates.
   */
  findWithNoticeDue(remindBefore: Date, limit: number): Promise<Incident[]> {
    return this.incidents
      .createQueryBuilder('i')
      .where(
        new Brackets((where) => {
          where
            .where("i.status = 'open' AND i.opened_notified_at IS NULL")
            .orWhere("i.status = 'resolved' AND i.recovered_notified_at IS NULL AND i.opened_notified_at IS NOT NULL")
            .orWhere(
              "i.status = 'open' AND i.acknowledged_at IS NULL AND i.opened_notified_at IS NOT NULL " +
                'AND COALESCE(i.reminded_at, i.opened_notified_at) < :remindBefore',
              { remindBefore },
            );
        }),
      )
      .orderBy('i.opened_at', 'ASC')
      .take(limit)
      .getMany();
  }

  private property(notice: Notice): 'openedNotifiedAt' | 'remindedAt' | 'recoveredNotifiedAt' {
    return notice === 'opened' ? 'openedNotifiedAt' : notice === 'reminder' ? 'remindedAt' : 'recoveredNotifiedAt';
  }
}
