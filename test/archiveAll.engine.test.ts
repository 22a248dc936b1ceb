import type { INodeParameters } from 'n8n-workflow';

import { APP_TOKEN, archiveParameters, run, useEmulator } from './helpers/setup';

/** "Remove All Associations of Records" through n8n's engine against the emulator. */
const DECISION_MAKER = { category: 'USER_DEFINED' as const, typeId: 41 };
const PRIMARY = { category: 'HUBSPOT_DEFINED' as const, typeId: 1 };

const allParameters = (overrides: INodeParameters = {}): INodeParameters => {
	const { toIds: _unused, ...rest } = archiveParameters({ operation: 'archiveAll', ...overrides });
	return rest;
};

type ReadBody = { inputs: Array<{ id: string; after?: string }> };

describe('Remove All Associations of Records', () => {
	const emulator = useEmulator();

	it('reads every associated record, removes them all, and lists the removed ids per item', async () => {
		const emu = emulator();
		emu
			.seed('contacts', '1', 'companies', '10')
			.seed('contacts', '1', 'companies', '11')
			.seed('contacts', '2', 'companies', '20');
		emu.seed('contacts', '1', 'deals', '10').seed('contacts', '3', 'companies', '30');
		const result = await run(emu, [{ id: 1 }, { id: '2' }], allParameters());
		expect(result.error).toBeUndefined();
		expect(emu.toIds('contacts', '1', 'companies')).toEqual([]);
		expect(emu.toIds('contacts', '2', 'companies')).toEqual([]);
		expect(emu.has('contacts', '1', 'deals', '10')).toBe(true);
		expect(emu.has('contacts', '3', 'companies', '30')).toBe(true);
		expect(emu.stats.log.map((l) => l.route)).toEqual(['batch/read', 'batch/archive']);
		expect(result.items.map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		expect(result.items[0].json).toEqual({
			fromObjectType: 'contacts',
			toObjectType: 'companies',
			fromId: '1',
			toIds: ['10', '11'],
			status: 'COMPLETE',
			startedAt: expect.any(String),
			completedAt: expect.any(String),
			requestedAt: expect.any(String),
			numErrors: 0,
			errors: [],
			results: [],
		});
		expect(result.items[1].json).toMatchObject({ fromId: '2', toIds: ['20'], status: 'COMPLETE' });
	});

	it.each(['207', 'empty'] as const)(
		'treats a record without associations as nothing to remove (read answers %s)',
		async (readMissingAs) => {
			const emu = emulator();
			emu.settings.readMissingAs = readMissingAs;
			emu.seed('contacts', '1', 'companies', '10');
			const result = await run(emu, [{ id: 1 }, { id: 2 }], allParameters());
			expect(result.error).toBeUndefined();
			expect(emu.stats.byStatus).toEqual(
				readMissingAs === '207' ? { 207: 1, 204: 1 } : { 200: 1, 204: 1 },
			);
			expect(result.items[1].json).toEqual({
				fromObjectType: 'contacts',
				toObjectType: 'companies',
				fromId: '2',
				toIds: [],
				status: 'COMPLETE',
				numErrors: 0,
				errors: [],
				results: [],
			});
			expect(result.items[0].json).toMatchObject({ toIds: ['10'], status: 'COMPLETE' });
		},
	);

	it('follows paging.next.after across several read pages', async () => {
		const emu = emulator();
		emu.settings.readPageSize = 2;
		emu.settings.recordBodies = true;
		const toIds = ['10', '11', '12', '13', '14'];
		for (const id of toIds) emu.seed('contacts', '1', 'companies', id);
		emu.seed('contacts', '2', 'companies', '20');
		const result = await run(emu, [{ id: 1 }, { id: 2 }], allParameters());
		expect(result.error).toBeUndefined();
		const reads = emu.stats.log
			.filter((l) => l.route === 'batch/read')
			.map((l) => (l.body as ReadBody).inputs);
		expect(reads).toHaveLength(3);
		expect(reads[0]).toEqual([{ id: '1' }, { id: '2' }]);
		expect(reads[1]).toEqual([{ id: '1', after: expect.any(String) }]);
		expect(reads[2]).toEqual([{ id: '1', after: expect.any(String) }]);
		expect(reads[2][0].after).not.toBe(reads[1][0].after);
		expect(result.items[0].json.toIds).toEqual(toIds);
		expect(emu.count()).toBe(0);
	});

	it('reads at most 1000 records per request: 1,500 records make 2 reads', async () => {
		const emu = emulator();
		emu.settings.rateLimit = null;
		const items = Array.from({ length: 1500 }, (_, i) => ({ id: i + 1 }));
		for (const item of items) emu.seed('contacts', item.id, 'companies', 100000 + item.id);
		const result = await run(emu, items, allParameters({ options: { batchSize: 1000 } }));
		expect(result.error).toBeUndefined();
		const reads = emu.stats.log.filter((l) => l.route === 'batch/read');
		expect(reads.map((l) => l.inputs)).toEqual([1000, 500]);
		expect(emu.stats.byRoute['batch/archive']).toBe(2);
		expect(emu.count()).toBe(0);
		expect(result.items).toHaveLength(1500);
		expect(result.items[1499].json).toMatchObject({ fromId: '1500', toIds: ['101500'] });
	});

	it('reads a record once however many items name it', async () => {
		const emu = emulator();
		emu.settings.recordBodies = true;
		emu.seed('contacts', '1', 'companies', '10');
		const result = await run(emu, [{ id: 1 }, { id: 1 }], allParameters());
		expect(result.error).toBeUndefined();
		expect((emu.stats.log[0].body as ReadBody).inputs).toEqual([{ id: '1' }]);
		expect(result.items.map((i) => i.json.toIds)).toEqual([['10'], ['10']]);
	});

	it('removes only the associations with a chosen label', async () => {
		const emu = emulator();
		emu.addLabel('contacts', 'companies', {
			typeId: 41,
			inverseTypeId: 42,
			label: 'Decision maker',
		});
		emu
			.seed('contacts', '1', 'companies', '10', [DECISION_MAKER])
			.seed('contacts', '1', 'companies', '11')
			.seed('contacts', '1', 'companies', '12', [PRIMARY]);
		const result = await run(
			emu,
			[{ id: 1 }],
			allParameters({ labelFilter: 'only', labels: ['USER_DEFINED:41', 'HUBSPOT_DEFINED:1'] }),
		);
		expect(result.error).toBeUndefined();
		expect(emu.toIds('contacts', '1', 'companies')).toEqual(['11']);
		expect(result.items[0].json.toIds).toEqual(['10', '12']);
	});

	it('removes all but the associations with a chosen label', async () => {
		const emu = emulator();
		emu
			.seed('contacts', '1', 'companies', '10', [PRIMARY])
			.seed('contacts', '1', 'companies', '11')
			.seed('contacts', '1', 'companies', '12');
		const result = await run(
			emu,
			[{ id: 1 }],
			allParameters({
				labelFilter: 'except',
				labelSource: 'typeIds',
				labelTypes: { types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 1 }] },
			}),
		);
		expect(result.error).toBeUndefined();
		expect(emu.toIds('contacts', '1', 'companies')).toEqual(['10']);
		expect(emu.typesOf('contacts', '1', 'companies', '10')).toEqual([
			{ category: 'HUBSPOT_DEFINED', typeId: 279 },
			PRIMARY,
		]);
		expect(result.items[0].json.toIds).toEqual(['11', '12']);
	});

	it('retries a read HubSpot rate-limits or fails, through the same transport as the writes', async () => {
		const emu = emulator();
		emu.seed('contacts', '1', 'companies', '10');
		emu.faults.at(1, {
			status: 429,
			body: {
				status: 'error',
				message: 'slow down',
				errorType: 'RATE_LIMIT',
				policyName: 'TEN_SECONDLY_ROLLING',
			},
			headers: { 'Retry-After': '0' },
		});
		emu.faults.at(2, { status: 502 });
		const result = await run(emu, [{ id: 1 }], allParameters());
		expect(result.error).toBeUndefined();
		expect(emu.stats.log.map((l) => [l.route, l.status])).toEqual([
			['batch/read', 429],
			['batch/read', 502],
			['batch/read', 200],
			['batch/archive', 204],
		]);
		expect(result.items[0].json.toIds).toEqual(['10']);
	});

	it('stops before removing anything when a read fails (missing read scope)', async () => {
		const emu = emulator();
		emu.addToken(APP_TOKEN, {
			kind: 'private',
			scopes: ['crm.objects.contacts.write', 'crm.objects.companies.write'],
		});
		emu.seed('contacts', '1', 'companies', '10');
		const result = await run(emu, [{ id: 1 }, { id: 2 }], allParameters());
		expect(result.error?.name).toBe('NodeApiError');
		expect(result.error?.message).toContain('Item 0 (and 1 more item: 1)');
		expect(result.error?.message).toContain('missing scopes: crm.objects.contacts.read');
		expect(emu.stats.byRoute).toEqual({ 'batch/read': 1 });
		expect(emu.has('contacts', '1', 'companies', '10')).toBe(true);
	});

	it('with Continue On Fail gives the unread record an error item and removes the rest', async () => {
		const emu = emulator();
		emu.settings.recordBodies = true;
		emu.seed('contacts', '1', 'companies', '10').seed('contacts', '2', 'companies', '20');
		// HubSpot answers the read with a 207 naming record 2 for something other than "no associations".
		emu.faults.at(1, {
			status: 207,
			body: {
				status: 'COMPLETE',
				results: [{ from: { id: '1' }, to: [{ toObjectId: 10, associationTypes: [] }] }],
				numErrors: 1,
				errors: [
					{
						status: 'error',
						category: 'VALIDATION_ERROR',
						message: 'Record 2 is locked',
						context: { fromObjectId: ['2'] },
					},
				],
				startedAt: '2026-01-01T00:00:00.000Z',
				completedAt: '2026-01-01T00:00:00.100Z',
			},
		});
		const result = await run(emu, [{ id: 1 }, { id: 2 }], allParameters(), {
			continueOnFail: true,
		});
		expect(result.error).toBeUndefined();
		expect(result.items[0].json).toMatchObject({ fromId: '1', toIds: ['10'], status: 'COMPLETE' });
		expect(result.items[1].json.details).toMatchObject({
			fromId: '2',
			toIds: [],
			category: 'VALIDATION_ERROR',
			httpCode: '207',
		});
		expect(result.items[1].json.error).toContain('Record 2 is locked');
		expect(emu.has('contacts', '1', 'companies', '10')).toBe(false);
		expect(emu.has('contacts', '2', 'companies', '20')).toBe(true);
	});

	it('refuses a bad from id before any request; to ids are not asked for', async () => {
		const emu = emulator();
		const result = await run(emu, [{ id: 'abc' }], allParameters());
		expect(result.error?.message).toContain('Item 0: From ID is not valid');
		expect(emu.stats.requests).toBe(0);
	});
});
