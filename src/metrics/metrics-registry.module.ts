import { Module } from '@nestjs/common';
import { HelpdeskMetrics } from './helpdesk-metrics';

/**
 * The application's metric families on their own, so PrometheusModule (which hosts the /metrics
 * controller) and MetricsModule (which feeds them) share the one instance.
 */
@Module({ providers: [HelpdeskMetrics], exports: [HelpdeskMetrics] })
export class MetricsRegistryModule {}
