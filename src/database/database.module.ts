import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppConfig } from '../config/app-config';
import { buildDataSourceOptions } from './data-source-options';
import { newDataSource } from './new-data-source';
import { QueryDrain } from './query-drain';
import { SqliteMaintenance } from './sqlite-maintenance';
import { WalCheckpointer } from './wal-checkpointer';

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
  providers: [SqliteMaintenance, WalCheckpointer, QueryDrain],
})
export class DatabaseModule {}
