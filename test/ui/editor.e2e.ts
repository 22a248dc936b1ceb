/**
 * The node in n8n's editor, in a real browser: Chromium from Debian's packages driven by playwright-core
 * against `n8n start` with the packed package installed as users install it (see editorRig.ts). Run with
 * `npm run test:ui`. Screenshots of each step go to test/ui/artifacts/ (git-ignored); `npm run
 * docs:images` copies three of them to docs/images/ for the README.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

import type { Locator, Page } from 'playwright-core';

import { NODE_TYPE, type WorkflowJson } from '../e2e/n8nCli';
import { CUSTOM_OBJECT_COUNT, GOOD_TOKEN, startEditorRig, WRONG_TOKEN, type EditorRig } from './editorRig';

jest.setTimeout(600_000);

const ARTIFACTS = join(__dirname, 'artifacts');
const OWNER = { email: 'owner@example.com', password: 'Passw0rd-editor-test-1' };
const ACTIONS = ['Archive associations', 'Remove all associations of records', 'Remove association labels'];

let rig: EditorRig;
let page: Page;
/** The private app token credential the owner saves in the form, used by the workflows below. */
let credential = { id: '', name: '' };

async function screenshot(name: string): Promise<void> {
	await page.screenshot({ path: join(ARTIFACTS, `${name}.png`) });
}

beforeAll(async () => {
	rmSync(ARTIFACTS, { recursive: true, force: true });
	mkdirSync(ARTIFACTS, { recursive: true });
	rig = await startEditorRig();
	page = rig.page;
	page.setDefaultTimeout(20_000);
});

let step = 0;
afterEach(async () => {
	// What the page showed at the end of each test, to read when one fails.
	await page?.screenshot({ path: join(ARTIFACTS, `end-of-test-${++step}.png`) }).catch(() => undefined);
});

afterAll(async () => {
	await rig?.stop();
});

