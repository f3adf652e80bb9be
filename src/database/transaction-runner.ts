import { Injectable, Logger } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';

export type AfterCommitHook = () => void | Promise<void>;
/** Runs inside the transaction, after its work and before COMMIT: what it writes commits with it. */
export type BeforeCommitHook = (manager: EntityManager) => Promise<void>;

interface TransactionHooks {
  before: BeforeCommitHook[];
  after: AfterCommitHook[];
}

/**
 * Opens database transactions for work that spans modules (e.g. Sync: ticket + ledger + watermark),
 * and runs what must only happen once the data is committed (domain events) right after COMMIT.
 *
 * - `run(work)`: a new transaction. Services that accept an optional `manager` join it when given
 *   the manager that `work` receives; their `afterCommit` hooks run after this COMMIT, in order,
 *   and are dropped on ROLLBACK.
 * - `join(manager, work)`: what such a service does: inside the caller's transaction as a
 *   SAVEPOINT (a failure, e.g. a duplicate, undoes only this part and leaves the caller's
 *   transaction usable), or in a transaction of its own when `manager` is undefined.
 * - `beforeCommit` hooks run last inside the transaction, so rows that must commit together with
 *   the work (e.g. a notification outbox row for a domain event) are written in the same COMMIT.
 * - SQLite: TypeORM shares one connection for the whole process, so concurrent transactions would
 *   nest into each other. Transactions opened here are therefore queued one at a time, which is why
 *   work inside a transaction must `join` it with its manager: a `run` from inside would wait for
 *   itself. (That is not detected at run time: knowing "inside" needs AsyncLocalStorage, whose promise
 *   hooks on Node 20 slow every promise in the process, API requests included.)
 */
@Injectable()
export class TransactionRunner {
  private readonly logger = new Logger(TransactionRunner.name);

  /** The hooks of each open transaction, by its EntityManager. */
  private readonly hooks = new WeakMap<EntityManager, TransactionHooks>();
  /** SQLite: the tail of the transaction queue (one runner per application: the database module's). */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly dataSource: DataSource) {}

  async run<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    const hooks: TransactionHooks = { before: [], after: [] };
    const transaction = () =>
      this.dataSource.transaction((manager) => {
        this.hooks.set(manager, hooks);
        const inTransaction = async () => {
          const result = await work(manager);
          for (let next = hooks.before.shift(); next; next = hooks.before.shift()) await next(manager);
          return result;
        };
        return inTransaction().finally(() => this.hooks.delete(manager));
      });
    const result = await (this.serialized() ? this.enqueue(transaction) : transaction());
    await this.runHooks(hooks.after);
    return result;
  }

  /** Runs `work` in the caller's transaction (as a savepoint) or, without one, in a new transaction. */
  async join<T>(manager: EntityManager | undefined, work: (manager: EntityManager) => Promise<T>): Promise<T> {
    if (!manager) return this.run(work);
    const hooks = this.hooks.get(manager);
    if (!hooks) {
      throw new Error('This manager does not belong to a transaction opened by TransactionRunner.run');
    }
    const marks = { before: hooks.before.length, after: hooks.after.length };
    try {
      // The savepoint runs on the caller's query runner, so the caller's manager is the one to work with.
      // TypeORM hands the callback `queryRunner.manager`, which on SQLite (one query runner for the whole
      // process) is replaced whenever anything else creates a query runner meanwhile, such as an API
      // request; that manager has no hooks, so a nested join would fail.
      return await manager.transaction(() => work(manager));
    } catch (error) {
      hooks.before.length = marks.before;
      hooks.after.length = marks.after;
      throw error;
    }
  }

  /** Registers `hook` to run after the transaction of `manager` commits (dropped on ROLLBACK). */
  afterCommit(manager: EntityManager, hook: AfterCommitHook): void {
    this.hooksOf(manager, 'afterCommit').after.push(hook);
  }

  /**
   * Registers `hook` to run inside the transaction of `manager`, after its work and before COMMIT (in
   * order of registration; a hook may register more). A failing hook rolls the whole transaction back.
   * Hooks registered in a savepoint that rolls back are dropped with it.
   */
  beforeCommit(manager: EntityManager, hook: BeforeCommitHook): void {
    this.hooksOf(manager, 'beforeCommit').before.push(hook);
  }

  private hooksOf(manager: EntityManager, what: string): TransactionHooks {
    const hooks = this.hooks.get(manager);
    if (!hooks) throw new Error(`${what} needs a transaction opened by TransactionRunner.run`);
    return hooks;
  }

  private serialized(): boolean {
    return this.dataSource.options.type !== 'postgres';
  }

  private enqueue<T>(task: () => Promise<T>): Promise<T> {
    const result = this.queue.then(task, task);
    this.queue = result.catch(() => undefined);
    return result;
  }

  /** The data is committed: a failing hook is logged, never turned into a failure of the work. */
  private async runHooks(hooks: AfterCommitHook[]): Promise<void> {
    for (const hook of hooks) {
      try {
        await hook();
      } catch (error) {
        this.logger.error({ err: error }, 'An after-commit hook failed');
      }
    }
  }
}
