// The Silences page ("#/silences"): what is in maintenance now (GET /api/v1/maintenance); every
// silence by state (active, pending, expired) with its matchers, weekly windows, creator,
// comment, span and time left; a form to create one (one-off, or weekly windows in a time zone:
// a maintenance window) and an Expire button per silence that has not ended (and is not the
// config file's), for tokens that may act. Uses app.js's helpers (api, h, poll, show, when, ago,
// span, toast); loaded before it.
'use strict';

const MATCH_OPS = ['=', '!=', '=~', '!~'];
const SILENCE_STATES = [['active', 'Active'], ['pending', 'Pending'], ['expired', 'Expired']];

// "service=~check.*" chips for a silence's matchers.
const matcherChips = (matchers) => h('div', { class: 'chips' },
  matchers.map((m) => h('code', { class: 'chip' }, m.name + m.op + m.value)));

// A datetime-local input's value as RFC 3339 (its wall time read in the browser's zone).
const localToIso = (value) => (value ? new Date(value).toISOString() : undefined);

const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

// Rows that can be added and removed (one always stays); each part's input (class CLS-PART)
// carries data-field="PREFIX[i].PART" so an API error naming a field lands on it (renumbered
// when a row goes).
function rowList(makeRow, prefix, cls, parts) {
  const rows = h('div', { class: 'rows' });
  const renumber = () => [...rows.children].forEach((row, i) => {
    for (const part of parts) row.querySelector('.' + cls + '-' + part).dataset.field = prefix + '[' + i + '].' + part;
  });
  const remove = (row) => { if (rows.children.length > 1) { row.remove(); renumber(); } };
  const add = () => { rows.append(makeRow(remove)); renumber(); };
  add();
  const values = () => [...rows.children].map((row) =>
    Object.fromEntries(parts.map((p) => [p, row.querySelector('.' + cls + '-' + p).value])));
  return { rows, add, values };
}

const removeButton = (label, onRemove) => h('button', { type: 'button', class: 'secondary', 'aria-label': label,
  onclick: (e) => onRemove(e.target.closest('.row')) }, '×');

// One editable matcher row.
const matcherRow = (onRemove) => h('div', { class: 'matcher row' },
  h('input', { 'aria-label': 'Label name', list: 'matcher-names', required: true, placeholder: 'service', class: 'm-name' }),
  h('select', { 'aria-label': 'Operator', class: 'm-op' }, MATCH_OPS.map((o) => h('option', { value: o }, o))),
  h('input', { 'aria-label': 'Value', placeholder: 'checkout or check.* for =~', class: 'm-value' }),
  removeButton('Remove this matcher', onRemove));

// One weekly window: a day, a start on the zone's wall clock (HH:MM, checked by the API) and a duration.
const weeklyRow = (onRemove) => h('div', { class: 'weekly-row row' },
  h('select', { 'aria-label': 'Day', class: 'w-day' }, DAYS.map((d) => h('option', { value: d }, d))),
  h('input', { 'aria-label': 'Start (HH:MM)', placeholder: '02:00', size: 6, class: 'w-start', value: '02:00' }),
  h('input', { 'aria-label': 'Window duration', placeholder: '2h', size: 6, class: 'w-duration', value: '2h' }),
  removeButton('Remove this window', onRemove));

