/**
 * The node in n8n's editor, in a real browser (Debian's chromium, or the one CHROMIUM_PATH names)
 * driven by playwright-core against `n8n start` with the packed package installed as users install
 * it (see editorRig.ts). Run with `npm run test:ui`. Screenshots of each step go to
 * test/ui/artifacts/ (git-ignored); `npm run docs:images` copies four of them to docs/images/ for
 * the README.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

import type { Locator, Page, Response } from 'playwright-core';

import { STANDARD_OBJECT_TYPES } from '../../nodes/HubSpotAssociations/helpers/objectTypes';
import { OBJECT_TYPES_PAGE_SIZE } from '../../nodes/HubSpotAssociations/methods/listSearch';
import { NODE_TYPE, type WorkflowJson } from '../e2e/n8nCli';
import {
	CUSTOM_OBJECT_COUNT,
	GOOD_TOKEN,
	OAUTH_APP,
	startEditorRig,
	WRONG_TOKEN,
	type EditorRig,
} from './editorRig';

jest.setTimeout(600_000);

const ARTIFACTS = join(__dirname, 'artifacts');
const OWNER = { email: 'owner@example.com', password: 'Passw0rd-editor-test-1' };
const ACTIONS = [
	'Archive associations',
	'Remove all associations of records',
	'Remove association labels',
];

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
	await page
		?.screenshot({ path: join(ARTIFACTS, `end-of-test-${++step}.png`) })
		.catch(() => undefined);
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
		await openNewCredential(
			'HubSpot Associations Private',
			'HubSpot Associations Private App Token API',
		);
		const token = page.locator('[data-test-id="parameter-input-accessToken"] input').first();
		expect(await token.getAttribute('type')).toBe('password');
		expect(await page.locator('a', { hasText: 'docs' }).first().getAttribute('href')).toBe(
			'https://developers.hubspot.com/docs/api/private-apps',
		);
		await token.fill(GOOD_TOKEN);
		await page
			.locator('[data-test-id="parameter-input-baseUrl"] input')
			.first()
			.fill(emulator.baseUrl);
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
		const saved = (await rest('GET', '/credentials')) as Array<{
			id: string;
			name: string;
			type: string;
		}>;
		const mine = saved.find((c) => c.type === 'hubSpotAssociationsAppTokenApi');
		if (!mine) throw new Error(`the saved credential is not listed: ${JSON.stringify(saved)}`);
		credential = { id: mine.id, name: mine.name };
	});

	it("Credentials → Add: the OAuth2 credential's Connect opens HubSpot's consent page; cancelling there shows HubSpot's reason, approving connects the credential", async () => {
		const { emulator } = rig;
		await openNewCredential('HubSpot Associations OAuth2', 'HubSpot Associations OAuth2 API');
		await page
			.locator('[data-test-id="parameter-input-clientId"] input')
			.first()
			.fill(OAUTH_APP.clientId);
		await page
			.locator('[data-test-id="parameter-input-clientSecret"] input')
			.first()
			.fill(OAUTH_APP.clientSecret);
		await page
			.locator('[data-test-id="parameter-input-baseUrl"] input')
			.first()
			.fill(emulator.baseUrl);
		const connect = page
			.locator('[data-test-id="oauth-not-connected-banner"]')
			.getByRole('button', { name: 'Connect' });

		// Cancelled on HubSpot's page: the window n8n opened says it failed, and its details give HubSpot's reason.
		const [declined] = await Promise.all([page.waitForEvent('popup'), connect.click()]);
		await declined.getByRole('button', { name: 'Connect app' }).waitFor();
		expect(await declined.locator('body').innerText()).toContain('crm.objects.contacts.write');
		await declined.getByRole('button', { name: 'Cancel' }).click();
		await declined.getByText('Failed to connect').waitFor();
		await declined.getByText('More details').click();
		await declined
			.getByText(
				/"error":"access_denied","error_description":"The user declined to connect the app"/,
			)
			.waitFor();
		await declined.screenshot({ path: join(ARTIFACTS, '02-oauth2-declined.png') });
		expect(emulator.stats.codeGrants).toBe(0);
		await declined.close();

		// Approved: the window closes and the credential shows it is connected.
		const [consent] = await Promise.all([page.waitForEvent('popup'), connect.click()]);
		await consent.getByRole('button', { name: 'Connect app' }).click();
		await consent.waitForEvent('close');
		await page.getByText('Account connected').first().waitFor();
		await screenshot('02-oauth2-connected');
		expect(emulator.stats.codeGrants).toBe(1);
		await page.keyboard.press('Escape');
	});

	it('a new workflow: the nodes panel finds the node by its name and by the words a user types, shows its icon and its three actions', async () => {
		await page.goto(`${rig.baseUrl}/workflow/new`);
		await page.locator('[data-test-id="node-creator-plus-button"]').click();
		const search = page.locator('[data-test-id="node-creator-search-bar"]').first();
		const found = page
			.locator('[data-test-id="node-creator-item-name"]')
			.filter({ hasText: /^HubSpot Associations$/ });
		for (const words of [
			'hubspot association',
			'unassociate',
			'remove association',
			'label',
			'HubSpot Associations',
		]) {
			await search.fill(words);
			await waitForCount(found, 1, `the nodes panel searched for "${words}"`);
		}
		await screenshot('05-nodes-panel-search');
		await expectIconRenders(
			page.locator('[data-test-id="node-creator"] img[src*="hubspot"]').first(),
			/hubspot\.svg/,
		);
		await found.click();
		for (const action of ACTIONS)
			await page
				.locator('[data-test-id="node-creator"]')
				.getByText(action, { exact: true })
				.waitFor();
		await standsStill(page.locator('[data-test-id="node-creator"]'));
		await screenshot('06-nodes-panel-actions');
	});

	it('the node after a pinned HubSpot Trigger, in dark theme: its icon, then the object type dropdowns list standard and custom objects, filter, take a typed id, and open with 500 custom objects a page at a time, as with 2', async () => {
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
		await waitForTexts(
			rlcItems,
			['Assets 499'],
			'the From Object Type list searched for a custom object far down the list',
		);
		await closeList();

		// As quick with 500 custom objects as with 2, in counts rather than times (a loaded machine slows every opening alike):
		// whatever the account holds, the first answer n8n gets when the To dropdown opens is one page of the list at most, and
		// what shows first is that page. The node's panel is opened afresh each time: n8n keeps a dropdown's results while the
		// panel stays open, and would not ask again. Three openings of each, alternating, the account's answer switched between.
		const toInput = page.locator(
			'[data-test-id="resource-locator-toObjectType"] [data-test-id="rlc-input"]',
		);
		type ListAnswer = { data: { results: unknown[]; paginationToken?: string } };
		const openTo = async () => {
			await page.locator('[data-test-id="ndv-close-button"]').click();
			await openNode('HubSpot Associations');
			// The answer that fills the list: n8n may also ask for the To list while the panel opens (an empty answer for the
			// value it holds), so every answer for it is kept until the list shows, and the last one with items is read.
			const answers: Array<Promise<ListAnswer>> = [];
			const onResponse = (r: Response) => {
				if (
					r.url().includes('/rest/dynamic-node-parameters/resource-locator-results') &&
					String(r.request().postData()).includes('toObjectType')
				) {
					answers.push(r.json() as Promise<ListAnswer>);
				}
			};
			page.on('response', onResponse);
			await toInput.click();
			await rlcItems.first().waitFor();
			const shownFirst = await rlcItems.count();
			page.off('response', onResponse);
			await closeList();
			const filled = (await Promise.all(answers)).filter(({ data }) => data.results.length > 0);
			const { data } = filled[filled.length - 1] ?? { data: { results: [] } };
			return { answered: data.results.length, more: Boolean(data.paginationToken), shownFirst };
		};
		const fewSchemas = { results: rig.emulator.types.customObjects().slice(0, 2) };
		const opened = {
			many: [] as Array<Awaited<ReturnType<typeof openTo>>>,
			few: [] as Array<Awaited<ReturnType<typeof openTo>>>,
		};
		for (let round = 0; round < 3; round++) {
			for (const kind of round % 2 === 0
				? (['many', 'few'] as const)
				: (['few', 'many'] as const)) {
				rig.emulator.faults.clear();
				if (kind === 'few')
					rig.emulator.faults.onPath('/schemas', { status: 200, body: fewSchemas });
				opened[kind].push(await openTo());
			}
		}
		rig.emulator.faults.clear();
		console.log(
			`object type dropdown openings: ${CUSTOM_OBJECT_COUNT} custom objects ${JSON.stringify(opened.many)}; 2 custom objects ${JSON.stringify(opened.few)}`,
		);
		const allOfFew = STANDARD_OBJECT_TYPES.length + 2;
		expect(opened.few).toEqual(
			Array.from({ length: 3 }, () => ({ answered: allOfFew, more: false, shownFirst: allOfFew })),
		);
		for (const { answered, more, shownFirst } of opened.many) {
			expect({ answered, more }).toEqual({ answered: OBJECT_TYPES_PAGE_SIZE, more: true });
			expect(shownFirst).toBeLessThanOrEqual(OBJECT_TYPES_PAGE_SIZE);
		}

		// An id typed by hand: the mode switch, then a custom object's id.
		await from.locator('[data-test-id="rlc-mode-selector"]').click();
		await page.getByRole('option', { name: 'By ID' }).click();
		const typed = from.locator('[data-test-id="rlc-input"]');
		await typed.fill('2-3001');
		expect(await typed.inputValue()).toBe('2-3001');
	});

	it('the parameters each operation shows, and the subtitle under the node on the canvas names the action', async () => {
		const visible = async () =>
			(
				await page
					.locator(
						'[data-test-id="ndv"] [data-test-id="node-parameters"] [data-test-id^="parameter-input-"]',
					)
					.evaluateAll((els) =>
						els
							.filter((e) => e.getClientRects().length > 0)
							.map((e) => e.getAttribute('data-test-id')),
					)
			).filter((n) => n !== 'parameter-input-field' && n !== 'parameter-input-hint');
		const expected: Record<string, string[]> = {
			'Archive Associations': [
				'operation',
				'fromObjectType',
				'toObjectType',
				'fromId',
				'toIds',
				'apiVersion',
			],
			'Remove All Associations of Records': [
				'operation',
				'fromObjectType',
				'toObjectType',
				'fromId',
				'labelFilter',
				'apiVersion',
			],
			'Remove Association Labels': [
				'operation',
				'fromObjectType',
				'toObjectType',
				'fromId',
				'toIds',
				'labelSource',
				'labels',
				'apiVersion',
			],
		};
		for (const [operation, names] of Object.entries(expected)) {
			await selectOption('operation', operation);
			await waitUntil(
				async () =>
					JSON.stringify(await visible()) ===
					JSON.stringify(names.map((n) => `parameter-input-${n}`)),
				async () =>
					`${operation} shows ${JSON.stringify(await visible())}, expected ${JSON.stringify(names)}`,
			);
		}
		await selectOption('labelSource', 'By Type ID and Category');
		await page
			.locator('[data-test-id="parameter-item"]')
			.filter({ hasText: 'Add Label' })
			.first()
			.waitFor();
		await selectOption('labelSource', 'From List');
		await page.locator('[data-test-id="ndv-close-button"]').click();
		const subtitle = await page
			.locator('[data-node-name="HubSpot Associations"]')
			.first()
			.innerText();
		expect(subtitle).toContain('Remove association labels');
		expect(subtitle).not.toMatch(/archive(All|Labels)/);
	});

	it('Remove Association Labels: the labels dropdown asks for both object types, fills once both are chosen, and changes when they change', async () => {
		await openNode('HubSpot Associations');
		await pickFromList('fromObjectType', 'contacts', 'Contacts');
		// Only one type chosen: the field says which one is missing.
		const labelsItem = page
			.locator('[data-test-id="parameter-item"]')
			.filter({ has: page.locator('[data-test-id="parameter-input-labels"]') })
			.first();
		await labelsItem.locator('[data-test-id="parameter-issues"]').hover();
		await page.getByText('Choose the To Object Type first to see its labels').waitFor();

		const options = page.locator('.el-select-dropdown__item:visible .option-headline');
		await chooseToObjectType('companies', 'Companies');
		await openLabels();
		await waitForTexts(
			options,
			[
				'Unlabeled (HubSpot-defined, type ID 279)',
				'Primary (HubSpot-defined, type ID 1)',
				'Billing contact (user-defined, type ID 41)',
			],
			'the labels between contacts and companies',
		);
		await screenshot('08-labels-dropdown');
		await page.keyboard.press('Escape');

		await chooseToObjectType('deals', 'Deals');
		await openLabels();
		await waitForTexts(
			options,
			['Unlabeled (HubSpot-defined, type ID 4)', 'Decision maker (user-defined, type ID 51)'],
			'the labels between contacts and deals',
		);
		await page.keyboard.press('Escape');

		// Back to companies, the billing contact label chosen for the run from the canvas below.
		await chooseToObjectType('companies', 'Companies');
		await openLabels();
		await options.filter({ hasText: /^Billing contact/ }).click();
		await page.keyboard.press('Escape');
		await page
			.locator('[data-test-id="parameter-input-labels"]')
			.getByText(/^Billing contact/)
			.waitFor();

		// To IDs (cleared when the operation changed above) from the trigger's event, as an expression.
		const toIds = page
			.locator('[data-test-id="parameter-item"]')
			.filter({ has: page.locator('[data-test-id="parameter-input-toIds"]') })
			.first();
		await toIds.hover();
		await toIds.locator('[data-test-id="radio-button-expression"]').click();
		await toIds.locator('[data-test-id="inline-expression-editor-input"]').click();
		await page.keyboard.type('{{ $json.companyId');
		await page.locator('[data-test-id="ndv"] [data-test-id="tab-params"]').click();
		await waitForTexts(
			page.locator('[data-test-id="parameter-expression-preview-toIds"]'),
			['11'],
			"the To IDs expression's preview",
		);
		await page.locator('[data-test-id="ndv-close-button"]').click();
	});

	it('the whole workflow (pinned HubSpot Trigger → the node) executes from the canvas: the node shows success and the chosen label is gone', async () => {
		const { emulator } = rig;
		expect(emulator.typesOf('contacts', '1', 'companies', '11')).toContainEqual({
			category: 'USER_DEFINED',
			typeId: 41,
		});
		await page.locator('[data-test-id="execute-workflow-button"]').click();
		const canvasNode = page.locator('[data-node-name="HubSpot Associations"]').first();
		await canvasNode
			.locator('[data-test-id="canvas-node-status-success"]')
			.waitFor({ timeout: 60_000 });
		await screenshot('09-canvas-executed');
		expect(emulator.typesOf('contacts', '1', 'companies', '11')).not.toContainEqual({
			category: 'USER_DEFINED',
			typeId: 41,
		});
		expect(emulator.has('contacts', '1', 'companies', '11')).toBe(true);

		// The node's output after the run: the pair it changed.
		await openNode('HubSpot Associations');
		const output = page.locator('[data-test-id="output-panel"]');
		await output.locator('[data-test-id="radio-button-json"]').click();
		await waitForJson(
			output,
			['"fromId":"1","toIds":["11"]', '"status":"COMPLETE"'],
			'the output of the canvas run',
		);
		await page.locator('[data-test-id="ndv-close-button"]').click();
	});

	it("items from a Code node: Execute step shows a dry run, then the paired output items in table and JSON views, and a bad id shows the node's own error naming the item, with its hint", async () => {
		const { emulator } = rig;
		const id = await createWorkflow(codeWorkflow());
		await page.goto(`${rig.baseUrl}/workflow/${id}`);
		const output = page.locator('[data-test-id="output-panel"]');
		const input = page.locator('[data-test-id="ndv-input-panel"]');

		// Dry run: what would be removed, and nothing removed.
		await openNode('Dry run: remove all');
		await page.locator('[data-test-id="node-execute-button"]').click();
		await output.locator('[data-test-id="radio-button-json"]').click({ timeout: 60_000 });
		await output.getByText('DRY_RUN').first().waitFor({ timeout: 60_000 });
		await waitForJson(
			output,
			[
				'"fromId":"1","toIds":["10","11"],"status":"DRY_RUN"',
				'"fromId":"2","toIds":["12"],"status":"DRY_RUN"',
			],
			"the dry run's output",
		);
		await screenshot('10-dry-run-json');
		expect(emulator.has('contacts', '1', 'companies', '10')).toBe(true);
		expect(emulator.has('contacts', '2', 'companies', '12')).toBe(true);
		await page.locator('[data-test-id="ndv-close-button"]').click();

		// The removal: one output item per input item, each with its fields, paired with its input row.
		await openNode('Remove associations');
		await page.locator('[data-test-id="node-execute-button"]').click();
		await output.locator('[data-test-id="radio-button-table"]').click({ timeout: 60_000 });
		await output.locator('table').first().waitFor({ timeout: 60_000 });
		const headers = (await output.locator('table th').allInnerTexts()).map((t) => t.trim());
		expect(headers).toEqual(
			expect.arrayContaining(['fromObjectType', 'toObjectType', 'fromId', 'toIds', 'status']),
		);
		expect(await output.locator('[data-test-id="ndv-items-count"]').first().innerText()).toMatch(
			/2 items/,
		);
		await input.locator('[data-test-id="radio-button-table"]').click();
		const outputRows = output.locator('table tbody tr');
		for (const [row, contactId] of [
			[1, '2'],
			[0, '1'],
		] as const) {
			await outputRows.nth(row).locator('td').first().hover();
			await waitForTexts(
				input.locator('[data-test-id="hovering-item"] td').first(),
				[contactId],
				`the input row paired with output row ${row}`,
			);
			expect(await outputRows.nth(row).innerText()).toMatch(
				new RegExp(`contacts\\s+companies\\s+${contactId}\\s`),
			);
		}
		await screenshot('11-output-table');
		await output.locator('[data-test-id="radio-button-json"]').click();
		await waitForJson(
			output,
			[
				'"fromId":"1","toIds":["10"],"status":"COMPLETE"',
				'"fromId":"2","toIds":["12"],"status":"COMPLETE"',
			],
			"the removal's output",
		);
		expect(emulator.has('contacts', '1', 'companies', '10')).toBe(false);
		expect(emulator.has('contacts', '2', 'companies', '12')).toBe(false);
		await page.locator('[data-test-id="ndv-close-button"]').click();

		// A bad id: the node's own message naming the item, and its hint.
		await openNode('Remove associations (bad id)');
		await page.locator('[data-test-id="node-execute-button"]').click();
		const message = output.locator('[data-test-id="node-error-message"]').first();
		await message.waitFor({ timeout: 60_000 });
		expect(await message.innerText()).toMatch(
			/^Item 0: From ID is not valid: "abc" is not a HubSpot record id/,
		);
		expect(
			await output.locator('[data-test-id="node-error-description"]').first().innerText(),
		).toContain('HubSpot record ids are positive whole numbers');
		await screenshot('12-bad-id-error');
	});

	it("the node as an AI Agent's tool: on the canvas under the agent's Tool input, with its ids left to the model", async () => {
		const openAi = (await rest('POST', '/credentials', {
			name: 'OpenAI account',
			type: 'openAiApi',
			data: { apiKey: 'sk-editor-test-not-a-key' },
		})) as { id: string; name: string };
		const id = await createWorkflow(agentWorkflow(openAi));
		await page.goto(`${rig.baseUrl}/workflow/${id}`);
		const tool = page.locator('[data-node-name="HubSpot Associations"]').first();
		await tool.waitFor();
		await expectIconRenders(tool.locator('img').first(), /hubspot\.svg/);
		await page.locator('[data-node-name="AI Agent"]').first().waitFor();
		await screenshot('13-agent-tool');

		// The ids are the tool variant's defaults, left to the model: $fromAI with what each id is.
		await openNode('HubSpot Associations');
		for (const parameter of ['fromId', 'toIds']) {
			const field = page
				.locator('[data-test-id="parameter-item"]')
				.filter({ has: page.locator(`[data-test-id="parameter-input-${parameter}"]`) })
				.first();
			await waitUntil(
				async () =>
					(await field.innerText()).includes(`$fromAI('${parameter}', 'The HubSpot record id`),
				async () => `${parameter} shows ${JSON.stringify(await field.innerText())}`,
			);
		}
		await screenshot('14-agent-tool-parameters');
		await page.locator('[data-test-id="ndv-close-button"]').click();
	});
});

// ---- the workflows ------------------------------------------------------------------------------------

/** A node as n8n exports and imports it. */
type WorkflowNode = WorkflowJson['nodes'][number];

