import { EventEmitter2 } from '@nestjs/event-emitter';
import { randomUUID } from 'node:crypto';
import type { DomainEventMap } from '../src/common/events/domain-events';
import { TicketsService } from '../src/tickets/tickets.service';
import { startTestApp, TestApp } from './support/test-app';
import { createTenant, TestTenant, TestUser } from './support/tenants';

/** What agents do through the API: open tickets, change them, reply and add notes. */
describe('tickets: agent API', () => {
  let testApp: TestApp;
  let tenant: TestTenant;
  let other: TestTenant;
  let agent: TestUser;
  const events: { name: string; payload: unknown }[] = [];

  const as = (user: TestUser) => ({
    post: (path: string, body: object) => testApp.http().post(path).auth(user.token, { type: 'bearer' }).send(body),
    patch: (path: string, body: object) => testApp.http().patch(path).auth(user.token, { type: 'bearer' }).send(body),
    get: (path: string) => testApp.http().get(path).auth(user.token, { type: 'bearer' }),
  });
  const eventsSince = (mark: number) => events.slice(mark);

  beforeAll(async () => {
    testApp = await startTestApp();
    tenant = await createTenant(testApp, 'Agents Org');
    other = await createTenant(testApp, 'Other Org');
    agent = await tenant.addUser('agent');
    const emitter = testApp.app.get(EventEmitter2);
    for (const name of ['ticket.created', 'ticket.commented', 'ticket.updated'] as const) {
      emitter.on(name, (payload: DomainEventMap[typeof name]) => events.push({ name, payload }));
    }
  });
  afterAll(() => testApp.close());

  const openTicket = async () => {
    const response = await as(agent)
      .post('/api/v1/tickets', {
        subject: 'Phone call',
        body: 'Carla called about the printer',
        requesterEmail: 'Carla@Customer.test',
      })
      .expect(201);
    return response.body as { id: string; number: number };
  };

  it("opens a ticket on a requester's behalf, numbered with the email tickets", async () => {
    await testApp.app.get(TicketsService).createTicketFromEmail(tenant.organizationId, {
      subject: 'By mail',
      from: { address: 'dan@customer.test', name: 'Dan' },
      cc: [],
      messageId: `<${randomUUID()}@customer.test>`,
      text: 'hi',
      html: null,
      fullText: 'hi',
      attachments: [],
      receivedAt: null,
    });
    const mark = events.length;
    const response = await as(agent)
      .post('/api/v1/tickets', {
        subject: 'Phone call',
        body: 'Carla called',
        requesterEmail: 'Carla@Customer.test',
        requesterName: 'Carla',
      })
      .expect(201);
    expect(response.body).toMatchObject({
      number: 2,
      subject: 'Phone call',
      status: 'open',
      source: 'api',
      requester: { email: 'carla@customer.test', name: 'Carla' },
      participants: [],
      comments: [
        {
          kind: 'agent',
          body: 'Carla called',
          internal: false,
          author: { userId: agent.id, name: expect.stringMatching(/^agent /) },
        },
      ],
    });
    expect(eventsSince(mark)).toEqual([
      {
        name: 'ticket.created',
        payload: {
          organizationId: tenant.organizationId,
          ticketId: response.body.id,
          ticketNumber: 2,
          commentId: response.body.comments[0].id,
          source: 'api',
          linkedTicketId: null,
        },
      },
    ]);
  });

  it.each([
    [{ subject: '', body: 'x', requesterEmail: 'a@b.test' }],
    [{ subject: 'x', body: 'x', requesterEmail: 'not-an-address' }],
    [{ subject: 'x', requesterEmail: 'a@b.test' }],
    [{ subject: 'x', body: 'x', requesterEmail: 'a@b.test', status: 'closed' }],
  ])('refuses an invalid new ticket: %j', async (body: object) => {
    expect((await as(agent).post('/api/v1/tickets', body).expect(400)).body.code).toBe('VALIDATION_FAILED');
  });

  it('changes status, priority and assignee, and publishes only what changed', async () => {
    const ticket = await openTicket();
    const mark = events.length;
    const updated = await as(agent)
      .patch(`/api/v1/tickets/${ticket.id}`, { status: 'pending', priority: 'urgent', assigneeId: agent.id })
      .expect(200);
    expect(updated.body).toMatchObject({ status: 'pending', priority: 'urgent', assignee: { id: agent.id } });
    await as(agent).patch(`/api/v1/tickets/${ticket.id}`, { status: 'pending', priority: 'urgent' }).expect(200);
    const unassigned = await as(agent).patch(`/api/v1/tickets/${ticket.id}`, { assigneeId: null }).expect(200);
    expect(unassigned.body).toMatchObject({ status: 'pending', priority: 'urgent', assignee: null });
    expect(eventsSince(mark)).toEqual([
      {
        name: 'ticket.updated',
        payload: {
          organizationId: tenant.organizationId,
          ticketId: ticket.id,
          ticketNumber: ticket.number,
          actorUserId: agent.id,
          changes: {
            status: { from: 'open', to: 'pending' },
            priority: { from: 'normal', to: 'urgent' },
            assigneeId: { from: null, to: agent.id },
          },
        },
      },
      {
        name: 'ticket.updated',
        payload: expect.objectContaining({ changes: { assigneeId: { from: agent.id, to: null } } }),
      },
    ]);
  });

  it('assigns only active users of the same organization', async () => {
    const ticket = await openTicket();
    const disabled = await tenant.addUser('agent');
    await testApp
      .http()
      .patch(`/api/v1/users/${disabled.id}`)
      .auth(tenant.admin.token, { type: 'bearer' })
      .send({ disabled: true })
      .expect(200);
    for (const assigneeId of [other.admin.id, disabled.id, randomUUID()]) {
      const response = await as(agent).patch(`/api/v1/tickets/${ticket.id}`, { assigneeId }).expect(400);
      expect(response.body.code).toBe('UNKNOWN_ASSIGNEE');
    }
    await as(agent).patch(`/api/v1/tickets/${ticket.id}`, { status: 'done' }).expect(400);
    await as(agent).patch(`/api/v1/tickets/${ticket.id}`, { assigneeId: 'bob' }).expect(400);
    expect((await as(agent).get(`/api/v1/tickets/${ticket.id}`).expect(200)).body.assignee).toBeNull();
  });

  it('adds public replies and internal notes, and moves the ticket to the top of the list', async () => {
    const first = await openTicket();
    const second = await openTicket();
    const mark = events.length;
    const reply = await as(agent).post(`/api/v1/tickets/${first.id}/comments`, { body: 'On our way' }).expect(201);
    const note = await as(agent)
      .post(`/api/v1/tickets/${first.id}/comments`, { body: 'Ask facilities', internal: true })
      .expect(201);
    expect(reply.body).toMatchObject({
      kind: 'agent',
      body: 'On our way',
      internal: false,
      html: null,
      attachments: [],
      author: { userId: agent.id },
    });
    expect(note.body).toMatchObject({ kind: 'agent', internal: true });
    expect(eventsSince(mark).map((event) => event.payload)).toEqual([
      expect.objectContaining({
        ticketId: first.id,
        commentId: reply.body.id,
        kind: 'agent',
        internal: false,
        source: 'api',
      }),
      expect.objectContaining({
        ticketId: first.id,
        commentId: note.body.id,
        kind: 'agent',
        internal: true,
        source: 'api',
      }),
    ]);
    const list = await as(agent).get('/api/v1/tickets').expect(200);
    expect(list.body.items.slice(0, 2).map((item: { id: string }) => item.id)).toEqual([first.id, second.id]);
    const shown = await as(agent).get(`/api/v1/tickets/${first.id}`).expect(200);
    expect(shown.body.comments.map((comment: { body: string }) => comment.body)).toEqual([
      'Carla called about the printer',
      'On our way',
      'Ask facilities',
    ]);
    await as(agent).post(`/api/v1/tickets/${first.id}/comments`, { body: '' }).expect(400);
    await as(agent).post(`/api/v1/tickets/${first.id}/comments`, { body: 'x', internal: 'yes' }).expect(400);
  });

  it("answers 404 for another organization's ticket and changes nothing", async () => {
    const ticket = await openTicket();
    const otherAdmin = { ...other.admin } as TestUser;
    await as(otherAdmin).patch(`/api/v1/tickets/${ticket.id}`, { status: 'closed' }).expect(404);
    await as(otherAdmin).post(`/api/v1/tickets/${ticket.id}/comments`, { body: 'injected' }).expect(404);
    const shown = await as(agent).get(`/api/v1/tickets/${ticket.id}`).expect(200);
    expect(shown.body.status).toBe('open');
    expect(shown.body.comments).toHaveLength(1);
  });
});
