import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AlertsModule } from '../alerts/alerts.module';
import { LeasesModule } from '../leases/leases.module';
import { MailboxModule } from '../mailbox/mailbox.module';
import { SettingsModule } from '../settings/settings.module';
import { StorageModule } from '../storage/storage.module';
import { TicketsModule } from '../tickets/tickets.module';
import { IngestedMessage } from './ingested-message.entity';
import { IngestedMessagesRepository } from './ingested-messages.repository';
import { BatchStorage } from './batch-storage';
import { LargeMessageIngest } from './large-message-ingest';
import { MessageProcessor } from './message-processor';
import { StorageQuota } from './storage-quota';
import { PushController } from './push.controller';
import { PushInstance } from './push-instance.entity';
import { PushInstancesRepository } from './push-instances.repository';
import { PushState } from './push-state.entity';
import { PushStatesRepository } from './push-states.repository';
import { PushStatus } from './push-status';
import { PushWatcher } from './push-watcher';
import { MessageIngestor } from './message-ingestor';
import { SyncControlService } from './sync-control.service';
import { SyncFailure } from './sync-failure.entity';
import { SyncFailuresRepository } from './sync-failures.repository';
import { SyncFailuresService } from './sync-failures.service';
import { SyncHealth } from './sync-health';
import { SyncRun } from './sync-run.entity';
import { SyncRunRecorder } from './sync-run-recorder';
import { SyncRunner } from './sync-runner';
import { SyncRunsRepository } from './sync-runs.repository';
import { ScheduleSignals } from './schedule-signals';
import { SyncScheduler } from './sync-scheduler';
import { SyncScheduleRepository } from './sync-schedule.repository';
import { SyncSlots } from './sync-slots';
import { SyncTurns } from './sync-turns';
import { SyncState } from './sync-state.entity';
import { SyncStateRepository } from './sync-state.repository';
import { SyncViews } from './sync-views';
import { SyncWatermark } from './sync-watermark.entity';
import { SyncController } from './sync.controller';
import { WatermarkPlanner } from './watermark-planner';
import { OAuthGrantListeners } from './oauth-grant-listeners';

/** The only module that joins a mailbox to tickets. */
@Module({
  imports: [
    TypeOrmModule.forFeature([
      SyncState,
      SyncWatermark,
      SyncRun,
      IngestedMessage,
      SyncFailure,
      PushState,
      PushInstance,
    ]),
    AlertsModule,
    LeasesModule,
    MailboxModule,
    SettingsModule,
    StorageModule,
    TicketsModule,
  ],
  controllers: [SyncController, PushController],
  providers: [
    SyncStateRepository,
    SyncRunsRepository,
    IngestedMessagesRepository,
    SyncFailuresRepository,
    SyncSlots,
    SyncTurns,
    WatermarkPlanner,
    MessageIngestor,
    MessageProcessor,
    StorageQuota,
    BatchStorage,
    LargeMessageIngest,
    SyncRunRecorder,
    SyncRunner,
    SyncScheduleRepository,
    ScheduleSignals,
    SyncScheduler,
    SyncControlService,
    SyncFailuresService,
    SyncViews,
    SyncHealth,
    PushStatesRepository,
    PushInstancesRepository,
    PushWatcher,
    PushStatus,
    OAuthGrantListeners,
  ],
  exports: [SyncHealth],
})
export class SyncModule {}