function hubspotNode(
	name: string,
	position: [number, number],
	parameters: Record<string, unknown>,
): WorkflowNode {
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
	const connections: Record<
		string,
		{ main: Array<Array<{ node: string; type: string; index: number }>> }
	> = {};
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
			{
				name: 'HubSpot Trigger',
				type: 'n8n-nodes-base.hubspotTrigger',
				typeVersion: 1,
				position: [0, 0],
				parameters: {},
				webhookId: 'b7e0b5d4-4c2a-4a57-9d55-0c1f5d7e2a11',
			},
			hubspotNode('HubSpot Associations', [300, 0], {
				operation: 'archiveLabels',
				fromId: '={{ $json.objectId }}',
				toIds: '={{ $json.companyId }}',
			}),
		],
		connections: connect(['HubSpot Trigger', 'HubSpot Associations']),
		pinData: {
			'HubSpot Trigger': [
				{
					json: {
						objectId: 1,
						companyId: 11,
						subscriptionType: 'contact.propertyChange',
						propertyName: 'lifecyclestage',
					},
				},
			],
		},
		settings: { executionOrder: 'v1' },
	};
}

const listValue = (value: string, name: string) => ({
	__rl: true,
	mode: 'list',
	value,
	cachedResultName: name,
});

/** A Code node's items into a dry run and a real removal, and an item with a bad id into a third node. */
function codeWorkflow() {
	const types = {
		fromObjectType: listValue('contacts', 'Contacts'),
		toObjectType: listValue('companies', 'Companies'),
	};
	return {
		name: 'Contacts leave their companies',
		nodes: [
			{
				name: 'Start',
				type: 'n8n-nodes-base.manualTrigger',
				typeVersion: 1,
				position: [0, 0],
				parameters: {},
			},
			{
				name: 'Contacts',
				type: 'n8n-nodes-base.code',
				typeVersion: 2,
				position: [220, 0],
				parameters: {
					jsCode:
						"return [{ json: { contactId: '1', companyIds: ['10'] } }, { json: { contactId: '2', companyIds: ['12'] } }];",
				},
			},
			{
				name: 'A bad id',
				type: 'n8n-nodes-base.code',
				typeVersion: 2,
				position: [220, 300],
				parameters: { jsCode: "return [{ json: { contactId: 'abc', companyIds: ['12'] } }];" },
			},
			hubspotNode('Dry run: remove all', [500, -200], {
				operation: 'archiveAll',
				...types,
				fromId: '={{ $json.contactId }}',
				options: { dryRun: true },
			}),
			hubspotNode('Remove associations', [500, 0], {
				operation: 'archive',
				...types,
				fromId: '={{ $json.contactId }}',
				toIds: '={{ $json.companyIds }}',
			}),
			hubspotNode('Remove associations (bad id)', [500, 300], {
				operation: 'archive',
				...types,
				fromId: '={{ $json.contactId }}',
				toIds: '={{ $json.companyIds }}',
			}),
		],
		connections: connect(
			['Start', 'Contacts'],
			['Start', 'A bad id'],
			['Contacts', 'Dry run: remove all'],
			['Contacts', 'Remove associations'],
			['A bad id', 'Remove associations (bad id)'],
		),
		pinData: {},
		settings: { executionOrder: 'v1' },
	};
}

