import type { IDataObject, INodeParameters } from 'n8n-workflow';

import type { HubSpotEmulator } from './emulator';
import { archiveParameters, run, useEmulator } from './helpers/setup';

/**
 * Dry run: no write request reaches HubSpot, the emulator's associations are exactly as before, and
 * the output has the shape of a real run with status "DRY_RUN".
 */
const DECISION_MAKER = { category: 'USER_DEFINED' as const, typeId: 41 };

function snapshot(emu: HubSpotEmulator): string {
	const pairs: Array<[string, string, unknown]> = [];
	for (const fromId of ['1', '2', '3']) {
		for (const toId of emu.toIds('contacts', fromId, 'companies')) {
			pairs.push([fromId, toId, emu.typesOf('contacts', fromId, 'companies', toId)]);
		}
	}
	return JSON.stringify({ count: emu.count(), pairs });
}

function seed(emu: HubSpotEmulator): void {
	emu.addLabel('contacts', 'companies', { typeId: 41, inverseTypeId: 42, label: 'Decision maker' });
	emu
		.seed('contacts', '1', 'companies', '10', [DECISION_MAKER])
		.seed('contacts', '1', 'companies', '11');
	emu
		.seed('contacts', '2', 'companies', '20', [DECISION_MAKER])
		.seed('contacts', '3', 'companies', '30');
}

const WRITE_ROUTES = ['batch/archive', 'batch/labels/archive', 'batch/create', 'delete'];

const cases: Array<[string, INodeParameters, IDataObject[]]> = [
	[
		'archive',
		archiveParameters(),
		[
			{ id: 1, to: [10, 11] },
			{ id: 2, to: 20 },
		],
	],
	[
		'archiveLabels',
		archiveParameters({ operation: 'archiveLabels', labels: ['USER_DEFINED:41'] }),
		[
			{ id: 1, to: [10, 11] },
			{ id: 2, to: 20 },
		],
	],
	['archiveAll', archiveParameters({ operation: 'archiveAll' }), [{ id: 1 }, { id: 2 }]],
];

describe('Dry run', () => {
	const emulator = useEmulator();

	it.each(cases)(
		"%s: sends no write, leaves the emulator untouched, outputs the real run's shape with DRY_RUN",
		async (_name, parameters, items) => {
			const emu = emulator();
			seed(emu);
			const before = snapshot(emu);
			const dry = await run(emu, items, { ...parameters, options: { dryRun: true } });
			expect(dry.error).toBeUndefined();
			expect(snapshot(emu)).toBe(before);
			expect(Object.keys(emu.stats.byRoute).filter((r) => WRITE_ROUTES.includes(r))).toEqual([]);
			expect(emu.stats.archivedPairs).toBe(0);
			expect(dry.items.map((i) => i.json.status)).toEqual(items.map(() => 'DRY_RUN'));
			expect(dry.items.map((i) => i.pairedItem)).toEqual(items.map((_, item) => ({ item })));

			const real = await run(emu, items, parameters);
			expect(real.error).toBeUndefined();
			expect(snapshot(emu)).not.toBe(before);
			expect(
				dry.items.map((i) => ({
					...i.json,
					status: 'COMPLETE',
					startedAt: '',
					completedAt: '',
					requestedAt: '',
				})),
			).toEqual(
				real.items.map((i) => ({ ...i.json, startedAt: '', completedAt: '', requestedAt: '' })),
			);
		},
	);

	it('archiveAll: reads (paging included) but removes nothing, and lists what would be removed', async () => {
		const emu = emulator();
		seed(emu);
		emu.settings.readPageSize = 1;
		const before = snapshot(emu);
		const result = await run(
			emu,
			[{ id: 1 }, { id: 3 }],
			archiveParameters({ operation: 'archiveAll', options: { dryRun: true } }),
		);
		expect(result.error).toBeUndefined();
		expect(emu.stats.byRoute).toEqual({ 'batch/read': 2 });
		expect(snapshot(emu)).toBe(before);
		expect(result.items.map((i) => [i.json.fromId, i.json.toIds, i.json.status])).toEqual([
			['1', ['10', '11'], 'DRY_RUN'],
			['3', ['30'], 'DRY_RUN'],
		]);
	});

	it('archiveAll: a record with nothing to remove says DRY_RUN too', async () => {
		const emu = emulator();
		const result = await run(
			emu,
			[{ id: 9 }],
			archiveParameters({ operation: 'archiveAll', options: { dryRun: true } }),
		);
		expect(result.error).toBeUndefined();
		expect(result.items[0].json).toMatchObject({ fromId: '9', toIds: [], status: 'DRY_RUN' });
	});

	it('in One Item per HubSpot Request mode shows each request that would be sent', async () => {
		const emu = emulator();
		seed(emu);
		const before = snapshot(emu);
		const result = await run(
			emu,
			[
				{ id: 1, to: [10, 11] },
				{ id: 2, to: 20 },
			],
			archiveParameters({ options: { dryRun: true, outputMode: 'perBatch', batchSize: 2 } }),
		);
		expect(result.error).toBeUndefined();
		expect(emu.stats.requests).toBe(0);
		expect(snapshot(emu)).toBe(before);
		expect(result.items.map((i) => [i.json.status, i.json.pairCount, i.json.inputs])).toEqual([
			['DRY_RUN', 2, [{ from: { id: '1' }, to: [{ id: '10' }, { id: '11' }] }]],
			['DRY_RUN', 1, [{ from: { id: '2' }, to: [{ id: '20' }] }]],
		]);
		expect(result.items.map((i) => i.pairedItem)).toEqual([[{ item: 0 }], [{ item: 1 }]]);
	});
});
