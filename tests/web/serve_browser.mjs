// scrub serve in a real browser: Debian's chromium driven by playwright-core.
//   node serve_browser.mjs SCRUB SRCROOT
// An instructor signs in, filters the sessions, opens a debrief (its plots and checklist), adds a note and sees
// it; the trainee signs in and sees the note, and cannot open another trainee's session. No page may break its
// Content-Security-Policy or log an error. Screenshots go to $SCRUB_SHOTS_DIR (docs/images when updating the docs)
// or the test's temporary folder.
import { chromium } from 'playwright-core';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const [scrub, root] = process.argv.slice(2);
const here = dirname(fileURLToPath(import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'scrub-web-'));
const shots = process.env.SCRUB_SHOTS_DIR || tmp;
mkdirSync(shots, { recursive: true });
const failures = [];
const check = (cond, what) => {
	console.log((cond ? 'ok   ' : 'FAIL ') + what);
	if (!cond) failures.push(what);
};

const freePort = () => new Promise((res) => {
	const s = createServer();
	s.listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => res(p)); });
});

const fx = JSON.parse(execFileSync('python3', [join(here, '..', 'serve', 'fixture.py'), scrub, root, tmp, '--rich'],
	{ encoding: 'utf8' }));
const port = await freePort();
const base = `http://127.0.0.1:${port}`;
const server = spawn(scrub, ['serve', '--store', fx.store, '--listen', `127.0.0.1:${port}`, '--threads', '4'],
	{ stdio: ['ignore', 'pipe', 'inherit'] });
await new Promise((res, rej) => {
	server.stdout.once('data', (d) => (String(d).includes('listening') ? res() : rej(new Error(String(d)))));
	server.once('exit', (c) => rej(new Error(`scrub serve exited ${c}`)));
});

let browser;
try {
	const ids = [];
	for (const path of fx.records) {
		const r = await fetch(`${base}/api/records`, { method: 'POST', body: readFileSync(path),
			headers: { Authorization: `Bearer ${fx.token}` } });
		const j = await r.json();
		ids.push(j.session_id);
	}
	check(ids.length === fx.records.length && ids.every((x) => x > 0), `uploaded ${ids.length} records`);
	const bobSession = ids[3];

	browser = await chromium.launch({
		executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
		args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu'],
	});
	const problems = [];
	const newPage = async () => {
		const ctx = await browser.newContext({ viewport: { width: 1280, height: 860 }, deviceScaleFactor: 1 });
		const page = await ctx.newPage();
		page.on('console', (m) => { if (m.type() === 'error') problems.push(`${page.url()}: ${m.text()}`); });
		page.on('pageerror', (e) => problems.push(`${page.url()}: ${e.message}`));
		return page;
	};
	const login = async (page, name) => {
		await page.goto(`${base}/login`);
		await page.fill('input[name=name]', name);
		await page.fill('input[name=password]', fx.passwords[name]);
		await Promise.all([page.waitForURL(`${base}/sessions`), page.click('button[type=submit]')]);
	};

	// ---- the instructor ----
	const ins = await newPage();
	await ins.goto(`${base}/login`);
	await ins.screenshot({ path: join(shots, 'serve-login.png') });
	await login(ins, 'ins');
	const rows = await ins.locator('#sessions tbody tr').count();
	check(rows === fx.records.length - 1, `instructor's sessions list: ${rows} rows (bob's is not there)`);
	await ins.screenshot({ path: join(shots, 'serve-sessions.png') });
	await ins.fill('input[name=trainee]', 'alice');
	await ins.selectOption('select[name=result]', 'passed');
	await Promise.all([ins.waitForURL(/trainee=alice/), ins.click('form.filters button[type=submit]')]);
	const names = await ins.locator('#sessions tbody tr td:nth-child(2)').allInnerTexts();
	const badges = await ins.locator('#sessions tbody tr td:nth-child(7)').allInnerTexts();
	check(names.length >= 2 && names.every((n) => n === 'alice'), `filter trainee=alice, passed: ${names.length} rows`);
	check(badges.every((b) => b.includes('passed')), 'every row filtered is passed');

	await Promise.all([ins.waitForURL(/\/sessions\/\d+$/), ins.locator('#sessions a:text("Debrief")').first().click()]);
	const debriefUrl = ins.url();
	const svgs = await ins.locator('.scrub-debrief svg').count();
	check(svgs >= 1, `the debrief has its plots (${svgs} svg)`);
	const polylines = await ins.locator('.scrub-debrief svg polyline, .scrub-debrief svg path').count();
	check(polylines >= 1, `the plots have lines (${polylines})`);
	const items = await ins.locator('#dbf-checklist tbody tr').count();
	check(items >= 3, `the checklist has its items (${items})`);
	await ins.screenshot({ path: join(shots, 'serve-debrief.png') });
	await ins.locator('#dbf-vitals').screenshot({ path: join(shots, 'serve-debrief-vitals.png') });

	const note = 'Good compressions; the pads went on late - talk about pre-charging';
	await ins.fill('.dbf-note-form input[name=t]', '42');
	await ins.fill('.dbf-note-form input[name=text]', note);
	await Promise.all([ins.waitForURL(/#notes$/), ins.click('.dbf-note-form button[type=submit]')]);
	const notes = await ins.locator('#dbf-notes .dbf-note-text').allInnerTexts();
	check(notes.includes(note), 'the instructor sees the note added');
	await ins.locator('#dbf-notes').screenshot({ path: join(shots, 'serve-notes.png') });

	await ins.goto(`${base}/scenarios/bls-aed-adult`);
	const cohortSvgs = await ins.locator('main svg').count();
	const bars = await ins.locator('main svg rect').count();
	check(cohortSvgs >= 2 && bars >= 3, `cohort page: ${cohortSvgs} plots, ${bars} bars`);
	await ins.screenshot({ path: join(shots, 'serve-scenario.png'), fullPage: true });
	await ins.goto(`${base}/trainees/alice`);
	const points = await ins.locator('main svg circle').count();
	check(points >= 3, `trainee page: score over time with ${points} points`);
	await ins.screenshot({ path: join(shots, 'serve-trainee.png'), fullPage: true });
	await Promise.all([ins.waitForURL(`${base}/login`), ins.click('header form button')]);
	check(ins.url() === `${base}/login`, 'sign out');

	// ---- the trainee ----
	const tr = await newPage();
	await login(tr, 'alice');
	await tr.goto(debriefUrl);
	const seen = await tr.locator('#dbf-notes .dbf-note-text').allInnerTexts();
	check(seen.includes(note), "the trainee sees the instructor's note");
	check(await tr.locator('.dbf-note-form').count() === 0, 'the trainee has no note form');
	check(problems.length === 0, `no console errors or CSP violations${problems.length ? ': ' + problems.join(' | ') : ''}`);
	// (after the check above: the browser logs the 404 this asks for)
	const resp = await tr.goto(`${base}/sessions/${bobSession}`);
	check(resp.status() === 404, `the trainee cannot open bob's session (${resp.status()})`);
} catch (e) {
	check(false, `browser test: ${e.stack || e}`);
} finally {
	if (browser) await browser.close();
	server.kill('SIGTERM');
}
console.log(`screenshots in ${shots}`);
if (failures.length) {
	console.log(`${failures.length} failed`);
	process.exit(1);
}
console.log('all passed');
