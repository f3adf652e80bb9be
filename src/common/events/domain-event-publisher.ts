import { Injectable, Logger } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import type { DomainEventMap, DomainEventName } from './domain-events';

/** Emits domain events with their payload checked against the one event map. */
@Injectable()
export class DomainEventPublisher {
  private readonly logger = new Logger(DomainEventPublisher.name);

  constructor(private readonly emitter: EventEmitter2) {}

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
}
