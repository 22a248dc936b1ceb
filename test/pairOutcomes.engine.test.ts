/**
 * Every input item tells what happened to its own pairs: a batch HubSpot took in parts is judged part by part, so a
 * part that failed never marks as failed the pairs another part removed; the per-request output shows each request
 * HubSpot answered; and every input item has an output item in both output modes.
 */
import type { IDataObject } from 'n8n-workflow';

import { archiveParameters, run, seedPairs, useEmulator } from './helpers/setup';

const DAILY = {
	status: 'error',
	message: 'You have reached your daily limit.',
	errorType: 'RATE_LIMIT',
	policyName: 'DAILY',
	correlationId: 'c-daily',
};

/** The input item indexes an output item is paired with. */
const pairedIndexes = (pairedItem: unknown): number[] =>
	(Array.isArray(pairedItem) ? pairedItem : [pairedItem]).map((p) => (p as { item: number }).item);

describe('Outcomes belong to pairs, not to batches', () => {
	const emulator = useEmulator();

	/** 10 one-pair items in one planned batch of 10, which HubSpot takes at most 4 at a time: parts of 4, 4 and 2. */
	function inParts(emu: ReturnType<typeof emulator>): IDataObject[] {
		emu.settings.maxArchiveInputs = 4;
		return seedPairs(emu, 10);
	}

	it("a DAILY 429 on the second part: the first part's items say removed, the rest say why they were not", async () => {
		const emu = emulator();
		const items = inParts(emu);
		// Request 1 is refused as too large; 2 carries the first part; 3 (the second part) meets the daily limit.
		emu.faults.at(3, { status: 429, body: DAILY });
		const result = await run(emu, items, archiveParameters({ options: { batchSize: 10 } }), {
			continueOnFail: true,
		});
		expect(result.error).toBeUndefined();
		expect(emu.stats.requests).toBe(3);
		expect(emu.count()).toBe(6);
		const json = result.items.map((i) => i.json);
		expect(json.slice(0, 4).map((j) => j.status)).toEqual([
			'COMPLETE',
			'COMPLETE',
			'COMPLETE',
			'COMPLETE',
		]);
		expect(json.slice(0, 4).every((j) => j.error === undefined)).toBe(true);
		expect(json.slice(4, 8).map((j) => j.error)).toEqual(
			Array(4).fill("HubSpot's daily API limit for this account is used up"),
		);
		expect(json.slice(8).map((j) => j.error)).toEqual(
			Array(2).fill("Not sent: HubSpot's daily API limit for this account is used up"),
		);
	});

	it("a 5xx that outlives its retries on one part fails only that part's items", async () => {
		const emu = emulator();
		const items = inParts(emu);
		for (const n of [3, 4]) emu.faults.at(n, { status: 503 });
		const result = await run(
			emu,
			items,
			archiveParameters({ options: { batchSize: 10, maxRetries: 1 } }),
			{ continueOnFail: true },
		);
		expect(result.error).toBeUndefined();
		expect(emu.count()).toBe(4);
		const failed = result.items.flatMap((item, i) => (item.json.error === undefined ? [] : [i]));
		expect(failed).toEqual([4, 5, 6, 7]);
		expect(result.items[4].json.error).toBe('HubSpot answered 503 after 2 tries');
	});

	it("an item whose pairs went in several parts lists each pair's fate", async () => {
		const emu = emulator();
		emu.settings.maxArchiveInputs = 2;
		for (const to of [11, 12, 13, 14, 15]) emu.seed('contacts', '1', 'companies', String(to));
		// Request 1 is refused as too large; 2 removes 11 and 12; 3 (13 and 14) meets the daily limit; 15 is never sent.
		emu.faults.at(3, { status: 429, body: DAILY });
		const result = await run(emu, [{ id: 1, to: [11, 12, 13, 14, 15] }], archiveParameters(), {
			continueOnFail: true,
		});
		expect(emu.count()).toBe(3);
		const { error, details } = result.items[0].json as { error: string; details: IDataObject };
		expect(error).toBe("HubSpot's daily API limit for this account is used up");
		expect(details.pairs).toEqual([
			{ toId: '11', outcome: 'removed' },
			{ toId: '12', outcome: 'removed' },
			{
				toId: '13',
				outcome: 'failed',
				error: "HubSpot's daily API limit for this account is used up",
			},
			{
				toId: '14',
				outcome: 'failed',
				error: "HubSpot's daily API limit for this account is used up",
			},
			{
				toId: '15',
				outcome: 'notSent',
				error: "Not sent: HubSpot's daily API limit for this account is used up",
			},
		]);
	});

	it('an item whose to ids sit in its requests out of their order: each pair has its own fate', async () => {
		const emu = emulator();
		for (const to of [11, 12, 13, 14]) emu.seed('contacts', '1', 'companies', String(to));
		// HubSpot answers the request carrying 14 with a 207 naming it.
		emu.faults.errorIds.add('14');
		// Planned by from id, two a request: [11, 12] then [13, 14]. The second item asks for 14 and then
		// 11, so its first pair is in its second request and its second pair in its first.
		const result = await run(
			emu,
			[
				{ id: 1, to: [11, 12, 13] },
				{ id: 1, to: [14, 11] },
			],
			archiveParameters({ options: { batchSize: 2 } }),
			{ continueOnFail: true },
		);
		expect(emu.stats.requests).toBe(2);
		expect(emu.toIds('contacts', '1', 'companies')).toEqual(['14']);
		expect(result.items[0].json).toMatchObject({ status: 'COMPLETE', numErrors: 0 });
		const { details } = result.items[1].json as { details: IDataObject };
		expect(details).toMatchObject({ category: 'VALIDATION_ERROR', httpCode: '207' });
		expect(details.pairs).toEqual([
			{
				toId: '14',
				outcome: 'failed',
				error: 'HubSpot reported an error for this item: One or more associations are invalid',
			},
			{ toId: '11', outcome: 'removed' },
		]);
	});

	it('per-request output: one output item for each request HubSpot answered, with the pairs it carried', async () => {
		const emu = emulator();
		const items = inParts(emu);
		emu.faults.at(3, { status: 429, body: DAILY });
		const parameters = archiveParameters({ options: { batchSize: 10, outputMode: 'perBatch' } });
		const result = await run(emu, items, parameters, { continueOnFail: true });
		expect(result.items).toHaveLength(3);
		const [removed, refused, unsent] = result.items;
		expect(removed.json).toMatchObject({ pairCount: 4, status: 'COMPLETE' });
		expect(pairedIndexes(removed.pairedItem)).toEqual([0, 1, 2, 3]);
		expect(refused.json.error).toBe("HubSpot's daily API limit for this account is used up");
		expect(refused.json.details).toMatchObject({ pairCount: 4 });
		expect(pairedIndexes(refused.pairedItem)).toEqual([4, 5, 6, 7]);
		expect(unsent.json.error).toBe(
			"Not sent: HubSpot's daily API limit for this account is used up",
		);
		expect(pairedIndexes(unsent.pairedItem)).toEqual([8, 9]);
	});
});

