/**
 * The node as an AI tool in the real n8n application: Manual Trigger → n8n's AI Agent (v2.2, and v3.1, the version n8n 2.40
 * gives a new workflow, which has the engine run the tool's node rather than invoking it) with an OpenAI Chat Model (v1.2)
 * whose credential's Base URL points at a scripted OpenAI-compatible model on 127.0.0.1 → the node's tool variant, its ids left
 * to the model (the tool variant's $fromAI defaults). Asserted on what the model receives (the tool's name, description and
 * parameter schema; each tool answer) and on the HubSpot emulator. All cases run in one `n8n execute-batch`: one n8n start.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { HubSpotEmulator } from '../emulator';
import { addTestCredentials, APP_TOKEN, SECRETS } from '../helpers/setup';
import { CREDENTIAL_TYPES, type CredentialRef } from './examples';
import {
	DEFAULT_N8N_VERSION,
	locateN8nApp,
	N8nInstance,
	packPackage,
	PACKAGE_NAME,
	stopAll,
	type CliResult,
	type WorkflowJson,
} from './n8nCli';
import {
	startScriptedModel,
	type ChatRequest,
	type Scenario,
	type ScriptedModel,
} from './scriptedModel';

jest.setTimeout(900_000);

const REVOKED_TOKEN = 'pat-na1-99999999-8888-7777-6666-555555555555';
const SCOPED_TOKEN = 'pat-na1-12121212-3434-5656-7878-909090909090';
const CREDS = {
	appToken: { id: 'aiToolAppToken01', name: 'HubSpot private app (emulator)' },
	revoked: { id: 'aiToolRevoked001', name: 'HubSpot private app, revoked token (emulator)' },
	scoped: { id: 'aiToolScoped0001', name: 'HubSpot private app, contacts scope only (emulator)' },
	openAi: { id: 'aiToolOpenAi0001', name: 'Scripted model' },
} satisfies Record<string, CredentialRef>;

/**
 * The AI Agent version a new workflow gets in n8n 2.40 (3.1); n8n 1.x releases from 1.119 have v3, not every one 3.1
 * (n8n issues #21518, #21740). Both have the engine run the tool's node.
 */
const AGENT_V3 =
	Number((process.env.N8N_VERSION || DEFAULT_N8N_VERSION).split('.')[0]) >= 2 ? 3.1 : 3;

const emulator = new HubSpotEmulator();
let model: ScriptedModel;
let n8n: N8nInstance;
let tarballDir: string;
let batch: CliResult;
let batchOutput = '';

const spendDailyLimit = (spent: boolean) => () => {
	emulator.settings.dailyLimit = spent ? 0 : null;
};

/**
 * Each case: the prompt's key, the credential its tool uses, the model's calls, the AI Agent's version (2.2 unless said).
 * Contacts 101–108 are one case's each.
 */
const CASES: Record<
	string,
	Scenario & { credential: CredentialRef; dryRunFromModel?: boolean; agentVersion?: number }
> = {
	'case-remove': {
		credential: CREDS.appToken,
		calls: [{ from: '101', to: '201,202' }],
		onStart: spendDailyLimit(false),
	},
	'case-revoked': {
		credential: CREDS.revoked,
		calls: [{ from: '102', to: '203' }],
		onStart: spendDailyLimit(false),
	},
	'case-bad-id': {
		credential: CREDS.appToken,
		calls: [{ from: '103', to: 'Acme Corp' }],
		onStart: spendDailyLimit(false),
	},
	'case-scope': {
		credential: CREDS.scoped,
		calls: [{ from: '104', to: '205' }],
		onStart: spendDailyLimit(false),
	},
	'case-daily': {
		credential: CREDS.appToken,
		calls: [{ from: '105', to: '206' }],
		onStart: spendDailyLimit(true),
	},
	'case-dry-run': {
		credential: CREDS.appToken,
		dryRunFromModel: true,
		onStart: spendDailyLimit(false),
		calls: [
			{ from: '106', to: '207', dryRun: true },
			{ from: '106', to: '207', dryRun: false },
		],
	},
	'case-v3-remove': {
		credential: CREDS.appToken,
		calls: [{ from: '107', to: '208,209' }],
		onStart: spendDailyLimit(false),
		agentVersion: AGENT_V3,
	},
	'case-v3-revoked': {
		credential: CREDS.revoked,
		calls: [{ from: '108', to: '210' }],
		onStart: spendDailyLimit(false),
		agentVersion: AGENT_V3,
	},
};

