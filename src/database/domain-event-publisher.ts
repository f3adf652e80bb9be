import { Injectable, Logger } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import type { EntityManager } from 'typeorm';
import type { DomainEventMap, DomainEventName } from '../common/events/domain-events';
import { TransactionRunner } from './transaction-runner';

/**
 * Work another module must commit together with the fact (e.g. a notification outbox row): it runs
 * inside the publishing transaction, before COMMIT, with that transaction's manager. Keep it small;
 * a failure rolls the whole transaction back.
 */
export type InTransactionHandler<K extends DomainEventName> = (
  payload: DomainEventMap[K],
  manager: EntityManager,
) => Promise<void>;

type AnyHandler = (payload: unknown, manager: EntityManager) => Promise<void>;

/** Emits domain events with their payload checked against the one event map. */
@Injectable()
export class DomainEventPublisher {
  private readonly logger = new Logger(DomainEventPublisher.name);

  /** In-transaction handlers by event name (one publisher per application: the database module's). */
  private readonly inTransaction = new Map<DomainEventName, Set<AnyHandler>>();

  constructor(
    private readonly emitter: EventEmitter2,
    private readonly transactions: TransactionRunner,
  ) {}

  /**
   * Fire and forget: listeners are started, not awaited (an async listener does its work on its
   * own time), and a listener that throws is logged, never turned into a failure of the work that
   * published the event (which has already committed).
   */
  publish<K extends DomainEventName>(name: K, payload: DomainEventMap[K]): void {
    try {
      this.emitter.emit(name, payload);
    } catch (error) {
      this.logger.error({ err: error, event: name }, 'A domain event listener failed');
    }
  }

  /**
   * Publishes once the transaction of `manager` (opened by TransactionRunner.run) has committed, and
   * never if it rolls back. In-transaction handlers of the event run first, inside it, before COMMIT.
   */
  publishAfterCommit<K extends DomainEventName>(manager: EntityManager, name: K, payload: DomainEventMap[K]): void {
    // Bound methods rather than arrows made per event: V8 drops a per-call arrow's optimized code at each
    // full GC and compiles it again (docs/ARCHITECTURE.md, "Hot paths").
    this.transactions.beforeCommit(manager, this.handleInside.bind(this, name, payload));
    this.transactions.afterCommit(manager, this.publish.bind(this, name, payload));
  }

  private async handleInside<K extends DomainEventName>(
    name: K,
    payload: DomainEventMap[K],
    transaction: EntityManager,
  ): Promise<void> {
    for (const handler of this.inTransaction.get(name) ?? []) await handler(payload, transaction);
  }

  /** Registers a handler that runs inside every transaction publishing `name`; returns its removal. */
  handleInTransaction<K extends DomainEventName>(name: K, handler: InTransactionHandler<K>): () => void {
    const handlers = this.inTransaction.get(name) ?? new Set<AnyHandler>();
    this.inTransaction.set(name, handlers);
    const entry = handler as AnyHandler;
    handlers.add(entry);
    return () => handlers.delete(entry);
  }
}
