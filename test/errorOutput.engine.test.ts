/**
 * n8n's three On Error modes, in n8n's own engine. With "Continue (using error output)" n8n moves an item
 * to the error branch only when the item carries `error` (or its json holds nothing but error, message and
 * details): every item the node could not archive must land there, with its context and its pairing, and
 * every archived item must stay on the success branch.
 */
import type { INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { archiveParameters, run, seedPairs, useEmulator } from './helpers/setup';
import type { HubSpotEmulator } from './emulator';

type Mode = 'perItem' | 'perBatch';

const LABEL = { associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 279 };

/** Item 0 archives, item 1 has a bad id, item 2 names a record HubSpot does not find. */
function mixedItems(emu: HubSpotEmulator) {
	const items = seedPairs(emu, 3);
	items[1] = { id: 'not-an-id', to: 1002 };
	emu.faults.errorIds.add('1003');
	return items;
}

const operations: Array<{
	name: string;
	parameters: (mode: Mode, dryRun?: boolean) => INodeParameters;
}> = [
	{
		name: 'archive',
		parameters: (outputMode, dryRun) =>
			archiveParameters({ options: { outputMode, batchSize: 1, ...(dryRun ? { dryRun } : {}) } }),
	},
	{
		name: 'archiveLabels',
		parameters: (outputMode, dryRun) =>
			archiveParameters({
				operation: 'archiveLabels',
				labelSource: 'typeIds',
				labelTypes: {
					types: [{ category: LABEL.associationCategory, typeId: LABEL.associationTypeId }],
				},
				options: { outputMode, batchSize: 1, ...(dryRun ? { dryRun } : {}) },
			}),
	},
	{
		name: 'archiveAll',
		parameters: (outputMode, dryRun) =>
			archiveParameters({
				operation: 'archiveAll',
				toIds: undefined,
				options: { outputMode, batchSize: 1, ...(dryRun ? { dryRun } : {}) },
			}),
	},
];

function fromIdsOf(items: INodeExecutionData[]): unknown[] {
	return items.map((i) => (i.json.details as { fromId?: string }).fromId);
}

describe('On Error → Continue (using error output): failed items go to the error branch', () => {
	const emulator = useEmulator();

	for (const op of operations) {
		it(`${op.name}, one output per item: the bad id and HubSpot's refusal on the error branch, the archived item on the success branch`, async () => {
			const emu = emulator();
			const items = mixedItems(emu);
			const result = await run(emu, items, op.parameters('perItem'), {
				onError: 'continueErrorOutput',
			});
			expect(result.error).toBeUndefined();
			expect(result.items.map((i) => i.pairedItem)).toEqual([{ item: 0 }]);
			expect(result.items[0].json.error).toBeUndefined();
			expect(result.errorItems.map((i) => i.pairedItem)).toEqual([{ item: 1 }, { item: 2 }]);
			const [refused, notFound] = result.errorItems;
			// n8n lays the node's fields over the input item's: the input and the context both survive the move.
			expect(refused.json).toEqual({
				id: 'not-an-id',
				to: 1002,
				error: expect.stringMatching(/^Item 1: From ID is not valid/),
				details: {
					itemIndex: 1,
					hint: expect.stringMatching(/record ids are positive whole numbers/),
				},
			});
			expect(notFound.json).toMatchObject({
				id: 3,
				error: expect.stringMatching(/HubSpot reported an error for this item/),
				details: { fromId: '3', category: expect.any(String), hint: expect.any(String) },
			});
			if (op.name !== 'archiveAll')
				expect((notFound.json.details as { toIds: unknown }).toIds).toEqual(['1003']);
		});
	}

	it('one output per request: a refused batch on the error branch, paired with its items', async () => {
		const emu = emulator();
		const items = seedPairs(emu, 3);
		emu.faults.at(2, {
			status: 400,
			body: {
				status: 'error',
				message: 'Invalid input',
				correlationId: 'c-1',
				category: 'VALIDATION_ERROR',
			},
		});
		const result = await run(
			emu,
			items,
			archiveParameters({ options: { outputMode: 'perBatch', batchSize: 1, concurrency: 1 } }),
			{
				onError: 'continueErrorOutput',
			},
		);
		expect(result.error).toBeUndefined();
		expect(result.items.map((i) => i.pairedItem)).toEqual([[{ item: 0 }], [{ item: 2 }]]);
		expect(result.errorItems).toHaveLength(1);
		expect(result.errorItems[0].pairedItem).toEqual([{ item: 1 }]);
		expect(result.errorItems[0].json).toMatchObject({
			error: expect.stringMatching(/HubSpot refused the request \(400\)/),
			details: {
				category: 'VALIDATION_ERROR',
				correlationId: 'c-1',
				hint: expect.any(String),
				pairCount: 1,
			},
		});
	});

	for (const op of operations) {
		it(`${op.name}, one output per request: bad input and HubSpot's refusal on the error branch`, async () => {
			const emu = emulator();
			const items = mixedItems(emu);
			const result = await run(emu, items, op.parameters('perBatch'), {
				onError: 'continueErrorOutput',
			});
			expect(result.error).toBeUndefined();
			for (const item of result.items) expect(item.json.error).toBeUndefined();
			const pairedOnError = result.errorItems.flatMap((i) =>
				Array.isArray(i.pairedItem) ? i.pairedItem : [i.pairedItem],
			);
			expect(pairedOnError).toEqual(expect.arrayContaining([{ item: 1 }, { item: 2 }]));
			const pairedOnSuccess = result.items.flatMap((i) =>
				Array.isArray(i.pairedItem) ? i.pairedItem : [i.pairedItem],
			);
			expect(pairedOnSuccess).toContainEqual({ item: 0 });
		});
	}

	for (const op of operations) {
		it(`${op.name}, dry run: the bad id on the error branch, the others on the success branch`, async () => {
			const emu = emulator();
			const items = seedPairs(emu, 3);
			items[1] = { id: 'not-an-id', to: 1002 };
			const result = await run(emu, items, op.parameters('perItem', true), {
				onError: 'continueErrorOutput',
			});
			expect(result.items.map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 2 }]);
			expect(result.items.map((i) => i.json.status)).toEqual(['DRY_RUN', 'DRY_RUN']);
			expect(result.errorItems.map((i) => i.pairedItem)).toEqual([{ item: 1 }]);
			expect(emu.count()).toBe(3);
		});
	}

	it('items never sent because the credential stopped working go to the error branch, saying why', async () => {
		const emu = emulator();
		const items = seedPairs(emu, 4);
		emu.faults.onPath('batch/archive', { status: 401 });
		const result = await run(
			emu,
			items,
			archiveParameters({ options: { batchSize: 1, concurrency: 1 } }),
			{ onError: 'continueErrorOutput' },
		);
		expect(result.items).toEqual([]);
		expect(result.errorItems.map((i) => i.pairedItem)).toEqual([
			{ item: 0 },
			{ item: 1 },
			{ item: 2 },
			{ item: 3 },
		]);
		expect(fromIdsOf(result.errorItems)).toEqual(['1', '2', '3', '4']);
		for (const item of result.errorItems.slice(1))
			expect(String(item.json.error)).toMatch(/^Not sent: HubSpot did not accept the credential/);
	});
});