function agentWorkflow(key: string, scenario: (typeof CASES)[string]): WorkflowJson {
	const tool = {
		name: 'HubSpot Associations',
		type: `${PACKAGE_NAME}.hubSpotAssociationsTool`,
		typeVersion: 2,
		position: [400, 200] as [number, number],
		// As a user sets it up: the credential and the object types; the ids are the tool variant's defaults, left to the model.
		parameters: {
			authentication: 'appToken',
			operation: 'archive',
			fromObjectType: { __rl: true, mode: 'list', value: 'contacts' },
			toObjectType: { __rl: true, mode: 'list', value: 'companies' },
			...(scenario.dryRunFromModel
				? {
						options: {
							dryRun:
								"={{ $fromAI('dryRun', 'true to only check what would be removed, false to remove', 'boolean') }}",
						},
					}
				: {}),
		},
		credentials: { [CREDENTIAL_TYPES.appToken]: scenario.credential },
	};
	return {
		// execute-batch takes only ids with a digit in them.
		id: `aiTool1-${key}`.slice(0, 36),
		name: `AI tool: ${key}`,
		nodes: [
			{
				name: 'When clicking Execute',
				type: 'n8n-nodes-base.manualTrigger',
				typeVersion: 1,
				position: [0, 0],
				parameters: {},
			},
			{
				name: 'AI Agent',
				type: '@n8n/n8n-nodes-langchain.agent',
				typeVersion: scenario.agentVersion ?? 2.2,
				position: [200, 0],
				parameters: {
					promptType: 'define',
					text: `${key}: detach the contact from the companies I named.`,
					options: {},
				},
			},
			{
				name: 'OpenAI Chat Model',
				type: '@n8n/n8n-nodes-langchain.lmChatOpenAi',
				typeVersion: 1.2,
				position: [200, 200],
				parameters: { model: { __rl: true, mode: 'list', value: 'gpt-4o-mini' }, options: {} },
				credentials: { openAiApi: CREDS.openAi },
			},
			tool,
		],
		connections: {
			'When clicking Execute': { main: [[{ node: 'AI Agent', type: 'main', index: 0 }]] },
			'OpenAI Chat Model': {
				ai_languageModel: [[{ node: 'AI Agent', type: 'ai_languageModel', index: 0 }]],
			},
			'HubSpot Associations': { ai_tool: [[{ node: 'AI Agent', type: 'ai_tool', index: 0 }]] },
		} as unknown as WorkflowJson['connections'],
		// Agent v3's tool runs are engine requests, run before the Agent resumes in a new workflow's execution order (v1).
		settings: scenario.agentVersion ? { executionOrder: 'v1' } : {},
	};
}

/** The requests n8n sent the model for one case, in order. */
const requestsOf = (key: string): ChatRequest[] =>
	model.requests.filter((r) =>
		r.messages.some((m) => m.role === 'user' && String(m.content).includes(key)),
	);

/** The tool answers the model received in one case, parsed (n8n sends `JSON.stringify` of the node's output items). */
function toolAnswers(
	key: string,
): Array<{ summary: string; removed: number; notRemoved: number; wouldRemove?: number }> {
	const last = requestsOf(key).pop();
	const contents = (last?.messages ?? [])
		.filter((m) => m.role === 'tool')
		.map((m) => String(m.content));
	return contents.map((content) => {
		// n8n 2.40's Agent sends an empty message when the tool throws.
		expect({ content }).not.toEqual({ content: '' });
		const items = JSON.parse(content) as Array<{
			summary: string;
			removed: number;
			notRemoved: number;
		}>;
		expect(items).toHaveLength(1);
		return items[0];
	});
}

