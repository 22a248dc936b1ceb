import type { IDataObject } from 'n8n-workflow';

import { archiveParameters, run, seedPairs, useEmulator } from './helpers/setup';

const pairs = (items: IDataObject[]) => items.length;

describe("Archive through n8n's engine against the emulator", () => {
	const emulator = useEmulator();

	it('removes the pairs of every item and leaves other associations alone (private app token)', async () => {
		const emu = emulator();
		emu
			.seed('contacts', '1', 'companies', '10')
			.seed('contacts', '1', 'companies', '11')
			.seed('contacts', '2', 'companies', '20');
		emu.seed('contacts', '2', 'deals', '10');
		const result = await run(
			emu,
			[
				{ id: 1, to: [10] },
				{ id: '2', to: '20' },
			],
			archiveParameters(),
		);
		expect(result.error).toBeUndefined();
		expect(emu.has('contacts', '1', 'companies', '10')).toBe(false);
		expect(emu.has('contacts', '2', 'companies', '20')).toBe(false);
		expect(emu.has('contacts', '1', 'companies', '11')).toBe(true);
		expect(emu.has('contacts', '2', 'deals', '10')).toBe(true);
		expect(result.items).toHaveLength(2);
		expect(result.items[0].json).toEqual({
			fromObjectType: 'contacts',
			toObjectType: 'companies',
			fromId: '1',
			toIds: ['10'],
			status: 'COMPLETE',
			startedAt: expect.any(String),
			completedAt: expect.any(String),
			requestedAt: expect.any(String),
			numErrors: 0,
			errors: [],
			results: [],
		});
		expect(result.items.map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		expect(emu.stats.requests).toBe(1);
		expect(emu.stats.byRoute).toMatchObject({ 'batch/archive': 1 });
	});

	it("signs requests with the OAuth2 credential's access token through n8n's OAuth2 handling", async () => {
		const emu = emulator();
		emu.seed('contacts', '5', 'companies', '50');
		const result = await run(
			emu,
			[{ id: 5, to: 50 }],
			archiveParameters({ authentication: 'oAuth2' }),
		);
		expect(result.error).toBeUndefined();
		expect(emu.has('contacts', '5', 'companies', '50')).toBe(false);
		expect(result.items[0].json.status).toBe('COMPLETE');
	});

	it('reads a private app token credential once per execution, not once per request', async () => {
		const emu = emulator();
		for (let c = 1; c <= 5; c++) emu.seed('contacts', String(c), 'companies', String(100 + c));
		const result = await run(
			emu,
			Array.from({ length: 5 }, (_, i) => ({ id: i + 1, to: 101 + i })),
			archiveParameters({ options: { batchSize: 1 } }),
		);
		expect(result.error).toBeUndefined();
		expect(emu.stats.requests).toBe(5);
		expect(emu.count()).toBe(0);
		// n8n reads a credential from its database and decrypts it each time a node asks for it.
		expect(result.credentialsHelper.reads).toEqual({ hubSpotAssociationsAppTokenApi: 1 });
	});

	it('reads an OAuth2 credential afresh for every request, so a token refreshed meanwhile is used', async () => {
		const emu = emulator();
		for (let c = 1; c <= 3; c++) emu.seed('contacts', String(c), 'companies', String(100 + c));
		const result = await run(
			emu,
			Array.from({ length: 3 }, (_, i) => ({ id: i + 1, to: 101 + i })),
			archiveParameters({ authentication: 'oAuth2', options: { batchSize: 1 } }),
		);
		expect(result.error).toBeUndefined();
		expect(emu.count()).toBe(0);
		expect(result.credentialsHelper.reads.hubSpotAssociationsOAuth2Api).toBeGreaterThanOrEqual(
			1 + 3,
		);
	});

	it('groups items by from id, drops duplicate pairs, and sends one request for all of them', async () => {
		const emu = emulator();
		emu.settings.recordBodies = true;
		for (let c = 1; c <= 10; c++) emu.seed('contacts', String(c), 'companies', String(100 + c));
		const items = Array.from({ length: 1000 }, (_, i) => ({
			id: 1 + (i % 10),
			to: [101 + (i % 10)],
		}));
		const result = await run(emu, items, archiveParameters());
		expect(result.error).toBeUndefined();
		expect(emu.stats.requests).toBe(1);
		expect(result.items).toHaveLength(pairs(items));
		expect(emu.count()).toBe(0);
		const body = emu.stats.log[0].body as {
			inputs: Array<{ from: { id: string }; to: Array<{ id: string }> }>;
		};
		expect(body.inputs).toHaveLength(10);
		expect(body.inputs[0]).toEqual({ from: { id: '1' }, to: [{ id: '101' }] });
	});

	it('chunks at batchSize: 250 pairs at 100 make 3 requests', async () => {
		const emu = emulator();
		const items = Array.from({ length: 250 }, (_, i) => ({ id: 1 + (i % 3), to: 1000 + i }));
		for (const item of items) emu.seed('contacts', String(item.id), 'companies', String(item.to));
		const result = await run(emu, items, archiveParameters({ options: { batchSize: 100 } }));
		expect(result.error).toBeUndefined();
		expect(emu.stats.requests).toBe(3);
		expect(emu.stats.log.map((l) => l.pairs)).toEqual([100, 100, 50]);
		expect(emu.count()).toBe(0);
		expect(result.items).toHaveLength(250);
	});

	it('gives the same output shape for a 200 BatchResponse as for a 204', async () => {
		const emu = emulator();
		emu.seed('contacts', '1', 'companies', '10');
		const on204 = await run(emu, [{ id: 1, to: 10 }], archiveParameters());
		emu.settings.archiveResponse = '200';
		const on200 = await run(emu, [{ id: 1, to: 10 }], archiveParameters());
		expect(Object.keys(on200.items[0].json).sort()).toEqual(
			Object.keys(on204.items[0].json).sort(),
		);
		expect(on200.items[0].json.status).toBe('COMPLETE');
	});

	it('outputs one item per HubSpot request in perBatch mode, paired with every item it carried', async () => {
		const emu = emulator();
		emu.settings.archiveResponse = '200';
		const items = Array.from({ length: 5 }, (_, i) => ({ id: 1 + i, to: [10 + i, 20 + i] }));
		const result = await run(
			emu,
			items,
			archiveParameters({ options: { outputMode: 'perBatch', batchSize: 4 } }),
		);
		expect(result.error).toBeUndefined();
		expect(result.items).toHaveLength(3);
		expect(result.items[0].json).toMatchObject({
			fromObjectType: 'contacts',
			toObjectType: 'companies',
			pairCount: 4,
			status: 'COMPLETE',
		});
		expect(result.items[0].json.inputs).toEqual([
			{ from: { id: '1' }, to: [{ id: '10' }, { id: '20' }] },
			{ from: { id: '2' }, to: [{ id: '11' }, { id: '21' }] },
		]);
		expect(result.items[0].pairedItem).toEqual([{ item: 0 }, { item: 1 }]);
		expect(result.items[2].pairedItem).toEqual([{ item: 4 }]);
	});

	it('evaluates real expressions per item, not only plain field references', async () => {
		const emu = emulator();
		emu.seed('contacts', '7', 'companies', '70').seed('contacts', '7', 'companies', '71');
		const result = await run(
			emu,
			[{ contact: { hubspotId: 6 }, companies: '70;71' }],
			archiveParameters({
				fromId: '={{ $json.contact.hubspotId + 1 }}',
				toIds: '={{ $json.companies.split(";") }}',
			}),
		);
		expect(result.error).toBeUndefined();
		expect(result.items[0].json).toMatchObject({ fromId: '7', toIds: ['70', '71'] });
		expect(emu.toIds('contacts', '7', 'companies')).toEqual([]);
	});

	it('accepts object types by id and custom objects by fully qualified name', async () => {
		const emu = emulator();
		emu.addCustomObject({
			objectTypeId: '2-123',
			fullyQualifiedName: 'p1_cars',
			name: 'cars',
			labels: { singular: 'Car', plural: 'Cars' },
		});
		emu.seed('contacts', '1', '2-123', '9');
		const result = await run(
			emu,
			[{ id: 1, to: 9 }],
			archiveParameters({
				fromObjectType: { __rl: true, mode: 'id', value: '0-1' },
				toObjectType: { __rl: true, mode: 'id', value: 'p1_cars' },
			}),
		);
		expect(result.error).toBeUndefined();
		expect(result.items[0].json).toMatchObject({
			fromObjectType: 'contacts',
			toObjectType: 'p1_cars',
		});
		expect(emu.has('contacts', '1', '2-123', '9')).toBe(false);
	});
});

describe('Bad input', () => {
	const emulator = useEmulator();

	it.each([
		[{ id: 'abc', to: 1 }, 'From ID is not valid'],
		[{ to: 1 }, 'From ID is not valid'],
		[{ id: 1 }, 'To IDs are not valid: no ids were given'],
		[{ id: 1, to: { id: 5 } }, 'To IDs are not valid'],
		[{ id: [1, 2], to: 5 }, 'From ID must be one id'],
	])(
		'throws a NodeOperationError naming the item for %p, before any request',
		async (bad, message) => {
			const emu = emulator();
			const result = await run(emu, [{ id: 1, to: 2 }, bad], archiveParameters());
			expect(result.error?.message).toContain('Item 1');
			expect(result.error?.message).toContain(message);
			expect(result.error?.name).toBe('NodeOperationError');
			expect(emu.stats.requests).toBe(0);
		},
	);

	it('refuses a value that cannot be an object type before any request', async () => {
		const emu = emulator();
		const result = await run(
			emu,
			[{ id: 1, to: 2 }],
			archiveParameters({ toObjectType: { __rl: true, mode: 'id', value: '../companies' } }),
		);
		expect(result.error?.message).toContain('To Object Type cannot be used');
		expect(emu.stats.requests).toBe(0);
	});

	it('lets HubSpot judge a well-formed type it may not know: the error names the type and says what to do, asked once', async () => {
		const emu = emulator();
		const items = seedPairs(emu, 300);
		const params = archiveParameters({
			toObjectType: { __rl: true, mode: 'id', value: 'companys' },
		});
		const result = await run(emu, items, params, { continueOnFail: true });
		expect(emu.stats.requests).toBe(1);
		expect(result.items[0].json.error).toBe(
			'HubSpot does not know the object type "companys" (contacts → companys)',
		);
		expect((result.items[0].json.details as { hint: string }).hint).toMatch(
			/type id \(0-… for HubSpot's objects/,
		);
		expect(result.items[299].json.error).toBe(
			'Not sent: HubSpot does not know the object type "companys" (contacts → companys)',
		);
		const stopped = await run(emu, items, params);
		expect(stopped.error?.message).toMatch(
			/^Item 0 \(and 299 more items: .*\): HubSpot does not know the object type "companys"/,
		);
	});

	it.each([
		['leads by name', 'leads', '0-136'],
		['invoices by type id', '0-53', '0-53'],
		['a lead as typed in the singular', 'Lead', '0-136'],
	])('removes associations with newer standard objects: %s', async (_name, typed, sent) => {
		const emu = emulator();
		emu.settings.recordBodies = true;
		emu.seed('contacts', '1', sent, '2');
		const result = await run(
			emu,
			[{ id: 1, to: 2 }],
			archiveParameters({ toObjectType: { __rl: true, mode: 'id', value: typed } }),
		);
		expect(result.error).toBeUndefined();
		expect(result.items[0].json).toMatchObject({ toObjectType: sent, status: 'COMPLETE' });
		expect(emu.stats.log[0].path).toBe(`/crm/v4/associations/contacts/${sent}/batch/archive`);
		expect(emu.has('contacts', '1', sent, '2')).toBe(false);
	});

	it('with Continue On Fail gives the bad item an error item and archives the rest', async () => {
		const emu = emulator();
		emu.seed('contacts', '1', 'companies', '2').seed('contacts', '3', 'companies', '4');
		const result = await run(
			emu,
			[
				{ id: 1, to: 2 },
				{ id: 'x1', to: 9 },
				{ id: 3, to: 4 },
			],
			archiveParameters(),
			{ continueOnFail: true },
		);
		expect(result.error).toBeUndefined();
		expect(result.items).toHaveLength(3);
		expect(result.items[1].json.error).toContain('Item 1: From ID is not valid');
		expect(result.items[1].pairedItem).toEqual({ item: 1 });
		expect(result.items[0].json.status).toBe('COMPLETE');
		expect(result.items[2].json.status).toBe('COMPLETE');
		expect(emu.count()).toBe(0);
		expect(emu.stats.invalidIdRequests).toBe(0);
	});

	it("turns a HubSpot 4xx into a NodeApiError with HubSpot's message, category and correlationId", async () => {
		const emu = emulator();
		emu.settings.missingScopes = ['crm.objects.contacts.write'];
		const result = await run(emu, [{ id: 1, to: 2 }], archiveParameters());
		expect(result.error?.name).toBe('NodeApiError');
		expect(result.error?.message).toContain('missing scopes: crm.objects.contacts.write');
		expect(result.error?.description).toContain('category MISSING_SCOPES');
		expect(result.error?.description).toMatch(/correlationId [0-9a-f-]{36}/);
		expect(
			(result.error as unknown as { context: Record<string, unknown> }).context.itemIndex,
		).toBe(0);
	});

	it('with Continue On Fail turns a HubSpot error into one error item per input item of the batch', async () => {
		const emu = emulator();
		emu.settings.missingScopes = true;
		const result = await run(
			emu,
			[
				{ id: 1, to: 2 },
				{ id: 3, to: 4 },
			],
			archiveParameters(),
			{ continueOnFail: true },
		);
		expect(result.error).toBeUndefined();
		expect(result.items).toHaveLength(2);
		for (const [i, item] of result.items.entries()) {
			expect(item.json.details).toMatchObject({
				httpCode: '403',
				category: 'MISSING_SCOPES',
				fromId: String(1 + 2 * i),
			});
			expect((item.json.details as { correlationId: unknown }).correlationId).toEqual(
				expect.any(String),
			);
			expect(item.pairedItem).toEqual({ item: i });
		}
	});
});
