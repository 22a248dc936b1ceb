import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { archiveParameters, run, useEmulator } from './helpers/setup';

interface Case {
	name: string;
	item: IDataObject;
	parameters?: INodeParameters;
	/** The error the item must get; undefined = it must be archived. */
	error?: RegExp;
	/** For a successful case: the ids the node must have sent (canonical, de-duplicated). */
	sent?: { from: string; to: string[] };
}

const big = '9'.repeat(100_000);

const CASES: Case[] = [
	{ name: 'missing from id', item: { to: 5 }, error: /From ID is not valid: undefined/ },
	{ name: 'empty from id', item: { id: '', to: 5 }, error: /From ID is not valid: it is empty/ },
	{ name: 'null from id', item: { id: null, to: 5 }, error: /From ID is not valid: null/ },
	{ name: 'missing to ids', item: { id: 1 }, error: /To IDs are not valid: no ids were given/ },
	{ name: 'empty to-id list', item: { id: 1, to: [] }, error: /no ids were given/ },
	{ name: 'null to id', item: { id: 1, to: null }, error: /no ids were given/ },
	{ name: 'negative id', item: { id: -4, to: 5 }, error: /-4 is not a positive whole number/ },
	{ name: 'negative id as text', item: { id: '-4', to: 5 }, error: /digits only/ },
	{ name: 'fractional id', item: { id: 1.5, to: 5 }, error: /1.5 is not a positive whole number/ },
	{ name: 'zero', item: { id: 0, to: 5 }, error: /not a positive whole number/ },
	{
		name: 'id with inner space',
		item: { id: '12 34', to: 5 },
		error: /"12 34" is not a HubSpot record id/,
	},
	{ name: 'id with letters', item: { id: '12a', to: 5 }, error: /digits only/ },
	{ name: 'unicode digits', item: { id: '１２', to: 5 }, error: /digits only/ },
	{ name: 'emoji', item: { id: 1, to: '💥' }, error: /digits only/ },
	{
		name: 'object as from id',
		item: { id: { id: 1 }, to: 5 },
		error: /an object is not a HubSpot record id/,
	},
	{ name: 'array as from id', item: { id: [1], to: 5 }, error: /From ID must be one id/ },
	{
		name: 'nested array of to ids',
		item: { id: 1, to: [5, [6, 7]] },
		error: /entry 1 is a nested array/,
	},
	{ name: 'object among to ids', item: { id: 1, to: [5, { id: 6 }] }, error: /entry 1: an object/ },
	// Past HubSpot's largest id (int64) HubSpot would refuse the whole request: refused here, for this item only, shown shortened.
	{
		name: 'a 100 KB string of digits',
		item: { id: 7, to: big },
		error:
			/"9{60}… \(100000 characters\)" is larger than the largest HubSpot record id \(9223372036854775807\)/,
	},
	{
		name: 'a 100 KB string of text',
		item: { id: 1, to: 'x'.repeat(100_000) },
		error: /\(100000 characters\)/,
	},
	{
		name: 'an unsafe-integer number',
		item: { id: 2 ** 60, to: 5 },
		error:
			/From ID is not valid: 1152921504606847000 is larger than a number can hold exactly .*pass the id as a string of digits/,
	},
	{
		name: 'an expression that throws',
		item: { id: 1, to: 5, broken: '{' },
		// Under n8n's legacy engine (the one WorkflowExecute uses without start-up set-up) most JavaScript
		// errors evaluate to null; an ExpressionError, like a reference to a missing node, still throws.
		parameters: { toIds: '={{ $json.broken ? $("No Such Node").item.json.x : $json.to }}' },
		error: /To IDs could not be evaluated/,
	},
	{
		name: 'surrounding spaces are fine',
		item: { id: ' 7 ', to: ' 8 ' },
		sent: { from: '7', to: ['8'] },
	},
	{
		name: 'leading zeros are the same record',
		item: { id: '007', to: ['08', '8'] },
		sent: { from: '7', to: ['8'] },
	},
	{
		name: 'comma-separated with duplicates',
		item: { id: 7, to: '8, 9,8' },
		sent: { from: '7', to: ['8', '9'] },
	},
	{
		name: 'numbers and strings mixed',
		item: { id: '7', to: [8, '9'] },
		sent: { from: '7', to: ['8', '9'] },
	},
];

describe('Hostile input: every case ends in a clear error naming the item, or a clean archive', () => {
	const emulator = useEmulator();

	it.each(CASES)('$name', async ({ item, parameters, error, sent }) => {
		const emu = emulator();
		emu.settings.recordBodies = true;
		emu.seed('contacts', '7', 'companies', '8').seed('contacts', '7', 'companies', '9');
		// A good item before the bad one: with Continue On Fail it must still be archived.
		const items = [{ id: 7, to: 9 }, item];
		const params = archiveParameters(parameters);

		const stopped = await run(emu, items, params);
		const withCof = await run(emu, items, params, { continueOnFail: true });

		expect(emu.stats.invalidIdRequests).toBe(0);
		expect(withCof.items).toHaveLength(2);
		expect(withCof.items[1].pairedItem).toEqual({ item: 1 });
		if (error) {
			expect(stopped.error?.message).toMatch(/^Item 1: /);
			expect(stopped.error?.message).toMatch(error);
			expect(stopped.error?.message.length).toBeLessThan(400);
			expect(String(withCof.items[1].json.error)).toMatch(error);
			expect(withCof.items[0].json.status).toBe('COMPLETE');
		} else {
			expect(stopped.error).toBeUndefined();
			expect(withCof.items[1].json).toMatchObject({
				fromId: sent!.from,
				toIds: sent!.to,
				status: 'COMPLETE',
			});
			const body = emu.stats.log[0].body as {
				inputs: Array<{ from: { id: string }; to: Array<{ id: string }> }>;
			};
			expect(body.inputs).toEqual([
				{ from: { id: sent!.from }, to: [...new Set(['9', ...sent!.to])].map((id) => ({ id })) },
			]);
		}
	});

	it('archives 10,000 to ids of one from id in batches, de-duplicated', async () => {
		const emu = emulator();
		const to = Array.from({ length: 10_000 }, (_, i) => 100_000 + i);
		for (const id of to) emu.seed('contacts', '1', 'companies', String(id));
		emu.settings.rateLimit = null;
		const result = await run(
			emu,
			[{ id: 1, to: [...to, ...to.slice(0, 500)] }],
			archiveParameters({ options: { batchSize: 1000 } }),
		);
		expect(result.error).toBeUndefined();
		expect(result.items).toHaveLength(1);
		expect(result.items[0].json.toIds).toHaveLength(10_000);
		expect(emu.stats.requests).toBe(10);
		expect(emu.count()).toBe(0);
	});
});
