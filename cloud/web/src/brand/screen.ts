/** What every brand console screen is: a name in the navigation and a view built on demand. */
import type { Api } from '../api.ts';
import { h, type Panel } from '../dom.ts';
import { bm } from './messages.ts';

export interface Screen {
  /** The part of the address after `#brand/`. */
  id: string;
  title(): string;
  render(api: Api): HTMLElement;
}

/**
 * Fills a panel with the plain statement that this server does not offer the feature yet —
 * never made-up figures.
 */
export function notAvailable(panel: Panel, feature: string): void {
  panel.body.replaceChildren(
    h('p', { class: 'unavailable', 'data-unavailable': 'true' }, bm().notAvailable(feature)),
  );
}
