// The Silences page ("#/silences"): every silence by state (active, pending, expired) with its
// matchers, creator, comment, window and time left; a form to create one and an Expire button
// per silence that has not ended, for tokens that may act. Uses app.js's helpers (api, h, poll,
// show, when, ago, span, toast); loaded before it.
'use strict';

const MATCH_OPS = ['=', '!=', '=~', '!~'];
const SILENCE_STATES = [['active', 'Active'], ['pending', 'Pending'], ['expired', 'Expired']];

// "service=~check.*" chips for a silence's matchers.
const matcherChips = (matchers) => h('div', { class: 'chips' },
  matchers.map((m) => h('code', { class: 'chip' }, m.name + m.op + m.value)));

// A datetime-local input's value as RFC 3339 (its wall time read in the browser's zone).
const localToIso = (value) => (value ? new Date(value).toISOString() : undefined);

// One editable matcher row; its inputs carry data-field="matchers[i].…" so an API error that
// names a field can be shown on it (renumbered when a row goes).
function matcherRow(onRemove) {
  const name = h('input', { 'aria-label': 'Label name', list: 'matcher-names', required: true,
    placeholder: 'service', class: 'm-name' });
  const op = h('select', { 'aria-label': 'Operator', class: 'm-op' }, MATCH_OPS.map((o) => h('option', { value: o }, o)));
  const value = h('input', { 'aria-label': 'Value', placeholder: 'checkout or check.* for =~', class: 'm-value' });
  const row = h('div', { class: 'matcher' }, name, op, value,
    h('button', { type: 'button', class: 'secondary', 'aria-label': 'Remove this matcher',
      onclick: () => onRemove(row) }, '×'));
  return row;
}

function silenceForm(reload) {
  const rows = h('div', { class: 'matchers' });
  const renumber = () => [...rows.children].forEach((row, i) => {
    for (const part of ['name', 'op', 'value']) row.querySelector('.m-' + part).dataset.field = 'matchers[' + i + '].' + part;
  });
  const addRow = () => {
    rows.append(matcherRow((row) => { if (rows.children.length > 1) { row.remove(); renumber(); } }));
    renumber();
  };
  addRow();
  const ends = h('select', { id: 's-ends', onchange: () => {
    duration.hidden = ends.value !== 'duration';
    endsAt.hidden = ends.value !== 'at';
  } }, h('option', { value: 'duration' }, 'after'), h('option', { value: 'at' }, 'at'));
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
        matchers: [...rows.children].map((row) => ({ name: row.querySelector('.m-name').value.trim(),
          op: row.querySelector('.m-op').value, value: row.querySelector('.m-value').value })),
        starts_at: localToIso(startsAt.value),
        comment: comment.value,
      };
      if (ends.value === 'duration') body.duration = duration.value.trim();
      else body.ends_at = localToIso(endsAt.value);
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
  h('fieldset', { 'data-field': 'matchers' }, h('legend', {}, 'Alerts matching all of'), rows,
    h('button', { type: 'button', class: 'secondary', onclick: addRow }, 'Add matcher'),
    h('datalist', { id: 'matcher-names' }, ['service', 'environment', 'name', 'severity', 'source']
      .map((n) => h('option', { value: n })))),
  h('div', { class: 'when-row' },
    h('div', {}, h('label', { for: 's-starts' }, 'Starts (empty: now)'), startsAt),
    h('div', {}, h('label', { for: 's-ends' }, 'Ends'), h('div', { class: 'inline' }, ends, duration, endsAt))),
  h('div', {}, h('label', { for: 's-comment' }, 'Comment'), comment),
  h('p', { class: 'muted' }, 'Created by ' + state.me.name + ' (the signed-in token). Regular expressions (=~, !~) match the whole value.'),
  h('div', { class: 'inline' }, submit, error));
  return form;
}

// Time left for an active silence, time to start for a pending one.
function silenceLeft(s) {
  const now = Date.now();
  if (s.state === 'active') return span(Date.parse(s.ends_at) - now) + ' left';
  if (s.state === 'pending') return 'starts in ' + span(Date.parse(s.starts_at) - now);
  return 'ended ' + ago(s.ends_at);
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
  const cells = (s) => [[matcherChips(s.matchers), h('div', { class: 'muted' }, s.id)], s.created_by, s.comment,
    when(s.starts_at), when(s.ends_at), silenceLeft(s), ...(canExpire ? [s.state === 'expired' ? '' : expire(s)] : [])];
  return h('table', { class: 'silences' }, h('thead', {}, h('tr', {}, heads.map((t) => h('th', { scope: 'col' }, t)))),
    h('tbody', {}, silences.map((s) => h('tr', { 'data-silence-id': s.id, 'data-state': s.state },
      cells(s).map((c, i) => h('td', { 'data-label': heads[i] }, c))))));
}

function renderSilences() {
  state.chart = null;
  const lists = h('div', {});
  show(h('h1', {}, 'Silences'),
    h('section', { class: 'card', 'aria-labelledby': 'new-silence-h' }, h('h2', { id: 'new-silence-h' }, 'New silence'),
      state.me.can_act ? silenceForm(load) : readOnlyNote('creating and expiring silences are')),
    lists);
  async function load() {
    const { silences } = await api('/api/v1/silences');
    lists.replaceChildren(...SILENCE_STATES.map(([st, title]) => {
      const these = silences.filter((s) => s.state === st);
      return h('section', { class: 'card', 'aria-labelledby': 'sil-' + st, 'data-silence-state': st },
        h('h2', { id: 'sil-' + st }, title + ' (' + these.length + ')'),
        these.length ? silenceTable(these, load) : h('p', { class: 'muted' }, 'None.'));
    }));
  }
  poll(load);
}
