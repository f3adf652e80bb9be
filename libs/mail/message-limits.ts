import { MailParser } from 'mailparser';

/** Caps on the structure of one message; over any of them it is not processed. */
export interface MessageLimits {
  /** Header block of any MIME node, as mailparser counts it (every line at least 64 bytes). */
  maxHeaderBytes: number;
  /** Nesting of multipart and message/rfc822 parts. */
  maxMimeDepth: number;
  /** MIME nodes in the whole message. */
  maxParts: number;
  /** Attachments (inline parts included) the message yields. */
  maxAttachments: number;
}

export type MessageLimit = 'header-size' | 'mime-depth' | 'mime-parts' | 'attachments';

/** A message over one of its `MessageLimits`: quarantined, with the limit it broke in the reason. */
export class MessageOverLimitError extends Error {
  readonly code = 'MESSAGE_OVER_LIMIT';

  constructor(
    readonly limit: MessageLimit,
    detail: string,
  ) {
    super(`over-limit ${limit}: ${detail}`);
    this.name = 'MessageOverLimitError';
  }
}

/** mailsplit's own messages for its two limits (it gives them no distinct code). */
const SPLITTER_LIMITS: Record<string, MessageLimit> = {
  'Max header size for a MIME node exceeded': 'header-size',
  'Max allowed child nodes exceeded': 'mime-parts',
};

/** mailparser's options plus the limits it enforces itself (header size, parts) and the depth checked below. */
export function withLimits<T extends object>(options: T, limits: MessageLimits | undefined) {
  if (!limits) return options;
  return {
    ...options,
    maxHeadSize: limits.maxHeaderBytes,
    maxChildNodes: limits.maxParts,
    maxMimeDepth: limits.maxMimeDepth,
  };
}

/** The over-limit error a parser failure stands for, when a limit is what stopped the parser. */
export function overLimitError(error: unknown, limits: MessageLimits | undefined): MessageOverLimitError | null {
  if (error instanceof MessageOverLimitError) return error;
  if (!limits || !(error instanceof Error)) return null;
  const limit = SPLITTER_LIMITS[error.message];
  if (limit === 'header-size') {
    return new MessageOverLimitError(limit, `a header block is over ${limits.maxHeaderBytes} bytes`);
  }
  if (limit === 'mime-parts') return new MessageOverLimitError(limit, `more than ${limits.maxParts} MIME parts`);
  return null;
}

export function checkAttachmentCount(count: number, limits: MessageLimits | undefined): void {
  if (limits && count > limits.maxAttachments) {
    throw new MessageOverLimitError('attachments', `${count} attachments, over the limit of ${limits.maxAttachments}`);
  }
}

interface SplitNode {
  parentNode: SplitNode | false | undefined;
}

type ChunkHandler = (this: LimitedParser, data: { type: string }, done: (error?: Error) => void) => void;

interface LimitedParser {
  options: { maxMimeDepth?: number };
}

/**
 * mailparser has no depth limit, and splits nodes in `processChunk` (internal, but the one place every
 * node passes). Each node's depth is counted up its parents, at most `maxMimeDepth` steps, so the check
 * stays linear; a parser without `maxMimeDepth` in its options is left as it was.
 */
function installDepthCheck(): void {
  const prototype = MailParser.prototype as unknown as { processChunk: ChunkHandler };
  const original = prototype.processChunk;
  prototype.processChunk = function (this: LimitedParser, data, done) {
    const max = this.options.maxMimeDepth;
    if (max !== undefined && data.type === 'node') {
      let depth = 0;
      for (let node = (data as unknown as SplitNode).parentNode; node; node = node.parentNode) {
        if (++depth > max) {
          done(new MessageOverLimitError('mime-depth', `MIME parts nested more than ${max} deep`));
          return;
        }
      }
    }
    original.call(this, data, done);
  };
}

installDepthCheck();