/**
 * When a chat message arrives, n8n's AI Agent with an OpenAI Chat Model and the node's tool variant on its Tool input, set up
 * as the README says: the credential, the operation and both object types; the ids are left to the model.
 */
function agentWorkflow(openAi: { id: string; name: string }) {
	return {
		name: 'Agent: detach contacts from companies',
		nodes: [
			{
				name: 'When chat message received',
				type: '@n8n/n8n-nodes-langchain.chatTrigger',
				typeVersion: 1.1,
				position: [0, 0],
				parameters: { options: {} },
				webhookId: '3c0b6f2e-6f0a-4d59-9a51-7d1f2e8b4c21',
			},
			{
				name: 'AI Agent',
				type: '@n8n/n8n-nodes-langchain.agent',
				typeVersion: 2.2,
				position: [240, 0],
				parameters: { options: {} },
			},
			{
				name: 'OpenAI Chat Model',
				type: '@n8n/n8n-nodes-langchain.lmChatOpenAi',
				typeVersion: 1.2,
				position: [160, 220],
				parameters: { model: { __rl: true, mode: 'list', value: 'gpt-4o-mini' }, options: {} },
				credentials: { openAiApi: openAi },
			},
			{
				name: 'HubSpot Associations',
				type: `${NODE_TYPE}Tool`,
				typeVersion: 2,
				position: [400, 220],
				parameters: {
					authentication: 'appToken',
					operation: 'archive',
					fromObjectType: listValue('contacts', 'Contacts'),
					toObjectType: listValue('companies', 'Companies'),
				},
				credentials: { hubSpotAssociationsAppTokenApi: credential },
			},
		],
		connections: {
			'When chat message received': { main: [[{ node: 'AI Agent', type: 'main', index: 0 }]] },
			'OpenAI Chat Model': {
				ai_languageModel: [[{ node: 'AI Agent', type: 'ai_languageModel', index: 0 }]],
			},
			'HubSpot Associations': { ai_tool: [[{ node: 'AI Agent', type: 'ai_tool', index: 0 }]] },
		},
		pinData: {},
		settings: { executionOrder: 'v1' },
	};
}

