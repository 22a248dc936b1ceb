import type { IDataObject, INodeParameters } from 'n8n-workflow';

import type { HubSpotEmulator } from './emulator';
import { callHubSpotToolOnWorker, runHubSpotTool, type ToolCallResult } from './engine/runWorkflow';
import {
	APP_TOKEN,
	archiveParameters,
	assertNoSecrets,
	credentialsFor,
	run,
	useEmulator,
} from './helpers/setup';

/**
 * The node as an AI tool: n8n-core builds the tool from the node's tool variant and hands the model `JSON.stringify` of the
 * node's output items, or an empty message when the node throws (n8n 2.40's Agent). So a tool call never throws: the model gets
 * a short answer in words, for a removal and for a refusal alike, whatever the node's On Error setting.
 */
const FROM_AI = {
	fromId:
		"={{ $fromAI('fromId', 'The HubSpot id of the contact whose associations are removed', 'string') }}",
	toIds:
		"={{ $fromAI('toIds', 'The HubSpot ids of the companies to detach from the contact, comma-separated', 'string') }}",
};
const toolParameters = (overrides: INodeParameters = {}) =>
	archiveParameters({ ...FROM_AI, ...overrides });
/** The model chooses Dry Run too: it checks first, then removes. */
const dryRunAskedOfModel = () =>
	toolParameters({
		options: {
			dryRun: "={{ $fromAI('dryRun', 'true to only check what would be removed', 'boolean') }}",
		},
	});
const DRY_RUN_THEN_REMOVAL = [
	{ fromId: '1', toIds: '10', dryRun: true },
	{ fromId: '1', toIds: '10', dryRun: false },
];

interface Answer {
	summary: string;
	removed: number;
	notRemoved: number;
	wouldRemove?: number;
}

/** The one answer item the model got for a call, parsed. */
function answerOf(call: ToolCallResult): Answer {
	expect(call.threw).toBeUndefined();
	const items = JSON.parse(call.observation) as Answer[];
	expect(items).toHaveLength(1);
	return items[0];
}

async function callTool(
	emu: HubSpotEmulator,
	calls: IDataObject[],
	parameters = toolParameters(),
	onError?: 'continueErrorOutput' | 'continueRegularOutput' | 'stopWorkflow',
	caller?: 'mcpServerTrigger' | 'agentV3',
) {
	const { calls: results, run: execution } = await runHubSpotTool({
		credentials: credentialsFor(emu),
		parameters,
		calls,
		onError,
		caller,
	});
	assertNoSecrets({ items: [], errorItems: [], run: execution } as unknown as Parameters<
		typeof assertNoSecrets
	>[0]);
	return results;
}

