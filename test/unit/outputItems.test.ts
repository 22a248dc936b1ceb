import type { INode } from 'n8n-workflow';

import { outputItems, type OutputInput } from '../../nodes/HubSpotAssociations/helpers/outputItems';
import { planBatches, type BatchPlan } from '../../nodes/HubSpotAssociations/helpers/planBatches';
import type { ItemPairs } from '../../nodes/HubSpotAssociations/helpers/readItems';
import { readBatchResponse } from '../../nodes/HubSpotAssociations/helpers/responses';
import type { BatchOutcome } from '../../nodes/HubSpotAssociations/helpers/sendBatch';

/**
 * Output items are built on a fast path for items carried by one clean batch (the batch's answer is
 * merged once) and on the general path (judgeItem per item) for everything else. Both must give the
 * same fields in the same order: the fast path is checked here against the general path, which a plan
 * that never reports a single batch forces.
 */

const node: INode = {
	id: 'n',
	name: 'HubSpot Associations',
	type: 'hubSpotAssociations',
	typeVersion: 1,
	position: [0, 0],
	parameters: {},
};

const item = (itemIndex: number, fromId: string, toIds: string[]): ItemPairs => ({
	itemIndex,
	fromObjectType: 'contacts',
	toObjectType: 'companies',
	fromId,
	toIds,
});

const sentAt = new Date('2026-11-28T10:00:00.000Z');
const receivedAt = new Date('2026-11-28T10:00:00.250Z');

function ok(body: unknown): BatchOutcome {
	return { parts: [{ answer: readBatchResponse(body, sentAt, receivedAt) }] };
}

/** The same plan, except that no item is ever in exactly one batch: every item takes the general path. */
function generalOnly(plan: BatchPlan): BatchPlan {
	return { ...plan, batchesOfItem: { get: (i) => plan.batchesOfItem.get(i), only: () => -1 } };
}

function run(
	items: ItemPairs[],
	plan: BatchPlan,
	outcomes: Array<BatchOutcome | undefined>,
	extra: Partial<OutputInput> = {},
) {
	const input: OutputInput = {
		node,
		itemCount: items.length,
		mode: 'perItem',
		continueOnFail: true,
		dryRun: false,
		valid: items,
		invalid: new Map(),
		failed: new Map(),
		plan,
		outcomes,
		inputsOf: () => [],
		...extra,
	};
	return {
		fast: outputItems(input)[0],
		general: outputItems({ ...input, plan: generalOnly(plan) })[0],
	};
}

/** Deep equality and the same key order, as a user sees the item in n8n. */
const asShown = (value: unknown) => JSON.stringify(value);

describe('per-item output: the one-clean-batch path equals the general path', () => {
	const items = [item(0, '1', ['10']), item(1, '2', ['20', '21']), item(2, '1', ['11'])];
	const plan = planBatches(items, 100);

	it.each([
		[
			'a 200 BatchResponse',
			ok({
				status: 'COMPLETE',
				results: [],
				startedAt: '2026-11-28T10:00:00.100Z',
				completedAt: '2026-11-28T10:00:00.200Z',
				requestedAt: '2026-11-28T10:00:00.050Z',
				numErrors: 0,
				errors: [],
			}),
		],
		['a 204 without a body', ok(undefined)],
		[
			'a 200 with results',
			ok({
				status: 'COMPLETE',
				results: [{ from: { id: '1' } }],
				startedAt: 'a',
				completedAt: 'b',
			}),
		],
		[
			'a 200 still processing',
			ok({ status: 'PROCESSING', results: [], startedAt: 'a', completedAt: 'b', requestedAt: 'c' }),
		],
		[
			'a 200 with links',
			ok({
				status: 'COMPLETE',
				results: [],
				startedAt: 'a',
				completedAt: 'b',
				links: { self: 'x' },
			}),
		],
	])('for %s', (_label, outcome) => {
		const { fast, general } = run(items, plan, [outcome]);
		expect(fast).toHaveLength(3);
		expect(asShown(fast)).toBe(asShown(general));
	});

	it('in a dry run', () => {
		const outcome: BatchOutcome = {
			parts: [
				{
					answer: {
						status: 'DRY_RUN',
						startedAt: 'a',
						completedAt: 'a',
						requestedAt: 'a',
						numErrors: 0,
						errors: [],
						results: [],
					},
				},
			],
		};
		const { fast, general } = run(items, plan, [outcome], { dryRun: true });
		expect(fast.map((o) => o.json.status)).toEqual(['DRY_RUN', 'DRY_RUN', 'DRY_RUN']);
		expect(asShown(fast)).toBe(asShown(general));
	});

	it('gives every item lists of its own, not the batch answer shared', () => {
		const { fast } = run(items, plan, [
			ok({ status: 'COMPLETE', results: [{ n: 1 }], startedAt: 'a', completedAt: 'b' }),
		]);
		(fast[0].json.results as unknown[]).push('changed by a later node');
		(fast[0].json.errors as unknown[]).push('changed by a later node');
		expect(fast[1].json.results).toEqual([{ n: 1 }]);
		expect(fast[1].json.errors).toEqual([]);
	});

	it('leaves items with an error in their batch to the general path', () => {
		const failing = ok({
			status: 'COMPLETE',
			results: [],
			startedAt: 'a',
			completedAt: 'b',
			numErrors: 1,
			errors: [
				{
					status: 'error',
					category: 'OBJECT_NOT_FOUND',
					message: 'No association from 2 to 21',
					context: { toObjectId: ['21'] },
				},
			],
		});
		const { fast, general } = run(items, plan, [failing]);
		expect(asShown(fast)).toBe(asShown(general));
		expect(fast[1].json.error).toMatch(/HubSpot reported an error for this item/);
		expect(fast[0].json.status).toBe('COMPLETE');
	});

	it('keeps items spread over several batches on the general path, with every batch answer merged', () => {
		const spread = planBatches([item(0, '1', ['10', '11', '12'])], 2);
		expect(spread.batchesOfItem.only(0)).toBe(-1);
		const { fast } = run([item(0, '1', ['10', '11', '12'])], spread, [
			ok({ results: [{ n: 1 }], startedAt: 'a', completedAt: 'b' }),
			ok({ results: [{ n: 2 }], startedAt: 'c', completedAt: 'd' }),
		]);
		expect(fast[0].json.results).toEqual([{ n: 1 }, { n: 2 }]);
		expect(fast[0].json.completedAt).toBe('d');
	});
});
