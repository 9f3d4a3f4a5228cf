// Quell dashboard: plain JS, no framework. Views by URL hash: the incident list ("#/"), an
// incident ("#/incidents/ID"), silences ("#/silences", silences.js) and who is on call
// ("#/oncall", oncall.js). Data comes from the REST API with the session cookie; requests
// that change state echo the quell_csrf cookie in X-CSRF-Token. Everything user-supplied is put
// into the page as text (never as HTML).
'use strict';

const POLL_MS = 5000;
const SEVERITY_RANK = { critical: 0, high: 1, medium: 2, low: 3, info: 4, unknown: 5 };
const STATUS_RANK = { triggered: 0, acknowledged: 1, resolved: 2 };
const state = { me: null, timer: null, polling: null, chart: null, filters: { status: '', service: '', severity: '', q: '' } };

// ---- Small helpers ----

// An inline SVG sparkline of counts (oldest first), with a text alternative.
function sparkline(series) {
  const ns = 'http://www.w3.org/2000/svg';
  const values = series || [];
  const max = Math.max(1, ...values);
  const w = 96, hgt = 20, step = values.length > 1 ? w / (values.length - 1) : w;
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('class', 'spark');
  svg.setAttribute('viewBox', '0 0 ' + w + ' ' + hgt);
  svg.setAttribute('width', w);
  svg.setAttribute('height', hgt);
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', 'over the hour: ' + values.join(', '));
  const line = document.createElementNS(ns, 'polyline');
  line.setAttribute('points', values.map((v, i) => (i * step).toFixed(1) + ',' + (hgt - 1 - (v / max) * (hgt - 2)).toFixed(1)).join(' '));
  svg.append(line);
  return svg;
}

function cookie(name) {
  for (const part of document.cookie.split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return decodeURIComponent(v.join('='));
  }
  return '';
}

class ApiError extends Error {
  constructor(status, body) {
    super((body && body.error && body.error.message) || ('HTTP ' + status));
    this.status = status;
    this.field = (body && body.error && body.error.field) || '';  // the request's bad field
  }
}

async function api(path, options = {}) {
  const init = { method: options.method || 'GET', credentials: 'same-origin', headers: {} };
  if (init.method !== 'GET') {
    init.headers['X-CSRF-Token'] = cookie('quell_csrf');
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(options.body || {});
  }
  const res = await fetch(path, init);
  const body = await res.json().catch(() => null);
  if (res.status === 401) {
    location.href = '/login';
    throw new ApiError(401, body);
  }
  if (!res.ok) throw new ApiError(res.status, body);
  return body;
}

function toast(text) {
  const el = document.getElementById('toast');
  el.textContent = text;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => { el.textContent = ''; }, 4000);
}

// A length of time in its largest unit: 45s, 12m, 3h, 2d.
function span(ms) {
  const s = Math.round(Math.abs(ms) / 1000);
  if (s < 60) return s + 's';
  // Rounded first, so 59m50s reads 1h, not 60m.
  if (Math.round(s / 60) < 60) return Math.round(s / 60) + 'm';
  if (Math.round(s / 3600) < 24) return Math.round(s / 3600) + 'h';
  return Math.round(s / 86400) + 'd';
}

// "5m ago" for a past instant, "in 5m" for a future one.
function ago(iso) {
  if (!iso) return '';
  const ms = Date.now() - Date.parse(iso);
  return ms >= 0 ? span(ms) + ' ago' : 'in ' + span(ms);
}

function when(iso) {
  return iso ? h('time', { datetime: iso, title: iso }, new Date(iso).toLocaleString() + ' · ' + ago(iso)) : '';
}

const badge = (kind, value) => h('span', { class: 'badge ' + kind + '-' + value }, value);
// Silences by matchers that hold the incident's notifications back (none: nothing shown).
const silencedBadge = (i) => (i.silenced_by && i.silenced_by.length
  ? h('span', { class: 'badge silenced', 'data-silenced-by': i.silenced_by.join(' '),
    title: 'Silenced by ' + i.silenced_by.join(', ') }, 'silenced')
  : null);
