import type { MessageRef } from '../mailbox/mailbox.types';
import type { ListedMessage } from './mailbox-cursor';
import type { FolderRef } from './message-ingestor';
import type { ContentContext } from './message-content';
import type { QuotaBudget } from './storage-quota';

/** The folder a run ingests, with what every message of the run is checked against. */
export type RunTarget = FolderRef & { runId: string; supportAddress: string | null; budget: QuotaBudget | null };

export function contentContextOf({ organizationId, supportAddress }: RunTarget): ContentContext {
  return { organizationId, supportAddress };
}

/** Consecutive normal-size messages, or one large (streamed) or oversized (headers only) message of known size. */
export type Segment = { size: 'normal'; refs: ListedMessage[] } | { size: 'large' | 'oversized'; ref: MessageRef };

/**
 * A page cut into consecutive runs of normal-size messages; each large message (streamed) and each
 * oversized one (headers only) is a segment of its own.
 */
export function segmentsOf(
  page: ListedMessage[],
  { maxMessageBytes, streamMessageBytes }: { maxMessageBytes: number; streamMessageBytes: number },
): Segment[] {
  const segments: Segment[] = [];
  for (const { uid, size } of page) {
    const last = segments[segments.length - 1];
    if (size !== null && size > maxMessageBytes) segments.push({ size: 'oversized', ref: { uid, size } });
    else if (size !== null && size > streamMessageBytes) segments.push({ size: 'large', ref: { uid, size } });
    else if (last?.size === 'normal') last.refs.push({ uid, size });
    else segments.push({ size: 'normal', refs: [{ uid, size }] });
  }
  return segments;
}
