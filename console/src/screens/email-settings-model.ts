// The Email settings form's state, how it maps to the API's bodies, and where a failed check's reason
// belongs on the form.
export type Security = 'tls' | 'starttls' | 'none';

export interface IncomingForm {
  host: string;
  port: string;
  security: Security;
  verifyCertificate: boolean;
  username: string;
  password: string;
  passwordSet: boolean;
  folder: string;
  address: string;
}

export interface OutgoingForm {
  host: string;
  port: string;
  security: Security;
  verifyCertificate: boolean;
  useIncomingCredentials: boolean;
  username: string;
  password: string;
  passwordSet: boolean;
  fromAddress: string;
  fromName: string;
}

export interface IncomingSettings {
  host: string;
  port: number;
  security: Security;
  username: string;
  passwordSet: boolean;
  folder: string;
  verifyCertificate: boolean;
  address: string | null;
}

export interface OutgoingSettings {
  host: string;
  port: number;
  security: Security;
  useIncomingCredentials: boolean;
  username: string | null;
  passwordSet: boolean;
  fromAddress: string;
  fromName: string | null;
  verifyCertificate: boolean;
}

/** A check that could not get through: the API's classified reason, its message and a hint. */
export interface CheckFailure {
  ok: false;
  reason: string;
  message: string;
  hint: string | null;
  stage?: 'send' | 'receive';
}

export const SECURITY_OPTIONS: Array<[Security, string]> = [
  ['tls', 'TLS'],
  ['starttls', 'STARTTLS'],
  ['none', 'None'],
];

export function incomingForm(saved: IncomingSettings | null): IncomingForm {
  return {
    host: saved?.host ?? '',
    port: String(saved?.port ?? 993),
    security: saved?.security ?? 'tls',
    verifyCertificate: saved?.verifyCertificate ?? true,
    username: saved?.username ?? '',
    password: '',
    passwordSet: saved?.passwordSet ?? false,
    folder: saved?.folder ?? 'INBOX',
    address: saved?.address ?? '',
  };
}

export function outgoingForm(saved: OutgoingSettings | null): OutgoingForm {
  return {
    host: saved?.host ?? '',
    port: String(saved?.port ?? 465),
    security: saved?.security ?? 'tls',
    verifyCertificate: saved?.verifyCertificate ?? true,
    useIncomingCredentials: saved?.useIncomingCredentials ?? true,
    username: saved?.username ?? '',
    password: '',
    passwordSet: saved?.passwordSet ?? false,
    fromAddress: saved?.fromAddress ?? '',
    fromName: saved?.fromName ?? '',
  };
}

/** Empty optional fields are left out, so the API applies its defaults (and keeps a stored password). */
function present(value: string): string | undefined {
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}

export function incomingBody(form: IncomingForm) {
  return {
    host: form.host.trim(),
    port: Number(form.port),
    security: form.security,
    verifyCertificate: form.verifyCertificate,
    username: form.username.trim(),
    password: form.password === '' ? undefined : form.password,
    folder: present(form.folder),
    address: present(form.address),
  };
}

export function outgoingBody(form: OutgoingForm) {
  const own = !form.useIncomingCredentials;
  return {
    host: form.host.trim(),
    port: Number(form.port),
    security: form.security,
    verifyCertificate: form.verifyCertificate,
    useIncomingCredentials: form.useIncomingCredentials,
    username: own ? present(form.username) : undefined,
    password: own && form.password !== '' ? form.password : undefined,
    fromAddress: present(form.fromAddress),
    fromName: present(form.fromName),
  };
}

/** Which field a failed check is about, so its reason shows beside that field. */
export function fieldOfReason(reason: string): 'host' | 'port' | 'security' | 'password' | 'folder' {
  switch (reason) {
    case 'dns':
    case 'blocked':
      return 'host';
    case 'tls':
    case 'certificate':
      return 'security';
    case 'auth':
      return 'password';
    case 'folder':
      return 'folder';
    default:
      return 'port';
  }
}

const REASON_LABELS: Record<string, string> = {
  dns: 'Server not found',
  refused: 'Connection refused',
  timeout: 'No answer (timed out)',
  tls: 'Secure connection failed',
  certificate: 'Certificate not trusted',
  auth: 'Login refused',
  folder: 'Folder not found',
  protocol: 'Unexpected answer from the server',
  blocked: 'Host not allowed',
};

export function describeFailure(failure: CheckFailure): string {
  const label = REASON_LABELS[failure.reason] ?? failure.reason;
  return [`${label}: ${failure.message}`, failure.hint].filter(Boolean).join(' ');
}
