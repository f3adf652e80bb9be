// The first sign-in with a temporary (or generated) password: the API refuses everything else until the
// user picks their own, so the console asks for it before anything else.
import { useState } from 'preact/hooks';
import { api, describeError } from '../api';
import { currentUser, setToken, type Me } from '../session';

export function ChangePasswordForm({ currentPassword }: { currentPassword: string }) {
  const [password, setPassword] = useState('');
  const [repeated, setRepeated] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async (event: Event) => {
    event.preventDefault();
    if (password !== repeated) {
      setError('The two passwords differ.');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const changed = await api<{ accessToken: string }>('POST', '/me/password', {
        currentPassword,
        newPassword: password,
      });
      setToken(changed.accessToken);
      currentUser.set(await api<Me>('GET', '/me'));
    } catch (failure) {
      setError(describeError(failure));
    } finally {
      setBusy(false);
    }
  };

  return (
    <main class="sign-in">
      <h1>Choose your password</h1>
      <p>The password you signed in with was temporary. Choose your own (at least 12 characters) to go on.</p>
      <form onSubmit={submit} aria-describedby={error ? 'change-password-error' : undefined}>
        <label for="new-password">New password</label>
        <input
          id="new-password"
          type="password"
          autocomplete="new-password"
          required
          minLength={12}
          value={password}
          onInput={(event) => setPassword(event.currentTarget.value)}
        />
        <label for="repeat-password">Repeat the new password</label>
        <input
          id="repeat-password"
          type="password"
          autocomplete="new-password"
          required
          value={repeated}
          onInput={(event) => setRepeated(event.currentTarget.value)}
        />
        {error && (
          <p id="change-password-error" class="error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" disabled={busy}>
          Change password
        </button>
      </form>
    </main>
  );
}
