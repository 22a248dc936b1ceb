import { archiveEndpoint } from '../../nodes/HubSpotAssociations/helpers/archiveEndpoint';
import type { AssociationTypeRef } from '../../nodes/HubSpotAssociations/helpers/labels';
import {
	planBatches,
	type PlannedBatch,
	type Unit,
} from '../../nodes/HubSpotAssociations/helpers/planBatches';
import type { ItemPairs } from '../../nodes/HubSpotAssociations/helpers/readItems';

/** A batch as batch/archive's request body takes it: one input per from id with its to ids. */
const archiveInputs = (units: Unit[]) =>
	archiveEndpoint('v4', { fromObjectType: 'contacts', toObjectType: 'companies' }).inputs(
		units,
	) as Array<{ from: { id: string }; to: Array<{ id: string }> }>;
const inputsOf = (batch: PlannedBatch) => archiveInputs(batch.units);
const pairsIn = (batches: PlannedBatch[]) => batches.reduce((n, b) => n + b.pairCount, 0);

const item = (
	itemIndex: number,
	fromId: string,
	toIds: string[],
	types = ['contacts', 'companies'],
): ItemPairs => ({
	itemIndex,
	fromObjectType: types[0],
	toObjectType: types[1],
	fromId,
	toIds,
});

describe('planBatches', () => {
	it('groups pairs by from id across items and keeps item order', () => {
		const plan = planBatches(
			[item(0, '1', ['10']), item(1, '2', ['20']), item(2, '1', ['11'])],
			100,
		);
		expect(plan.batches).toHaveLength(1);
		expect(inputsOf(plan.batches[0])).toEqual([
			{ from: { id: '1' }, to: [{ id: '10' }, { id: '11' }] },
			{ from: { id: '2' }, to: [{ id: '20' }] },
		]);
		expect(plan.batches[0].itemIndexes).toEqual([0, 1, 2]);
	});

	it("makes a batch's units when they are read, the same each time, held by nobody in between", () => {
		const plan = planBatches([item(0, '1', ['10', '11']), item(1, '2', ['20'])], 2);
		const first = plan.batches[0].units;
		const again = plan.batches[0].units;
		expect(first).toEqual([
			{ from: '1', to: '10' },
			{ from: '1', to: '11' },
		]);
		expect(again).toEqual(first);
		expect(again).not.toBe(first);
		expect(again[0]).not.toBe(first[0]);
		expect(plan.batches[1].units).toEqual([{ from: '2', to: '20' }]);
		expect(JSON.stringify(plan.batches[1])).not.toContain('"from"');
	});

	it('names the one batch of an item, and -1 for items in several batches or in none', () => {
		const plan = planBatches(
			[item(0, '1', ['10', '11', '12']), item(1, '2', ['20']), item(3, '3', ['30'])],
			2,
		);
		expect(plan.batchesOfItem.get(0)).toEqual([0, 1]);
		expect(plan.batchesOfItem.only(0)).toBe(-1);
		expect(plan.batchesOfItem.get(1)).toEqual([1]);
		expect(plan.batchesOfItem.only(1)).toBe(1);
		expect(plan.batchesOfItem.only(3)).toBe(2);
		expect(plan.batchesOfItem.only(2)).toBe(-1);
		expect(plan.batchesOfItem.only(99)).toBe(-1);
	});

	it('drops duplicate pairs within and across items but keeps every owner', () => {
		const plan = planBatches(
			[item(0, '1', ['10', '11']), item(1, '1', ['10']), item(2, '1', ['10'])],
			100,
		);
		expect(pairsIn(plan.batches)).toBe(2);
		expect(inputsOf(plan.batches[0])[0].to).toEqual([{ id: '10' }, { id: '11' }]);
		expect(plan.batchesOfItem.get(1)).toEqual([0]);
		expect(plan.batchesOfItem.get(2)).toEqual([0]);
	});

	it('fills requests up to batchSize pairs: 250 pairs at 100 make 3 requests', () => {
		const items = Array.from({ length: 250 }, (_, i) =>
			item(i, String(1 + (i % 7)), [String(1000 + i)]),
		);
		const plan = planBatches(items, 100);
		expect(plan.batches.map((b) => b.pairCount)).toEqual([100, 100, 50]);
		const sent = plan.batches.flatMap((b) =>
			inputsOf(b).flatMap((input) => input.to.map((t) => `${input.from.id}>${t.id}`)),
		);
		expect(new Set(sent).size).toBe(250);
	});

	it('turns a thousand items sharing ten from ids into ceil(pairs / batchSize) requests', () => {
		const items = Array.from({ length: 1000 }, (_, i) =>
			item(i, String(1 + (i % 10)), [String(5000 + i)]),
		);
		const plan = planBatches(items, 100);
		expect(pairsIn(plan.batches)).toBe(1000);
		expect(plan.batches).toHaveLength(10);
		// Grouped by from id: each request carries whole from-id groups of 100 pairs.
		expect(plan.batches.every((b) => inputsOf(b).length === 1)).toBe(true);
	});

	it('splits a from id with more to ids than fit across consecutive requests', () => {
		const plan = planBatches(
			[
				item(
					0,
					'1',
					Array.from({ length: 250 }, (_, i) => String(i + 1)),
				),
			],
			100,
		);
		expect(plan.batches).toHaveLength(3);
		expect(plan.batchesOfItem.get(0)).toEqual([0, 1, 2]);
		expect(plan.batches.every((b) => inputsOf(b)[0].from.id === '1')).toBe(true);
	});

	it('keeps object type pairs apart', () => {
		const plan = planBatches(
			[item(0, '1', ['10']), item(1, '1', ['10'], ['contacts', 'deals'])],
			100,
		);
		expect(plan.batches.map((b) => `${b.fromObjectType}>${b.toObjectType}`)).toEqual([
			'contacts>companies',
			'contacts>deals',
		]);
	});

	it('refuses a batch size that is not a positive whole number', () => {
		expect(() => planBatches([], 0)).toThrow(RangeError);
		expect(() => planBatches([], 1.5)).toThrow(RangeError);
	});
});

