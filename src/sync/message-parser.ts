import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { parseMessage } from '../../libs/mail/parse-message';
import type { ParsedMessage } from '../../libs/mail/parsed-message';
import { ParserPool } from '../../libs/mail/parser-pool';
import { AppConfig } from '../config/app-config';

/**
 * Parses fetched mail for the sync: on SYNC_PARSE_WORKERS worker threads, so the next messages are
 * parsed while the main thread fetches and writes the ones before them; on the main thread when 0.
 */
@Injectable()
export class MessageParser implements OnModuleDestroy {
  private readonly pool: ParserPool | null;

  constructor(config: AppConfig) {
    this.pool = config.sync.parseWorkers > 0 ? new ParserPool(config.sync.parseWorkers) : null;
  }

  parse(raw: Buffer): Promise<ParsedMessage> {
    return this.pool ? this.pool.parse(raw) : parseMessage(raw);
  }

  async onModuleDestroy(): Promise<void> {
    await this.pool?.close();
  }
}