const num = (n) => Number(n || 0).toLocaleString();

// Replaces the main view, keeping focus where a keyboard user expects it.
function show(...nodes) {
  const main = document.getElementById('main');
  main.replaceChildren(...nodes);
}

// Runs fn now and every `every` ms while its view is shown (a new view's poll replaces it). A
// call of fn in flight when the view is left does not schedule another: the new view's timer
// would be overwritten, and both views polled from then on.
function poll(fn, every = POLL_MS) {
  clearTimeout(state.timer);
  const polling = state.polling = {};
  const tick = async () => {
    try { await fn(); } catch (e) { if (e.status !== 401) toast(e.message); }
    if (state.polling === polling) state.timer = setTimeout(tick, every);
  };
  tick();
}

// What a read-only token sees instead of the controls that change something.
const readOnlyNote = (what) => h('p', { class: 'muted', id: 'read-only' },
  'Signed in read-only (' + state.me.scope + ' token): ' + what + ' disabled.');

// ---- The incident list ----

function urgency(a, b) {
  return (STATUS_RANK[a.status] - STATUS_RANK[b.status]) ||
    ((SEVERITY_RANK[a.severity] ?? 9) - (SEVERITY_RANK[b.severity] ?? 9)) ||
    (Date.parse(b.last_alert_at || b.opened_at) - Date.parse(a.last_alert_at || a.opened_at));
}

function matches(incident, f) {
  if (f.severity && incident.severity !== f.severity) return false;
  if (!f.q) return true;
  const text = [incident.title, incident.group_key, incident.environment, ...(incident.services || []),
    incident.analysis && incident.analysis.root_cause, '#' + incident.id].join(' ').toLowerCase();
  return f.q.toLowerCase().split(/\s+/).every((w) => text.includes(w));
}

function noiseFigures(stats) {
  const item = (n, label) => h('li', {}, h('span', { class: 'n' }, num(n)), h('span', { class: 'l' }, label));
  return h('ul', { class: 'noise', 'aria-label': 'Noise in the last 24 hours' },
    item(stats.alerts_received, 'alerts received'),
    item(stats.duplicates_folded, 'duplicates folded'),
    item(stats.incidents_opened, 'incidents'),
    item(stats.notifications_sent, 'notifications sent'));
}

function drawChart(container, stats) {
  const xs = stats.buckets.map((b) => Date.parse(b.start) / 1000);
  const data = [xs, stats.buckets.map((b) => b.alerts), stats.buckets.map((b) => b.incidents)];
  const width = Math.max(280, container.clientWidth - 4);
  if (state.chart && state.chart.root.isConnected && state.chart.root.parentNode === container) {
    state.chart.setData(data);
    return;
  }
  if (state.chart) state.chart.destroy();
  container.replaceChildren();
  if (typeof uPlot === 'undefined') return;  // the page still works without the chart
  state.chart = new uPlot({
    width, height: 200,
    series: [{}, { label: 'Alerts', stroke: '#0a58ca', fill: 'rgba(10,88,202,0.12)' },
      { label: 'Incidents', stroke: '#a40e26', width: 2, scale: 'inc' }],
    axes: [{}, { label: 'alerts' }, { side: 1, scale: 'inc', label: 'incidents', grid: { show: false } }],
    scales: { inc: { range: (u, min, max) => [0, Math.max(1, max)] } },
  }, data, container);
}

function incidentRow(i) {
  const services = (i.services || []).join(', ');
  return h('li', {}, h('a', { href: '#/incidents/' + i.id, 'data-incident-id': i.id },
    h('span', {}, badge('sev', i.severity)),
    h('span', {},
      h('span', { class: 'title' }, '#' + i.id + ' ' + i.title),
      h('span', { class: 'meta' }, ' · ' + services + (i.environment ? ' · ' + i.environment : '')),
      i.analysis ? h('div', { class: 'meta' }, i.analysis.root_cause) : null),
    h('span', { class: 'meta' }, badge('st', i.status), ' ', silencedBadge(i), ' ', ago(i.last_alert_at || i.opened_at),
      ' · ' + i.alert_count + ' alert' + (i.alert_count === 1 ? '' : 's'))));
}

