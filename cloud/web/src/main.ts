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
import { brandView } from './brand/view.ts';
import { field, fill, h } from './dom.ts';
import { householdView } from './household.ts';
import { LOCALES, type Locale, languageName, locale, setLocale, t } from './i18n.ts';
import { tickCountdowns } from './orders.ts';
import { supportView } from './support.ts';
import type { Role } from './types.ts';

const app = document.getElementById('app') as HTMLElement;
const who = document.getElementById('who') as HTMLElement;
const language = document.getElementById('language') as HTMLElement;
let config: WebConfig = { signIn: 'local' };
let shown: { session: Session | null; message?: string | undefined } = { session: null };

/** The language switch: the household's choice, kept in this browser, re-renders the view. */
function languagePicker(): HTMLElement {
  const select = h(
    'select',
    { name: 'language' },
    LOCALES.map((code) => {
      const option = h('option', { value: code, lang: code }, languageName(code));
      option.selected = code === locale();
      return option;
    }),
  );
  select.addEventListener('change', () => {
    setLocale(select.value as Locale);
    render(shown.session, shown.message);
  });
  return h('label', { class: 'language' }, h('span', {}, t().language), select);
}

function signOut(message?: string): void {
  saveSession(null);
  render(null, message);
}

function render(session: Session | null, message?: string): void {
  shown = { session, message };
  (document.querySelector('a.skip') as HTMLElement).textContent = t().skip;
  fill(language, languagePicker());
  if (!session) {
    fill(who);
    fill(app, signInForm(message));
    document.title = t().title(t().signIn);
    (app.querySelector('select, button') as HTMLElement | null)?.focus();
    return;
  }
  const api = new Api(session);
  fill(
    who,
    h(
      'span',
      {},
      t().signedInAs(t().roleName[session.role] ?? session.role, session.tenant),
      session.source === 'development'
        ? h('span', { class: 'dev-tag' }, t().developmentToken)
        : null,
    ),
    h('button', { type: 'button', class: 'secondary', onclick: () => signOut() }, t().signOut),
  );
  const views: Record<Role, () => HTMLElement> = {
    household: () => householdView(api, () => signOut(t().erased)),
    support: () => supportView(api),
    brand: () => brandView(api),
  };
  document.title = t().title(t().viewTitle[session.role] ?? session.role);
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
        h('h2', { id: 'sign-in-title' }, t().signIn),
        h('p', { class: 'status error', role: 'alert' }, t().cognitoMissing),
      );
    }
    return h(
      'section',
      { class: 'panel sign-in', 'aria-labelledby': 'sign-in-title' },
      h('h2', { id: 'sign-in-title' }, t().signIn),
      note,
      h(
        'button',
        { type: 'button', onclick: () => void startCognitoSignIn(cognito) },
        t().cognitoSignIn,
      ),
    );
  }
  const role = h(
    'select',
    { name: 'role' },
    h('option', { value: 'household' }, t().roleHousehold),
    h('option', { value: 'support' }, t().roleSupport),
    h('option', { value: 'brand' }, t().roleBrand),
  );
  const tenant = h('input', { name: 'tenant', value: 'hh-demo', autocomplete: 'off' });
  const tenantField = field(t().householdId, tenant);
  const defaults: Record<Role, string> = { household: 'hh-demo', brand: 'acme', support: '' };
  role.addEventListener('change', () => {
    const r = role.value as Role;
    tenant.value = defaults[r];
    tenantField.hidden = r === 'support';
    (tenantField.querySelector('.field-label') as HTMLElement).textContent =
      r === 'brand' ? t().brandId : t().householdId;
  });
  const form = h(
    'form',
    { class: 'panel sign-in', 'aria-labelledby': 'sign-in-title' },
    h('h2', { id: 'sign-in-title' }, t().signIn),
    h('p', { class: 'dev-warning' }, h('strong', {}, t().devOnly), t().devWarning),
    note,
    field(t().role, role),
    tenantField,
    h('button', { type: 'submit' }, t().signIn),
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
  whenUnauthenticated(() => signOut(t().expired));
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
