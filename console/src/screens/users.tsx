// Users of the organization (admins): list, add an agent or admin, change role, disable or enable.
import { useState } from 'preact/hooks';
import { api, ApiError, describeError } from '../api';
import { currentUser } from '../session';
import { usePoll } from '../use-poll';
import { TextField } from './fields';
import type { UserView } from './ticket-types';

const EMPTY = { name: '', email: '', password: '', role: 'agent' };

export function UsersScreen() {
  const [users, setUsers] = useState<UserView[] | null>(null);
  const [draft, setDraft] = useState(EMPTY);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [message, setMessage] = useState<{ kind: 'ok' | 'error'; text: string } | null>(null);
  const me = currentUser.get();

  const load = async () => setUsers(await api<UserView[]>('GET', '/users'));
  usePoll(load, 10_000, []);

  const act = async (action: () => Promise<unknown>, done: string) => {
    setMessage(null);
    setErrors({});
    try {
      await action();
      setMessage({ kind: 'ok', text: done });
      await load();
      return true;
    } catch (error) {
      if (error instanceof ApiError && error.status === 400) setErrors(error.fieldErrors());
      setMessage({ kind: 'error', text: describeError(error) });
      return false;
    }
  };

  const add = async (event: Event) => {
    event.preventDefault();
    if (await act(() => api('POST', '/users', draft), `${draft.email} added.`)) setDraft(EMPTY);
  };

  return (
    <section aria-labelledby="users-title">
      <h1 id="users-title">Users</h1>
      {message && (
        <p class={message.kind} role="status" aria-live="polite">
          {message.text}
        </p>
      )}
      <table>
        <caption class="visually-hidden">Users of your organization</caption>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Email</th>
            <th scope="col">Role</th>
            <th scope="col">State</th>
          </tr>
        </thead>
        <tbody>
          {users?.map((user) => (
            <tr key={user.id}>
              <th scope="row">{user.name}</th>
              <td>{user.email}</td>
              <td>
                <select
                  aria-label={`Role of ${user.name}`}
                  value={user.role}
                  disabled={user.id === me?.id}
                  onChange={(event) =>
                    act(() => api('PATCH', `/users/${user.id}`, { role: event.currentTarget.value }), 'Role changed.')
                  }
                >
                  <option value="agent">agent</option>
                  <option value="admin">admin</option>
                </select>
              </td>
              <td>
                <button
                  type="button"
                  disabled={user.id === me?.id}
                  onClick={() =>
                    act(
                      () => api('PATCH', `/users/${user.id}`, { disabled: !user.disabled }),
                      user.disabled ? `${user.name} enabled.` : `${user.name} disabled.`,
                    )
                  }
                >
                  {user.disabled ? `Enable ${user.name}` : `Disable ${user.name}`}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>Add a user</h2>
      <form class="stack" onSubmit={add}>
        <TextField
          id="user-name"
          label="Name"
          value={draft.name}
          error={errors.name}
          onValue={(name) => setDraft({ ...draft, name })}
        />
        <TextField
          id="user-email"
          label="Email"
          type="email"
          value={draft.email}
          error={errors.email}
          onValue={(email) => setDraft({ ...draft, email })}
        />
        <TextField
          id="user-password"
          label="Password"
          type="password"
          autocomplete="new-password"
          value={draft.password}
          error={errors.password}
          onValue={(password) => setDraft({ ...draft, password })}
        />
        <div class="field">
          <label for="user-role">Role</label>
          <select
            id="user-role"
            value={draft.role}
            onChange={(event) => setDraft({ ...draft, role: event.currentTarget.value })}
          >
            <option value="agent">agent</option>
            <option value="admin">admin</option>
          </select>
        </div>
        <button type="submit">Add user</button>
      </form>
    </section>
  );
}
