// The On call page ("#/oncall"): per schedule, who is on call now and until when (in the
// schedule's time zone and the browser's), who is next (the API asked at that `until`), the
// rotation and the overrides that have not ended. Uses app.js's helpers; loaded before it.
'use strict';

const BROWSER_ZONE = Intl.DateTimeFormat().resolvedOptions().timeZone;

// An instant on the wall clock of `zone`, with the zone's abbreviation ("Dec 7, 09:00 EST").
function inZone(iso, zone) {
  const options = { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', timeZoneName: 'short' };
  try {
    return new Intl.DateTimeFormat(undefined, { ...options, timeZone: zone }).format(new Date(iso));
  } catch (e) {  // a zone this browser does not know
    return new Date(iso).toISOString().replace('T', ' ').slice(0, 16) + ' UTC';
  }
}

// An instant in the schedule's zone and, when it differs, the browser's.
function zoned(iso, zone) {
  if (!iso) return h('span', { class: 'muted' }, 'no change ahead');
  return h('time', { datetime: iso, title: iso }, inZone(iso, zone),
    zone !== BROWSER_ZONE ? h('span', { class: 'muted' }, ' · your time ' + inZone(iso, BROWSER_ZONE)) : null,
    h('span', { class: 'muted' }, ' · ' + ago(iso)));
}

const person = (user) => (user ? h('strong', { class: 'user' }, user) : h('span', { class: 'muted' }, 'nobody'));

function scheduleCard(schedule, next) {
  const now = schedule.on_call;
  const row = (k, v, attrs) => [h('dt', {}, k), h('dd', attrs || {}, v)];
  return h('section', { class: 'card oncall', 'data-schedule': schedule.name, 'aria-labelledby': 'sch-' + schedule.name },
    h('h2', { id: 'sch-' + schedule.name }, schedule.name, ' ', h('span', { class: 'chip' }, schedule.time_zone)),
    h('dl', {},
      row('On call now', person(now.user), { 'data-now': now.user || '' }),
      row('Until', zoned(now.until, schedule.time_zone), { 'data-until': now.until || '' }),
      next ? row('Next', [person(next.user), next.until ? h('span', { class: 'muted' }, ' until ' + inZone(next.until, schedule.time_zone)) : ''],
        { 'data-next': next.user || '' }) : null,
      row('Rotation', h('ul', { class: 'plain' }, schedule.layers.map((l) => h('li', {},
        (l.users.length ? l.users.join(' → ') : 'nobody') + ', every ' + l.rotation + ' from ' + inZone(l.handoff, schedule.time_zone))))),
      schedule.overrides.length ? row('Overrides', h('ul', { class: 'plain' }, schedule.overrides.map((o) => h('li', {},
        h('strong', {}, o.user), ' ' + inZone(o.starts_at, schedule.time_zone) + ' – ' + inZone(o.ends_at, schedule.time_zone),
        o.created_by ? h('span', { class: 'muted' }, ' · by ' + o.created_by) : '')))) : null));
}

function renderOnCall() {
  state.chart = null;
  const cards = h('div', {});
  show(h('h1', {}, 'On call'),
    h('p', { class: 'muted' }, 'Times in each schedule\'s zone' + ', and yours (' + BROWSER_ZONE + ') where it differs. ' +
      'Schedules, users and overrides are set through the API (POST /api/v1/schedules).'),
    cards);
  async function load() {
    const { schedules } = await api('/api/v1/schedules');
    // Each schedule with its overrides and who is on call now; who is next is who is on call at
    // `until`.
    const shown = await Promise.all(schedules.map(async (s) => {
      const detail = await api('/api/v1/schedules/' + encodeURIComponent(s.name));
      const until = detail.on_call.until;
      const next = until ? await api('/api/v1/oncall?' + new URLSearchParams({ schedule: s.name, at: until })) : null;
      return scheduleCard(detail, next);
    }));
    cards.replaceChildren(...(shown.length ? shown
      : [h('p', { class: 'card muted' }, 'No schedules yet. Create users and a schedule with POST /api/v1/users and POST /api/v1/schedules.')]));
  }
  poll(load, 30000);  // who is on call changes at handoffs; the times shown say when
}
