import type { DovecotServer } from '../harness/dovecot';
import { eventually } from './messages';
import { collectBytes } from './response-bytes';
import type { ApiClient, TestTenant } from './tenants';

export interface TicketListItem {
  id: string;
  number: number;
  subject: string;
  status: string;
  requester: { email: string; name: string };
}

export interface TicketComment {
  id: string;
  kind: string;
  body: string;
  html: string | null;
  internal: boolean;
  attachments: { id: string; filename: string; contentType: string; size: number }[];
}

export interface TicketDetail extends TicketListItem {
  participants: { email: string; name: string }[];
  comments: TicketComment[];
  linkedTicketId?: string | null;
}

export interface SyncRunView {
  id: string;
  status: string;
  fetched: number;
  tickets: number;
  comments: number;
  ignored: number;
  failed: number;
  error: { class: string; message: string } | null;
  ignoredMessages: { uid: number; reason: string; subject: string | null; ticketId: string | null }[];
}

/** The admin's view of one organization's helpdesk, through the HTTP API only. */
export class Helpdesk {
  constructor(
    readonly testApp: ApiClient,
    readonly tenant: TestTenant,
  ) {}

  private auth() {
    return { Authorization: `Bearer ${this.tenant.admin.token}` };
  }

  /** Points the organization's incoming settings at a Dovecot user (plain IMAP on loopback). */
  async connectIncoming(dovecot: DovecotServer, user: string, password: string, folder = 'INBOX'): Promise<void> {
    await this.testApp
      .http()
      .put('/api/v1/settings/email/incoming')
      .set(this.auth())
      .send({
        host: dovecot.host,
        port: dovecot.imapPort,
        security: 'none',
        username: user,
        password,
        folder,
        verifyCertificate: false,
      })
      .expect(200);
  }

  async start(body: Record<string, unknown>, expectStatus = 200) {
    return (await this.testApp.http().post('/api/v1/sync/start').set(this.auth()).send(body).expect(expectStatus)).body;
  }

  async stop() {
    return (await this.testApp.http().post('/api/v1/sync/stop').set(this.auth()).send({}).expect(200)).body;
  }

  async status() {
    return (await this.testApp.http().get('/api/v1/sync').set(this.auth()).expect(200)).body;
  }

  /** Runs a sync now and returns the finished run. */
  async syncNow() {
    const response = await this.testApp.http().post('/api/v1/sync/now').set(this.auth()).send({});
    if (response.status !== 200)
      throw new Error(`sync now answered ${response.status}: ${JSON.stringify(response.body)}`);
    return response.body.run as SyncRunView;
  }

  /**
   * Starts a sync-now without waiting for it (supertest sends lazily: then() sends now), and resolves
   * once the run has fetched more than `fetched` messages; `finished` is the request's answer. Polled
   * every 10 ms: a test that stops, freezes or takes down the server mid-run needs the run still going.
   */
  async syncNowUnderway(fetched = 0): Promise<{ finished: Promise<{ status: number; body: { run: SyncRunView } }> }> {
    const finished = this.testApp
      .http()
      .post('/api/v1/sync/now')
      .set(this.auth())
      .send({})
      .then((response) => ({ status: response.status, body: response.body as { run: SyncRunView } }));
    await eventually(async () => (await this.status()).currentRun?.fetched > fetched, 10_000, 10);
    return { finished };
  }

  async runs() {
    return (await this.testApp.http().get('/api/v1/sync/runs').set(this.auth()).expect(200)).body;
  }

  async failures(status = 'open') {
    return (await this.testApp.http().get(`/api/v1/sync/failures?status=${status}`).set(this.auth()).expect(200)).body;
  }

  async tickets(query = 'pageSize=100'): Promise<TicketListItem[]> {
    const response = await this.testApp.http().get(`/api/v1/tickets?${query}`).set(this.auth()).expect(200);
    return response.body.items as TicketListItem[];
  }

  /** Every ticket's subject, read page by page. */
  async allSubjects(): Promise<string[]> {
    const subjects: string[] = [];
    for (let page = 1; ; page += 1) {
      const items = await this.tickets(`pageSize=100&page=${page}`);
      subjects.push(...items.map((ticket) => ticket.subject));
      if (items.length < 100) return subjects;
    }
  }

  async ticketCount(): Promise<number> {
    const response = await this.testApp.http().get('/api/v1/tickets?pageSize=1').set(this.auth()).expect(200);
    return response.body.total as number;
  }

  async ticket(id: string): Promise<TicketDetail> {
    return (await this.testApp.http().get(`/api/v1/tickets/${id}`).set(this.auth()).expect(200)).body as TicketDetail;
  }

  async ticketBySubject(subject: string): Promise<TicketDetail> {
    const found = (await this.tickets('pageSize=100')).find((ticket) => ticket.subject === subject);
    if (!found) throw new Error(`No ticket with subject ${subject}`);
    return this.ticket(found.id);
  }

  /** An attachment's content, as an agent downloads it. */
  async attachmentBytes(ticketId: string, attachmentId: string): Promise<Buffer> {
    const response = await this.testApp
      .http()
      .get(`/api/v1/tickets/${ticketId}/attachments/${attachmentId}`)
      .set(this.auth())
      .buffer(true)
      .parse(collectBytes)
      .expect(200);
    return response.body as Buffer;
  }
}