describe('Every input item has an output item in both output modes', () => {
	const emulator = useEmulator();

	it('per-request output, Remove All: a record with no associations still gets its item, so later nodes run', async () => {
		const emu = emulator();
		emu.seed('contacts', '1', 'companies', '11');
		const { toIds: _unused, ...parameters } = archiveParameters({
			operation: 'archiveAll',
			options: { outputMode: 'perBatch' },
		});
		const result = await run(emu, [{ id: 1 }, { id: 2 }, { id: 3 }], parameters);
		expect(result.error).toBeUndefined();
		expect(emu.count()).toBe(0);
		const paired = result.items.flatMap((i) => pairedIndexes(i.pairedItem)).sort();
		expect(paired).toEqual([0, 1, 2]);
		const nothing = result.items.find((i) => i.json.fromId === '2');
		expect(nothing?.json).toMatchObject({ fromId: '2', toIds: [], status: 'COMPLETE' });
	});

	it('per-request output, Remove All with nothing to remove anywhere: one item per input, none dropped', async () => {
		const emu = emulator();
		const { toIds: _unused, ...parameters } = archiveParameters({
			operation: 'archiveAll',
			options: { outputMode: 'perBatch' },
		});
		const result = await run(emu, [{ id: 7 }, { id: 8 }], parameters);
		expect(result.error).toBeUndefined();
		expect(result.items.map((i) => pairedIndexes(i.pairedItem))).toEqual([[0], [1]]);
		expect(result.items.map((i) => i.json.toIds)).toEqual([[], []]);
	});

	it('per-request output: a request HubSpot took in parts pairs each part with the items it carried', async () => {
		const emu = emulator();
		emu.settings.maxArchiveInputs = 2;
		for (const to of [11, 12, 13, 14, 15]) emu.seed('contacts', '1', 'companies', String(to));
		emu.seed('contacts', '2', 'companies', '21');
		const parameters = archiveParameters({ options: { outputMode: 'perBatch' } });
		// One request of six pairs, refused as too large, then parts of two: [11, 12], [13, 14], [15, 21].
		const result = await run(
			emu,
			[
				{ id: 1, to: [11, 12, 13, 14, 15] },
				{ id: 2, to: 21 },
			],
			parameters,
		);
		expect(result.error).toBeUndefined();
		expect(emu.count()).toBe(0);
		expect(result.items.map((i) => i.json.pairCount)).toEqual([2, 2, 2]);
		expect(result.items.map((i) => pairedIndexes(i.pairedItem))).toEqual([[0], [0], [0, 1]]);
	});

	it('per-request output: items asking for the same pair are both paired with the request that carried it', async () => {
		const emu = emulator();
		emu.seed('contacts', '1', 'companies', '11');
		const parameters = archiveParameters({ options: { outputMode: 'perBatch' } });
		const result = await run(
			emu,
			[
				{ id: 1, to: 11 },
				{ id: '01', to: '11' },
				{ id: 1, to: [11] },
			],
			parameters,
		);
		expect(result.error).toBeUndefined();
		expect(emu.stats.requests).toBe(1);
		expect(result.items.flatMap((i) => pairedIndexes(i.pairedItem)).sort()).toEqual([0, 1, 2]);
	});
});
