import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, Repository } from 'typeorm';
import { PushState, type PushConnectionState } from './push-state.entity';

/** Why a connection is in its state: the failure's class and message, or none. */
export interface PushProblem {
  errorClass: string;
  message: string;
}

/** The admin's push switch and the IDLE connection's state; every method takes the organization id first. */
@Injectable()
export class PushStatesRepository {
  constructor(@InjectRepository(PushState) private readonly states: Repository<PushState>) {}

  find(organizationId: string): Promise<PushState | null> {
    return this.states.findOneBy({ organizationId });
  }

  /** The organizations among these whose admin turned push off (no row means on, the default). */
  async disabledAmong(organizationIds: string[]): Promise<Set<string>> {
    if (organizationIds.length === 0) return new Set();
    const rows = await this.states.findBy({ organizationId: In(organizationIds), enabled: false });
    return new Set(rows.map((row) => row.organizationId));
  }

  async setEnabled(organizationId: string, enabled: boolean): Promise<void> {
    await this.states.upsert({ organizationId, enabled }, ['organizationId']);
  }

  /** A transition of the connection (written only when the state changes, never per keepalive). */
  async setState(organizationId: string, state: PushConnectionState, problem: PushProblem | null): Promise<void> {
    await this.states.upsert(
      {
        organizationId,
        state,
        since: new Date(),
        errorClass: problem?.errorClass ?? null,
        errorMessage: problem?.message ?? null,
      },
      ['organizationId'],
    );
  }

  /** The server reported a change (callers write at most about once a second per organization). */
  async touchEvent(organizationId: string, at: Date): Promise<void> {
    await this.states.update({ organizationId }, { lastEventAt: at });
  }
}