// ---- helpers ------------------------------------------------------------------------------------------

/** Credentials → Add: types `search` into the credential type list and opens the form of `typeName`. */
async function openNewCredential(search: string, typeName: string): Promise<void> {
	await page.goto(`${rig.baseUrl}/home/credentials/create`);
	await page.locator('[data-test-id="new-credential-type-select"]').click();
	await page.keyboard.type(search);
	await page
		.locator('[data-test-id="new-credential-type-select-option"]')
		.filter({ hasText: typeName })
		.click();
	await page.locator('[data-test-id="new-credential-type-button"]').click();
}

/**
 * Waits until a panel's JSON view shows each of `inOrder` (whitespace ignored: the view lays values out on lines of their own),
 * in that order, or fails showing what it saw. The view fills in after the switch to it.
 */
async function waitForJson(panel: Locator, inOrder: string[], what: string): Promise<void> {
	const shown = async () =>
		(await panel.locator('[data-test-id="ndv-data-container"]').innerText()).replace(/\s+/g, '');
	const ordered = (text: string) => {
		let at = -1;
		return inOrder.every((part) => (at = text.indexOf(part, at + 1)) >= 0);
	};
	await waitUntil(
		async () => ordered(await shown()),
		async () => `${what}: expected ${JSON.stringify(inOrder)} in this order, saw ${await shown()}`,
	);
}