describe('batch/archive inputs', () => {
	it('groups consecutive pairs of one from id into one input, so any run of pairs (a part of a refused batch) loses nothing', () => {
		const units = planBatches(
			[item(0, '1', ['1', '2', '3']), item(1, '2', ['4', '5', '6', '7'])],
			100,
		).batches[0].units;
		const parts = [units.slice(0, 3), units.slice(3, 6), units.slice(6)].map(archiveInputs);
		expect(parts.map((c) => c.reduce((n, i) => n + i.to.length, 0))).toEqual([3, 3, 1]);
		expect(parts.flat().flatMap((i) => i.to.map((t) => `${i.from.id}>${t.id}`))).toEqual([
			'1>1',
			'1>2',
			'1>3',
			'2>4',
			'2>5',
			'2>6',
			'2>7',
		]);
		expect(parts[1]).toEqual([{ from: { id: '2' }, to: [{ id: '4' }, { id: '5' }, { id: '6' }] }]);
	});
});

describe('planBatches with labels (batch/labels/archive)', () => {
	const label = (associationTypeId: number): AssociationTypeRef => ({
		associationCategory: 'USER_DEFINED',
		associationTypeId,
	});
	const labelled = (
		itemIndex: number,
		fromId: string,
		toIds: string[],
		types: AssociationTypeRef[],
	): ItemPairs => ({
		...item(itemIndex, fromId, toIds),
		types,
	});

	it('makes one unit per pair carrying its labels, and counts pairs for the batch size', () => {
		const plan = planBatches(
			[labelled(0, '1', ['10', '11', '12'], [label(41)]), labelled(1, '2', ['20'], [label(43)])],
			2,
		);
		expect(plan.batches.map((b) => b.units)).toEqual([
			[
				{ from: '1', to: '10', types: [label(41)] },
				{ from: '1', to: '11', types: [label(41)] },
			],
			[
				{ from: '1', to: '12', types: [label(41)] },
				{ from: '2', to: '20', types: [label(43)] },
			],
		]);
		expect(plan.batches.map((b) => b.pairCount)).toEqual([2, 2]);
		expect(plan.batchesOfItem.get(0)).toEqual([0, 1]);
		expect(plan.batchesOfItem.get(1)).toEqual([1]);
	});

	it('sends a pair asked for by several items once, with the union of their labels, owned by all', () => {
		const plan = planBatches(
			[
				labelled(0, '1', ['10'], [label(41)]),
				labelled(1, '1', ['10', '11'], [label(43), label(41)]),
			],
			100,
		);
		expect(plan.batches[0].units).toEqual([
			{ from: '1', to: '10', types: [label(41), label(43)] },
			{ from: '1', to: '11', types: [label(43), label(41)] },
		]);
		expect(plan.batches[0].itemIndexes).toEqual([0, 1]);
		expect(pairsIn(plan.batches)).toBe(2);
	});
});
