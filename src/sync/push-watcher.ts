import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import type { DomainEventMap } from '../common/events/domain-events';
import { AppConfig } from '../config/app-config';
import { LeaseService } from '../leases/lease.service';
import { MailboxService } from '../mailbox/mailbox.service';
import { EmailSettingsService } from '../settings/email-settings.service';
import { AdmissionGate } from './push-admission-gate';
import { PushConnection, type PushConnectionDeps } from './push-connection';
import { PushInstancesRepository } from './push-instances.repository';
import { PushStatesRepository } from './push-states.repository';
import { SyncRunner } from './sync-runner';
import { SyncStateRepository } from './sync-state.repository';

/** The lease that keeps each organization's IDLE connection on exactly one instance. */
const PUSH_LEASE = 'push';

/** This instance's fair share of the connections, and whether another live instance has fewer than that. */
interface Balance {
  share: number;
  othersBelowShare: boolean;
}

/**
 * Keeps one IDLE connection per running organization with push on, spread over the instances by
 * lease: every claim round (PUSH_CLAIM_INTERVAL_SECONDS) an instance takes the leases nobody holds,
 * so the mailboxes of an instance that died idle elsewhere once its leases expire. Start, Stop and
 * the push switch act at once on the instance that served them, on the others at the next round.
 * The connections are shared out evenly: while another live instance holds fewer than its share, an
 * instance takes no more than its own and gives its excess back (see balance()).
 */
@Injectable()
export class PushWatcher implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(PushWatcher.name);
  private readonly connections = new Map<string, PushConnection>();
  private readonly deps: PushConnectionDeps;
  private timer: NodeJS.Timeout | null = null;
  private round: Promise<void> = Promise.resolve();
  private shuttingDown = false;

  constructor(
    private readonly config: AppConfig,
    private readonly leases: LeaseService,
    private readonly syncStates: SyncStateRepository,
    private readonly pushStates: PushStatesRepository,
    private readonly instances: PushInstancesRepository,
    runner: SyncRunner,
    mailbox: MailboxService,
    settings: EmailSettingsService,
  ) {
    this.deps = {
      mailbox,
      settings,
      states: pushStates,
      gate: new AdmissionGate(config.push.loginsPerSecond),
      config: config.push,
      logger: this.logger,
      runSync: async (organizationId) => {
        // A stop made on another instance reaches this one at the next round: until then, no run.
        if (!(await this.syncStates.find(organizationId))?.running) return;
        // `requested`: if another instance is running the mailbox, run after it rather than skip,
        // since that run may have listed the folder before this mail arrived.
        await runner.run(organizationId, 'schedule', { requested: true }).done;
      },
    };
  }

  onApplicationBootstrap(): void {
    if (!this.config.push.enabled) return;
    this.timer = setInterval(() => void this.reconcile(), this.config.push.claimIntervalMs);
    this.timer.unref();
    void this.reconcile();
  }

  /** Connections close and leases go back before the database does, so another instance takes over at once. */
  async beforeApplicationShutdown(): Promise<void> {
    this.shuttingDown = true;
    if (this.timer) clearInterval(this.timer);
    await this.round;
    const connections = [...this.connections.values()];
    this.connections.clear();
    // 'connecting': push stays on, another instance (or this one after its restart) picks it up.
    await Promise.all(connections.map((connection) => connection.stop('connecting')));
    if (this.config.push.enabled) await this.instances.remove(this.leases.instanceId).catch(() => undefined);
  }

  /** Whether this instance holds the organization's IDLE connection (for tests and diagnostics). */
  holds(organizationId: string): boolean {
    return this.connections.has(organizationId);
  }

  /** Re-examines one organization now (after Start, Stop or the push switch on this instance). */
  wake(organizationId: string): Promise<void> {
    if (!this.config.push.enabled) return Promise.resolve();
    return this.reconcile([organizationId]);
  }

  @OnEvent('settings.email.changed')
  async onSettingsChanged(event: DomainEventMap['settings.email.changed']): Promise<void> {
    if (event.section !== 'incoming') return;
    await this.connections.get(event.organizationId)?.settingsChanged('changed');
  }

  /** One claim round at a time: rounds queue behind each other. */
  private reconcile(only?: string[]): Promise<void> {
    const next = this.round
      .then(() => this.claim(only))
      .catch((error: unknown) => {
        this.logger.error(`Push claim round failed: ${(error as Error).message}`);
      });
    this.round = next;
    return next;
  }

  private async claim(only?: string[]): Promise<void> {
    if (this.shuttingDown) return;
    const running = (await this.syncStates.listRunning()).map((state) => state.organizationId);
    const disabled = await this.pushStates.disabledAmong(running);
    const wanted = new Set(running.filter((id) => !disabled.has(id)));
    const scope = only ?? [...new Set([...wanted, ...this.connections.keys()])];
    // A wake (Start, the switch) takes its organization at once; full rounds keep the shares even.
    const balance = only ? null : await this.balance(wanted.size);
    for (const organizationId of scope) {
      if (this.shuttingDown) return;
      const connection = this.connections.get(organizationId);
      if (connection && !wanted.has(organizationId)) {
        this.connections.delete(organizationId);
        await connection.stop('off');
      } else if (connection) {
        // A settings change saved on another instance reaches a connection waiting for one here.
        if (connection.parked) await connection.settingsChanged('maybe');
      } else if (wanted.has(organizationId)) {
        if (balance?.othersBelowShare && this.connections.size >= balance.share) continue;
        await this.take(organizationId);
      } else if (only) {
        // Stopped or switched off here while another instance holds it: show it off at once; that
        // instance closes its connection at its next round.
        await this.pushStates.setState(organizationId, 'off', null);
      }
    }
  }

  /**
   * Says this instance is alive, and works out its share: the wanted connections over the live
   * instances. An instance that died stops counting after two rounds; its leases outlive that
   * (PUSH_LEASE_SECONDS), so the survivors do not give connections away to it meanwhile.
   */
  private async balance(wanted: number): Promise<Balance> {
    const now = Date.now();
    const me = this.leases.instanceId;
    await this.instances.beat(me, now);
    const live = await this.instances.live(now - 2 * this.config.push.claimIntervalMs - 1_000);
    const held = await this.leases.countByInstance(PUSH_LEASE);
    const share = Math.ceil(wanted / Math.max(1, live.length));
    const othersBelowShare = live.some((id) => id !== me && (held.get(id) ?? 0) < share);
    if (othersBelowShare) await this.shed(this.connections.size - share);
    return { share, othersBelowShare };
  }

  /** Gives `count` connections back; an instance below its share takes them at its next round. */
  private async shed(count: number): Promise<void> {
    const excess = [...this.connections.entries()].slice(0, Math.max(0, count));
    for (const [organizationId, connection] of excess) {
      this.connections.delete(organizationId);
      await connection.stop('connecting');
    }
  }

  private async take(organizationId: string): Promise<void> {
    const lease = await this.leases.tryAcquire(organizationId, PUSH_LEASE, { ttlMs: this.config.push.leaseMs });
    if (!lease) return;
    const connection = new PushConnection(organizationId, lease, this.deps);
    this.connections.set(organizationId, connection);
    lease.onLost(() => {
      if (this.connections.get(organizationId) === connection) this.connections.delete(organizationId);
      void connection.stop(null);
    });
    connection.start();
  }
}