/** Picks an object type from its list, switching the field to "From list" first when it is in another mode. */
async function pickFromList(parameter: string, value: string, label: string): Promise<void> {
	const locator = page.locator(`[data-test-id="resource-locator-${parameter}"]`);
	const mode = locator.locator('[data-test-id="rlc-mode-selector"] input');
	if ((await mode.inputValue()) !== 'From list') {
		await locator.locator('[data-test-id="rlc-mode-selector"]').click();
		await page.getByRole('option', { name: 'From list' }).click();
	}
	await locator.locator('[data-test-id="rlc-input"]').click();
	await page.locator('[role="dialog"] [data-test-id="rlc-search"]').fill(value);
	await page
		.locator('[role="dialog"] [data-test-id="rlc-item"]')
		.filter({ hasText: new RegExp(`^${label}$`) })
		.click();
	await closeList();
	const shown = async () => await locator.locator('[data-test-id="rlc-input"]').inputValue();
	await waitUntil(
		async () => (await shown()) === label,
		async () => `${parameter} shows "${await shown()}", expected "${label}"`,
	);
}

/**
 * Chooses the To Object Type, From being contacts, and waits until n8n has asked HubSpot for the labels of the new pair: the
 * labels field reloads (and is disabled while it does) only when a type it depends on changes.
 */
