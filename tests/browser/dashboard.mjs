// End-to-end test of the web dashboard in a real browser (Debian's chromium, driven by
// playwright-core): starts `quell serve` on a free loopback port with a temp data dir, ingests
// alerts over HTTP, signs in with a one-time link from `quell login-link` (which works once),
// finds the incident in the list, opens it, acknowledges it in the browser and checks the state
// through the API; a read-only token (signed in by /login?token=, as scripts do) sees the
// incident but no actions; the Silences page says what is in maintenance now, creates a silence (an API error shown on the field
// first) and expires it, creates a weekly maintenance window (a bad start time shown on its field
// first) and checks its schedule through the API, and a read-only token sees the list without the form; the On call page
// shows who the API says is on call now and next; a page left stops polling; signing out ends the session on the server;
// the API reference (/api/docs) renders every route without signing in. Saves screenshots into
// --artifacts. Fails loudly, never skips.
//
// Usage: node tests/browser/dashboard.mjs --bin build/release/quell [--artifacts DIR]
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';

const CHROMIUM = '/usr/bin/chromium';

function arg(name, fallback) {
  const i = process.argv.indexOf(name);
  return i > 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}

function check(condition, message) {
  if (!condition) throw new Error('check failed: ' + message);
}

// Starts quell on 127.0.0.1:0 and resolves with {child, base, stdout()} once it prints its port.
function startQuell(bin, dataDir) {
  const child = spawn(bin, ['serve', '--listen', '127.0.0.1:0', '--data-dir', dataDir,
    '--set', 'analysis.delay=200ms'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d) => { out += d; });
  child.stderr.on('data', (d) => { process.stderr.write(d); });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('quell did not start in 20s:\n' + out)), 20000);
    child.on('exit', (code) => reject(new Error('quell exited with ' + code + ':\n' + out)));
    const poll = setInterval(() => {
      const m = out.match(/listening on (http:\/\/127\.0\.0\.1:\d+)/);
      if (m && out.includes('Dashboard:')) {
        clearInterval(poll);
        clearTimeout(timer);
        resolve({ child, base: m[1], stdout: () => out });
      }
    }, 50);
  });
}

