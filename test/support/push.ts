import type { Helpdesk } from './helpdesk';
import { eventually, makeMessage } from './messages';
import type { DovecotServer } from '../harness/dovecot';

export type PushState = 'off' | 'connecting' | 'idle' | 'unsupported' | 'error';

export interface PushView {
  enabled: boolean;
  state: PushState;
  since: string | null;
  lastEventAt: string | null;
  error: { class: string; message: string } | null;
}

export async function pushOf(desk: Helpdesk): Promise<PushView> {
  return (await desk.status()).push as PushView;
}

/** PUT /sync/push; answers the status widget. */
export async function setPush(desk: Helpdesk, enabled: boolean, expectStatus = 200) {
  const response = await desk.testApp
    .http()
    .put('/api/v1/sync/push')
    .set({ Authorization: `Bearer ${desk.tenant.admin.token}` })
    .send({ enabled })
    .expect(expectStatus);
  return response.body;
}

/** Waits until GET /sync shows the push connection in `state`. */
export function pushReaches(desk: Helpdesk, state: PushState, timeoutMs = 20_000): Promise<PushView> {
  return eventually(async () => {
    const push = await pushOf(desk);
    return push.state === state ? push : null;
  }, timeoutMs);
}

/**
 * Appends a message and waits for its ticket through the API (polled every 20 ms); answers how long
 * that took, in ms. The caller keeps the interval long, so only push can explain a ticket in seconds.
 */
export async function mailToTicket(
  dovecot: DovecotServer,
  user: string,
  desk: Helpdesk,
  subject: string,
  timeoutMs = 30_000,
): Promise<number> {
  const appended = Date.now();
  await dovecot.append(user, makeMessage({ subject }));
  await eventually(
    async () =>
      (await desk.tickets(`pageSize=100&q=${encodeURIComponent(subject)}`)).some((t) => t.subject === subject),
    timeoutMs,
    20,
  );
  return Date.now() - appended;
}
