/**
 * Theme choice: system (prefers-color-scheme), light, dark or high contrast; remembered on this
 * device. The stylesheet reads `data-theme` on <html>.
 */

import { t } from '../i18n/t.js';
import { h } from '../lib/dom.js';

const KEY = 'electra.theme';
const THEMES = ['auto', 'light', 'dark', 'contrast'] as const;

export function applyStoredTheme(): void {
  const stored = localStorage.getItem(KEY);
  document.documentElement.dataset.theme = THEMES.includes(stored as (typeof THEMES)[number])
    ? stored!
    : 'auto';
}

export function themeSelect(): HTMLElement {
  const labels = {
    auto: t('app.themeAuto'),
    light: t('app.themeLight'),
    dark: t('app.themeDark'),
    contrast: t('app.themeContrast'),
  };
  const select = h(
    'select',
    {
      id: 'theme',
      onchange: (e: Event) => {
        const v = (e.target as HTMLSelectElement).value;
        localStorage.setItem(KEY, v);
        document.documentElement.dataset.theme = v;
      },
    },
    THEMES.map((k) =>
      h('option', { value: k, selected: document.documentElement.dataset.theme === k }, labels[k]),
    ),
  );
  return h(
    'div',
    { className: 'theme' },
    h('label', { for: 'theme', className: 'visually-hidden' }, t('app.theme')),
    select,
  );
}
