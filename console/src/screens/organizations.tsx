// Organizations (superadmin): the list, and a new organization with its first admin.
import { useState } from 'preact/hooks';
import { api, ApiError, describeError } from '../api';
import { when } from '../format';
import { usePoll } from '../use-poll';
import { TextField } from './fields';

interface Organization {
  id: string;
  name: string;
  createdAt: string;
}

const EMPTY = { name: '', adminName: '', adminEmail: '', adminPassword: '' };

export function OrganizationsScreen() {
  const [items, setItems] = useState<Organization[] | null>(null);
  const [draft, setDraft] = useState(EMPTY);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [message, setMessage] = useState<{ kind: 'ok' | 'error'; text: string } | null>(null);

  const load = async () => setItems(await api<Organization[]>('GET', '/organizations'));
  usePoll(load, 10_000, []);

  const create = async (event: Event) => {
    event.preventDefault();
    setErrors({});
    setMessage(null);
    try {
      await api('POST', '/organizations', {
        name: draft.name,
        admin: { name: draft.adminName, email: draft.adminEmail, password: draft.adminPassword },
      });
      setMessage({ kind: 'ok', text: `${draft.name} created.` });
      setDraft(EMPTY);
      await load();
    } catch (error) {
      if (error instanceof ApiError && error.status === 400) {
        const fields = error.fieldErrors();
        setErrors({
          name: fields.name,
          adminName: fields['admin.name'],
          adminEmail: fields['admin.email'],
          adminPassword: fields['admin.password'],
        });
      }
      setMessage({ kind: 'error', text: describeError(error) });
    }
  };

  return (
    <section aria-labelledby="organizations-title">
      <h1 id="organizations-title">Organizations</h1>
      {message && (
        <p class={message.kind} role="status" aria-live="polite">
          {message.text}
        </p>
      )}
      <table>
        <caption class="visually-hidden">Organizations on this platform</caption>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Created</th>
          </tr>
        </thead>
        <tbody>
          {items?.map((item) => (
            <tr key={item.id}>
              <th scope="row">{item.name}</th>
              <td>{when(item.createdAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>New organization</h2>
      <form class="stack" onSubmit={create}>
        <TextField
          id="org-name"
          label="Organization name"
          value={draft.name}
          error={errors.name}
          onValue={(name) => setDraft({ ...draft, name })}
        />
        <TextField
          id="org-admin-name"
          label="First admin's name"
          value={draft.adminName}
          error={errors.adminName}
          onValue={(adminName) => setDraft({ ...draft, adminName })}
        />
        <TextField
          id="org-admin-email"
          label="First admin's email"
          type="email"
          value={draft.adminEmail}
          error={errors.adminEmail}
          onValue={(adminEmail) => setDraft({ ...draft, adminEmail })}
        />
        <TextField
          id="org-admin-password"
          label="First admin's password"
          type="password"
          autocomplete="new-password"
          value={draft.adminPassword}
          error={errors.adminPassword}
          onValue={(adminPassword) => setDraft({ ...draft, adminPassword })}
        />
        <button type="submit">Create organization</button>
      </form>
    </section>
  );
}
