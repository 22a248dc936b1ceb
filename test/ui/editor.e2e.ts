/**
 * The node in n8n's editor, in a real browser: Chromium from Debian's packages driven by playwright-core
 * against `n8n start` with the packed package installed as users install it. Run with `npm run test:ui`.
 * Screenshots of each step go to test/ui/artifacts/ (git-ignored).
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { chromium, type Browser, type Page } from 'playwright-core';

import { HubSpotEmulator } from '../emulator';
import { freePort, locateN8nApp, N8nInstance, packPackage, stopAll, waitUntilAnswering, type LongRunning } from '../e2e/n8nCli';

jest.setTimeout(600_000);

const ARTIFACTS = join(__dirname, 'artifacts');
/** The flags Chromium needs as root in a sandbox with no network but loopback. */
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

const GOOD_TOKEN = 'pat-na1-22222222-3333-4444-5555-666666666666';
const WRONG_TOKEN = 'pat-na1-00000000-0000-0000-0000-000000000000';

const emulator = new HubSpotEmulator();
let n8n: N8nInstance;
let server: LongRunning | undefined;
let browser: Browser | undefined;
let page: Page;
let baseUrl = '';
let tarballDir = '';

async function screenshot(name: string): Promise<void> {
	await page.screenshot({ path: join(ARTIFACTS, `${name}.png`) });
}

beforeAll(async () => {
	mkdirSync(ARTIFACTS, { recursive: true });
	await emulator.start();
	emulator.addToken(GOOD_TOKEN, { kind: 'private' });
	tarballDir = mkdtempSync(join(tmpdir(), 'hubspot-assoc-ui-'));
	const port = await freePort();
	baseUrl = `http://127.0.0.1:${port}`;
	n8n = await N8nInstance.create(locateN8nApp(), { env: { N8N_PORT: String(port), N8N_LISTEN_ADDRESS: '127.0.0.1' } });
	await n8n.installPackage(packPackage(tarballDir));
	server = n8n.startProcess(['start']);
	await waitUntilAnswering(server, `${baseUrl}/rest/settings`, 180_000);
	browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
	page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
});

afterAll(async () => {
	await browser?.close();
	await server?.stop();
	await stopAll();
	await emulator.stop();
	n8n?.dispose();
	if (tarballDir) rmSync(tarballDir, { recursive: true, force: true });
});

describe('the node in the n8n editor', () => {
	it('a new instance: the owner signs up in the form n8n shows first', async () => {
		await page.goto(baseUrl);
		await page.waitForURL(/\/setup/);
		await page.fill('input[name="email"]', 'owner@example.com');
		await page.fill('input[name="firstName"]', 'Editor');
		await page.fill('input[name="lastName"]', 'Owner');
		await page.fill('input[name="password"]', 'Passw0rd-editor-test-1');
		await screenshot('01-owner-sign-up');
		await page.getByRole('button', { name: /next/i }).first().click();
		await page.waitForURL((url) => !url.pathname.startsWith('/setup'));
	});

	it('Credentials → Add: the private app token form, saved and tested against HubSpot, never showing the token', async () => {
		await page.goto(`${baseUrl}/home/credentials/create`);
		await page.locator('[data-test-id="new-credential-type-select"]').click();
		await page.keyboard.type('HubSpot Associations Private');
		await page.locator('[data-test-id="new-credential-type-select-option"]').filter({ hasText: 'HubSpot Associations Private App Token API' }).click();
		await page.locator('[data-test-id="new-credential-type-button"]').click();
		const token = page.locator('[data-test-id="parameter-input-accessToken"] input').first();
		expect(await token.getAttribute('type')).toBe('password');
		expect(await page.locator('a', { hasText: 'docs' }).first().getAttribute('href')).toBe('https://developers.hubspot.com/docs/api/private-apps');
		await token.fill(GOOD_TOKEN);
		await page.locator('[data-test-id="parameter-input-baseUrl"] input').first().fill(emulator.baseUrl);
		await page.locator('[data-test-id="credential-save-button"]').click();
		await page.getByText('Connection tested successfully').waitFor({ timeout: 20_000 });
		await screenshot('03-credential-tested');
		expect(emulator.stats.log.map((e) => e.path)).toContain('/account-info/2026-03/details');

		await token.fill(WRONG_TOKEN);
		await page.locator('[data-test-id="credential-save-button"]').click();
		await page.getByText(/Couldn.t connect with these settings/).waitFor({ timeout: 20_000 });
		await screenshot('04-credential-refused');
		const shown = await page.locator('body').innerText();
		for (const secret of [GOOD_TOKEN, WRONG_TOKEN]) expect(shown).not.toContain(secret);
		await page.keyboard.press('Escape');
	});

	it.each(['HubSpot Associations', 'hubspot association', 'unassociate', 'remove association', 'label'])(
		'the nodes panel of a new workflow finds the node by "%s"',
		async (words) => {
			await page.goto(`${baseUrl}/workflow/new`);
			await page.locator('[data-test-id="node-creator-plus-button"]').click();
			const search = page.locator('[data-test-id="node-creator-search-bar"]').first();
			await search.fill(words);
			const names = page.locator('[data-test-id="node-creator-item-name"]');
			await waitForCount(names.filter({ hasText: /^HubSpot Associations$/ }), 1);
			await screenshot(`02-nodes-panel-${words.replace(/\W+/g, '-').toLowerCase()}`);
		},
	);
});

/** Waits until a locator matches `count` elements (the panel filters as the user types), or fails saying what it saw. */
async function waitForCount(locator: ReturnType<Page['locator']>, count: number, timeoutMs = 10_000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	let seen = -1;
	while (Date.now() < deadline) {
		seen = await locator.count();
		if (seen === count) return;
		await new Promise((resolve) => setTimeout(resolve, 200));
	}
	throw new Error(`expected ${count} element(s) for ${String(locator)}, found ${seen}`);
}
