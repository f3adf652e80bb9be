// Sign in: email and password; a wrong password and the rate limit are said plainly.
import { useState } from 'preact/hooks';
import { api, ApiError, describeError } from '../api';
import { currentUser, setToken, signOutReason, type Me } from '../session';
import { useSignal } from '../signal';
import { ChangePasswordForm } from './change-password';

export function SignInScreen({ startupError }: { startupError: string | null }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(startupError);
  const [mustChange, setMustChange] = useState(false);
  const reason = useSignal(signOutReason);

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const login = await api<{ accessToken: string; mustChangePassword: boolean }>('POST', '/auth/login', {
        email,
        password,
      });
      setToken(login.accessToken);
      signOutReason.set(null);
      if (login.mustChangePassword) setMustChange(true);
      else currentUser.set(await api<Me>('GET', '/me'));
    } catch (failure) {
      setError(
        failure instanceof ApiError && failure.status === 401 ? 'Wrong email or password.' : describeError(failure),
      );
    } finally {
      setBusy(false);
    }
  };

  if (mustChange) return <ChangePasswordForm currentPassword={password} />;
  return (
    <main class="sign-in">
      <h1>Sign in</h1>
      {reason && !error && <p role="status">{reason}</p>}
      <form onSubmit={submit} aria-describedby={error ? 'sign-in-error' : undefined}>
        <label for="sign-in-email">Email</label>
        <input
          id="sign-in-email"
          type="email"
          autocomplete="username"
          required
          value={email}
          onInput={(event) => setEmail(event.currentTarget.value)}
        />
        <label for="sign-in-password">Password</label>
        <input
          id="sign-in-password"
          type="password"
          autocomplete="current-password"
          required
          value={password}
          onInput={(event) => setPassword(event.currentTarget.value)}
        />
        {error && (
          <p id="sign-in-error" class="error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" disabled={busy}>
          Sign in
        </button>
      </form>
    </main>
  );
}
