import { QueryFailedError } from 'typeorm';
import { MessageOverLimitError } from '../../libs/mail/message-limits';
import { MessageParseError } from '../../libs/mail/parse-message';
import { MailConnectionError } from '../common/net/mail-connection-error';
import type { SyncErrorClass } from './sync-state.entity';

/** A failure with the class the status widget shows and back-off decisions use. */
export class SyncError extends Error {
  constructor(
    readonly errorClass: SyncErrorClass,
    message: string,
  ) {
    super(message);
    this.name = 'SyncError';
  }
}

const BY_MAIL_REASON: Record<MailConnectionError['reason'], SyncErrorClass> = {
  dns: 'network',
  refused: 'network',
  timeout: 'network',
  tls: 'tls',
  certificate: 'tls',
  auth: 'auth',
  folder: 'config',
  protocol: 'protocol',
  blocked: 'config',
};

const STORAGE_CODES = new Set(['ENOSPC', 'EACCES', 'EPERM', 'EROFS', 'ENOTDIR', 'EISDIR', 'EEXIST', 'EMFILE', 'EIO']);

export function classifySyncError(error: unknown): SyncError {
  if (error instanceof SyncError) return error;
  if (error instanceof MailConnectionError) {
    return new SyncError(BY_MAIL_REASON[error.reason], error.hint ? `${error.message}. ${error.hint}` : error.message);
  }
  if (error instanceof MessageParseError) return new SyncError('parse', error.message);
  if (error instanceof MessageOverLimitError) return new SyncError('over-limit', error.message);
  if (error instanceof QueryFailedError) return new SyncError('storage', `Database: ${error.message}`);
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && STORAGE_CODES.has(code)) {
    return new SyncError('storage', `File storage: ${(error as Error).message}`);
  }
  return new SyncError('internal', error instanceof Error ? error.message : String(error));
}
