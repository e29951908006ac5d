/**
 * The election editor (/admin/elections/new and /admin/elections/:id/edit): title, description,
 * positions with their candidates (name, photo URL, manifesto), selection rules and order, schedule
 * in the election's time zone, eligibility, revote policy and credential mode. Edits are optimistic
 * (PATCH carries the version read; 409 VERSION_CONFLICT offers a reload), and a refusal that names a
 * field (ELECTION_INVALID "questions[0].max: …", or a schema error "body/title …") is shown next to
 * that field, which receives focus. Only drafts are editable: the ceremony freezes the ballot.
 */
import { errorText, t } from '../../i18n/t.js';
import { ApiError, api } from '../../lib/api.js';
import { announce, h, replace, uid } from '../../lib/dom.js';
import { navigate, type Screen } from '../../lib/router.js';
import { codeOf, errorBox, link, loading, title } from '../../ui/common.js';
import {
  backLink,
  checkbox,
  type Field,
  field,
  guard,
  maintenanceBanner,
  section,
  select,
  sendCsv,
  setFieldError,
} from './admin-kit.js';
import { isoToZoned, timeZones, zonedToIso } from './zoned-time.js';

interface Answer {
  id: string;
  label: string;
  photoUrl: string | null;
  manifesto: string;
}

interface Question {
  id: string;
  title: string;
  description: string;
  min: number;
  max: number;
  blankAllowed: boolean;
  answerOrder: 'fixed' | 'shuffled';
  answers: Answer[];
}

export interface StaffElection {
  id: string;
  title: string;
  description: string;
  state: string;
  version: number;
  questions: Question[];
  opensAt: string | null;
  closesAt: string | null;
  timeZone: string;
  revotePolicy: 'forbidden' | 'last-counts';
  eligibility: { kind: 'all' | 'groups' | 'list'; groups?: Record<string, string[]> };
  credentialMode: 'managed' | 'authority';
  fingerprint: string | null;
  nextStates: string[];
}

type Draft = Omit<StaffElection, 'id' | 'state' | 'version' | 'fingerprint' | 'nextStates'>;

function blankQuestion(n: number): Question {
  return {
    id: `q${n}`,
    title: '',
    description: '',
    min: 0,
    max: 1,
    blankAllowed: true,
    answerOrder: 'fixed',
    answers: [
      { id: `q${n}-a1`, label: '', photoUrl: null, manifesto: '' },
      { id: `q${n}-a2`, label: '', photoUrl: null, manifesto: '' },
    ],
  };
}

function nextId(prefix: string, taken: string[]): string {
  let n = taken.length + 1;
  while (taken.includes(`${prefix}${n}`)) n += 1;
  return `${prefix}${n}`;
}

function move<T>(list: T[], i: number, by: number): boolean {
  const j = i + by;
  if (j < 0 || j >= list.length) return false;
  [list[i], list[j]] = [list[j]!, list[i]!];
  return true;
}

/** "questions[0].answers[1].label: …" or "body/questions/0/title must …" → "questions[0].title". */
export function fieldOfError(e: unknown): string | null {
  if (!(e instanceof ApiError)) return null;
  if (e.code === 'ELECTION_INVALID') return /^([\w.[\]]+):/.exec(e.message)?.[1] ?? null;
  const m = /^body\/([\w/]+)/.exec(e.message);
  if (!m) return null;
  return m[1]!
    .split('/')
    .reduce((acc, p) => (/^\d+$/.test(p) ? `${acc}[${p}]` : acc ? `${acc}.${p}` : p), '');
}

function groupsText(groups: Record<string, string[]> | undefined): string {
  return Object.entries(groups ?? {})
    .flatMap(([k, vs]) => vs.map((v) => `${k}=${v}`))
    .join('\n');
}

function parseGroups(text: string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const line of text.split('\n')) {
    const [k, ...rest] = line.split('=');
    const key = k?.trim();
    const value = rest.join('=').trim();
    if (!key || !value) continue;
    out[key] = [...(out[key] ?? []), value];
  }
  return out;
}