async function chooseToObjectType(value: string, label: string): Promise<void> {
	const path = `/contacts/${value}/labels`;
	const asked = () => rig.emulator.stats.log.filter((e) => e.path.endsWith(path)).length;
	const before = asked();
	await pickFromList('toObjectType', value, label);
	await waitUntil(
		async () => asked() > before,
		async () =>
			`n8n did not ask HubSpot for the labels of contacts → ${value} after the To Object Type changed`,
	);
}

/** Opens the labels dropdown once it has loaded: the field is disabled while n8n loads its options, and ignores clicks. */
async function openLabels(): Promise<void> {
	const field = page.locator('[data-test-id="parameter-input-labels"]');
	const loading = async () => await field.locator('input').first().isDisabled();
	await waitUntil(
		async () => !(await loading()),
		async () => 'the labels field still loads its options',
	);
	await field.click();
}

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
	if (status !== 200)
		throw new Error(`${method} /rest${path} answered ${status}: ${text.slice(0, 500)}`);
	return (JSON.parse(text) as { data: unknown }).data;
}

async function createWorkflow(workflow: unknown): Promise<string> {
	const created = (await rest('POST', '/workflows', workflow)) as { id: string };
	return created.id;
}

/** Closes an object type list if it is still open. */
async function closeList(): Promise<void> {
	const open = page.locator('[role="dialog"] [data-test-id="rlc-item"]');
	if ((await open.count()) > 0)
		await page.locator('[data-test-id="ndv"] [data-test-id="tab-params"]').click();
	await waitForCount(open, 0, 'the object type list, closed');
}