describe('As an AI tool', () => {
	const emulator = useEmulator();

	it('a removal: the model is told in words what was removed, and it is gone', async () => {
		const emu = emulator();
		emu.seed('contacts', '1', 'companies', '10').seed('contacts', '1', 'companies', '11');
		const [call] = await callTool(emu, [{ fromId: '1', toIds: '10,11' }]);
		const answer = answerOf(call);
		expect(answer).toEqual({
			summary: 'Removed the associations between contacts 1 and companies 10, 11.',
			removed: 2,
			notRemoved: 0,
		});
		expect(emu.toIds('contacts', '1', 'companies')).toEqual([]);
	});

	it('a revoked token: the model is told HubSpot refused the credential and what the user can do; nothing removed', async () => {
		const emu = emulator();
		emu.seed('contacts', '1', 'companies', '10');
		emu.faults.onPath('batch/archive', { status: 401 });
		const [call] = await callTool(emu, [{ fromId: '1', toIds: '10' }]);
		const answer = answerOf(call);
		expect(answer.removed).toBe(0);
		expect(answer.notRemoved).toBe(1);
		expect(answer.summary).toMatch(
			/^Nothing was removed\. Not removed: contacts 1 → companies 10: HubSpot did not accept the credential \(HTTP 401/,
		);
		expect(answer.summary).toContain('What the user can do: Check the private app token');
		expect(emu.toIds('contacts', '1', 'companies')).toEqual(['10']);
	});

	it('a bad id: refused before anything is sent, with what an id must look like', async () => {
		const emu = emulator();
		emu.seed('contacts', '1', 'companies', '10');
		const [call] = await callTool(emu, [{ fromId: '1', toIds: 'Acme Corp' }]);
		const answer = answerOf(call);
		expect(answer).toMatchObject({ removed: 0, notRemoved: 0 });
		expect(answer.summary).toMatch(
			/^Nothing was removed\. Refused: To IDs are not valid: .*Acme Corp/,
		);
		expect(answer.summary).toContain('HubSpot record ids are positive whole numbers');
		expect(emu.stats.requests).toBe(0);
	});

	it('a missing scope: names the scopes and what the user can do; nothing removed', async () => {
		const emu = emulator();
		emu.addToken(APP_TOKEN, { kind: 'private', scopes: ['crm.objects.contacts.write'] });
		emu.seed('contacts', '1', 'companies', '10');
		const [call] = await callTool(emu, [{ fromId: '1', toIds: '10' }]);
		const answer = answerOf(call);
		expect(answer.removed).toBe(0);
		expect(answer.summary).toContain(
			'The HubSpot credential is missing scopes: crm.objects.companies.write',
		);
		expect(answer.summary).toContain(
			'What the user can do: Add these scopes to the private app in HubSpot',
		);
		expect(emu.toIds('contacts', '1', 'companies')).toEqual(['10']);
	});

	it('the daily limit spent: says so and when it resets; nothing removed', async () => {
		const emu = emulator();
		emu.settings.dailyLimit = 0;
		emu.seed('contacts', '1', 'companies', '10');
		const [call] = await callTool(emu, [{ fromId: '1', toIds: '10' }]);
		const answer = answerOf(call);
		expect(answer.removed).toBe(0);
		expect(answer.summary).toContain("HubSpot's daily API limit for this account is used up");
		expect(answer.summary).toContain('The daily limit resets at midnight');
		expect(emu.toIds('contacts', '1', 'companies')).toEqual(['10']);
	});

	it('100 pairs, 2 refused by HubSpot: a short answer with counts, a few ids and each cause once', async () => {
		const emu = emulator();
		const toIds = Array.from({ length: 100 }, (_, i) => String(1000 + i));
		for (const to of toIds) emu.seed('contacts', '1', 'companies', to);
		emu.faults.errorIds.add('1010').add('1020');
		const [call] = await callTool(
			emu,
			[{ fromId: '1', toIds: toIds.join(',') }],
			toolParameters({ options: { batchSize: 10 } }),
		);
		const answer = answerOf(call);
		expect(answer).toMatchObject({ removed: 98, notRemoved: 2 });
		expect(answer.summary).toMatch(
			/^Removed 98 of 100 associations between contacts 1 and companies 1000, 1001, 1002, 1003, 1004, 1005, 1006, 1007, 1008, 1009 and 88 more\. Not removed: contacts 1 → companies 1010, 1020: /,
		);
		expect(call.observation.length).toBeLessThan(800);
		expect(emu.toIds('contacts', '1', 'companies')).toEqual(['1010', '1020']);
	});

	it('a dry run the model asks for: what would be removed, nothing removed', async () => {
		const emu = emulator();
		emu.seed('contacts', '1', 'companies', '10');
		const [dry, real] = await callTool(emu, DRY_RUN_THEN_REMOVAL, dryRunAskedOfModel());
		expect(answerOf(dry)).toEqual({
			summary:
				'Dry run, nothing was removed: would remove the associations between contacts 1 and companies 10.',
			removed: 0,
			notRemoved: 0,
			wouldRemove: 1,
		});
		expect(answerOf(real)).toMatchObject({ removed: 1 });
		expect(emu.toIds('contacts', '1', 'companies')).toEqual([]);
	});

	it('Remove All as a tool: names the records whose associations were removed', async () => {
		const emu = emulator();
		emu.seed('contacts', '1', 'companies', '10').seed('contacts', '1', 'companies', '11');
		const [call] = await callTool(
			emu,
			[{ fromId: '1' }],
			toolParameters({ operation: 'archiveAll' }),
		);
		expect(answerOf(call)).toEqual({
			summary: 'Removed 2 associations of contacts 1 with companies: 10, 11.',
			removed: 2,
			notRemoved: 0,
		});
	});

	it('On Error → Continue (using error output) on the tool node changes nothing: the answer is the same sentence', async () => {
		const emu = emulator();
		emu.faults.onPath('batch/archive', { status: 401 });
		const [call] = await callTool(
			emu,
			[{ fromId: '1', toIds: '10' }],
			toolParameters(),
			'continueErrorOutput',
		);
		expect(answerOf(call).summary).toMatch(
			/^Nothing was removed\. Not removed: contacts 1 → companies 10: HubSpot did not accept the credential/,
		);
	});

	it.each([
		[
			'archive',
			[{ fromId: '1', toIds: '10,11' }],
			'Removed the associations between contacts 1 and companies 10, 11.',
		],
		[
			'archiveLabels',
			[{ fromId: '1', toIds: '10,11' }],
			'Removed the label USER_DEFINED:41 from the associations between contacts 1 and companies 10, 11.',
		],
		[
			'archiveAll',
			[{ fromId: '1' }],
			'Removed 2 associations of contacts 1 with companies: 10, 11.',
		],
	] as const)(
		'%s, set up with no more than its object types: the model is told what it does, and a call built from what it is offered succeeds',
		async (operation, calls, summary) => {
			const emu = emulator();
			emu.addLabel('contacts', 'companies', {
				typeId: 41,
				inverseTypeId: 42,
				label: 'Decision maker',
			});
			const label = [{ category: 'USER_DEFINED' as const, typeId: 41 }];
			emu
				.seed('contacts', '1', 'companies', '10', label)
				.seed('contacts', '1', 'companies', '11', label);
			const {
				fromId: _f,
				toIds: _t,
				...typesOnly
			} = archiveParameters({
				operation,
				...(operation === 'archiveLabels' ? { labels: ['USER_DEFINED:41'] } : {}),
			});
			const [call] = await callTool(emu, [...calls], typesOnly);
			expect(call.name).toBe('HubSpot_Associations');
			expect(call.description).toMatch(/^Removes /);
			expect(call.description).toContain('HubSpot record id');
			expect(call.description).toMatch(/Answers with a short summary/);
			expect(Object.keys(call.parameters)).toEqual(Object.keys(calls[0]));
			for (const text of Object.values(call.parameters)) expect(text.length).toBeGreaterThan(20);
			expect(answerOf(call).summary).toBe(summary);
		},
	);

	it('Output "One Item per HubSpot Request" on the tool node changes nothing: the answer is made from each item\'s outcome', async () => {
		const emu = emulator();
		emu.seed('contacts', '1', 'companies', '10');
		const [call] = await callTool(
			emu,
			[{ fromId: '1', toIds: '10' }],
			toolParameters({ options: { outputMode: 'perBatch' } }),
		);
		expect(answerOf(call)).toEqual({
			summary: 'Removed the associations between contacts 1 and companies 10.',
			removed: 1,
			notRemoved: 0,
		});
	});

	it('a failure no item accounts for (an unknown operation) still reaches the model in words', async () => {
		const emu = emulator();
		const [call] = await callTool(
			emu,
			[{ fromId: '1', toIds: '10' }],
			toolParameters({ operation: 'removeEverything' }),
		);
		expect(call.threw).toBeUndefined();
		expect(JSON.parse(call.observation)).toEqual([
			{
				summary:
					'The tool failed: The operation "removeEverything" is not known. Pick an operation from the list.',
			},
		]);
	});

	it('not a tool: the node still throws on a refusal (On Error: Stop Workflow)', async () => {
		const emu = emulator();
		emu.faults.onPath('batch/archive', { status: 401 });
		const result = await run(emu, [{ id: 1, to: 10 }], archiveParameters());
		expect(result.error?.message).toContain('HubSpot did not accept the credential');
	});
});

/**
 * Under n8n's AI Agent v3 (what n8n 2.40 gives a new workflow), which has the engine run the tool's
 * node as an ordinary node (isToolExecution() false) and hands the model its output items, or
 * `{ error }` when it throws (see asTool.ts): the model gets the same answer as under v2.
 */
describe("As a tool of n8n's AI Agent v3", () => {
	const emulator = useEmulator();
	const v3Call = async (
		emu: HubSpotEmulator,
		calls: IDataObject[],
		parameters = toolParameters(),
		onError?: 'stopWorkflow' | 'continueRegularOutput',
	) => await callTool(emu, calls, parameters, onError, 'agentV3');

	it('a removal: the model is told in words what was removed, and it is gone', async () => {
		const emu = emulator();
		emu.seed('contacts', '1', 'companies', '10').seed('contacts', '1', 'companies', '11');
		const [call] = await v3Call(emu, [{ fromId: '1', toIds: '10,11' }]);
		expect(call.name).toBe('HubSpot_Associations');
		expect(answerOf(call)).toEqual({
			summary: 'Removed the associations between contacts 1 and companies 10, 11.',
			removed: 2,
			notRemoved: 0,
		});
		expect(emu.toIds('contacts', '1', 'companies')).toEqual([]);
	});

	// Not "Continue (using error output)": with it n8n moves a v3 tool run's items to the error
	// output, and the model gets an empty answer whatever the tool returns (n8n-core's
	// WorkflowExecute.handleNodeErrorOutput), for n8n's own tools too.
	it.each([undefined, 'stopWorkflow', 'continueRegularOutput'] as const)(
		'a revoked token (On Error: %s): the cause and what the user can do, not a bare error; nothing removed',
		async (onError) => {
			const emu = emulator();
			emu.seed('contacts', '1', 'companies', '10');
			emu.faults.onPath('batch/archive', { status: 401 });
			const [call] = await v3Call(emu, [{ fromId: '1', toIds: '10' }], toolParameters(), onError);
			const answer = answerOf(call);
			expect(answer).toMatchObject({ removed: 0, notRemoved: 1 });
			expect(answer.summary).toMatch(
				/^Nothing was removed\. Not removed: contacts 1 → companies 10: HubSpot did not accept the credential \(HTTP 401/,
			);
			expect(answer.summary).toContain('What the user can do: Check the private app token');
			expect(emu.toIds('contacts', '1', 'companies')).toEqual(['10']);
		},
	);

	it('a bad id: refused before anything is sent, with what an id must look like', async () => {
		const emu = emulator();
		const [call] = await v3Call(emu, [{ fromId: '1', toIds: 'Acme Corp' }]);
		const answer = answerOf(call);
		expect(answer.summary).toMatch(
			/^Nothing was removed\. Refused: To IDs are not valid: .*Acme Corp/,
		);
		expect(answer.summary).toContain('HubSpot record ids are positive whole numbers');
		expect(emu.stats.requests).toBe(0);
	});

	it('a dry run, then the removal: each call answered in words', async () => {
		const emu = emulator();
		emu.seed('contacts', '1', 'companies', '10');
		const [dry, real] = await v3Call(emu, DRY_RUN_THEN_REMOVAL, dryRunAskedOfModel());
		expect(answerOf(dry)).toMatchObject({ removed: 0, wouldRemove: 1 });
		expect(answerOf(real)).toEqual({
			summary: 'Removed the associations between contacts 1 and companies 10.',
			removed: 1,
			notRemoved: 0,
		});
		expect(emu.toIds('contacts', '1', 'companies')).toEqual([]);
	});

	it('a failure no item accounts for (an unknown operation) reaches the model in words', async () => {
		const emu = emulator();
		const [call] = await v3Call(
			emu,
			[{ fromId: '1', toIds: '10' }],
			toolParameters({ operation: 'removeEverything' }),
		);
		expect(JSON.parse(call.observation)).toEqual([
			{
				summary:
					'The tool failed: The operation "removeEverything" is not known. Pick an operation from the list.',
			},
		]);
	});
});

/**
 * Under n8n's MCP Server Trigger, whose MCP client sees a tool error (`isError`) only when the tool
 * throws (see asTool.ts): a call that did not remove everything throws, with the words an agent's
 * model gets as its message; a call that did answers as under an agent.
 */
describe("As a tool of n8n's MCP Server Trigger", () => {
	const emulator = useEmulator();
	const mcpCall = async (emu: HubSpotEmulator, args: IDataObject, parameters = toolParameters()) =>
		(await callTool(emu, [args], parameters, undefined, 'mcpServerTrigger'))[0];

	it('a removal answers as under an agent, not as an error', async () => {
		const emu = emulator();
		emu.seed('contacts', '1', 'companies', '10');
		const call = await mcpCall(emu, { fromId: '1', toIds: '10' });
		expect(answerOf(call)).toEqual({
			summary: 'Removed the associations between contacts 1 and companies 10.',
			removed: 1,
			notRemoved: 0,
		});
		expect(emu.toIds('contacts', '1', 'companies')).toEqual([]);
	});

	it("a revoked token: throws HubSpot's reason and what the user can do; nothing removed", async () => {
		const emu = emulator();
		emu.seed('contacts', '1', 'companies', '10');
		emu.faults.onPath('batch/archive', { status: 401 });
		const call = await mcpCall(emu, { fromId: '1', toIds: '10' });
		expect({ name: call.threwName, observation: call.observation }).toEqual({
			name: 'NodeOperationError',
			observation: '',
		});
		expect(call.threw).toMatch(
			/^Nothing was removed\. Not removed: contacts 1 → companies 10: HubSpot did not accept the credential \(HTTP 401\)/,
		);
		expect(call.threw).toContain('What the user can do: Check the private app token');
		expect(emu.toIds('contacts', '1', 'companies')).toEqual(['10']);
	});

	it('a bad id: throws which value is not an id; nothing sent', async () => {
		const emu = emulator();
		const call = await mcpCall(emu, { fromId: '1', toIds: 'Acme Corp' });
		expect(call.threw).toMatch(/^Nothing was removed\. Refused: To IDs are not valid: .*Acme Corp/);
		expect(emu.stats.requests).toBe(0);
	});

	it('2 of 3 pairs removed: throws, and the words say what was removed as well as what was not', async () => {
		const emu = emulator();
		for (const to of ['10', '11', '12']) emu.seed('contacts', '1', 'companies', to);
		emu.faults.errorIds.add('11');
		const call = await mcpCall(emu, { fromId: '1', toIds: '10,11,12' });
		expect(call.threw).toMatch(
			/^Removed 2 of 3 associations between contacts 1 and companies 10, 12\. Not removed: contacts 1 → companies 11: /,
		);
		expect(emu.toIds('contacts', '1', 'companies')).toEqual(['11']);
	});

	it('a failure no item accounts for (an unknown operation) throws in words too', async () => {
		const emu = emulator();
		const call = await mcpCall(
			emu,
			{ fromId: '1', toIds: '10' },
			toolParameters({ operation: 'removeEverything' }),
		);
		expect(call.threw).toBe(
			'The tool failed: The operation "removeEverything" is not known. Pick an operation from the list.',
		);
	});

	it('a dry run that finds nothing wrong answers, not an error', async () => {
		const emu = emulator();
		emu.seed('contacts', '1', 'companies', '10');
		const call = await mcpCall(
			emu,
			{ fromId: '1', toIds: '10' },
			toolParameters({ options: { dryRun: true } }),
		);
		expect(answerOf(call)).toMatchObject({ removed: 0, wouldRemove: 1 });
		expect(emu.toIds('contacts', '1', 'companies')).toEqual(['10']);
	});

	describe("on a queue-mode worker (n8n runs the call with the tool's own node as the executing node)", () => {
		it('a refusal throws the same words', async () => {
			const emu = emulator();
			emu.seed('contacts', '1', 'companies', '10');
			emu.faults.onPath('batch/archive', { status: 401 });
			const { response, error } = await callHubSpotToolOnWorker({
				credentials: credentialsFor(emu),
				parameters: toolParameters(),
				args: { fromId: '1', toIds: '10' },
			});
			expect(response).toBeUndefined();
			expect(error?.message).toMatch(
				/^Nothing was removed\. Not removed: contacts 1 → companies 10: HubSpot did not accept the credential/,
			);
			expect(emu.toIds('contacts', '1', 'companies')).toEqual(['10']);
		});

		it('a removal answers with the summary', async () => {
			const emu = emulator();
			emu.seed('contacts', '1', 'companies', '10');
			const { response, error } = await callHubSpotToolOnWorker({
				credentials: credentialsFor(emu),
				parameters: toolParameters(),
				args: { fromId: '1', toIds: '10' },
			});
			expect(error).toBeUndefined();
			expect(response).toEqual([
				{
					summary: 'Removed the associations between contacts 1 and companies 10.',
					removed: 1,
					notRemoved: 0,
				},
			]);
		});
	});
});