function renderList() {
  const f = state.filters;
  const field = (id, label, control) => h('div', {}, h('label', { for: id }, label), control);
  const select = (id, key, options) => {
    const el = h('select', { id, onchange: (e) => { f[key] = e.target.value; refresh(); } },
      options.map(([v, t]) => h('option', { value: v, selected: f[key] === v }, t)));
    return el;
  };
  const serviceSelect = select('f-service', 'service', [['', 'All services']]);
  const search = h('input', { id: 'f-q', type: 'search', value: f.q, placeholder: 'title, service, cause…',
    oninput: (e) => { f.q = e.target.value; redraw(); } });
  const figures = h('div', { 'aria-live': 'polite' });
  const chart = h('div', { class: 'chart', role: 'img', 'aria-label': 'Alert volume and incidents per hour, last 24 hours' });
  const list = h('ul', { class: 'incidents', 'aria-label': 'Incidents, most urgent first' });
  const count = h('p', { class: 'muted', 'aria-live': 'polite' });
  let incidents = [];
  let statsAt = 0;

  show(
    h('h1', {}, 'Incidents'),
    h('section', { class: 'card', 'aria-labelledby': 'noise-h' },
      h('h2', { id: 'noise-h' }, 'Last 24 hours'), figures, chart),
    h('section', { class: 'card', 'aria-labelledby': 'list-h' },
      h('h2', { id: 'list-h', class: 'sr-only' }, 'Filters'),
      h('div', { class: 'filters' },
        field('f-status', 'Status', select('f-status', 'status', [['', 'Any status'], ['triggered', 'Triggered'],
          ['acknowledged', 'Acknowledged'], ['resolved', 'Resolved']])),
        field('f-service', 'Service', serviceSelect),
        field('f-severity', 'Severity', select('f-severity', 'severity', [['', 'Any severity'],
          ...Object.keys(SEVERITY_RANK).map((s) => [s, s[0].toUpperCase() + s.slice(1)])])),
        field('f-q', 'Search', search))),
    h('section', { class: 'card' }, count, list));

  const services = new Set();
  function redraw() {
    const shown = incidents.filter((i) => matches(i, f)).sort(urgency);
    count.textContent = shown.length + ' of ' + incidents.length + ' incidents';
    list.replaceChildren(...(shown.length ? shown.map(incidentRow)
      : [h('li', { class: 'muted' }, 'No incidents match. Send an alert to POST /api/v1/alerts, or run quell demo.')]));
  }
  async function refresh() {
    const params = new URLSearchParams({ limit: '500' });
    if (f.status) params.set('status', f.status);
    if (f.service) params.set('service', f.service);
    // The 24-hour figures scan the alerts: every 30 s is fresh enough; the list every poll.
    const statsDue = Date.now() - statsAt > 30000;
    const [list_body, stats] = await Promise.all([api('/api/v1/incidents?' + params),
      statsDue ? api('/api/v1/stats?bucket=1h') : null]);
    incidents = list_body.incidents;
    const before = services.size;
    for (const i of incidents) for (const s of i.services || []) services.add(s);
    if (services.size !== before) {
      serviceSelect.replaceChildren(h('option', { value: '' }, 'All services'),
        ...[...services].sort().map((s) => h('option', { value: s, selected: f.service === s }, s)));
    }
    if (stats) {
      statsAt = Date.now();
      figures.replaceChildren(noiseFigures(stats));
      drawChart(chart, stats);
    }
    redraw();
  }
  state.chart = null;
  poll(refresh);
}

// ---- One incident ----

