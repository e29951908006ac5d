/**
 * Entry point: the page frame (skip link, header with navigation and theme, main landmark, footer,
 * offline banner), the routes, and the delivery of ballots left in the outbox by an earlier visit.
 */
import './styles.css';
import { t } from './i18n/t.js';
import { api, onSessionChange, session, signOut } from './lib/api.js';
import { h, replace } from './lib/dom.js';
import { resumeOutbox } from './lib/outbox.js';
import { navigate, route, type Screen, startRouter } from './lib/router.js';
import { electionPage } from './pages/election.js';
import { forgotPage } from './pages/forgot.js';
import { homePage } from './pages/home.js';
import { loginPage } from './pages/login.js';
import { myElectionsPage } from './pages/my-elections.js';
import { link, title } from './ui/common.js';
import { applyStoredTheme, themeSelect } from './ui/theme.js';

applyStoredTheme();

const app = document.getElementById('app')!;
const nav = h('nav', { 'aria-label': t('app.nav') });
const main = h('main', { id: 'main', tabindex: '-1' });
const offline = h('div', { className: 'notice', role: 'status', hidden: navigator.onLine }, t('app.offline'));
// Maintenance mode (docs/operations/maintenance.md): the server keeps serving this app, answers the
// API with 503 MAINTENANCE, and says why at /api/maintenance, which every visitor polls.
const paused = h('div', {
  className: 'notice',
  role: 'status',
  hidden: true,
  'data-testid': 'maintenance-notice',
});
async function refreshMaintenance(): Promise<void> {
  try {
    const m = await api<{ enabled: boolean; message: string }>('/api/maintenance', { auth: false });
    paused.hidden = !m.enabled;
    paused.textContent = m.enabled ? t('app.maintenance', { message: m.message }) : '';
  } catch {
    // offline or unreachable: keep what was last known
  }
}
void refreshMaintenance();
setInterval(() => void refreshMaintenance(), 30_000);

function renderNav(): void {
  const s = session();
  replace(
    nav,
    h(
      'ul',
      {},
      h('li', {}, link('/', t('app.home'))),
      s && h('li', {}, link('/elections', t('app.myElections'))),
      s?.user?.roles.some((r) => r === 'officer' || r === 'admin' || r === 'auditor') &&
        h('li', {}, link('/admin', t('console.nav'))),
      h('li', {}, link('/verify', t('app.verify'))),
      s
        ? h(
            'li',
            {},
            h(
              'button',
              {
                className: 'linklike',
                type: 'button',
                onclick: () => void signOut().then(() => navigate('/')),
              },
              t('app.signOut'),
            ),
          )
        : h('li', {}, link('/login', t('app.signIn'))),
    ),
  );
}

app.append(
  h('a', { className: 'skip', href: '#main' }, t('app.skip')),
  h(
    'header',
    { className: 'top' },
    h('a', { className: 'brand', href: '/', 'data-link': true }, t('app.name')),
    nav,
    h('div', { className: 'tools' }, themeSelect()),
  ),
  offline,
  paused,
  main,
  h('footer', {}, h('p', {}, t('app.footer'))),
);
renderNav();
onSessionChange(() => {
  renderNav();
  // Ballots queued while the session had ended go out once the voter is signed in again.
  if (session()) void resumeOutbox();
});
window.addEventListener('online', () => {
  offline.hidden = true;
});
window.addEventListener('offline', () => {
  offline.hidden = false;
});

/** Screens loaded on first use: the first load carries only the frame, sign-in and lists. */
const lazy =
  (load: () => Promise<Record<string, unknown>>, name: string): Screen =>
  async (main, params, signal) => {
    const screen = (await load())[name] as Screen;
    return screen(main, params, signal);
  };

route('/', homePage);
route('/login', loginPage);
route('/forgot', forgotPage);
route('/reset-password', forgotPage);
route('/elections', myElectionsPage);
// The invitation mail's link: the booth when the election is open, else its public page.
route('/elections/:id', async (_main, { id }) => {
  try {
    const e = await api<{ state: string }>(`/api/elections/${encodeURIComponent(id!)}/public`, {
      auth: false,
    });
    navigate(e.state === 'open' ? `/vote/${id}` : `/e/${id}`, true);
  } catch {
    navigate(`/e/${id}`, true);
  }
});
route(
  '/vote/:id',
  lazy(() => import('./pages/booth.js'), 'boothPage'),
);
route('/e/:id', electionPage);
route(
  '/e/:id/ceremony',
  lazy(() => import('./pages/ceremony.js'), 'ceremonyPage'),
);
route(
  '/e/:id/trustee',
  lazy(() => import('./pages/trustee.js'), 'trusteePage'),
);
route(
  '/e/:id/receipt',
  lazy(() => import('./pages/receipt.js'), 'receiptPage'),
);
route(
  '/e/:id/results',
  lazy(() => import('./pages/results.js'), 'resultsPage'),
);
route(
  '/e/:id/board',
  lazy(() => import('./pages/board.js'), 'boardPage'),
);
route(
  '/verify',
  lazy(() => import('./pages/verify.js'), 'verifyPage'),
);
// The officer/admin console (pages/admin/**), loaded on first use like the other screens.
const admin = (name: string): Screen => lazy(() => import('./pages/admin/index.js'), name);
route('/admin', admin('consolePage'));
route('/admin/users', admin('usersPage'));
route('/admin/audit', admin('auditPage'));
route('/admin/elections/new', admin('editorPage'));
route('/admin/elections/:id/edit', admin('editorPage'));
route('/admin/elections/:id', admin('managePage'));
startRouter(main, (m) => {
  m.append(title(t('app.notFound')), h('p', {}, link('/', t('app.home'))));
});
void resumeOutbox();
