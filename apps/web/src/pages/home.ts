/** The landing page: what Electra is, where to sign in, and a public lookup by election id. */

import { t } from '../i18n/t.js';
import { session } from '../lib/api.js';
import { h } from '../lib/dom.js';
import { navigate, type Screen } from '../lib/router.js';
import { link, title } from '../ui/common.js';

export const homePage: Screen = (main) => {
  const input = h('input', {
    id: 'election-id',
    name: 'election',
    autocomplete: 'off',
    required: true,
    spellcheck: 'false',
  });
  main.append(
    title(t('home.title')),
    h('p', {}, t('home.intro')),
    h(
      'p',
      { className: 'actions' },
      session()
        ? link('/elections', t('app.myElections'), { className: 'button' })
        : link('/login', t('app.signIn'), { className: 'button' }),
    ),
    h('p', { className: 'hint' }, t('home.demoHint')),
    h('h2', {}, t('home.publicTitle')),
    h(
      'form',
      {
        onsubmit: (e: Event) => {
          e.preventDefault();
          const id = input.value.trim();
          if (id) navigate(`/e/${encodeURIComponent(id)}`);
        },
      },
      h('label', { for: 'election-id' }, t('home.electionId')),
      input,
      h('div', { className: 'actions' }, h('button', { type: 'submit' }, t('home.open'))),
    ),
  );
};
