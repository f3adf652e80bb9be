// The shell: sign-in when signed out, otherwise the role's navigation and the screen of the current route.
import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, describeError } from './api';
import { navigate, useRoute } from './router';
import { EmailSettingsScreen } from './screens/email-settings';
import { FailuresScreen } from './screens/failures';
import { NotificationsScreen } from './screens/notifications';
import { OrganizationsScreen } from './screens/organizations';
import { SignInScreen } from './screens/sign-in';
import { TicketDetailScreen } from './screens/ticket-detail';
import { TicketsScreen } from './screens/tickets-list';
import { UsersScreen } from './screens/users';
import { homeFor, NAV, navItemFor } from './screens-by-role';
import { clearSession, currentUser, getToken, type Me } from './session';
import { useSignal } from './signal';

function Screen({ path }: { path: string }) {
  const ticket = /^\/tickets\/([0-9a-f-]{36})$/i.exec(path);
  if (ticket) return <TicketDetailScreen id={ticket[1]} />;
  switch (path) {
    case '/tickets':
      return <TicketsScreen />;
    case '/settings/email':
      return <EmailSettingsScreen />;
    case '/failures':
      return <FailuresScreen />;
    case '/notifications':
      return <NotificationsScreen />;
    case '/users':
      return <UsersScreen />;
    case '/organizations':
      return <OrganizationsScreen />;
    default:
      return <p>There is no such screen.</p>;
  }
}

function Shell({ me, path }: { me: Me; path: string }) {
  const item = navItemFor(path);
  const allowed = item ? item.roles.includes(me.role) : true;
  useEffect(() => {
    if (path === '/' || path === '/sign-in') navigate(homeFor(me.role));
  }, [path, me.role]);
  useEffect(() => {
    document.title = `${item?.label ?? 'Helpdesk'} · Helpdesk console`;
  }, [item]);
  return (
    <div class="shell">
      <header class="top">
        <span class="brand">Helpdesk</span>
        <nav aria-label="Main">
          <ul>
            {NAV.filter((entry) => entry.roles.includes(me.role)).map((entry) => (
              <li key={entry.path}>
                <a href={`#${entry.path}`} aria-current={item === entry ? 'page' : undefined}>
                  {entry.label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <span class="who">
          {me.name} · {me.organization?.name ?? 'Platform'}
        </span>
        <button type="button" onClick={() => clearSession()}>
          Sign out
        </button>
      </header>
      <main>
        {allowed ? (
          <Screen path={path} />
        ) : (
          <section>
            <h1>No access</h1>
            <p role="alert">Your role ({me.role}) cannot open this screen.</p>
          </section>
        )}
      </main>
    </div>
  );
}

export function App() {
  const me = useSignal(currentUser);
  const path = useRoute();
  const [loading, setLoading] = useState(Boolean(getToken()));
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (me || !getToken()) return;
    setLoading(true);
    api<Me>('GET', '/me')
      .then((user) => currentUser.set(user))
      // A 401 has ended the session already, and the sign-in screen says so; anything else is shown.
      .catch((failure) => {
        if (!(failure instanceof ApiError && failure.status === 401)) setError(describeError(failure));
      })
      .finally(() => setLoading(false));
  }, [me]);

  if (me) return <Shell me={me} path={path} />;
  if (loading) return <p class="loading">Loading…</p>;
  return <SignInScreen startupError={error} />;
}
