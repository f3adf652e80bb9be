import { Module } from '@nestjs/common';
import { PrometheusModule } from '@willsoto/nestjs-prometheus';
import { NotificationsModule } from '../notifications/notifications.module';
import { SyncModule } from '../sync/sync.module';
import { HttpMetrics } from './http-metrics';
import { MetricsPort } from './metrics-port';
import { MetricsRegistryModule } from './metrics-registry.module';
import { MetricsController } from './metrics.controller';
import { MetricsListener } from './metrics.listener';
import { ScrapeGauges } from './scrape-gauges';

/**
 * Prometheus metrics. Listens to other modules' domain events and reads their exported snapshot
 * services (SyncHealth, OutboxHealth); no other module knows it exists. PrometheusModule hosts our
 * controller; its own default metrics (into prom-client's global registry) stay off, since
 * HelpdeskMetrics keeps a registry per application with the process metrics in it.
 */
@Module({
  imports: [
    MetricsRegistryModule,
    PrometheusModule.registerAsync({
      imports: [MetricsRegistryModule],
      controller: MetricsController,
      useFactory: () => ({ path: '/metrics', defaultMetrics: { enabled: false } }),
    }),
    SyncModule,
    NotificationsModule,
  ],
  providers: [MetricsListener, ScrapeGauges, HttpMetrics, MetricsPort],
  exports: [HttpMetrics, MetricsPort],
})
export class MetricsModule {}
