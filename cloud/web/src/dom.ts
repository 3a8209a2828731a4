/** A tiny element builder: attributes, `on*` listeners and children in one call. */
export type Child = Node | string | number | null | undefined | false;
export type AttrValue = string | number | boolean | null | undefined | EventListener;

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, AttrValue> = {},
  ...children: (Child | Child[])[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') {
      el.addEventListener(name.slice(2), value);
    } else if (value === true) {
      el.setAttribute(name, '');
    } else {
      el.setAttribute(name, String(value));
    }
  }
  append(el, children.flat());
  return el;
}

export function append(el: Element, children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : String(child));
  }
}

/** Replaces an element's children. */
export function fill(el: Element, ...children: (Child | Child[])[]): void {
  el.replaceChildren();
  append(el, children.flat());
}

/** A labelled form control: the label wraps its text and the control, so no ids are needed. */
export function field(label: string, control: HTMLElement, hint?: string): HTMLLabelElement {
  return h(
    'label',
    { class: 'field' },
    h('span', { class: 'field-label' }, label),
    control,
    hint ? h('small', {}, hint) : null,
  );
}

/** A table whose rows come from data; wrapped so it scrolls sideways on a phone. */
export function table<T>(
  caption: string,
  columns: [string, (row: T) => Child | Child[]][],
  rows: T[],
  empty: string,
  rowAttrs: (row: T) => Record<string, AttrValue> = () => ({}),
): HTMLElement {
  if (rows.length === 0) return h('p', { class: 'empty' }, empty);
  return h(
    'div',
    // A named group, not a region: a region would repeat its panel's landmark.
    { class: 'table-wrap', tabindex: 0, role: 'group', 'aria-label': caption },
    h(
      'table',
      {},
      h('caption', { class: 'visually-hidden' }, caption),
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          columns.map(([name]) => h('th', { scope: 'col' }, name)),
        ),
      ),
      h(
        'tbody',
        {},
        rows.map((row) =>
          h(
            'tr',
            rowAttrs(row),
            columns.map(([name, cell]) => {
              const value = cell(row);
              return h('td', { 'data-label': name }, ...(Array.isArray(value) ? value : [value]));
            }),
          ),
        ),
      ),
    ),
  );
}

/** A section with a heading, a live message area and a body that `render` fills. */
export interface Panel {
  el: HTMLElement;
  body: HTMLElement;
  say(message: string, kind?: 'info' | 'error'): void;
}

export function panel(title: string, id: string, actions: Child[] = []): Panel {
  const status = h('div', { class: 'status', role: 'status', 'aria-live': 'polite' });
  const body = h('div', { class: 'panel-body' });
  const heading = h('h2', { id: `${id}-title` }, title);
  const el = h(
    'section',
    { class: 'panel', id, 'aria-labelledby': `${id}-title` },
    h('div', { class: 'panel-head' }, heading, h('div', { class: 'actions' }, actions)),
    status,
    body,
  );
  return {
    el,
    body,
    say(message, kind = 'info') {
      status.className = `status ${kind}`;
      status.setAttribute('role', kind === 'error' ? 'alert' : 'status');
      status.textContent = message;
    },
  };
}

/** One term and its value, for a `<dl class="facts">`. */
export function fact(term: string, value: Node | string): HTMLElement[] {
  return [h('dt', {}, term), h('dd', {}, value)];
}
