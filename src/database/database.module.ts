import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { secretSources } from '../config/secret-sources';
import { buildDataSourceOptions } from './data-source-options';
import { newDataSource } from './new-data-source';
import { QueryDrain } from './query-drain';
import { SecretMismatchError, verifySecrets } from './secret-checks';
import { SqliteMaintenance } from './sqlite-maintenance';
import { WalCheckpointer } from './wal-checkpointer';

/** Resolves once this instance's secrets match the ones the database was first used with. */
const SECRETS_VERIFIED = Symbol('SECRETS_VERIFIED');

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
})
export class DatabaseModule {}