function analysisCard(a, incident) {
  if (!a) return h('section', { class: 'card analysis' }, h('h2', {}, 'Analysis'),
    h('p', { class: 'muted' }, 'Not analysed yet: the analyst runs a few seconds after the incident changes.'));
  const pct = Math.round((a.confidence || 0) * 100);
  const row = (k, v) => [h('dt', {}, k), h('dd', {}, v)];
  return h('section', { class: 'card analysis', 'aria-labelledby': 'an-h' },
    h('h2', { id: 'an-h' }, 'Analysis'),
    h('dl', {},
      row('Root cause', h('strong', {}, a.root_cause)),
      row('Severity', badge('sev', a.severity)),
      row('Impact', a.impact),
      row('Actions', h('ol', {}, (a.recommended_actions || []).map((x) => h('li', {}, x)))),
      row('Confidence', [h('span', { class: 'confidence', role: 'meter', 'aria-valuenow': pct,
        'aria-valuemin': 0, 'aria-valuemax': 100, 'aria-label': 'confidence' }, h('span', { style: 'width:' + pct + '%' })), pct + '%']),
      row('Analyzer', a.analyzer + (a.created_at ? ' · ' + ago(a.created_at) : '')),
      a.llm ? row('Model note', a.llm.note) : null),
    h('details', {}, h('summary', {}, 'Evidence (' + (a.evidence || []).length + ')'),
      h('ul', {}, (a.evidence || []).map((e) => h('li', {}, h('span', { class: 'chip' }, e.kind), ' ',
        e.ref ? h('code', {}, e.ref) : '', ' ', e.detail)))));
}

function timeline(events) {
  return h('ol', { class: 'timeline' }, events.map((e) => h('li', { class: 'k-' + e.kind },
    when(e.at), h('span', { class: 'kind' }, e.kind.replace(/_/g, ' ')),
    e.count > 1 ? ' ×' + e.count : '', e.actor ? ' · ' + e.actor : '',
    e.note ? h('div', { class: 'note' }, e.note) : null)));
}

function alertsTable(alerts) {
  return h('table', {}, h('thead', {}, h('tr', {}, ['Service', 'Alert', 'Status', 'Count', 'Labels']
    .map((t) => h('th', { scope: 'col' }, t)))),
  h('tbody', {}, alerts.map((a) => h('tr', {},
    h('td', {}, a.service), h('td', {}, h('strong', {}, a.name || ''), a.message ? h('pre', {}, a.message) : ''),
    h('td', {}, a.status, ' · ', a.severity), h('td', {}, a.count),
    h('td', {}, h('div', { class: 'chips' }, Object.entries(a.labels || {}).map(([k, v]) => h('span', { class: 'chip' }, k + '=' + v))))))));
}

function actionsBar(incident, reload) {
  if (!state.me.can_act) return readOnlyNote('actions are');
  const note = h('textarea', { id: 'note', rows: 1, placeholder: 'what you did or found' });
  const act = (label, path, disabled) => h('button', { type: 'button', disabled, 'data-action': path,
    onclick: async (e) => {
      e.target.disabled = true;
      try {
        const result = await api('/api/v1/incidents/' + incident.id + '/' + path, { method: 'POST',
          body: path === 'analyze' ? {} : { note: note.value } });  // the actor is the signed-in token
        note.value = '';
        // A re-analysis that outlasts the server's wait is answered 202 and lands later.
        toast(result && result.poll ? label + ': still running; the analysis shows here when done'
          : label + ': done');
        await reload();
      } catch (err) { toast(label + ' failed: ' + err.message); e.target.disabled = false; }
    } }, label);
  const s = incident.status;
  return h('div', { class: 'actions-bar' },
    h('div', { class: 'note' }, h('label', { for: 'note' }, 'Note'), note),
    act('Acknowledge', 'ack', s !== 'triggered'), act('Resolve', 'resolve', s === 'resolved'),
    act('Reopen', 'reopen', s !== 'resolved'), act('Re-analyse', 'analyze', false));
}

// An incident given an escalation policy: the policy, the steps taken and the next one (or why
// none is pending), from the detail's `escalation`.
function policyState(e) {
  const next = e.next_step
    ? ['; next: step ', String(e.next_step.step), e.next_step.round > 1 ? ' of round ' + e.next_step.round : '',
      ' at ', when(e.next_step.at)]
    : [e.stopped ? '; stopped: ' + e.stopped : ''];
  return ['policy ', h('strong', {}, e.policy), ', ' + e.steps_taken + ' of ' + e.total_steps + ' steps taken', ...next];
}

