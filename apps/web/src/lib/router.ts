/**
 * A tiny history router: routes are `/path/:param` patterns mapped to screen functions that render
 * into the main landmark. Links with `data-link` navigate without reloading; after each navigation
 * focus moves to the new page's heading so keyboard and screen-reader users land on the content.
 */
export type Params = Record<string, string>;
export type Screen = (main: HTMLElement, params: Params, signal: AbortSignal) => void | Promise<void>;

interface Route {
  pattern: RegExp;
  keys: string[];
  screen: Screen;
}

const routes: Route[] = [];
let current: AbortController | undefined;
let mainEl: HTMLElement;
let notFound: Screen;

export function route(path: string, screen: Screen): void {
  const keys: string[] = [];
  const pattern = new RegExp(
    `^${path.replace(/:(\w+)/g, (_, k: string) => {
      keys.push(k);
      return '([^/]+)';
    })}/?$`,
  );
  routes.push({ pattern, keys, screen });
}

export function navigate(path: string, replace = false): void {
  if (replace) history.replaceState(null, '', path);
  else history.pushState(null, '', path);
  void render();
}

export async function render(): Promise<void> {
  current?.abort();
  current = new AbortController();
  const path = location.pathname;
  for (const r of routes) {
    const m = r.pattern.exec(path);
    if (!m) continue;
    const params: Params = {};
    r.keys.forEach((k, i) => {
      params[k] = decodeURIComponent(m[i + 1]!);
    });
    mainEl.replaceChildren();
    await r.screen(mainEl, params, current.signal);
    focusHeading();
    return;
  }
  mainEl.replaceChildren();
  await notFound(mainEl, {}, current.signal);
  focusHeading();
}

export function focusHeading(): void {
  const h1 = mainEl.querySelector('h1');
  if (h1) {
    h1.setAttribute('tabindex', '-1');
    h1.focus({ preventScroll: false });
  }
}

export function startRouter(main: HTMLElement, fallback: Screen): void {
  mainEl = main;
  notFound = fallback;
  window.addEventListener('popstate', () => void render());
  document.addEventListener('click', (e) => {
    const a = (e.target as Element | null)?.closest?.('a[data-link]') as HTMLAnchorElement | null;
    if (!a || e.ctrlKey || e.metaKey || e.shiftKey || a.target) return;
    e.preventDefault();
    navigate(a.getAttribute('href') ?? '/');
  });
  void render();
}