function silenceForm(reload) {
  const matchers = rowList(matcherRow, 'matchers', 'm', ['name', 'op', 'value']);
  const windows = rowList(weeklyRow, 'schedule.weekly', 'w', ['day', 'start', 'duration']);
  const timeZone = h('input', { id: 's-tz', 'data-field': 'schedule.time_zone', size: 20,
    value: Intl.DateTimeFormat().resolvedOptions().timeZone });
  const weekly = h('fieldset', { id: 's-weekly', 'data-field': 'schedule.weekly', hidden: true },
    h('legend', {}, 'Weekly windows'), windows.rows,
    h('button', { type: 'button', class: 'secondary', onclick: windows.add }, 'Add window'),
    h('div', {}, h('label', { for: 's-tz' }, 'Time zone'), timeZone));
  // A weekly window lasts for ever unless given an end; a one-off silence needs one.
  const repeats = h('select', { id: 's-repeats', onchange: () => {
    weekly.hidden = repeats.value !== 'weekly';
    never.hidden = repeats.value !== 'weekly';
    ends.value = repeats.value === 'weekly' ? 'never' : 'duration';
    ends.onchange();
  } }, h('option', { value: 'once' }, 'once'), h('option', { value: 'weekly' }, 'weekly'));
  const never = h('option', { value: 'never', hidden: true }, 'never');
  const ends = h('select', { id: 's-ends' }, h('option', { value: 'duration' }, 'after'), h('option', { value: 'at' }, 'at'), never);
  ends.onchange = () => {
    duration.hidden = ends.value !== 'duration';
    endsAt.hidden = ends.value !== 'at';
  };
  const duration = h('input', { id: 's-duration', value: '2h', size: 8, 'aria-label': 'Duration',
    placeholder: '30m, 4h, 7d', 'data-field': 'duration' });
  const endsAt = h('input', { id: 's-ends-at', type: 'datetime-local', hidden: true, 'aria-label': 'End',
    'data-field': 'ends_at' });
  const startsAt = h('input', { id: 's-starts', type: 'datetime-local', 'data-field': 'starts_at' });
  const comment = h('textarea', { id: 's-comment', rows: 2, placeholder: 'why, and a ticket if there is one',
    'data-field': 'comment' });
  const error = h('p', { class: 'error', id: 'silence-error', role: 'alert' });
  const submit = h('button', { type: 'submit' }, 'Create silence');

  const form = h('form', { id: 'silence-form', class: 'silence-form', 'aria-describedby': 'silence-error',
    onsubmit: async (e) => {
      e.preventDefault();
      error.textContent = '';
      for (const el of form.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
      const body = {
        matchers: matchers.values().map((m) => ({ ...m, name: m.name.trim() })),
        starts_at: localToIso(startsAt.value),
        comment: comment.value,
      };
      if (ends.value === 'duration') body.duration = duration.value.trim();
      else if (ends.value === 'at') body.ends_at = localToIso(endsAt.value);
      if (repeats.value === 'weekly') body.schedule = { time_zone: timeZone.value.trim(), weekly: windows.values()
        .map((w) => ({ day: w.day, start: w.start.trim(), duration: w.duration.trim() })) };
      submit.disabled = true;
      try {
        const created = await api('/api/v1/silences', { method: 'POST', body });
        toast('Silence ' + created.id + ' created');
        comment.value = '';
        await reload();
      } catch (err) {
        // Shown beside the form until the next try, on the field the API named.
        error.textContent = 'Not created: ' + err.message + (err.field && !err.message.includes(err.field) ? ' (' + err.field + ')' : '');
        const named = err.field && form.querySelector('[data-field="' + CSS.escape(err.field) + '"]');
        if (named) { named.setAttribute('aria-invalid', 'true'); if (named.focus) named.focus(); }
      } finally { submit.disabled = false; }
    } },
  h('fieldset', { 'data-field': 'matchers' }, h('legend', {}, 'Alerts matching all of'), matchers.rows,
    h('button', { type: 'button', class: 'secondary', onclick: matchers.add }, 'Add matcher'),
    h('datalist', { id: 'matcher-names' }, ['service', 'environment', 'name', 'severity', 'source']
      .map((n) => h('option', { value: n })))),
  h('div', {}, h('label', { for: 's-repeats' }, 'Repeats'), repeats), weekly,
  h('div', { class: 'when-row' },
    h('div', {}, h('label', { for: 's-starts' }, 'Starts (empty: now)'), startsAt),
    h('div', {}, h('label', { for: 's-ends' }, 'Ends'), h('div', { class: 'inline' }, ends, duration, endsAt))),
  h('div', {}, h('label', { for: 's-comment' }, 'Comment'), comment),
  h('p', { class: 'muted' }, 'Created by ' + state.me.name + ' (the signed-in token). Regular expressions (=~, !~) match the whole value.'),
  h('div', { class: 'inline' }, submit, error));
  return form;
}

// Time left for an active silence, time to start for a pending one: of its window (the one in
// force, else the next) for a maintenance window, whose own end may be null (for ever).
function silenceLeft(s) {
  const w = s.window || s;
  if (s.state === 'active') return w.ends_at ? span(Date.parse(w.ends_at) - Date.now()) + ' left' : 'no end';
  if (s.state === 'pending') return w.starts_at ? 'starts ' + ago(w.starts_at) : '';
  return s.ends_at ? 'ended ' + ago(s.ends_at) : 'ended';
}

// A maintenance window's weekly windows: "weekly, Europe/Berlin: sun 02:00 for 2h".
const weeklyText = (schedule) => 'weekly, ' + schedule.time_zone + ': ' +
  schedule.weekly.map((w) => w.day + ' ' + w.start + ' for ' + w.duration).join('; ');

// What is in maintenance now (every silence in force counts), else what comes next.
function maintenanceCard(m) {
  const item = (s, at) => h('li', { 'data-silence-id': s.id }, matcherChips(s.matchers), s.comment ? ' ' + s.comment + ' · ' : ' ', at);
  const upcoming = m.upcoming.slice(0, 3);
  return h('section', { class: 'card maintenance' + (m.in_maintenance ? ' now' : ''), 'aria-labelledby': 'mnt-h',
    'data-in-maintenance': m.in_maintenance ? 'yes' : 'no' },
  h('h2', { id: 'mnt-h' }, m.in_maintenance ? 'In maintenance now' : 'Not in maintenance'),
  m.active.length ? h('ul', { class: 'plain' }, m.active.map((s) => item(s,
    s.window && s.window.ends_at ? ['until ', when(s.window.ends_at)] : 'no end'))) : null,
  upcoming.length ? [h('p', { class: 'muted' }, 'Next:'), h('ul', { class: 'plain' }, upcoming.map((s) => item(s,
    s.window ? ['from ', when(s.window.starts_at)] : '')))] : null);
}

function silenceTable(silences, reload) {
  const canExpire = state.me.can_act;
  const expire = (s) => h('button', { type: 'button', class: 'secondary', 'data-expire': s.id,
    onclick: async (e) => {
      e.target.disabled = true;
      try {
        await api('/api/v1/silences/' + encodeURIComponent(s.id), { method: 'DELETE' });
        toast('Silence ' + s.id + ' expired');
        await reload();
      } catch (err) { toast('Expire failed: ' + err.message); e.target.disabled = false; }
    } }, 'Expire');
  const heads = ['Matchers', 'Created by', 'Comment', 'Starts', 'Ends', 'Time left', ...(canExpire ? [''] : [])];
  // data-label: the column's name, shown beside each cell where a phone stacks the cells.
  const canExpireThis = (s) => (s.source === 'config' ? h('span', { class: 'muted' }, 'config file')
    : s.state === 'expired' ? '' : expire(s));
  const cells = (s) => [[matcherChips(s.matchers), s.schedule ? h('div', { class: 'weekly' }, weeklyText(s.schedule)) : null,
    h('div', { class: 'muted' }, s.id)], s.created_by, s.comment,
  s.starts_at ? when(s.starts_at) : 'any time', s.ends_at ? when(s.ends_at) : 'no end', silenceLeft(s),
  ...(canExpire ? [canExpireThis(s)] : [])];
  return h('table', { class: 'silences' }, h('thead', {}, h('tr', {}, heads.map((t) => h('th', { scope: 'col' }, t)))),
    h('tbody', {}, silences.map((s) => h('tr', { 'data-silence-id': s.id, 'data-state': s.state },
      cells(s).map((c, i) => h('td', { 'data-label': heads[i] }, c))))));
}

function renderSilences() {
  state.chart = null;
  const lists = h('div', {});
  const maintenance = h('div', {});
  show(h('h1', {}, 'Silences'), maintenance,
    h('section', { class: 'card', 'aria-labelledby': 'new-silence-h' }, h('h2', { id: 'new-silence-h' }, 'New silence'),
      state.me.can_act ? silenceForm(load) : readOnlyNote('creating and expiring silences are')),
    lists);
  async function load() {
    const [{ silences }, inMaintenance] = await Promise.all([api('/api/v1/silences'), api('/api/v1/maintenance')]);
    maintenance.replaceChildren(maintenanceCard(inMaintenance));
    lists.replaceChildren(...SILENCE_STATES.map(([st, title]) => {
      const these = silences.filter((s) => s.state === st);
      return h('section', { class: 'card', 'aria-labelledby': 'sil-' + st, 'data-silence-state': st },
        h('h2', { id: 'sil-' + st }, title + ' (' + these.length + ')'),
        these.length ? silenceTable(these, load) : h('p', { class: 'muted' }, 'None.'));
    }));
  }
  poll(load);
}
