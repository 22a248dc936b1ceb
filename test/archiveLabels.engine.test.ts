import type { INodeParameters } from 'n8n-workflow';

import { archiveParameters, run, useEmulator } from './helpers/setup';

/** "Remove Association Labels" through n8n's engine against the emulator. */
const DECISION_MAKER = { category: 'USER_DEFINED' as const, typeId: 41 };
const BILLING = { category: 'USER_DEFINED' as const, typeId: 43 };
const UNLABELED = { category: 'HUBSPOT_DEFINED' as const, typeId: 279 };

const labelParameters = (overrides: INodeParameters = {}): INodeParameters =>
	archiveParameters({ operation: 'archiveLabels', labels: ['USER_DEFINED:41'], ...overrides });

type LabelsBody = {
	inputs: Array<{
		from: { id: string };
		to: { id: string };
		types: Array<{ associationCategory: string; associationTypeId: number }>;
	}>;
};

describe('Remove Association Labels', () => {
	const emulator = useEmulator();
	beforeEach(() => {
		const emu = emulator();
		emu.addLabel('contacts', 'companies', {
			typeId: 41,
			inverseTypeId: 42,
			label: 'Decision maker',
		});
		emu.addLabel('contacts', 'companies', {
			typeId: 43,
			inverseTypeId: 44,
			label: 'Billing contact',
		});
	});

	it('removes only the chosen label and keeps the association with its other labels', async () => {
		const emu = emulator();
		emu.settings.recordBodies = true;
		emu
			.seed('contacts', '1', 'companies', '10', [DECISION_MAKER, BILLING])
			.seed('contacts', '1', 'companies', '11', [DECISION_MAKER]);
		const result = await run(emu, [{ id: 1, to: [10, 11] }], labelParameters());
		expect(result.error).toBeUndefined();
		expect(emu.typesOf('contacts', '1', 'companies', '10')).toEqual([UNLABELED, BILLING]);
		expect(emu.typesOf('contacts', '1', 'companies', '11')).toEqual([UNLABELED]);
		expect(emu.typesOf('companies', '10', 'contacts', '1')).toEqual([
			{ category: 'HUBSPOT_DEFINED', typeId: 280 },
			{ category: 'USER_DEFINED', typeId: 44 },
		]);
		expect(emu.stats.byRoute).toEqual({ 'batch/labels/archive': 1 });
		expect((emu.stats.log[0].body as LabelsBody).inputs).toEqual([
			{
				from: { id: '1' },
				to: { id: '10' },
				types: [{ associationCategory: 'USER_DEFINED', associationTypeId: 41 }],
			},
			{
				from: { id: '1' },
				to: { id: '11' },
				types: [{ associationCategory: 'USER_DEFINED', associationTypeId: 41 }],
			},
		]);
		expect(result.items).toHaveLength(1);
		expect(result.items[0].json).toEqual({
			fromObjectType: 'contacts',
			toObjectType: 'companies',
			fromId: '1',
			toIds: ['10', '11'],
			types: [{ associationCategory: 'USER_DEFINED', associationTypeId: 41 }],
			status: 'COMPLETE',
			startedAt: expect.any(String),
			completedAt: expect.any(String),
			requestedAt: expect.any(String),
			numErrors: 0,
			errors: [],
			results: [],
		});
		expect(result.items[0].pairedItem).toEqual({ item: 0 });
	});

	it('takes labels by type id and category, each field an expression per item', async () => {
		const emu = emulator();
		emu
			.seed('contacts', '1', 'companies', '10', [DECISION_MAKER, BILLING])
			.seed('contacts', '2', 'companies', '20', [DECISION_MAKER, BILLING]);
		const result = await run(
			emu,
			[
				{ id: 1, to: 10, label: 41 },
				{ id: 2, to: 20, label: 43 },
			],
			labelParameters({
				labelSource: 'typeIds',
				labelTypes: {
					types: [{ associationCategory: 'USER_DEFINED', associationTypeId: '={{ $json.label }}' }],
				},
			}),
		);
		expect(result.error).toBeUndefined();
		expect(emu.typesOf('contacts', '1', 'companies', '10')).toEqual([UNLABELED, BILLING]);
		expect(emu.typesOf('contacts', '2', 'companies', '20')).toEqual([UNLABELED, DECISION_MAKER]);
		expect(result.items.map((i) => i.json.types)).toEqual([
			[{ associationCategory: 'USER_DEFINED', associationTypeId: 41 }],
			[{ associationCategory: 'USER_DEFINED', associationTypeId: 43 }],
		]);
	});

	it('takes the label list as an expression giving "CATEGORY:ID" strings or HubSpot-shaped objects', async () => {
		const emu = emulator();
		emu
			.seed('contacts', '1', 'companies', '10', [DECISION_MAKER, BILLING])
			.seed('contacts', '2', 'companies', '20', [DECISION_MAKER, BILLING]);
		const result = await run(
			emu,
			[
				{ id: 1, to: 10, labels: 'USER_DEFINED:41, user_defined:43' },
				{ id: 2, to: 20, labels: [{ category: 'USER_DEFINED', typeId: 43 }] },
			],
			labelParameters({ labels: '={{ $json.labels }}' }),
		);
		expect(result.error).toBeUndefined();
		expect(emu.typesOf('contacts', '1', 'companies', '10')).toEqual([UNLABELED]);
		expect(emu.typesOf('contacts', '2', 'companies', '20')).toEqual([UNLABELED, DECISION_MAKER]);
	});

	it('removes the whole association when the unlabeled type is chosen', async () => {
		const emu = emulator();
		emu.seed('contacts', '1', 'companies', '10', [DECISION_MAKER]);
		const result = await run(
			emu,
			[{ id: 1, to: 10 }],
			labelParameters({ labels: ['HUBSPOT_DEFINED:279'] }),
		);
		expect(result.error).toBeUndefined();
		expect(emu.has('contacts', '1', 'companies', '10')).toBe(false);
	});

	it('counts pairs for Batch Size: 5 pairs at 2 make 3 requests of one pair per input', async () => {
		const emu = emulator();
		const items = [1, 2, 3, 4, 5].map((i) => ({ id: i, to: 100 + i }));
		for (const item of items) emu.seed('contacts', item.id, 'companies', item.to, [DECISION_MAKER]);
		const result = await run(emu, items, labelParameters({ options: { batchSize: 2 } }));
		expect(result.error).toBeUndefined();
		expect(emu.stats.log.map((l) => l.inputs)).toEqual([2, 2, 1]);
		for (const item of items)
			expect(emu.typesOf('contacts', item.id, 'companies', item.to)).toEqual([UNLABELED]);
	});

	it('sends a pair once when several items ask for it, with every label they ask for', async () => {
		const emu = emulator();
		emu.settings.recordBodies = true;
		emu.seed('contacts', '1', 'companies', '10', [DECISION_MAKER, BILLING]);
		const result = await run(
			emu,
			[
				{ id: 1, to: 10, labels: 'USER_DEFINED:41' },
				{ id: 1, to: 10, labels: 'USER_DEFINED:43' },
			],
			labelParameters({ labels: '={{ $json.labels }}' }),
		);
		expect(result.error).toBeUndefined();
		expect((emu.stats.log[0].body as LabelsBody).inputs).toEqual([
			{
				from: { id: '1' },
				to: { id: '10' },
				types: [
					{ associationCategory: 'USER_DEFINED', associationTypeId: 41 },
					{ associationCategory: 'USER_DEFINED', associationTypeId: 43 },
				],
			},
		]);
		expect(result.items.map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
	});

	it('sends a batch HubSpot calls too large again in parts and still removes every label', async () => {
		const emu = emulator();
		emu.settings.maxArchiveInputs = 2;
		const items = [1, 2, 3, 4, 5].map((i) => ({ id: i, to: 100 + i }));
		for (const item of items) emu.seed('contacts', item.id, 'companies', item.to, [DECISION_MAKER]);
		const result = await run(emu, items, labelParameters());
		expect(result.error).toBeUndefined();
		expect(emu.stats.byStatus[400]).toBeGreaterThan(0);
		for (const item of items)
			expect(emu.typesOf('contacts', item.id, 'companies', item.to)).toEqual([UNLABELED]);
		expect(result.items.every((i) => i.json.status === 'COMPLETE')).toBe(true);
	});

	it('pins a 207 error on the item whose record HubSpot could not find, the others succeed', async () => {
		const emu = emulator();
		emu
			.seed('contacts', '1', 'companies', '10', [DECISION_MAKER])
			.seed('contacts', '2', 'companies', '20', [DECISION_MAKER]);
		emu.faults.errorIds.add('20');
		const result = await run(
			emu,
			[
				{ id: 1, to: 10 },
				{ id: 2, to: 20 },
			],
			labelParameters(),
			{ continueOnFail: true },
		);
		expect(result.error).toBeUndefined();
		expect(result.items[0].json.status).toBe('COMPLETE');
		expect(result.items[1].json.details).toMatchObject({
			category: 'VALIDATION_ERROR',
			httpCode: '207',
			fromId: '2',
		});
		expect(emu.typesOf('contacts', '1', 'companies', '10')).toEqual([UNLABELED]);
	});

	it.each([
		[[], 'Labels are not valid: no labels were chosen'],
		['={{ "DECISION_MAKER:41" }}', 'is not a label'],
		['={{ "USER_DEFINED:0" }}', 'is not a label'],
		['={{ 41 }}', 'is not a label'],
	])('refuses labels %p before any request', async (labels, message) => {
		const emu = emulator();
		const result = await run(emu, [{ id: 1, to: 10 }], labelParameters({ labels }));
		expect(result.error?.name).toBe('NodeOperationError');
		expect(result.error?.message).toContain('Item 0: ');
		expect(result.error?.message).toContain(message);
		expect(emu.stats.requests).toBe(0);
	});
});
