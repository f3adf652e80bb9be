import { parseConfig } from '../config/parse-config';
import { MASK, maskedChanges } from './masked-changes';

describe('maskedChanges: what the audit log keeps of a request body', () => {
  it("masks the route's secret paths, nested ones included, and keeps the other fields", () => {
    const body = { name: 'Acme', admin: { email: 'a@acme.test', password: 'hunter2-long', name: 'A' } };
    expect(maskedChanges(body, ['admin.password'])).toEqual({
      name: 'Acme',
      admin: { email: 'a@acme.test', password: MASK, name: 'A' },
    });
  });

  it('masks fields named like a secret even when the route forgot to list them', () => {
    const masked = maskedChanges({ password: 'p', clientSecret: 's', refreshToken: 't', apiKey: 'k', host: 'h' }, []);
    expect(masked).toEqual({ password: MASK, clientSecret: MASK, refreshToken: MASK, apiKey: MASK, host: 'h' });
    // A flag about credentials is not a credential.
    expect(maskedChanges({ useIncomingCredentials: true }, [])).toEqual({ useIncomingCredentials: true });
  });

  it('cuts long text and records nothing for an empty or absent body', () => {
    const long = maskedChanges({ body: 'x'.repeat(2_000) }, []);
    expect(long?.body).toBe(`${'x'.repeat(500)}…`);
    expect(maskedChanges({}, [])).toBeNull();
    expect(maskedChanges(undefined, [])).toBeNull();
    expect(maskedChanges(['a'], [])).toBeNull();
  });
});

describe('parseConfig: AUDIT_RETENTION_DAYS', () => {
  it('keeps a year by default and accepts 1 to 36500 days', () => {
    expect(parseConfig({}, '/srv').audit.retentionDays).toBe(365);
    expect(parseConfig({ AUDIT_RETENTION_DAYS: '30' }, '/srv').audit.retentionDays).toBe(30);
    expect(() => parseConfig({ AUDIT_RETENTION_DAYS: '0' }, '/srv')).toThrow(/AUDIT_RETENTION_DAYS/);
  });
});
