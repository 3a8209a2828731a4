/** The Restock web console: sign in by role, then the household, support or brand view. */
import { Api, type Session, whenUnauthenticated } from './api.ts';
import {
  devSignIn,
  finishCognitoSignIn,
  loadConfig,
  savedSession,
  saveSession,
  startCognitoSignIn,
  type WebConfig,
} from './auth.ts';
import { brandView } from './brand.ts';
import { field, fill, h } from './dom.ts';
import { householdView } from './household.ts';
import { tickCountdowns } from './orders.ts';
import { supportView } from './support.ts';
import type { Role } from './types.ts';

const app = document.getElementById('app') as HTMLElement;
const who = document.getElementById('who') as HTMLElement;
let config: WebConfig = { signIn: 'local' };

function signOut(message?: string): void {
  saveSession(null);
  render(null, message);
}

function render(session: Session | null, message?: string): void {
  if (!session) {
    fill(who);
    fill(app, signInForm(message));
    document.title = 'Sign in — Restock';
    (app.querySelector('select, button') as HTMLElement | null)?.focus();
    return;
  }
  const api = new Api(session);
  fill(
    who,
    h(
      'span',
      {},
      `Signed in as ${session.role}${session.tenant ? ` ${session.tenant}` : ''}`,
      session.source === 'development'
        ? h('span', { class: 'dev-tag' }, 'development token')
        : null,
    ),
    h('button', { type: 'button', class: 'secondary', onclick: () => signOut() }, 'Sign out'),
  );
  const views: Record<Role, () => HTMLElement> = {
    household: () => householdView(api, () => signOut('Your account was erased.')),
    support: () => supportView(api),
    brand: () => brandView(api),
  };
  document.title = `${session.role[0]?.toUpperCase()}${session.role.slice(1)} — Restock`;
  fill(app, views[session.role]());
}

function signInForm(message?: string): HTMLElement {
  const note = h('p', { class: 'status', role: 'alert' }, message ?? '');
  if (config.signIn === 'cognito') {
    const cognito = config;
    if (!cognito.domain) {
      return h(
        'section',
        { class: 'panel sign-in', 'aria-labelledby': 'sign-in-title' },
        h('h2', { id: 'sign-in-title' }, 'Sign in'),
        h(
          'p',
          { class: 'status error', role: 'alert' },
          'Sign-in is not configured yet: deploy with -c cognitoDomainPrefix=… -c webConsoleUrl=… (README, “Web console”).',
        ),
      );
    }
    return h(
      'section',
      { class: 'panel sign-in', 'aria-labelledby': 'sign-in-title' },
      h('h2', { id: 'sign-in-title' }, 'Sign in'),
      note,
      h(
        'button',
        { type: 'button', onclick: () => void startCognitoSignIn(cognito) },
        'Sign in with your Restock account',
      ),
    );
  }
  const role = h(
    'select',
    { name: 'role' },
    h('option', { value: 'household' }, 'Household'),
    h('option', { value: 'support' }, 'Support staff'),
    h('option', { value: 'brand' }, 'Brand'),
  );
  const tenant = h('input', { name: 'tenant', value: 'hh-demo', autocomplete: 'off' });
  const tenantField = field('Household id', tenant);
  const defaults: Record<Role, string> = { household: 'hh-demo', brand: 'acme', support: '' };
  role.addEventListener('change', () => {
    const r = role.value as Role;
    tenant.value = defaults[r];
    tenantField.hidden = r === 'support';
    (tenantField.querySelector('.field-label') as HTMLElement).textContent =
      r === 'brand' ? 'Brand id' : 'Household id';
  });
  const form = h(
    'form',
    { class: 'panel sign-in', 'aria-labelledby': 'sign-in-title' },
    h('h2', { id: 'sign-in-title' }, 'Sign in'),
    h(
      'p',
      { class: 'dev-warning' },
      h('strong', {}, 'Development only. '),
      'The local stack issues a token for any role and tenant you choose. Deployed consoles sign in through Cognito instead.',
    ),
    note,
    field('Role', role),
    tenantField,
    h('button', { type: 'submit' }, 'Sign in'),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const r = role.value as Role;
    try {
      const session = await devSignIn(r, r === 'support' ? null : tenant.value.trim());
      saveSession(session);
      render(session);
    } catch (error) {
      note.textContent = (error as Error).message;
    }
  });
  return form;
}

async function start(): Promise<void> {
  config = await loadConfig();
  whenUnauthenticated(() => signOut('Your sign-in expired — please sign in again.'));
  let session = savedSession();
  if (!session && config.signIn === 'cognito') {
    try {
      session = await finishCognitoSignIn(config);
      if (session) saveSession(session);
    } catch (error) {
      render(null, (error as Error).message);
      return;
    }
  }
  render(session);
  setInterval(() => tickCountdowns(), 1000);
}

void start();