describe('HubSpot answers with a status other than COMPLETE', () => {
	const emulator = useEmulator();
	// The BatchResponse's status is one of PENDING, PROCESSING, CANCELED, COMPLETE (the endpoint's reference page).
	const answer = (status: string) => ({
		status: 200,
		body: {
			status,
			results: [],
			startedAt: '2026-12-01T10:00:00.000Z',
			completedAt: '2026-12-01T10:00:01.000Z',
		},
	});

	it.each(['CANCELED', 'PENDING'])(
		'a 200 with status %s is no success: the items go to the error branch, saying so',
		async (status) => {
			const emu = emulator();
			const items = seedPairs(emu, 2);
			emu.faults.at(1, answer(status));
			const result = await run(
				emu,
				items,
				archiveParameters({ options: { batchSize: 1, concurrency: 1 } }),
				{ onError: 'continueErrorOutput' },
			);
			expect(result.items.map((i) => i.pairedItem)).toEqual([{ item: 1 }]);
			expect(result.errorItems.map((i) => i.pairedItem)).toEqual([{ item: 0 }]);
			expect(result.errorItems[0].json.error).toMatch(
				new RegExp(`HubSpot answered with status ${status}, not COMPLETE`),
			);
		},
	);

	it('one output per request: a CANCELED batch is on the error branch; without Continue On Fail the node fails', async () => {
		const emu = emulator();
		const items = seedPairs(emu, 2);
		emu.faults.at(2, answer('CANCELED'));
		const params = archiveParameters({
			options: { batchSize: 1, concurrency: 1, outputMode: 'perBatch' },
		});
		const result = await run(emu, items, params, { onError: 'continueErrorOutput' });
		expect(result.errorItems.map((i) => i.pairedItem)).toEqual([[{ item: 1 }]]);
		emu.faults.at(4, answer('CANCELED'));
		const stopped = await run(emu, seedPairs(emu, 2), params);
		expect(stopped.error?.message).toMatch(
			/^Batch 1 \(items 1\): HubSpot answered with status CANCELED/,
		);
	});
});

