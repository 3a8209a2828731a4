/**
 * The brand console: a navigation of screens, one shown at a time. The screen is in the address
 * (`#brand/skus`), so Back, reload and links work; every link is reachable by keyboard and the
 * shown one is marked `aria-current`.
 */
import type { Api } from '../api.ts';
import { fill, h } from '../dom.ts';
import { buttonsScreen } from './buttons.ts';
import { deviceSettingsScreen } from './device-settings.ts';
import { healthScreen } from './health.ts';
import { insightScreen } from './insight.ts';
import { bm } from './messages.ts';
import { ordersScreen } from './orders.ts';
import { rolloutsScreen } from './rollouts.ts';
import { sandboxScreen } from './sandbox.ts';
import type { Screen } from './screen.ts';
import { skusScreen } from './skus.ts';
import { webhooksScreen } from './webhooks.ts';
import { welcomeScreen } from './welcome.ts';

const SCREENS: Screen[] = [
  ordersScreen,
  skusScreen,
  buttonsScreen,
  webhooksScreen,
  sandboxScreen,
  welcomeScreen,
  healthScreen,
  insightScreen,
  rolloutsScreen,
  deviceSettingsScreen,
];
const PREFIX = '#brand/';

function screenIn(hash: string): Screen | undefined {
  return hash.startsWith(PREFIX) ? SCREENS.find((s) => `${PREFIX}${s.id}` === hash) : undefined;
}

export function brandView(api: Api): HTMLElement {
  const links = SCREENS.map((screen) =>
    h('a', { href: `${PREFIX}${screen.id}`, 'data-screen': screen.id }, screen.title()),
  );
  const nav = h(
    'nav',
    { class: 'screens', 'aria-label': bm().consoleNav },
    h(
      'ul',
      {},
      links.map((link) => h('li', {}, link)),
    ),
  );
  const content = h('div', { class: 'screen', tabindex: -1 });
  const root = h('div', { class: 'brand-console', 'data-view': 'brand' }, nav, content);

  function show(screen: Screen, moveFocus: boolean): void {
    for (const link of links) {
      if (link.dataset.screen === screen.id) link.setAttribute('aria-current', 'page');
      else link.removeAttribute('aria-current');
    }
    content.dataset.screen = screen.id;
    fill(content, screen.render(api));
    // After choosing a screen, reading goes on at the screen, not back at the top.
    if (moveFocus) content.focus();
  }

  const onHash = () => {
    // The view was replaced (sign-out, language): stop listening.
    if (!root.isConnected) return window.removeEventListener('hashchange', onHash);
    const screen = screenIn(location.hash);
    if (screen) show(screen, true);
  };
  window.addEventListener('hashchange', onHash);
  show(screenIn(location.hash) ?? ordersScreen, false);
  return root;
}