// Where the incident's escalation stands: its policy's progress, or the one escalation step's
// time (escalated_at) or why it has not happened.
function escalationState(incident) {
  const silenced = (incident.silenced_by || []).length || Date.parse(incident.silenced_until) > Date.now();
  const text = incident.escalation ? policyState(incident.escalation)
    : incident.escalated_at ? ['escalated ', when(incident.escalated_at), ' (nobody acknowledged in time)']
    : incident.status !== 'triggered' ? ['not escalated (' + incident.status + ')']
      : silenced ? ['not escalated: silenced (it waits for the silence to end)']
        : ['not escalated yet (it escalates if nobody acknowledges in time)'];
  return h('p', { class: 'escalation muted',
    'data-escalated': incident.escalation ? 'policy' : incident.escalated_at ? 'yes' : 'no' },
    h('strong', {}, 'Escalation: '), text);
}

async function renderIncident(id) {
  state.chart = null;
  const header = h('div', {});
  const actions = h('section', { class: 'card', 'aria-label': 'Actions' });
  const analysis = h('div', {});
  const body = h('div', {});
  show(h('p', {}, h('a', { href: '#/' }, '← All incidents')), header, actions, analysis, body);
  let lastStatus = null;

  async function load() {
    const incident = await api('/api/v1/incidents/' + encodeURIComponent(id));
    const since = new Date(Date.parse(incident.opened_at) - 3600e3).toISOString();
    const services = incident.services || [];
    // Deploys of the incident's services in the 2 hours before it opened are on the timeline
    // too (deploys after that are timeline events already).
    const deploySince = new Date(Date.parse(incident.opened_at) - 7200e3).toISOString();
    const [similar, deployLists, ...templates] = await Promise.all([
      api('/api/v1/incidents/' + incident.id + '/similar').catch(() => ({ similar: [] })),
      Promise.all(services.map((s) => api('/api/v1/deploys?' + new URLSearchParams({ service: s, since: deploySince }))
        .then((b) => b.deploys, () => []))),
      ...services.map((s) => api('/api/v1/logs/templates?' +
        new URLSearchParams({ service: s, since })).catch(() => ({ service: s, templates: [] })))]);
    const earlierDeploys = deployLists.flat()
      .map((d) => ({ at: d.finished_at || d.started_at || d.received_at, kind: 'deploy', actor: d.author || '', count: 1,
        note: 'deploy ' + d.version + ' of ' + d.service + (d.commit ? ' (' + d.commit + ')' : '') + (d.status ? ', ' + d.status : '') +
          (d.description ? ': ' + d.description : '') }))
      .filter((e) => e.at && Date.parse(e.at) < Date.parse(incident.opened_at));
    const events = [...earlierDeploys, ...incident.timeline].sort((x, y) => Date.parse(x.at) - Date.parse(y.at));
    document.title = '#' + incident.id + ' ' + incident.title + ' · Quell';
    header.replaceChildren(h('h1', {}, '#' + incident.id + ' ' + incident.title),
      h('p', {}, badge('st', incident.status), ' ', badge('sev', incident.severity), ' ', silencedBadge(incident), ' ',
        (incident.services || []).join(', '), incident.environment ? ' · ' + incident.environment : '',
        ' · opened ', when(incident.opened_at),
        incident.acked_by ? ' · acknowledged by ' + incident.acked_by : '',
        incident.resolved_by ? ' · resolved by ' + incident.resolved_by : ''),
      escalationState(incident));
    // The action bar is rebuilt only when the status changes, so a note being typed survives polls.
    if (incident.status !== lastStatus) {
      actions.replaceChildren(actionsBar(incident, load));
      lastStatus = incident.status;
    }
    analysis.replaceChildren(analysisCard(incident.analysis, incident));
    const a = incident.analysis || {};
    const deploys = (a.suspects && a.suspects.deploys) || [];
    const tpl = templates.flatMap((t) => t.templates.map((x) => ({ ...x, service: t.service })))
      .sort((x, y) => (y.level === 'ERROR') - (x.level === 'ERROR') || y.count - x.count).slice(0, 30);
    body.replaceChildren(
      h('div', { class: 'grid2' },
        h('section', { class: 'card', 'aria-labelledby': 'tl-h' }, h('h2', { id: 'tl-h' }, 'Timeline'), timeline(events)),
        h('div', {},
          h('section', { class: 'card', 'aria-labelledby': 'dep-h' }, h('h2', { id: 'dep-h' }, 'Suspect deploys'),
            deploys.length ? h('ul', {}, deploys.map((d) => h('li', {}, h('strong', {}, d.service + ' ' + (d.id || '')),
              ' · score ' + Number(d.score).toFixed(2), h('div', { class: 'muted' }, (d.reasons || []).join('; ')))))
              : h('p', { class: 'muted' }, 'None.')),
          h('section', { class: 'card', 'aria-labelledby': 'sim-h' }, h('h2', { id: 'sim-h' }, 'Similar incidents'),
            similar.similar.length ? h('ul', {}, similar.similar.map((m) => h('li', {},
              h('a', { href: '#/incidents/' + m.incident_id }, '#' + m.incident_id + ' ' + m.title),
              ' · ' + Math.round(m.score * 100) + '%', m.resolution_note ? h('div', { class: 'muted' }, 'Resolved with: ' + m.resolution_note) : '')))
              : h('p', { class: 'muted' }, 'None among resolved incidents.')))),
      h('section', { class: 'card', 'aria-labelledby': 'al-h' }, h('h2', { id: 'al-h' }, 'Alerts (' + num(incident.alert_count) + ')'),
        incident.alerts_next_cursor ? h('p', { class: 'muted' }, 'The first ' + num(incident.alerts.length) + ' are shown; GET /api/v1/incidents/' + incident.id + '/alerts pages through all of them.') : '',
        alertsTable(incident.alerts)),
      h('section', { class: 'card', 'aria-labelledby': 'log-h' }, h('h2', { id: 'log-h' }, 'Log templates'),
        tpl.length ? h('table', {}, h('thead', {}, h('tr', {}, ['Service', 'Count', 'Trend', 'Level', 'Template'].map((t) => h('th', { scope: 'col' }, t)))),
          h('tbody', {}, tpl.map((t) => h('tr', {}, h('td', {}, t.service), h('td', {}, num(t.count)), h('td', {}, sparkline(t.series)),
            h('td', {}, t.level, t.new ? ' · new' : '', t.surging ? ' · surging' : ''), h('td', {}, h('code', {}, t.template))))))
          : h('p', { class: 'muted' }, 'No logs from these services in the hour before the incident. Send them to POST /api/v1/logs.')));
  }
  poll(load);
}