describe('On Error → Continue (regular output) and Stop Workflow', () => {
	const emulator = useEmulator();

	it('Continue: every item on the one output, failed ones with their error', async () => {
		const emu = emulator();
		const result = await run(emu, mixedItems(emu), archiveParameters(), {
			onError: 'continueRegularOutput',
		});
		expect(result.errorItems).toEqual([]);
		expect(result.items.map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(result.items.map((i) => Boolean(i.json.error))).toEqual([false, true, true]);
	});

	it('Stop Workflow: the node fails naming the first bad item, before anything is sent', async () => {
		const emu = emulator();
		const result = await run(emu, mixedItems(emu), archiveParameters(), {
			onError: 'stopWorkflow',
		});
		expect(result.error?.message).toMatch(/^Item 1: From ID is not valid/);
		expect(emu.stats.requests).toBe(0);
	});
});

describe("n8n's Retry On Fail with each On Error setting: every item reported once, none lost, each pair removed once", () => {
	const emulator = useEmulator();
	const modes = ['stopWorkflow', 'continueRegularOutput', 'continueErrorOutput'] as const;

	it.each(modes)(
		'%s: a batch that failed the first run is archived by the re-run',
		async (onError) => {
			const emu = emulator();
			const items = seedPairs(emu, 3);
			// The first item's batch fails for good in the first run (no retries of the node's own): n8n runs the
			// node again, because it threw (Stop Workflow) or because its first item carries an error (Continue).
			emu.faults.at(1, { status: 500 });
			const result = await run(
				emu,
				items,
				archiveParameters({ options: { batchSize: 1, concurrency: 1, maxRetries: 0 } }),
				{
					onError,
					retryOnFail: { maxTries: 2, waitBetweenTries: 0 },
				},
			);
			expect(result.error).toBeUndefined();
			expect(result.tries).toBe(1);
			expect(result.items.map((i) => i.pairedItem)).toEqual([
				{ item: 0 },
				{ item: 1 },
				{ item: 2 },
			]);
			expect(result.items.map((i) => i.json.status)).toEqual(['COMPLETE', 'COMPLETE', 'COMPLETE']);
			expect(result.errorItems).toEqual([]);
			expect(emu.count()).toBe(0);
			// Pairs the first run removed were sent again (HubSpot leaves them gone), never removed twice.
			expect(emu.stats.archivedPairs).toBe(3);
		},
	);

	it.each(modes)(
		'%s: an item that fails in every run is reported once, on the branch its setting gives',
		async (onError) => {
			const emu = emulator();
			const items = seedPairs(emu, 3);
			items[0] = { id: 'not-an-id', to: 1001 };
			const result = await run(
				emu,
				items,
				archiveParameters({ options: { batchSize: 1, concurrency: 1 } }),
				{
					onError,
					retryOnFail: { maxTries: 2, waitBetweenTries: 0 },
				},
			);
			if (onError === 'stopWorkflow') {
				// Bad input stops the node before anything is sent, in every run.
				expect(result.error?.message).toMatch(/^Item 0: From ID is not valid/);
				expect(emu.stats.requests).toBe(0);
				return;
			}
			expect(emu.count()).toBe(1);
			expect(emu.stats.archivedPairs).toBe(2);
			const all = [...result.items, ...result.errorItems].map((i) => i.pairedItem);
			expect(all).toHaveLength(3);
			expect(all).toEqual(expect.arrayContaining([{ item: 0 }, { item: 1 }, { item: 2 }]));
			const failed =
				onError === 'continueErrorOutput'
					? result.errorItems
					: result.items.filter((i) => i.json.error);
			expect(failed.map((i) => i.pairedItem)).toEqual([{ item: 0 }]);
		},
	);
});
