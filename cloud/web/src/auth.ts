/**
 * Sign-in by role. Locally the stack offers a development-only endpoint (POST /dev/token) that
 * issues a local-issuer token for a chosen role and tenant; the Lambda app has no such route.
 * In AWS the page signs in through the Cognito hosted UI (authorisation code with PKCE) and
 * uses the ID token, whose groups and `custom:tenant` carry the role and tenant.
 */
import type { Session } from './api.ts';
import type { Role } from './types.ts';

export type WebConfig =
  | { signIn: 'local' }
  | { signIn: 'cognito'; domain: string; clientId: string; redirectUri?: string };

const SESSION_KEY = 'restock.session';
const PKCE_KEY = 'restock.pkce';
const ROLES: Role[] = ['household', 'brand', 'support'];

export async function loadConfig(): Promise<WebConfig> {
  try {
    const response = await fetch('config.json', { cache: 'no-store' });
    if (response.ok) return (await response.json()) as WebConfig;
  } catch {
    // fall through: the local stack is the default
  }
  return { signIn: 'local' };
}

export function savedSession(): Session | null {
  const text = sessionStorage.getItem(SESSION_KEY);
  if (!text) return null;
  try {
    const session = JSON.parse(text) as Session;
    return session.expiresAt > Date.now() ? session : null;
  } catch {
    return null;
  }
}

export function saveSession(session: Session | null): void {
  if (session) sessionStorage.setItem(SESSION_KEY, JSON.stringify(session));
  else sessionStorage.removeItem(SESSION_KEY);
}

/** Development only: asks the local stack for a token. */
export async function devSignIn(role: Role, tenant: string | null): Promise<Session> {
  const response = await fetch('dev/token', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(tenant ? { role, tenant } : { role }),
  });
  const data = (await response.json().catch(() => null)) as {
    token?: string;
    expiresAt?: number;
    error?: { message?: string };
  } | null;
  if (!response.ok || !data?.token) {
    throw new Error(
      data?.error?.message ??
        `development sign-in is not available here (HTTP ${response.status}); it exists only on the local stack`,
    );
  }
  return {
    token: data.token,
    role,
    tenant,
    source: 'development',
    expiresAt: data.expiresAt ?? Date.now() + 3_600_000,
  };
}

// --- Cognito hosted UI (authorisation code + PKCE) -------------------------------------------

const b64url = (bytes: Uint8Array) =>
  btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');

function redirectUriOf(config: Extract<WebConfig, { signIn: 'cognito' }>): string {
  return config.redirectUri ?? `${location.origin}${location.pathname}`;
}

export async function startCognitoSignIn(
  config: Extract<WebConfig, { signIn: 'cognito' }>,
): Promise<void> {
  const verifier = b64url(crypto.getRandomValues(new Uint8Array(32)));
  const state = b64url(crypto.getRandomValues(new Uint8Array(16)));
  const digest = new Uint8Array(
    await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier)),
  );
  sessionStorage.setItem(PKCE_KEY, JSON.stringify({ verifier, state }));
  const query = new URLSearchParams({
    response_type: 'code',
    client_id: config.clientId,
    redirect_uri: redirectUriOf(config),
    // Only `openid`: Cognito then puts custom:tenant in the ID token (other scopes narrow it).
    scope: 'openid',
    code_challenge_method: 'S256',
    code_challenge: b64url(digest),
    state,
  });
  location.assign(`https://${config.domain}/oauth2/authorize?${query}`);
}

/** Completes a hosted-UI sign-in when the page is loaded with ?code=…&state=…. */
export async function finishCognitoSignIn(
  config: Extract<WebConfig, { signIn: 'cognito' }>,
): Promise<Session | null> {
  const params = new URLSearchParams(location.search);
  const code = params.get('code');
  if (!code) return null;
  const pkce = JSON.parse(sessionStorage.getItem(PKCE_KEY) ?? 'null') as {
    verifier: string;
    state: string;
  } | null;
  sessionStorage.removeItem(PKCE_KEY);
  history.replaceState(null, '', location.pathname);
  if (!pkce || pkce.state !== params.get('state'))
    throw new Error('sign-in state mismatch; try again');
  const response = await fetch(`https://${config.domain}/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      client_id: config.clientId,
      code,
      redirect_uri: redirectUriOf(config),
      code_verifier: pkce.verifier,
    }),
  });
  if (!response.ok) throw new Error(`Cognito refused the sign-in (HTTP ${response.status})`);
  const { id_token: token } = (await response.json()) as { id_token: string };
  return sessionFromIdToken(token);
}

export function sessionFromIdToken(token: string): Session {
  const payload = JSON.parse(
    atob((token.split('.')[1] ?? '').replace(/-/g, '+').replace(/_/g, '/')),
  ) as Record<string, unknown>;
  const groups = (payload['cognito:groups'] as string[] | undefined) ?? [];
  const role =
    (payload['custom:role'] as Role | undefined) ?? ROLES.find((r) => groups.includes(r));
  if (!role) throw new Error('this account is in none of the groups household, brand or support');
  return {
    token,
    role,
    tenant: (payload['custom:tenant'] as string | undefined) ?? null,
    source: 'cognito',
    expiresAt: Number(payload.exp) * 1000,
  };
}