async function openNode(name: string): Promise<void> {
	await page.locator(`[data-node-name="${name}"]`).first().dblclick();
	await page.locator('[data-test-id="ndv"]').waitFor();
}

async function selectOption(parameter: string, option: string): Promise<void> {
	await page.locator(`[data-test-id="parameter-input-${parameter}"]`).click();
	// The list slides in: clicked without waiting for it to stand still.
	await page
		.locator('.el-select-dropdown__item:visible')
		.filter({ hasText: new RegExp(`^${option}`) })
		.first()
		.dispatchEvent('click');
}

/** The image is loaded from the expected file and drawn (not a broken image). */
async function expectIconRenders(img: Locator, src: RegExp): Promise<void> {
	await img.waitFor();
	const drawn = async () =>
		Boolean(
			await img.evaluate(
				(e) =>
					(e as unknown as { complete: boolean; naturalWidth: number }).complete &&
					(e as unknown as { naturalWidth: number }).naturalWidth > 0,
			),
		);
	await waitUntil(drawn, async () => `the icon ${await img.getAttribute('src')} did not render`);
	expect(await img.getAttribute('src')).toMatch(src);
}

/** Waits until an element that slides in stays put for a moment, so its screenshot shows it whole. */
async function standsStill(locator: Locator): Promise<void> {
	let last = '';
	await waitUntil(
		async () => {
			const box = JSON.stringify(await locator.boundingBox());
			const still = box === last;
			last = box;
			return still;
		},
		async () => `${locator.toString()} kept moving`,
	);
}

async function waitUntil(
	check: () => Promise<boolean>,
	describe: () => Promise<string>,
	timeoutMs = 15_000,
): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (Date.now() < deadline) {
		if (await check()) return;
		await new Promise((resolve) => setTimeout(resolve, 200));
	}
	throw new Error(await describe());
}

/** Waits until a locator matches `count` elements (the panel filters as the user types), or fails saying what it saw. */
async function waitForCount(locator: Locator, count: number, what: string): Promise<void> {
	await waitUntil(
		async () => (await locator.count()) === count,
		async () => `${what}: expected ${count} match(es), found ${await locator.count()}`,
	);
}

/** Waits until the locator's texts are exactly `texts`, in order, or fails showing what was on screen. */
async function waitForTexts(locator: Locator, texts: string[], what: string): Promise<void> {
	const current = async () => (await locator.allInnerTexts()).map((t) => t.trim());
	await waitUntil(
		async () => JSON.stringify(await current()) === JSON.stringify(texts),
		async () =>
			`${what}: expected ${JSON.stringify(texts)}, saw ${JSON.stringify(await current())}`,
	);
}