beforeAll(async () => {
	const app = locateN8nApp();
	await emulator.start();
	emulator.reset();
	addTestCredentials(emulator);
	emulator.addToken(SCOPED_TOKEN, { kind: 'private', scopes: ['crm.objects.contacts.write'] });
	emulator.seed('contacts', '101', 'companies', '201').seed('contacts', '101', 'companies', '202');
	emulator.seed('contacts', '107', 'companies', '208').seed('contacts', '107', 'companies', '209');
	for (const [from, to] of [
		['102', '203'],
		['103', '204'],
		['104', '205'],
		['105', '206'],
		['106', '207'],
		['108', '210'],
	])
		emulator.seed('contacts', from, 'companies', to);
	model = await startScriptedModel(CASES);

	tarballDir = mkdtempSync(join(tmpdir(), 'hubspot-assoc-pack-'));
	// n8n 2.x has no switch for community tools (2.40.7's code never reads this); older 1.x releases needed it.
	n8n = await N8nInstance.create(app, { env: { N8N_COMMUNITY_PACKAGES_ALLOW_TOOL_USAGE: 'true' } });
	await n8n.installPackage(packPackage(tarballDir), { omitPeers: true });
	await n8n.importCredentials([
		{
			...CREDS.appToken,
			type: CREDENTIAL_TYPES.appToken,
			data: { accessToken: APP_TOKEN, baseUrl: emulator.baseUrl },
		},
		{
			...CREDS.revoked,
			type: CREDENTIAL_TYPES.appToken,
			data: { accessToken: REVOKED_TOKEN, baseUrl: emulator.baseUrl },
		},
		{
			...CREDS.scoped,
			type: CREDENTIAL_TYPES.appToken,
			data: { accessToken: SCOPED_TOKEN, baseUrl: emulator.baseUrl },
		},
		{
			...CREDS.openAi,
			type: 'openAiApi',
			data: { apiKey: 'sk-scripted-model', url: model.baseUrl },
		},
	]);
	const workflows = Object.entries(CASES).map(([key, scenario]) => agentWorkflow(key, scenario));
	await n8n.importWorkflows(workflows);
	const output = join(n8n.userFolder, 'batch-output.json');
	batch = await n8n.cli(
		[
			'execute-batch',
			`--ids=${workflows.map((w) => w.id).join(',')}`,
			`--output=${output}`,
			'--concurrency=1',
		],
		600_000,
	);
	try {
		batchOutput = readFileSync(output, 'utf8');
	} catch {
		batchOutput = '';
	}
});

afterAll(async () => {
	await stopAll();
	await model?.close();
	await emulator.stop();
	n8n?.dispose();
	if (tarballDir) rmSync(tarballDir, { recursive: true, force: true });
});

