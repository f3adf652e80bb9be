import { EventEmitter2 } from '@nestjs/event-emitter';
import type { DomainEventMap } from '../../src/common/events/domain-events';
import { TransactionRunner } from '../../src/database/transaction-runner';
import type { InboundEmail } from '../../src/tickets/inbound-email';
import { TicketsService } from '../../src/tickets/tickets.service';
import type { TicketDetail } from './helpdesk';
import { inboundEmail as freshInboundEmail } from './inbound-email';
import { startTestApp, type TestApp } from './test-app';
import { createTenant, type TestTenant } from './tenants';

/** The ingestion specs' customer message: Carla's printer, received at a fixed time; `overrides` change any part. */
export const inboundEmail = (overrides: Partial<InboundEmail> = {}): InboundEmail =>
  freshInboundEmail({
    from: { address: 'carla@customer.test', name: 'Carla Customer' },
    text: 'It is on fire again.',
    receivedAt: new Date('2025-11-20T10:00:00Z'),
    ...overrides,
  });

/** What the ingestion specs share: the app, Tickets' ingestion API, two organizations, the events seen. */
export interface IngestionFixture {
  readonly testApp: TestApp;
  readonly tickets: TicketsService;
  readonly runner: TransactionRunner;
  readonly orgA: TestTenant;
  readonly orgB: TestTenant;
  readonly created: DomainEventMap['ticket.created'][];
  readonly commented: DomainEventMap['ticket.commented'][];
  /** Sets a ticket's status through the agent API, as Org A's admin. */
  setStatus(ticketId: string, status: string): Promise<unknown>;
  /** The ticket as the API shows it to the tenant's admin. */
  detail(tenant: TestTenant, ticketId: string): Promise<TicketDetail>;
}

/** Registers the spec file's set-up and tear-down; use the fixture's fields inside tests only. */
export function ingestionFixture(): IngestionFixture {
  const state = {} as {
    testApp: TestApp;
    tickets: TicketsService;
    runner: TransactionRunner;
    orgA: TestTenant;
    orgB: TestTenant;
  };
  const created: DomainEventMap['ticket.created'][] = [];
  const commented: DomainEventMap['ticket.commented'][] = [];
  beforeAll(async () => {
    state.testApp = await startTestApp();
    state.tickets = state.testApp.app.get(TicketsService);
    state.runner = state.testApp.app.get(TransactionRunner);
    [state.orgA, state.orgB] = await Promise.all([
      createTenant(state.testApp, 'Org A'),
      createTenant(state.testApp, 'Org B'),
    ]);
    const emitter = state.testApp.app.get(EventEmitter2);
    emitter.on('ticket.created', (event: DomainEventMap['ticket.created']) => created.push(event));
    emitter.on('ticket.commented', (event: DomainEventMap['ticket.commented']) => commented.push(event));
  });
  afterAll(() => state.testApp?.close());
  return {
    get testApp() {
      return state.testApp;
    },
    get tickets() {
      return state.tickets;
    },
    get runner() {
      return state.runner;
    },
    get orgA() {
      return state.orgA;
    },
    get orgB() {
      return state.orgB;
    },
    created,
    commented,
    setStatus: (ticketId, status) =>
      state.testApp
        .http()
        .patch(`/api/v1/tickets/${ticketId}`)
        .auth(state.orgA.admin.token, { type: 'bearer' })
        .send({ status })
        .expect(200),
    detail: async (tenant, ticketId) =>
      (
        await state.testApp
          .http()
          .get(`/api/v1/tickets/${ticketId}`)
          .auth(tenant.admin.token, { type: 'bearer' })
          .expect(200)
      ).body as TicketDetail,
  };
}
