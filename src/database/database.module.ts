import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { secretSources } from '../config/secret-sources';
import { buildDataSourceOptions } from './data-source-options';
import { newDataSource } from './new-data-source';
import { DomainEventPublisher } from './domain-event-publisher';
import { QueryDrain } from './query-drain';
import { SecretMismatchError, verifySecrets } from './secret-checks';
import { SqliteMaintenance } from './sqlite-maintenance';
import { TransactionRunner } from './transaction-runner';
import { WalCheckpointer } from './wal-checkpointer';

/** Resolves once this instance's secrets match the ones the database was first used with. */
const SECRETS_VERIFIED = Symbol('SECRETS_VERIFIED');

/**
 * The data source and what every module shares of it, provided once: transactions that span modules
 * (`TransactionRunner`, with its before- and after-commit hooks) and the domain event publisher that
 * publishes after COMMIT. Global, so a feature module injects them without importing this one.
 */
@Global()
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [AppConfig],
      // Each module registers its own entities with forFeature; none is listed centrally.
      useFactory: (config: AppConfig) => ({ ...buildDataSourceOptions(config), autoLoadEntities: true }),
      // @nestjs/typeorm initializes it (with its retries).
      dataSourceFactory: async (options) => {
        if (!options) throw new Error('No database options');
        return newDataSource(options);
      },
    }),
  ],
  providers: [
    TransactionRunner,
    DomainEventPublisher,
    SqliteMaintenance,
    WalCheckpointer,
    QueryDrain,
    {
      // Resolved while the application is built, before anything starts sending or syncing.
      provide: SECRETS_VERIFIED,
      inject: [AppConfig, DataSource],
      useFactory: async (config: AppConfig, dataSource: DataSource): Promise<true> => {
        try {
          await verifySecrets(dataSource, secretSources(config));
        } catch (error) {
          // One line that names the variables, whatever the log format; the boot then stops on the error.
          if (error instanceof SecretMismatchError) process.stderr.write(`${error.message}\n`);
          throw error;
        }
        return true;
      },
    },
  ],
  exports: [TransactionRunner, DomainEventPublisher],
})
export class DatabaseModule {}