describe('the node in the n8n editor', () => {
	it('a new instance: the owner signs up in the form n8n shows first', async () => {
		await page.goto(rig.baseUrl);
		await page.waitForURL(/\/setup/);
		await page.fill('input[name="email"]', OWNER.email);
		await page.fill('input[name="firstName"]', 'Editor');
		await page.fill('input[name="lastName"]', 'Owner');
		await page.fill('input[name="password"]', OWNER.password);
		await screenshot('01-owner-sign-up');
		await page.getByRole('button', { name: /next/i }).first().click();
		await page.waitForURL((url) => !url.pathname.startsWith('/setup'));
	});

	it('Credentials → Add: the private app token form, saved and tested against HubSpot, never showing the token', async () => {
		const { emulator } = rig;
		await page.goto(`${rig.baseUrl}/home/credentials/create`);
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
		// Saved again with the good token: the workflows below use this credential.
		await token.fill(GOOD_TOKEN);
		await page.locator('[data-test-id="credential-save-button"]').click();
		await page.getByText('Connection tested successfully').waitFor({ timeout: 20_000 });
		await page.keyboard.press('Escape');
		const saved = (await rest('GET', '/credentials')) as Array<{ id: string; name: string; type: string }>;
		const mine = saved.find((c) => c.type === 'hubSpotAssociationsAppTokenApi');
		if (!mine) throw new Error(`the saved credential is not listed: ${JSON.stringify(saved)}`);
		credential = { id: mine.id, name: mine.name };
	});

	it('a new workflow: the nodes panel finds the node by its name and by the words a user types, shows its icon and its three actions', async () => {
		await page.goto(`${rig.baseUrl}/workflow/new`);
		await page.locator('[data-test-id="node-creator-plus-button"]').click();
		const search = page.locator('[data-test-id="node-creator-search-bar"]').first();
		const found = page.locator('[data-test-id="node-creator-item-name"]').filter({ hasText: /^HubSpot Associations$/ });
		for (const words of ['hubspot association', 'unassociate', 'remove association', 'label', 'HubSpot Associations']) {
			await search.fill(words);
			await waitForCount(found, 1, `the nodes panel searched for "${words}"`);
		}
		await screenshot('05-nodes-panel-search');
		await expectIconRenders(page.locator('[data-test-id="node-creator"] img[src*="hubspot"]').first(), /hubspot\.svg/);
		await found.click();
		for (const action of ACTIONS) await page.locator('[data-test-id="node-creator"]').getByText(action, { exact: true }).waitFor();
		await screenshot('06-nodes-panel-actions');
	});

	it('the node after a pinned HubSpot Trigger, in dark theme: its icon, then the object type dropdowns list standard and custom objects, filter, take a typed id, and answer as quickly with 500 custom objects', async () => {
		const id = await createWorkflow(triggerWorkflow());
		await page.goto(`${rig.baseUrl}/workflow/${id}?theme=dark`);
		const canvasNode = page.locator('[data-node-name="HubSpot Associations"]').first();
		await canvasNode.waitFor();
		await expectIconRenders(canvasNode.locator('img').first(), /hubspot\.dark\.svg/);
		await openNode('HubSpot Associations');

		const from = page.locator('[data-test-id="resource-locator-fromObjectType"]');
		const rlcItems = page.locator('[role="dialog"] [data-test-id="rlc-item"]');
		await from.locator('[data-test-id="rlc-input"]').click();
		await rlcItems.filter({ hasText: /^Contacts$/ }).waitFor();
		const shown = await rlcItems.allInnerTexts();
		expect(shown.slice(0, 3).map((t) => t.trim())).toEqual(['Contacts', 'Companies', 'Deals']);
		await page.locator('[role="dialog"] [data-test-id="rlc-search"]').fill('car');
		await waitForTexts(rlcItems, ['Carts', 'Cars'], 'the From Object Type list searched for "car"');
		await screenshot('07-object-type-search');
		await page.locator('[role="dialog"] [data-test-id="rlc-search"]').fill('assets 499');
		await waitForTexts(rlcItems, ['Assets 499'], 'the From Object Type list searched for a custom object far down the list');
		await closeList();

		// Each dropdown opened three times with the account's 500 custom objects and three times with two:
		// the time from the click to the first option on screen, compared within this run.
		const opened = { many: [] as number[], few: [] as number[] };
		const fewSchemas = { results: rig.emulator.types.customObjects().slice(0, 2) };
		for (let round = 0; round < 3; round++) {
			for (const kind of ['many', 'few'] as const) {
				rig.emulator.faults.clear();
				if (kind === 'few') rig.emulator.faults.onPath('/schemas', { status: 200, body: fewSchemas });
				opened[kind].push(await timeToFirstOption(page.locator('[data-test-id="resource-locator-toObjectType"] [data-test-id="rlc-input"]'), '[role="dialog"] [data-test-id="rlc-item"]'));
				await closeList();
			}
		}
		rig.emulator.faults.clear();
		const median = (values: number[]) => [...values].sort((a, b) => a - b)[1];
		console.log(`object type dropdown, click to first option (ms): ${CUSTOM_OBJECT_COUNT} custom objects ${opened.many.map(Math.round).join(', ')}; 2 custom objects ${opened.few.map(Math.round).join(', ')}`);
		expect(median(opened.many)).toBeLessThan(1.5 * median(opened.few));

		// An id typed by hand: the mode switch, then a custom object's id.
		await from.locator('[data-test-id="rlc-mode-selector"]').click();
		await page.getByRole('option', { name: 'By ID' }).click();
		const typed = from.locator('[data-test-id="rlc-input"]');
		await typed.fill('2-3001');
		expect(await typed.inputValue()).toBe('2-3001');
	});

	it('the parameters each operation shows, and the subtitle under the node on the canvas names the action', async () => {
		const visible = async () =>
			(await page.locator('[data-test-id="ndv"] [data-test-id="node-parameters"] [data-test-id^="parameter-input-"]').evaluateAll((els) => els.filter((e) => e.getClientRects().length > 0).map((e) => e.getAttribute('data-test-id')))).filter(
				(n) => n !== 'parameter-input-field' && n !== 'parameter-input-hint',
			);
		const expected: Record<string, string[]> = {
			'Archive Associations': ['operation', 'fromObjectType', 'toObjectType', 'fromId', 'toIds', 'apiVersion'],
			'Remove All Associations of Records': ['operation', 'fromObjectType', 'toObjectType', 'fromId', 'labelFilter', 'apiVersion'],
			'Remove Association Labels': ['operation', 'fromObjectType', 'toObjectType', 'fromId', 'toIds', 'labelSource', 'labels', 'apiVersion'],
		};
		for (const [operation, names] of Object.entries(expected)) {
			await selectOption('operation', operation);
			await waitUntil(async () => JSON.stringify(await visible()) === JSON.stringify(names.map((n) => `parameter-input-${n}`)), async () => `${operation} shows ${JSON.stringify(await visible())}, expected ${JSON.stringify(names)}`);
		}
		await selectOption('labelSource', 'By Type ID and Category');
		await page.locator('[data-test-id="parameter-item"]').filter({ hasText: 'Add Label' }).first().waitFor();
		await selectOption('labelSource', 'From List');
		await page.locator('[data-test-id="ndv-close-button"]').click();
		const subtitle = await page.locator('[data-node-name="HubSpot Associations"]').first().innerText();
		expect(subtitle).toContain('Remove association labels');
		expect(subtitle).not.toMatch(/archive(All|Labels)/);
	});
});