// ---- Start ----

const VIEWS = [[/^#\/silences/, 'silences', () => renderSilences()], [/^#\/oncall/, 'oncall', () => renderOnCall()],
  [/^#\/incidents\/(\d+)/, 'incidents', (m) => renderIncident(m[1])], [/^/, 'incidents', () => renderList()]];

function route() {
  document.title = 'Quell';
  for (const [pattern, nav, render] of VIEWS) {
    const m = location.hash.match(pattern);
    if (!m) continue;
    for (const a of document.querySelectorAll('nav.views a'))
      if (a.dataset.view === nav) a.setAttribute('aria-current', 'page'); else a.removeAttribute('aria-current');
    render(m);
    break;
  }
  document.getElementById('main').focus();
}

async function start() {
  try {
    state.me = await api('/api/v1/me');
  } catch (e) {
    if (e.status !== 401) show(h('p', { class: 'error' }, 'Cannot reach Quell: ' + e.message));
    return;
  }
  document.getElementById('who').textContent = 'Signed in as ' + state.me.name + ' (' + state.me.scope + ')';
  const logout = document.getElementById('logout');
  logout.hidden = false;
  logout.addEventListener('click', async () => {
    await api('/logout', { method: 'POST' }).catch(() => {});
    location.href = '/login';
  });
  window.addEventListener('hashchange', route);
  window.addEventListener('resize', () => { if (state.chart) state.chart.setSize({ width: Math.max(280, state.chart.root.parentNode.clientWidth - 4), height: 200 }); });
  route();
}

start();
