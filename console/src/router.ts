// Hash routes (#/tickets, #/tickets/<id>, …): the server serves one page at `/`, and nothing about the
// screen a user is on ever reaches the server.
import { signal, useSignal } from './signal';

const current = signal(readHash());

function readHash(): string {
  const path = location.hash.replace(/^#/, '');
  return path.startsWith('/') ? path : '/';
}

addEventListener('hashchange', () => current.set(readHash()));

export function useRoute(): string {
  return useSignal(current);
}

export function navigate(path: string): void {
  if (readHash() === path) current.set(path);
  else location.hash = path;
}
