import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { MessageAlreadyIngestedError } from '../src/tickets/ticket-errors';
import { ingestionFixture, inboundEmail } from './support/ingestion-fixture';

/** Service-level: what the Sync module does with TicketsService, against the real database. */
describe('tickets: ingestion API', () => {
  const fx = ingestionFixture();

  describe('inside the caller transaction', () => {
    it('publishes events only after the commit', async () => {
      const before = fx.created.length;
      const result = await fx.runner.run(async (manager) => {
        const inside = await fx.tickets.createTicketFromEmail(fx.orgA.organizationId, inboundEmail(), manager);
        expect(fx.created.length).toBe(before);
        return inside;
      });
      expect(fx.created.slice(before).map((event) => event.ticketId)).toEqual([result.ticketId]);
    });

    it('publishes nothing and keeps nothing when the caller rolls back', async () => {
      const before = { created: fx.created.length, commented: fx.commented.length };
      const existing = await fx.tickets.createTicketFromEmail(fx.orgA.organizationId, inboundEmail());
      let ticketId = '';
      await expect(
        fx.runner.run(async (manager) => {
          ticketId = (await fx.tickets.createTicketFromEmail(fx.orgA.organizationId, inboundEmail(), manager)).ticketId;
          await fx.tickets.addEmailComment(fx.orgA.organizationId, existing.ticketId, inboundEmail(), manager);
          throw new Error('watermark write failed');
        }),
      ).rejects.toThrow('watermark write failed');
      expect({ created: fx.created.length, commented: fx.commented.length }).toEqual({
        created: before.created + 1,
        commented: before.commented,
      });
      expect(await fx.tickets.ticketExists(fx.orgA.organizationId, ticketId)).toBe(false);
      expect((await fx.detail(fx.orgA, existing.ticketId)).comments).toHaveLength(1);
    });

    it('rolls back only its own savepoint on a duplicate; the caller goes on and commits the rest', async () => {
      const messageId = `<sp-${randomUUID()}@customer.test>`;
      const first = await fx.tickets.createTicketFromEmail(fx.orgA.organizationId, inboundEmail({ messageId }));
      const before = fx.created.length;
      const outcome = await fx.runner.run(async (manager) => {
        const other = await fx.tickets.createTicketFromEmail(fx.orgA.organizationId, inboundEmail(), manager);
        const duplicate = await fx.tickets
          .createTicketFromEmail(fx.orgA.organizationId, inboundEmail({ messageId }), manager)
          .catch((e: unknown) => e);
        const note = await fx.tickets.addSystemNote(
          fx.orgA.organizationId,
          first.ticketId,
          'recorded as duplicate',
          manager,
        );
        return { other, duplicate, note };
      });
      expect(outcome.duplicate).toBeInstanceOf(MessageAlreadyIngestedError);
      expect((outcome.duplicate as MessageAlreadyIngestedError).ticketId).toBe(first.ticketId);
      expect(await fx.tickets.ticketExists(fx.orgA.organizationId, outcome.other.ticketId)).toBe(true);
      expect(fx.created.slice(before).map((event) => event.ticketId)).toEqual([outcome.other.ticketId]);
      expect((await fx.detail(fx.orgA, first.ticketId)).comments.map((c: { kind: string }) => c.kind)).toEqual([
        'requester',
        'system',
      ]);
    });

    it('keeps nested savepoints usable while other requests query the database meanwhile', async () => {
      // A sync batch (savepoint in savepoint) while an API request reads outside the transaction: on
      // SQLite every query fx.runner is the same one, and each outside read gives it a new manager.
      const outcome = await fx.runner.run(async (manager) => {
        const reads: Promise<unknown>[] = [];
        const nested = await fx.runner.join(manager, async (savepoint) => {
          reads.push(fx.tickets.ticketExists(fx.orgA.organizationId, randomUUID()));
          await Promise.all(reads);
          return fx.runner.join(savepoint, (inner) =>
            fx.tickets.createTicketFromEmail(fx.orgA.organizationId, inboundEmail(), inner),
          );
        });
        return nested;
      });
      expect(await fx.tickets.ticketExists(fx.orgA.organizationId, outcome.ticketId)).toBe(true);
    });

    it('refuses a manager from a transaction it cannot publish after', async () => {
      const dataSource = fx.testApp.app.get(DataSource);
      await expect(
        dataSource.transaction((manager) =>
          fx.tickets.createTicketFromEmail(fx.orgA.organizationId, inboundEmail(), manager),
        ),
      ).rejects.toThrow(/TransactionRunner\.run/);
    });
  });
});