export const editorPage: Screen = async (main, { id }, signal) => {
  if (!guard(main)) return;
  const banner = await maintenanceBanner(signal);
  let election: StaffElection | null = null;
  if (id) {
    main.append(loading());
    try {
      election = await api<StaffElection>(`/api/elections/${id}`, { signal });
    } catch (e) {
      replace(main, title(t('editor.titleNew')), errorBox(e), backLink());
      return;
    }
    main.replaceChildren();
  }
  main.append(
    title(election ? t('editor.titleEdit', { title: election.title }) : t('editor.titleNew')),
    backLink(),
  );
  if (banner) main.append(banner);
  if (election && election.state !== 'draft') {
    main.append(
      h('p', { className: 'notice' }, t('editor.notDraft')),
      h('p', {}, link(`/admin/elections/${election.id}`, t('console.manage'))),
    );
    return;
  }
  const zone = election?.timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone ?? 'UTC';
  const d: Draft = election
    ? structuredClone({
        title: election.title,
        description: election.description,
        questions: election.questions,
        opensAt: election.opensAt,
        closesAt: election.closesAt,
        timeZone: election.timeZone,
        revotePolicy: election.revotePolicy,
        eligibility: election.eligibility,
        credentialMode: election.credentialMode,
      })
    : {
        title: '',
        description: '',
        questions: [blankQuestion(1)],
        opensAt: null,
        closesAt: null,
        timeZone: zone,
        revotePolicy: 'forbidden',
        eligibility: { kind: 'all' },
        credentialMode: 'managed',
      };
  let version = election?.version ?? 0;
  const fields = new Map<string, Field>();
  const bind = (path: string, f: Field, set: (v: string) => void): Field => {
    fields.set(path, f);
    f.input.addEventListener('input', () => {
      set(f.input.value);
      setFieldError(f, null);
    });
    f.input.addEventListener('change', () => set(f.input.value));
    return f;
  };
  const live = h('div', { 'aria-live': 'polite', 'data-testid': 'editor-status' });

  // General
  const titleF = bind(
    'title',
    field(
      t('editor.name'),
      h('input', { id: 'election-title', value: d.title, required: true, maxlength: 200 }),
    ),
    (v) => {
      d.title = v;
    },
  );
  const descF = bind(
    'description',
    field(t('editor.description'), h('textarea', { id: 'election-description', rows: 3 }, d.description)),
    (v) => {
      d.description = v;
    },
  );

  // Questions (re-rendered on add/remove/move; focus returns to the control that was used)
  const qBox = h('div', {});
  const renderQuestions = (focusId?: string) => {
    for (const k of [...fields.keys()]) if (k.startsWith('questions')) fields.delete(k);
    replace(qBox, ...d.questions.map((q, qi) => questionView(q, qi)));
    if (focusId) document.getElementById(focusId)?.focus();
  };
  const questionView = (q: Question, qi: number): HTMLElement => {
    const p = `questions[${qi}]`;
    const qid = `q-${qi}`;
    const num = (v: number, minV: number) =>
      h('input', { type: 'number', min: minV, max: 100, value: v, inputmode: 'numeric' });
    const blank = checkbox(t('editor.blank'), q.blankAllowed);
    blank.input.addEventListener('change', () => {
      q.blankAllowed = blank.input.checked;
    });
    const order = field(
      t('editor.order'),
      select(
        [
          ['fixed', t('editor.orderFixed')],
          ['shuffled', t('editor.orderShuffled')],
        ],
        q.answerOrder,
      ),
    );
    fields.set(`${p}.answerOrder`, order);
    order.input.addEventListener('change', () => {
      q.answerOrder = order.input.value as Question['answerOrder'];
    });
    const tools = (list: unknown[], i: number, idBase: string, onChange: (focus: string) => void) =>
      h(
        'div',
        { className: 'actions compact' },
        h(
          'button',
          {
            type: 'button',
            className: 'secondary',
            id: `${idBase}-up`,
            disabled: i === 0,
            onclick: () => {
              if (move(list, i, -1))
                onChange(
                  i - 1 === 0
                    ? `${idBase.replace(/\d+$/, String(i - 1))}-down`
                    : `${idBase.replace(/\d+$/, String(i - 1))}-up`,
                );
            },
          },
          t('editor.up'),
        ),
        h(
          'button',
          {
            type: 'button',
            className: 'secondary',
            id: `${idBase}-down`,
            disabled: i === list.length - 1,
            onclick: () => {
              if (move(list, i, 1))
                onChange(
                  i + 1 === list.length - 1
                    ? `${idBase.replace(/\d+$/, String(i + 1))}-up`
                    : `${idBase.replace(/\d+$/, String(i + 1))}-down`,
                );
            },
          },
          t('editor.down'),
        ),
        h(
          'button',
          {
            type: 'button',
            className: 'secondary',
            id: `${idBase}-remove`,
            disabled: list.length === 1,
            onclick: () => {
              list.splice(i, 1);
              onChange(`${idBase.replace(/-?\d+$/, '')}-add`);
            },
          },
          t('editor.remove'),
        ),
      );
    const answers = q.answers.map((a, ai) => {
      const ap = `${p}.answers[${ai}]`;
      return h(
        'fieldset',
        { className: 'answer' },
        h('legend', {}, t('editor.answer', { n: ai + 1 }), a.label ? ` — ${a.label}` : ''),
        bind(
          `${ap}.label`,
          field(t('editor.label'), h('input', { id: `${qid}-a${ai}-label`, value: a.label, required: true })),
          (v) => {
            a.label = v;
          },
        ).wrap,
        bind(
          `${ap}.id`,
          field(
            t('editor.answerId'),
            h('input', { id: `${qid}-a${ai}-id`, value: a.id, required: true, maxlength: 64 }),
          ),
          (v) => {
            a.id = v;
          },
        ).wrap,
        bind(
          `${ap}.photoUrl`,
          field(
            t('editor.photo'),
            h('input', { id: `${qid}-a${ai}-photo`, type: 'url', value: a.photoUrl ?? '' }),
          ),
          (v) => {
            a.photoUrl = v.trim() || null;
          },
        ).wrap,
        bind(
          `${ap}.manifesto`,
          field(
            t('editor.manifesto'),
            h('textarea', { id: `${qid}-a${ai}-manifesto`, rows: 2 }, a.manifesto),
          ),
          (v) => {
            a.manifesto = v;
          },
        ).wrap,
        tools(q.answers, ai, `${qid}-a${ai}`, (f) => renderQuestions(f.replace(/-a-add$/, '-add-answer'))),
      );
    });
    return h(
      'fieldset',
      { className: 'question', 'data-testid': `question-${qi}` },
      h('legend', {}, t('editor.question', { n: qi + 1 }), q.title ? ` — ${q.title}` : ''),
      bind(
        `${p}.title`,
        field(t('editor.questionTitle'), h('input', { id: `${qid}-title`, value: q.title, required: true })),
        (v) => {
          q.title = v;
        },
      ).wrap,
      bind(
        `${p}.id`,
        field(
          t('editor.questionId'),
          h('input', { id: `${qid}-id`, value: q.id, required: true, maxlength: 64 }),
        ),
        (v) => {
          q.id = v;
        },
      ).wrap,
      bind(
        `${p}.description`,
        field(
          t('editor.questionDescription'),
          h('textarea', { id: `${qid}-description`, rows: 2 }, q.description),
        ),
        (v) => {
          q.description = v;
        },
      ).wrap,
      h(
        'div',
        { className: 'row' },
        bind(`${p}.min`, field(t('editor.min'), num(q.min, 0)), (v) => {
          q.min = Number(v);
        }).wrap,
        bind(`${p}.max`, field(t('editor.max'), num(q.max, 1)), (v) => {
          q.max = Number(v);
        }).wrap,
      ),
      blank.wrap,
      order.wrap,
      h('h3', {}, t('editor.answers')),
      ...answers,
      h(
        'div',
        { className: 'actions' },
        h(
          'button',
          {
            type: 'button',
            className: 'secondary',
            id: `${qid}-add-answer`,
            onclick: () => {
              q.answers.push({
                id: nextId(
                  `${q.id}-a`,
                  q.answers.map((a) => a.id),
                ),
                label: '',
                photoUrl: null,
                manifesto: '',
              });
              renderQuestions(`${qid}-a${q.answers.length - 1}-label`);
            },
          },
          t('editor.addAnswer'),
        ),
      ),
      tools(d.questions, qi, `q-${qi}`, (f) => renderQuestions(f.replace(/^q-add$/, 'add-question'))),
    );
  };
  renderQuestions();
  const addQuestion = h(
    'button',
    {
      type: 'button',
      className: 'secondary',
      id: 'add-question',
      onclick: () => {
        const q = blankQuestion(d.questions.length + 1);
        q.id = nextId(
          'q',
          d.questions.map((x) => x.id),
        );
        q.answers.forEach((a, i) => {
          a.id = `${q.id}-a${i + 1}`;
        });
        d.questions.push(q);
        renderQuestions(`q-${d.questions.length - 1}-title`);
      },
    },
    t('editor.addQuestion'),
  );

  // Schedule
  const tz = field(
    t('editor.timeZone'),
    select(
      timeZones(d.timeZone).map((z): [string, string] => [z, z]),
      d.timeZone,
      'time-zone',
    ),
  );
  fields.set('timeZone', tz);
  const opens = field(
    t('editor.opensAt'),
    h('input', { id: 'opens-at', type: 'datetime-local', value: isoToZoned(d.opensAt, d.timeZone) }),
  );
  const closes = field(
    t('editor.closesAt'),
    h('input', { id: 'closes-at', type: 'datetime-local', value: isoToZoned(d.closesAt, d.timeZone) }),
  );
  fields.set('opensAt', opens);
  fields.set('closesAt', closes);

  // Rules
  const revote = field(
    t('editor.revote'),
    select(
      [
        ['forbidden', t('editor.revoteForbidden')],
        ['last-counts', t('editor.revoteLast')],
      ],
      d.revotePolicy,
      'revote-policy',
    ),
  );
  fields.set('revotePolicy', revote);
  const mode = field(
    t('editor.credentialMode'),
    select(
      [
        ['managed', t('editor.credentialManaged')],
        ['authority', t('editor.credentialAuthority')],
      ],
      d.credentialMode,
      'credential-mode',
    ),
  );
  fields.set('credentialMode', mode);

  // Eligibility
  const kindName = uid('elig');
  const groups = field(
    t('editor.groups'),
    h('textarea', { id: 'eligibility-groups', rows: 3 }, groupsText(d.eligibility.groups)),
  );
  const list = field(t('editor.list'), h('textarea', { id: 'eligibility-list', rows: 4 }));
  fields.set('eligibility', groups);
  fields.set('eligibility.groups', groups);
  const listInfo = h('p', { className: 'hint' });
  let listDirty = false;
  list.input.addEventListener('input', () => {
    listDirty = true;
  });
  const radios = (['all', 'groups', 'list'] as const).map((k) => {
    const r = h('input', {
      type: 'radio',
      name: kindName,
      id: `eligibility-kind-${k}`,
      value: k,
      checked: d.eligibility.kind === k,
    });
    r.addEventListener('change', () => {
      d.eligibility.kind = k;
      showKind();
    });
    const text =
      k === 'all'
        ? t('editor.eligibilityAll')
        : k === 'groups'
          ? t('editor.eligibilityGroups')
          : t('editor.eligibilityList');
    return h('div', { className: 'check' }, r, h('label', { for: r.id }, text));
  });
  const showKind = () => {
    groups.wrap.hidden = d.eligibility.kind !== 'groups';
    list.wrap.hidden = d.eligibility.kind !== 'list';
    listInfo.hidden = d.eligibility.kind !== 'list';
  };
  showKind();
  if (election && d.eligibility.kind === 'list') {
    api<{ total: number; voters: { email: string }[] }>(`/api/elections/${election.id}/voters?limit=1000`, {
      signal,
    })
      .then((r) => {
        list.input.value = r.voters.map((v) => v.email).join('\n');
        listInfo.textContent = t('editor.listCount', { count: r.total });
      })
      .catch(() => undefined);
  }

  const save = h('button', { type: 'submit' }, t('editor.save'));
  const form = h(
    'form',
    { noValidate: true, className: 'editor' },
    section(t('editor.general'), titleF.wrap, descF.wrap),
    section(t('editor.questions'), qBox, h('div', { className: 'actions' }, addQuestion)),
    section(
      t('editor.schedule'),
      h('p', { className: 'hint' }, t('editor.scheduleHint')),
      tz.wrap,
      h('div', { className: 'row' }, opens.wrap, closes.wrap),
    ),
    section(
      t('editor.rules'),
      revote.wrap,
      mode.wrap,
      h(
        'fieldset',
        {},
        h('legend', {}, t('editor.eligibility')),
        ...radios,
        groups.wrap,
        list.wrap,
        listInfo,
      ),
    ),
    live,
    h('div', { className: 'actions' }, save),
  );

  const body = (): Record<string, unknown> => {
    d.timeZone = tz.input.value;
    d.opensAt = zonedToIso(opens.input.value, d.timeZone);
    d.closesAt = zonedToIso(closes.input.value, d.timeZone);
    d.revotePolicy = revote.input.value as Draft['revotePolicy'];
    d.credentialMode = mode.input.value as Draft['credentialMode'];
    const eligibility =
      d.eligibility.kind === 'groups'
        ? { kind: 'groups', groups: parseGroups(groups.input.value) }
        : { kind: d.eligibility.kind };
    return {
      ...d,
      eligibility,
      questions: d.questions.map((q) => ({ ...q, answers: q.answers.map((a) => ({ ...a })) })),
    };
  };

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    for (const f of fields.values()) setFieldError(f, null);
    save.disabled = true;
    try {
      let saved: StaffElection;
      if (!election) {
        saved = await api<StaffElection>('/api/elections', { body: body(), signal });
      } else {
        saved = await api<StaffElection>(`/api/elections/${election.id}`, {
          method: 'PATCH',
          body: { ...body(), version },
          signal,
        });
      }
      version = saved.version;
      if (d.eligibility.kind === 'list' && listDirty) {
        const r = await sendCsv<{ count: number; version: number }>(
          `/api/elections/${saved.id}/voters?version=${version}`,
          new Blob([`email\n${list.input.value}`], { type: 'text/csv' }),
          'PUT',
        );
        version = r.version;
        listDirty = false;
        listInfo.textContent = t('editor.listCount', { count: r.count });
      }
      if (!election) {
        navigate(`/admin/elections/${saved.id}`);
        return;
      }
      election = { ...saved, version };
      replace(live, h('p', { className: 'ok', role: 'status' }, t('editor.saved', { version })));
    } catch (err) {
      const code = codeOf(err);
      if (code === 'VERSION_CONFLICT') {
        replace(
          live,
          h(
            'div',
            { className: 'alert', role: 'alert' },
            h('p', {}, t('editor.conflict')),
            h(
              'button',
              { type: 'button', onclick: () => navigate(location.pathname, true) },
              t('editor.reload'),
            ),
          ),
        );
        return;
      }
      const path = fieldOfError(err);
      const f = path ? (fields.get(path) ?? fields.get(path.replace(/\.[^.]*$/, ''))) : undefined;
      if (f) {
        setFieldError(f, (err as Error).message);
        replace(
          live,
          h('p', { className: 'alert', role: 'alert' }, t('editor.fieldProblem'), ' ', errorText(code)),
        );
        f.input.focus();
      } else {
        replace(live, errorBox(err));
      }
    } finally {
      save.disabled = false;
    }
  });
  main.append(form);
  announce(live, '');
};
