import type { Helpdesk } from './helpdesk';

export interface RunMessageView {
  uid: number;
  outcome: string;
  reason: string | null;
  ticketId: string | null;
  failureId: string | null;
}

/** Every message of a run as its record lists them, read page by page (`limit` per page). */
export async function allRunMessages(desk: Helpdesk, runId: string, limit = 100): Promise<RunMessageView[]> {
  const messages: RunMessageView[] = [];
  let after = 0;
  for (;;) {
    const response = await desk.testApp
      .http()
      .get(`/api/v1/sync/runs/${runId}/messages?after=${after}&limit=${limit}`)
      .auth(desk.tenant.admin.token, { type: 'bearer' })
      .expect(200);
    const page = response.body as { items: RunMessageView[]; nextAfter: number | null };
    messages.push(...page.items);
    if (page.nextAfter === null) return messages;
    after = page.nextAfter;
  }
}