async function call(base, token, method, urlPath, body) {
  const res = await fetch(base + urlPath, {
    method,
    headers: { Authorization: 'Bearer ' + token, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

async function main() {
  const bin = path.resolve(arg('--bin', 'build/release/quell'));
  const artifacts = path.resolve(arg('--artifacts', 'browser-artifacts'));
  check(fs.existsSync(bin), 'quell binary at ' + bin + ' (build it first)');
  check(fs.existsSync(CHROMIUM), CHROMIUM + ' is installed (scripts/deps.sh --test installs chromium)');
  fs.mkdirSync(artifacts, { recursive: true });
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'quell-browser-'));
  let quell = null;
  let browser = null;
  try {
    quell = await startQuell(bin, dataDir);
    const { base } = quell;
    const token = fs.readFileSync(path.join(dataDir, 'admin.token'), 'utf8').trim();
    // stdout is a pipe here (as under systemd or docker): no link, and never the token.
    check(!quell.stdout().includes(token) && !quell.stdout().includes('/login?'),
      'serve prints no sign-in link and no token when stdout is not a terminal');
    check(quell.stdout().includes('quell login-link --data-dir ' + dataDir), 'serve says how to get a link');
    const link = execFileSync(bin, ['login-link', '--data-dir', dataDir]).toString().trim()
      .replace(/^http:\/\/127\.0\.0\.1:8080/, base);
    check(/\/login\?code=qc_[0-9a-f]{32}$/.test(link), 'login-link prints a one-time link: ' + link);

    // An alert sent twice: one incident, one duplicate folded.
    const alert = { service: 'payments', error: 'Connection pool exhausted', severity: 'critical', labels: { instance: 'pay-1' } };
    const first = await call(base, token, 'POST', '/api/v1/alerts', alert);
    check(first.status === 202, 'alert accepted: ' + JSON.stringify(first.body));
    const id = first.body.incident_id;
    const again = await call(base, token, 'POST', '/api/v1/alerts', alert);
    check(again.body.duplicate === true && again.body.incident_id === id, 'the repeat is a duplicate');

    browser = await chromium.launch({
      executablePath: CHROMIUM, headless: true,
      args: process.getuid && process.getuid() === 0 ? ['--no-sandbox'] : [],
    });
    // A browser zone other than the schedule's, so the On call page shows both.
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, timezoneId: 'Europe/Berlin' });
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    // The browser logs every 4xx answer; the two 400s the silence form is meant to get (a bad
    // matcher, a bad weekly start) are not errors.
    let refusedSilences = 0;
    page.on('console', (m) => {
      if (m.type() !== 'error') return;
      if (m.location().url === base + '/api/v1/silences' && m.text().includes('400') && ++refusedSilences <= 2) return;
      errors.push(m.text() + ' (' + m.location().url + ')');
    });

    // Sign in with the link: the code leaves the address bar; the session cookie is HttpOnly
    // and holds a session id, not the token.
    await page.goto(link);
    check(page.url() === base + '/', 'redirected to / after sign-in, got ' + page.url());
    const cookies = await context.cookies();
    const session = cookies.find((c) => c.name === 'quell_session');
    check(session && session.httpOnly && session.sameSite === 'Strict', 'HttpOnly SameSite=Strict session cookie');
    check(!session.value.includes(token), 'the cookie holds a session id, not the token');
    const reused = await fetch(link, { redirect: 'manual' });
    check(reused.status === 401, 'the link works once, got ' + reused.status);

    // The list shows the incident and the noise figures (3 alerts received incl. a duplicate).
    const row = page.locator(`a[data-incident-id="${id}"]`);
    await row.waitFor({ timeout: 15000 });
    check((await row.innerText()).includes('Connection pool exhausted'), 'incident title in the list');
    await page.locator('.noise').waitFor();
    const noise = await page.locator('.noise').innerText();
    check(/2\s*alerts received/.test(noise) && /1\s*duplicates folded/.test(noise), 'noise figures: ' + noise);
    check(await page.locator('.chart canvas').count() > 0, 'the uPlot chart is drawn');
    await page.screenshot({ path: path.join(artifacts, 'dashboard-list.png'), fullPage: true });

    // Open it, acknowledge with a note.
    await row.click();
    await page.locator('h1', { hasText: '#' + id }).waitFor();
    await page.getByLabel('Note').fill('looking at the pool');
    await page.getByRole('button', { name: 'Acknowledge' }).click();
    await page.locator('.badge.st-acknowledged').first().waitFor({ timeout: 10000 });
    const state = await call(base, token, 'GET', '/api/v1/incidents/' + id);
    check(state.body.status === 'acknowledged', 'API says acknowledged, got ' + state.body.status);
    check(state.body.timeline.some((e) => e.kind === 'acked' && e.note === 'looking at the pool' && e.actor === 'admin'),
      'timeline has the ack with actor and note');
    await page.locator('.timeline .k-acked').waitFor({ timeout: 10000 });
    await page.locator('.escalation', { hasText: 'not escalated (acknowledged)' }).waitFor({ timeout: 10000 });

    // A silence by matchers: the incident view shows the badge with the silence's id.
    const silence = await call(base, token, 'POST', '/api/v1/silences',
      { matchers: [{ name: 'service', op: '=', value: 'payments' }], duration: '1h', comment: 'pool work' });
    check(silence.status === 201, 'silence created: ' + JSON.stringify(silence.body));
    const silenced = page.locator(`h1 + p .badge.silenced[data-silenced-by="${silence.body.id}"]`);
    await silenced.waitFor({ timeout: 15000 });
    await page.screenshot({ path: path.join(artifacts, 'dashboard-incident.png'), fullPage: true });

    // The Silences page: the silence made through the API is active; one starting in an hour
    // is pending.
    const later = await call(base, token, 'POST', '/api/v1/silences', { matchers: [{ name: 'environment', op: '=', value: 'prod' }],
      starts_at: new Date(Date.now() + 3600e3).toISOString(), duration: '30m', comment: 'db upgrade' });
    check(later.status === 201, 'pending silence created: ' + JSON.stringify(later.body));
    // A weekly maintenance window (UTC) open since an hour ago: in maintenance now.
    const hourAgo = new Date(Date.now() - 3600e3);
    const weekly = await call(base, token, 'POST', '/api/v1/silences', { matchers: [{ name: 'service', op: '=', value: 'postgres' }],
      comment: 'weekly patching', schedule: { time_zone: 'UTC', weekly: [{ day: ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'][hourAgo.getUTCDay()],
        start: hourAgo.toISOString().slice(11, 16), duration: '2h' }] } });
    check(weekly.status === 201 && weekly.body.state === 'active', 'maintenance window created, active: ' + JSON.stringify(weekly.body));
    await page.locator('nav.views a', { hasText: 'Silences' }).click();
    await page.locator(`section[data-silence-state="active"] tr[data-silence-id="${silence.body.id}"]`).waitFor({ timeout: 10000 });
    await page.locator(`section[data-silence-state="pending"] tr[data-silence-id="${later.body.id}"]`, { hasText: 'starts in' }).waitFor();
    const maintenance = page.locator('section.maintenance[data-in-maintenance="yes"]');
    check((await maintenance.innerText()).includes('In maintenance now'), 'in maintenance now');
    await maintenance.locator(`li[data-silence-id="${weekly.body.id}"]`, { hasText: 'weekly patching' }).waitFor();
    check((await page.locator(`tr[data-silence-id="${weekly.body.id}"]`).innerText()).includes('weekly, UTC: '),
      'the window is described in its row');
    // A regex that does not compile: the API's 400 is shown beside the form on the field it
    // names, and nothing typed is lost.
    const form = page.locator('#silence-form');
    await form.locator('.m-name').fill('service');
    await form.locator('.m-op').selectOption('=~');
    await form.locator('.m-value').fill('(');
    await form.getByLabel('Comment').fill('browser silence');
    await form.getByRole('button', { name: 'Create silence' }).click();
    await page.locator('#silence-error', { hasText: 'matchers[0].value' }).waitFor({ timeout: 10000 });
    check(await form.locator('.m-value').getAttribute('aria-invalid') === 'true', 'the bad field is marked');
    check(await form.getByLabel('Comment').inputValue() === 'browser silence', 'the comment survives the error');
    check((await call(base, token, 'GET', '/api/v1/silences')).body.silences.length === 3, 'nothing created by the bad request');
    await page.screenshot({ path: path.join(artifacts, 'dashboard-silence-error.png'), fullPage: true });
    // Fixed, with a second matcher: created, as the API shows.
    await form.locator('.m-value').fill('check.*');
    await form.getByRole('button', { name: 'Add matcher' }).click();
    await form.locator('.m-name').nth(1).fill('environment');
    await form.locator('.m-op').nth(1).selectOption('!=');
    await form.locator('.m-value').nth(1).fill('staging');
    await form.getByRole('button', { name: 'Create silence' }).click();
    let made = null;
    for (let i = 0; i < 100 && !made; i++) {
      made = (await call(base, token, 'GET', '/api/v1/silences')).body.silences.find((x) => x.comment === 'browser silence');
      if (!made) await new Promise((r) => setTimeout(r, 100));
    }
    check(made, 'the silence made in the browser is in the API');
    check(JSON.stringify(made.matchers) === JSON.stringify([{ name: 'service', op: '=~', value: 'check.*' },
      { name: 'environment', op: '!=', value: 'staging' }]), 'its matchers: ' + JSON.stringify(made.matchers));
    check(made.created_by === 'admin' && made.state === 'active', 'by the signed-in token, active: ' + JSON.stringify(made));
    check(Date.parse(made.ends_at) - Date.parse(made.starts_at) === 2 * 3600e3, 'lasts the 2h asked: ' + JSON.stringify(made));
    const madeRow = page.locator(`section[data-silence-state="active"] tr[data-silence-id="${made.id}"]`);
    await madeRow.waitFor({ timeout: 10000 });
    check((await madeRow.innerText()).includes('service=~check.*'), 'the row shows its matchers');
    check(await page.locator('#silence-error').innerText() === '', 'the error is gone after a success');
    await page.screenshot({ path: path.join(artifacts, 'dashboard-silences.png'), fullPage: true });
    // Expired from its row: the API says so and the row moves to the expired list.
    await page.locator(`button[data-expire="${made.id}"]`).click();
    await page.locator(`section[data-silence-state="expired"] tr[data-silence-id="${made.id}"]`).waitFor({ timeout: 10000 });
    const expired = (await call(base, token, 'GET', '/api/v1/silences')).body.silences.find((x) => x.id === made.id);
    check(expired.state === 'expired', 'API says expired, got ' + expired.state);

    // A weekly maintenance window from the same form, in the browser's zone (the default): a bad
    // start time is refused and shown on its input; fixed, the API holds the schedule entered.
    await form.getByLabel('Repeats').selectOption('weekly');
    check(await form.getByLabel('Time zone').inputValue() === 'Europe/Berlin', 'the zone defaults to the browser\'s');
    check(await page.locator('#s-ends').inputValue() === 'never', 'a weekly window ends never by default');
    await form.getByLabel('Comment').fill('browser window');
    await form.locator('.w-day').selectOption('sat');
    await form.locator('.w-start').fill('25:00');
    await form.locator('.w-duration').fill('3h');
    await form.getByRole('button', { name: 'Add window' }).click();
    await form.locator('.w-day').nth(1).selectOption('wed');
    await form.locator('.w-start').nth(1).fill('22:30');
    await form.locator('.w-duration').nth(1).fill('1h');
    await form.getByRole('button', { name: 'Create silence' }).click();
    await page.locator('#silence-error', { hasText: 'schedule.weekly[0].start' }).waitFor({ timeout: 10000 });
    check(await form.locator('.w-start').first().getAttribute('aria-invalid') === 'true', 'the bad start is marked');
    check(!(await call(base, token, 'GET', '/api/v1/silences')).body.silences.some((x) => x.comment === 'browser window'),
      'nothing created by the bad start');
    await page.screenshot({ path: path.join(artifacts, 'dashboard-maintenance-error.png'), fullPage: true });
    await form.locator('.w-start').first().fill('01:30');
    await form.getByRole('button', { name: 'Create silence' }).click();
    let mw = null;
    for (let i = 0; i < 100 && !mw; i++) {
      mw = (await call(base, token, 'GET', '/api/v1/silences')).body.silences.find((x) => x.comment === 'browser window');
      if (!mw) await new Promise((r) => setTimeout(r, 100));
    }
    check(mw, 'the maintenance window made in the browser is in the API');
    check(JSON.stringify(mw.schedule) === JSON.stringify({ time_zone: 'Europe/Berlin', weekly: [
      { day: 'sat', start: '01:30', duration: '3h' }, { day: 'wed', start: '22:30', duration: '1h' }] }),
    'its schedule: ' + JSON.stringify(mw.schedule));
    check(mw.ends_at === null, 'no end: ' + JSON.stringify(mw));
    const windowRow = page.locator(`tr[data-silence-id="${mw.id}"]`);
    await windowRow.waitFor({ timeout: 10000 });
    check((await windowRow.innerText()).includes('weekly, Europe/Berlin: sat 01:30 for 3h; wed 22:30 for 1h'),
      'its row shows the windows: ' + await windowRow.innerText());
    await page.screenshot({ path: path.join(artifacts, 'dashboard-maintenance-form.png'), fullPage: true });

    // The On call page: a daily rotation of ana then bo in New York whose first shift began an
    // hour ago. The page shows whom the API names now, until when, and next.
    for (const name of ['ana', 'bo'])
      check((await call(base, token, 'POST', '/api/v1/users', { name })).status === 201, 'user ' + name);
    const sched = await call(base, token, 'POST', '/api/v1/schedules', { name: 'primary', time_zone: 'America/New_York',
      layers: [{ users: ['ana', 'bo'], rotation: '24h', handoff: new Date(Date.now() - 3600e3).toISOString() }] });
    check(sched.status === 201, 'schedule created: ' + JSON.stringify(sched.body));
    const now = (await call(base, token, 'GET', '/api/v1/oncall?schedule=primary')).body;
    const next = (await call(base, token, 'GET', '/api/v1/oncall?schedule=primary&at=' + encodeURIComponent(now.until))).body;
    check(now.user === 'ana' && next.user === 'bo', 'API: ana now, bo next; got ' + now.user + ', ' + next.user);
    await page.locator('nav.views a', { hasText: 'On call' }).click();
    const card = page.locator('section[data-schedule="primary"]');
    await card.locator('dd[data-now]').waitFor({ timeout: 10000 });
    check(await card.locator('dd[data-now]').getAttribute('data-now') === now.user, 'on call now as the API says');
    check((await card.locator('dd[data-now]').innerText()).trim() === now.user, 'the name is shown');
    check(await card.locator('dd[data-until]').getAttribute('data-until') === now.until, 'until as the API says');
    const untilText = await card.locator('dd[data-until]').innerText();
    check(/E[SD]T/.test(untilText) && /your time .*(CET|CEST|GMT\+1|GMT\+2)/.test(untilText), 'until in both zones: ' + untilText);
    check(await card.locator('dd[data-next]').getAttribute('data-next') === next.user, 'next as the API says');
    check(await page.locator('nav.views a[aria-current="page"]').innerText() === 'On call', 'the nav marks the page');
    await page.screenshot({ path: path.join(artifacts, 'dashboard-oncall.png'), fullPage: true });

    // An escalation policy: a new incident is given it, and its page shows the policy's progress
    // as the API does (step 1 taken at once, step 2 due in 15 minutes).
    const policy = await call(base, token, 'POST', '/api/v1/escalation-policies', { name: 'default',
      steps: [{ after: '0m', notify: [{ schedule: 'primary' }] }, { after: '15m', notify: [{ user: 'bo' }] }] });
    check(policy.status === 201, 'policy created: ' + JSON.stringify(policy.body));
    const paged = await call(base, token, 'POST', '/api/v1/alerts', { service: 'search', error: 'index stale' });
    check(paged.status === 202, 'alert for the policy: ' + JSON.stringify(paged.body));
    await page.goto(base + '/#/incidents/' + paged.body.incident_id);
    const line = page.locator('.escalation[data-escalated="policy"]', { hasText: '1 of 2 steps taken' });
    await line.waitFor({ timeout: 15000 });
    const lineText = await line.innerText();
    check(/policy default/.test(lineText) && /next: step 2 at/.test(lineText), 'the policy line: ' + lineText);
    const shown = (await call(base, token, 'GET', '/api/v1/incidents/' + paged.body.incident_id)).body.escalation;
    check(shown.policy === 'default' && shown.steps_taken === 1 && shown.next_step.step === 2, 'API: ' + JSON.stringify(shown));

    // Leaving a view stops its polling, also when the view's request is still in flight as it is
    // left: the incident is not asked for again once that request is answered.
    const incidentUrl = `**/api/v1/incidents/${paged.body.incident_id}`;
    let incidentRequests = 0;
    let release;
    const held = new Promise((r) => { release = r; });
    await page.route(incidentUrl, async (route) => { incidentRequests++; await held; await route.continue(); });
    for (let i = 0; i < 100 && incidentRequests === 0; i++) await new Promise((r) => setTimeout(r, 100));
    check(incidentRequests === 1, 'the incident page polls its incident');
    await page.locator('nav.views a', { hasText: 'Silences' }).click();
    await page.locator('section[data-silence-state="active"]').waitFor({ timeout: 10000 });
    release();
    await page.waitForTimeout(7000);  // longer than a poll (5 s)
    check(incidentRequests === 1, 'no polling of the incident after leaving its page: ' + incidentRequests + ' requests');
    await page.unroute(incidentUrl);

    // A read-only token sees the incident but cannot act.
    const reader = execFileSync(bin, ['token', 'create', '--data-dir', dataDir, '--name', 'viewer', '--scope', 'read'])
      .toString().trim();
    const readContext = await browser.newContext({ viewport: { width: 390, height: 844 } });  // a phone
    const readPage = await readContext.newPage();
    await readPage.goto(base + '/login?token=' + reader);
    await readPage.goto(base + '/#/incidents/' + id);
    await readPage.locator('#read-only').waitFor({ timeout: 10000 });
    check(await readPage.getByRole('button', { name: 'Acknowledge' }).count() === 0, 'no action buttons for read');
    await readPage.screenshot({ path: path.join(artifacts, 'dashboard-phone-readonly.png'), fullPage: true });
    // Silences: the list, no form, no Expire buttons.
    await readPage.goto(base + '/#/silences');
    await readPage.locator(`section[data-silence-state="active"] tr[data-silence-id="${silence.body.id}"]`).waitFor({ timeout: 10000 });
    check(await readPage.locator('#read-only').count() === 1, 'the read-only note is shown');
    check(await readPage.locator('#silence-form').count() === 0, 'no create form for read');
    check(await readPage.locator('button[data-expire]').count() === 0, 'no Expire buttons for read');
    await readPage.screenshot({ path: path.join(artifacts, 'dashboard-phone-silences-readonly.png'), fullPage: true });

    // Signing out clears the cookie and ends the session on the server: a copy of the cookie
    // gets 401.
    const sessionCookie = 'quell_session=' + session.value;
    check((await fetch(base + '/api/v1/me', { headers: { Cookie: sessionCookie } })).status === 200,
      'the session works before signing out');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(base + '/login');
    check(!(await context.cookies()).some((c) => c.name === 'quell_session'), 'session cookie cleared');
    const replayed = await fetch(base + '/api/v1/me', { headers: { Cookie: sessionCookie } });
    check(replayed.status === 401, 'the session ended on the server, got ' + replayed.status);

    // The API reference (/api/docs, public) renders every route of /api/openapi.json with its
    // scope, and the error shape, loading nothing from elsewhere.
    const docsContext = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const docsPage = await docsContext.newPage();
    const foreign = [];
    docsPage.on('request', (r) => { if (!r.url().startsWith(base + '/')) foreign.push(r.url()); });
    docsPage.on('pageerror', (e) => errors.push(e.message));
    await docsPage.goto(base + '/api/docs');
    await docsPage.locator('#routes li').first().waitFor({ timeout: 10000 });
    const described = await (await fetch(base + '/api/openapi.json')).json();
    const operations = Object.values(described.paths)
      .flatMap((item) => Object.keys(item).filter((k) => ['get', 'put', 'post', 'delete', 'patch'].includes(k)));
    check(operations.length > 20, 'the description lists the routes, got ' + operations.length);
    check(await docsPage.locator('#routes li').count() === operations.length, 'every route is listed');
    const alertsCard = docsPage.locator('[data-route="POST /api/v1/alerts"]');
    check((await alertsCard.locator('.scope').textContent()).includes('ingest'), 'the alert route shows its scope');
    check(await alertsCard.locator('tr[data-status="422"]').count() === 1, 'the alert route shows its answers');
    check(await docsPage.locator('#schema-Error').count() === 1, 'the error shape is shown');
    const bodyType = await docsPage.locator('#schema-GenericAlertBody h3').textContent();
    check(bodyType.includes('GenericAlert or array of GenericAlert'), 'schema types read as text, got ' + bodyType);
    check(foreign.length === 0, 'the API reference loads nothing from elsewhere: ' + foreign.join(', '));
    await docsPage.screenshot({ path: path.join(artifacts, 'api-docs.png') });

    check(errors.length === 0, 'no script errors in the page: ' + errors.join('; '));
    console.log('dashboard browser test passed; screenshots in ' + artifacts);
  } finally {
    if (browser) await browser.close().catch(() => {});
    if (quell) {
      quell.child.removeAllListeners('exit');
      process.kill(quell.child.pid, 'SIGTERM');
      await new Promise((r) => { quell.child.on('exit', r); setTimeout(r, 5000); });
    }
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

main().then(() => process.exit(0), (e) => {
  console.error('dashboard browser test FAILED: ' + (e.stack || e));
  process.exit(1);
});