describe("as an AI Agent's tool in the n8n application", () => {
	it("every case ran to the Agent's answer", () => {
		const context = `${batchOutput}\n${batch.stdout.slice(-3000)}\n${batch.stderr.slice(-3000)}`;
		expect({ code: batch.code, context }).toMatchObject({ code: 0 });
		for (const key of Object.keys(CASES))
			expect({ key, requests: requestsOf(key).length }).toEqual({
				key,
				requests: CASES[key].calls.length + 1,
			});
	});

	it('the model is offered the tool by its name, with a description and a schema a call can be built from', () => {
		const tool = requestsOf('case-remove')[0].tools?.[0];
		expect(tool?.function.name).toBe('HubSpot_Associations');
		expect(tool?.function.description).toMatch(
			/^Removes associations between HubSpot CRM records: every association, with all its labels, between one record on the from side and each given record on the to side\./,
		);
		expect(tool?.function.description).toContain(
			'Answers with a short summary: what was removed, what was not and why, and what the user can do.',
		);
		const { properties, required } = tool!.function.parameters;
		expect(Object.keys(properties).sort()).toEqual(['fromId', 'toIds']);
		expect(properties.fromId).toMatchObject({
			type: 'string',
			description: expect.stringContaining('HubSpot record id of the record on the from side'),
		});
		expect(properties.toIds).toMatchObject({
			type: 'string',
			description: expect.stringContaining('one id or several separated by commas'),
		});
		expect([...(required ?? [])].sort()).toEqual(['fromId', 'toIds']);
	});

	it('a call removes the pairs and the model is told so', () => {
		expect(toolAnswers('case-remove')).toEqual([
			{
				summary: 'Removed the associations between contacts 101 and companies 201, 202.',
				removed: 2,
				notRemoved: 0,
			},
		]);
		expect(emulator.toIds('contacts', '101', 'companies')).toEqual([]);
	});

	it('a revoked token: the model is told HubSpot refused the credential and what the user can do; nothing removed', () => {
		const [answer] = toolAnswers('case-revoked');
		expect(answer).toMatchObject({ removed: 0, notRemoved: 1 });
		expect(answer.summary).toMatch(
			/^Nothing was removed\. Not removed: contacts 102 → companies 203: HubSpot did not accept the credential \(HTTP 401\)/,
		);
		expect(answer.summary).toContain('What the user can do: Check the private app token');
		expect(emulator.toIds('contacts', '102', 'companies')).toEqual(['203']);
	});

	it('a bad id: the model is told which value is not an id and what an id looks like; nothing sent', () => {
		const [answer] = toolAnswers('case-bad-id');
		expect(answer.summary).toMatch(
			/^Nothing was removed\. Refused: To IDs are not valid: "Acme Corp" is not a HubSpot record id/,
		);
		expect(answer.summary).toContain('HubSpot record ids are positive whole numbers');
		expect(emulator.toIds('contacts', '103', 'companies')).toEqual(['204']);
	});

	it('a missing scope (403): the model is told which scope and what the user can do; nothing removed', () => {
		const [answer] = toolAnswers('case-scope');
		expect(answer.summary).toContain(
			'Not removed: contacts 104 → companies 205: The HubSpot credential is missing scopes: crm.objects.companies.write',
		);
		expect(answer.summary).toContain(
			'What the user can do: Add these scopes to the private app in HubSpot',
		);
		expect(emulator.toIds('contacts', '104', 'companies')).toEqual(['205']);
	});

	it('the daily limit spent (429 DAILY): the model is told so and when it resets; nothing removed', () => {
		const [answer] = toolAnswers('case-daily');
		expect(answer.summary).toContain(
			"HubSpot's daily API limit for this account is used up (HTTP 429)",
		);
		expect(answer.summary).toContain('The daily limit resets at midnight');
		expect(emulator.toIds('contacts', '105', 'companies')).toEqual(['206']);
	});

	it('a dry run the model asks for tells it what would be removed; its next call removes it', () => {
		const [dry, real] = toolAnswers('case-dry-run');
		expect(dry).toEqual({
			summary:
				'Dry run, nothing was removed: would remove the associations between contacts 106 and companies 207.',
			removed: 0,
			notRemoved: 0,
			wouldRemove: 1,
		});
		expect(real).toMatchObject({
			summary: 'Removed the associations between contacts 106 and companies 207.',
			removed: 1,
		});
		expect(emulator.toIds('contacts', '106', 'companies')).toEqual([]);
		expect(
			Object.keys(requestsOf('case-dry-run')[0].tools![0].function.parameters.properties).sort(),
		).toEqual(['dryRun', 'fromId', 'toIds']);
	});

	describe(`under AI Agent v${AGENT_V3}, which runs the tool as an ordinary node`, () => {
		it('the model is offered the same tool', () => {
			expect(requestsOf('case-v3-remove')[0].tools?.[0]).toEqual(
				requestsOf('case-remove')[0].tools?.[0],
			);
		});

		it('a call removes the pairs and the model is told so in one short answer', () => {
			expect(toolAnswers('case-v3-remove')).toEqual([
				{
					summary: 'Removed the associations between contacts 107 and companies 208, 209.',
					removed: 2,
					notRemoved: 0,
				},
			]);
			expect(emulator.toIds('contacts', '107', 'companies')).toEqual([]);
		});

		it('a revoked token: the model is told the cause and what the user can do, not a bare error; nothing removed', () => {
			const [answer] = toolAnswers('case-v3-revoked');
			expect(answer).toMatchObject({ removed: 0, notRemoved: 1 });
			expect(answer.summary).toMatch(
				/^Nothing was removed\. Not removed: contacts 108 → companies 210: HubSpot did not accept the credential \(HTTP 401\)/,
			);
			expect(answer.summary).toContain('What the user can do: Check the private app token');
			expect(emulator.toIds('contacts', '108', 'companies')).toEqual(['210']);
		});
	});

	it("no token reaches the model or n8n's output", () => {
		const all = `${JSON.stringify(model.requests)}\n${batchOutput}\n${batch.stdout}\n${batch.stderr}`;
		for (const secret of [...SECRETS, REVOKED_TOKEN, SCOPED_TOKEN])
			expect(all.includes(secret)).toBe(false);
	});
});