// ---- the workflows ------------------------------------------------------------------------------------

/** A node as n8n exports and imports it. */
type WorkflowNode = WorkflowJson['nodes'][number];

function hubspotNode(name: string, position: [number, number], parameters: Record<string, unknown>): WorkflowNode {
	return {
		name,
		type: NODE_TYPE,
		typeVersion: 2,
		position,
		parameters: { authentication: 'appToken', ...parameters },
		credentials: { hubSpotAssociationsAppTokenApi: credential },
	};
}

const connect = (...pairs: Array<[string, string]>) => {
	const connections: Record<string, { main: Array<Array<{ node: string; type: string; index: number }>> }> = {};
	for (const [from, to] of pairs) {
		connections[from] ??= { main: [[]] };
		connections[from].main[0].push({ node: to, type: 'main', index: 0 });
	}
	return connections;
};

/** A HubSpot Trigger with a pinned contact event, then the node to set up: Remove Association Labels, no types chosen yet. */
function triggerWorkflow() {
	return {
		name: 'Contact changed: remove the billing label',
		nodes: [
			{ name: 'HubSpot Trigger', type: 'n8n-nodes-base.hubspotTrigger', typeVersion: 1, position: [0, 0], parameters: {}, webhookId: 'b7e0b5d4-4c2a-4a57-9d55-0c1f5d7e2a11' },
			hubspotNode('HubSpot Associations', [300, 0], { operation: 'archiveLabels', fromId: '={{ $json.objectId }}', toIds: '={{ $json.companyId }}' }),
		],
		connections: connect(['HubSpot Trigger', 'HubSpot Associations']),
		pinData: { 'HubSpot Trigger': [{ json: { objectId: 1, companyId: 11, subscriptionType: 'contact.propertyChange', propertyName: 'lifecyclestage' } }] },
		settings: { executionOrder: 'v1' },
	};
}

// ---- helpers ------------------------------------------------------------------------------------------

/**
 * n8n's REST API from inside the page, as the editor calls it: with the session cookie and the browser id
 * n8n ties the session to (the owner signed in above).
 */
async function rest(method: 'GET' | 'POST', path: string, data?: unknown): Promise<unknown> {
	const call = `fetch(${JSON.stringify(`${rig.baseUrl}/rest${path}`)}, {
		method: ${JSON.stringify(method)},
		credentials: 'include',
		headers: { 'Content-Type': 'application/json', 'browser-id': localStorage.getItem('n8n-browserId') ?? '' },
		body: ${data === undefined ? 'undefined' : JSON.stringify(JSON.stringify(data))},
	}).then(async (r) => ({ status: r.status, text: await r.text() }))`;
	const { status, text } = (await page.evaluate(call)) as { status: number; text: string };
	if (status !== 200) throw new Error(`${method} /rest${path} answered ${status}: ${text.slice(0, 500)}`);
	return (JSON.parse(text) as { data: unknown }).data;
}

