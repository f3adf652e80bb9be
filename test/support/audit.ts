import { DataSource } from 'typeorm';
import type { TestApp } from './test-app';

/** A row as GET /api/v1/audit lists it. */
export interface AuditRow {
  id: string;
  organizationId: string | null;
  at: string;
  action: string;
  actor: { id: string | null; email: string | null };
  target: { type: string; id: string | null } | null;
  changes: Record<string, unknown> | null;
  clientAddress: string | null;
  outcome: 'succeeded' | 'failed';
}

export interface AuditPage {
  items: AuditRow[];
  total: number;
  page: number;
  pageSize: number;
}

/** GET /api/v1/audit as `token`, expecting 200. */
export async function readAudit(
  testApp: TestApp,
  token: string,
  query: Record<string, string> = {},
): Promise<AuditPage> {
  const response = await testApp.http().get('/api/v1/audit').query(query).auth(token, { type: 'bearer' }).expect(200);
  return response.body as AuditPage;
}

/** The audit table exactly as stored, every column as text: what someone reading the database sees. */
export async function storedAuditText(testApp: TestApp): Promise<string> {
  const rows: unknown[] = await testApp.app.get(DataSource).query('SELECT * FROM audit_events');
  return JSON.stringify(rows);
}