async function createWorkflow(workflow: unknown): Promise<string> {
	const created = (await rest('POST', '/workflows', workflow)) as { id: string };
	return created.id;
}

/** Closes an object type list if it is still open. */
async function closeList(): Promise<void> {
	const open = page.locator('[role="dialog"] [data-test-id="rlc-item"]');
	if ((await open.count()) > 0) await page.locator('[data-test-id="ndv"] [data-test-id="tab-params"]').click();
	await waitForCount(open, 0, 'the object type list, closed');
}

async function openNode(name: string): Promise<void> {
	await page.locator(`[data-node-name="${name}"]`).first().dblclick();
	await page.locator('[data-test-id="ndv"]').waitFor();
}

async function selectOption(parameter: string, option: string): Promise<void> {
	await page.locator(`[data-test-id="parameter-input-${parameter}"]`).click();
	// The list slides in: clicked without waiting for it to stand still.
	await page.locator('.el-select-dropdown__item:visible').filter({ hasText: new RegExp(`^${option}`) }).first().dispatchEvent('click');
}

/**
 * Clicks `trigger` and measures, in the page, the time from the click to the first element matching
 * `selector` on screen: what the user waits for, without the test driver's own delays.
 */
async function timeToFirstOption(trigger: Locator, selector: string): Promise<number> {
	// In-page code, as text: this project compiles without the DOM's types.
	await page.evaluate(`window.openedIn = new Promise((resolve) => {
		document.addEventListener('click', () => {
			const t0 = performance.now();
			const tick = () => {
				const shown = [...document.querySelectorAll(${JSON.stringify(selector)})].some((e) => e.getClientRects().length > 0);
				if (shown) resolve(performance.now() - t0);
				else if (performance.now() - t0 > 20000) resolve(-1);
				else requestAnimationFrame(tick);
			};
			tick();
		}, { once: true, capture: true });
	}); undefined`);
	await trigger.click();
	const ms = Number(await Promise.race([page.evaluate('window.openedIn'), new Promise((resolve) => setTimeout(() => resolve(-1), 25_000))]));
	if (!(ms >= 0)) throw new Error(`nothing matching ${selector} showed within 20 s of the click`);
	return ms;
}

/** The image is loaded from the expected file and drawn (not a broken image). */
async function expectIconRenders(img: Locator, src: RegExp): Promise<void> {
	await img.waitFor();
	const drawn = async () => Boolean(await img.evaluate((e) => (e as unknown as { complete: boolean; naturalWidth: number }).complete && (e as unknown as { naturalWidth: number }).naturalWidth > 0));
	await waitUntil(drawn, async () => `the icon ${await img.getAttribute('src')} did not render`);
	expect(await img.getAttribute('src')).toMatch(src);
}

async function waitUntil(check: () => Promise<boolean>, describe: () => Promise<string>, timeoutMs = 15_000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (Date.now() < deadline) {
		if (await check()) return;
		await new Promise((resolve) => setTimeout(resolve, 200));
	}
	throw new Error(await describe());
}

/** Waits until a locator matches `count` elements (the panel filters as the user types), or fails saying what it saw. */
async function waitForCount(locator: Locator, count: number, what: string): Promise<void> {
	await waitUntil(async () => (await locator.count()) === count, async () => `${what}: expected ${count} match(es), found ${await locator.count()}`);
}

/** Waits until the locator's texts are exactly `texts`, in order, or fails showing what was on screen. */
async function waitForTexts(locator: Locator, texts: string[], what: string): Promise<void> {
	const current = async () => (await locator.allInnerTexts()).map((t) => t.trim());
	await waitUntil(async () => JSON.stringify(await current()) === JSON.stringify(texts), async () => `${what}: expected ${JSON.stringify(texts)}, saw ${JSON.stringify(await current())}`);
}
