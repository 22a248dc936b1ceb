/**
 * Outcomes → output items, paired with the input items: one per input item (default) or one per
 * HubSpot request. Every operation's results come out through here, so they share one shape.
 */
import type { IDataObject, INode, INodeExecutionData, NodeOperationError } from 'n8n-workflow';

import { NOT_SENT, toNodeApiError, type FailureReport } from '../transport/errors';
import type { BatchPlan, PlannedBatch, Unit } from './planBatches';
import type { ItemFailures, ItemPairs } from './readItems';
import {
	answerFailure,
	DRY_RUN_STATUS,
	idsNamedByError,
	mergeResults,
	namesAnyId,
	namesPairOf,
	type ResponseFields,
} from './responses';
import type { BatchOutcome } from './sendBatch';

export interface OutputInput {
	node: INode;
	itemCount: number;
	mode: 'perItem' | 'perBatch';
	continueOnFail: boolean;
	dryRun: boolean;
	valid: readonly ItemPairs[];
	/** Refused before anything was sent (bad ids, types, labels). */
	invalid: ReadonlyMap<number, NodeOperationError>;
	failed: ItemFailures;
	plan: BatchPlan;
	outcomes: ReadonlyArray<BatchOutcome | undefined>;
	/** The request body inputs for some units of a batch, shown by the per-request output. */
	inputsOf(batch: PlannedBatch, units: readonly Unit[]): unknown[];
}

/**
 * A failed item's json: the message under `error`, everything else under `details`. n8n's "Continue
 * (using error output)" moves an item to the error branch only when its json holds nothing but
 * `error`, `message` and `details` (or when the item carries `error`, but then n8n replaces its
 * json with the message alone and the ids, category and correlation id would be lost).
 */
function errorJson(
	report: Pick<FailureReport, 'message'> & Partial<FailureReport>,
	context: object,
): IDataObject {
	const details: IDataObject = { ...(context as IDataObject) };
	for (const key of ['description', 'httpCode', 'category', 'correlationId', 'hint'] as const)
		if (report[key]) details[key] = report[key];
	return { error: report.message, details };
}

const refusalJson = (error: NodeOperationError, itemIndex: number) =>
	errorJson({ message: error.message, hint: error.description ?? '' }, { itemIndex });

/** The node's own fields of an item: what was asked, normalised. */
function itemFields(item: ItemPairs): IDataObject {
	const { fromObjectType, toObjectType, fromId, toIds, types } = item;
	return types
		? { fromObjectType, toObjectType, fromId, toIds, types: types as unknown as IDataObject[] }
		: { fromObjectType, toObjectType, fromId, toIds };
}

export const outputItems = (run: OutputInput): INodeExecutionData[][] => [
	run.mode === 'perBatch' ? perBatch(run) : perItem(run),
];

const pairKey = (from: string, to: string | undefined) => `${from}\u0000${to}`;

/** The answer of an item that went in no request (nothing to remove): nothing failed. */
const noRequestAnswer = (dryRun: boolean): ResponseFields => ({
	...mergeResults([]),
	...(dryRun ? { status: DRY_RUN_STATUS } : {}),
});

/**
 * The items of a batch with at least one pair among `units` (one part of the batch), ascending. An
 * item with more to ids than the part has units is checked unit by unit against its to ids as a set,
 * made once: an item of 50,000 to ids spread over 500 requests taken in parts would otherwise be read
 * whole for every part.
 */
function itemsCarrying(
	batch: PlannedBatch,
	units: readonly Unit[],
	byIndex: ReadonlyArray<ItemPairs | undefined>,
	toIdSets: Map<number, ReadonlySet<string>>,
): number[] {
	const keys = new Set(units.map((u) => pairKey(u.from, u.to)));
	return batch.itemIndexes.filter((i) => {
		const item = byIndex[i];
		if (!item) return false;
		if (item.toIds.length <= units.length)
			return item.toIds.some((to) => keys.has(pairKey(item.fromId, to)));
		const toIds = toIdSets.get(i) ?? toIdSets.set(i, new Set(item.toIds)).get(i)!;
		return units.some((u) => u.from === item.fromId && u.to !== undefined && toIds.has(u.to));
	});
}

function itemsByIndex(run: OutputInput): Array<ItemPairs | undefined> {
	const byIndex: Array<ItemPairs | undefined> = new Array(run.itemCount);
	for (const item of run.valid) byIndex[item.itemIndex] = item;
	return byIndex;
}

/**
 * One output item per request HubSpot answered (or, never sent, per request the run stopped
 * before), with the pairs it carried, then one for each input item no request carried, so that
 * every input item is accounted for and the nodes after this one run.
 */
function perBatch(run: OutputInput): INodeExecutionData[] {
	const out: INodeExecutionData[] = [];
	const byIndex = itemsByIndex(run);
	const covered = new Uint8Array(run.itemCount);
	const toIdSets = new Map<number, ReadonlySet<string>>();
	run.plan.batches.forEach((batch, b) => {
		for (const part of run.outcomes[b]?.parts ?? [{ failure: NOT_SENT }]) {
			const units = part.units ?? batch.units;
			const itemIndexes = part.units
				? itemsCarrying(batch, part.units, byIndex, toIdSets)
				: batch.itemIndexes;
			const fields = {
				fromObjectType: batch.fromObjectType,
				toObjectType: batch.toObjectType,
				pairCount: units.length,
				inputs: run.inputsOf(batch, units),
			};
			const { answer } = part;
			const report = part.failure ?? (answer && answerFailure(answer, 'request'));
			if (report && !run.continueOnFail)
				throw toNodeApiError(
					run.node,
					report,
					itemIndexes[0] ?? 0,
					`Batch ${b} (items ${itemIndexes.join(', ')})`,
				);
			const json = report
				? errorJson(report, {
						...fields,
						...(answer ? { results: answer as unknown as IDataObject } : {}),
					})
				: ({ ...fields, ...answer } as unknown as IDataObject);
			for (const i of itemIndexes) covered[i] = 1;
			out.push({ json, pairedItem: itemIndexes.map((item) => ({ item })) });
		}
	});
	for (const item of run.valid) {
		if (!covered[item.itemIndex])
			out.push({
				json: { ...itemFields(item), ...noRequestAnswer(run.dryRun) } as unknown as IDataObject,
				pairedItem: { item: item.itemIndex },
			});
	}
	for (const [itemIndex, { item, report }] of run.failed)
		out.push({
			json: errorJson(report, { itemIndex, ...itemFields(item) }),
			pairedItem: { item: itemIndex },
		});
	for (const [itemIndex, error] of run.invalid)
		out.push({ json: refusalJson(error, itemIndex), pairedItem: { item: itemIndex } });
	return out;
}

/** What came of one pair: the answer of the request that removed it, or why it was not removed. */
type PairFate =
	| { answer: ResponseFields; report?: undefined }
	| { report: FailureReport; answer?: undefined };

/**
 * Each pair of a batch with the fate of the last request that carried it. A refusal that named ids
 * is final for the pairs it named; the others went again in a later request. A batch never started
 * leaves its pairs not sent.
 */
function pairFates(batch: PlannedBatch, outcome: BatchOutcome | undefined): Map<string, PairFate> {
	const fates = new Map<string, PairFate>();
	const refusedByName = new Set<string>();
	for (const part of outcome?.parts ?? [{ failure: NOT_SENT }]) {
		for (const unit of part.units ?? batch.units) {
			const key = pairKey(unit.from, unit.to);
			if (refusedByName.has(key)) continue;
			if (part.named && !namesPairOf(part.named, unit.from, unit.to === undefined ? [] : [unit.to]))
				continue;
			if (part.named) refusedByName.add(key);
			fates.set(key, part.answer ? { answer: part.answer } : { report: part.failure ?? NOT_SENT });
		}
	}
	return fates;
}

/**
 * HubSpot's errors in an answer that concern an item's pairs: those naming one of its ids, and
 * those naming no id at all.
 */
function errorsConcerning(answer: ResponseFields, item: ItemPairs, toIds: readonly string[]) {
	return answer.errors.filter((e) => {
		const named = idsNamedByError(e, item);
		return !namesAnyId(named) || namesPairOf(named, item.fromId, toIds);
	});
}

type PairReport = { toId: string; outcome: 'removed' | 'failed' | 'notSent'; error?: string };

/**
 * One valid item's fate from the fates of its own pairs. The item's answer merges the answers that
 * removed its pairs, keeping only HubSpot's errors that concern it; it fails with the first pair
 * that failed (one that was sent before one that was not), and then lists what came of each of its
 * pairs.
 */
function judgeItem(
	item: ItemPairs,
	fateOf: (toId: string) => PairFate,
): { report?: FailureReport; fields: ResponseFields; pairs?: PairReport[] } {
	const answers = new Set<ResponseFields>();
	const pairs: PairReport[] = [];
	let report: FailureReport | undefined;
	for (const toId of item.toIds) {
		const fate = fateOf(toId);
		// An answer without errors is judged as it is: no copy of it per pair.
		const failure =
			fate.report ??
			answerFailure(
				fate.answer.errors.length === 0
					? fate.answer
					: { ...fate.answer, errors: errorsConcerning(fate.answer, item, [toId]) },
				'item',
			);
		if (fate.answer) answers.add(fate.answer);
		if (failure && (!report || (report.notSent && !failure.notSent))) report = failure;
		pairs.push(
			failure
				? { toId, outcome: failure.notSent ? 'notSent' : 'failed', error: failure.message }
				: { toId, outcome: 'removed' },
		);
	}
	const fields = mergeResults([...answers]);
	if (fields.errors.length > 0) {
		fields.errors = errorsConcerning(fields, item, item.toIds);
		fields.numErrors = fields.errors.length;
	}
	report ??= answerFailure(fields, 'item');
	return { fields, report, ...(report && pairs.length > 1 ? { pairs } : {}) };
}

function perItem(run: OutputInput): INodeExecutionData[] {
	const { plan, outcomes } = run;
	const byIndex = itemsByIndex(run);
	const out: INodeExecutionData[] = [];
	const failures: Array<{ itemIndex: number; report: FailureReport }> = [];
	// Nearly every item sits in one batch HubSpot answered in one request without an error: that
	// answer is read once, not per item.
	const clean: Array<ResponseFields | null | undefined> = new Array(outcomes.length);
	const cleanAnswer = (b: number): ResponseFields | undefined => {
		if (clean[b] !== undefined) return clean[b] ?? undefined;
		const parts = outcomes[b]?.parts;
		const fields = parts?.length === 1 && !parts[0].failure ? parts[0].answer : undefined;
		const complete =
			fields &&
			(fields.status === 'COMPLETE' || fields.status === DRY_RUN_STATUS) &&
			fields.errors.length === 0 &&
			fields.startedAt &&
			fields.links === undefined;
		return (clean[b] = complete ? fields : null) ?? undefined;
	};
	// The fates of the pairs of a batch that was not answered cleanly, worked out once for all the
	// items it carried.
	const fates = new Map<number, Map<string, PairFate>>();
	const fatesOf = (b: number) =>
		fates.get(b) ?? fates.set(b, pairFates(plan.batches[b], outcomes[b])).get(b)!;
	const itemJson = (i: number): IDataObject | undefined => {
		const refused = run.invalid.get(i);
		if (refused) return refusalJson(refused, i);
		const unread = run.failed.get(i);
		if (unread) {
			failures.push({ itemIndex: i, report: unread.report });
			return errorJson(unread.report, itemFields(unread.item));
		}
		const item = byIndex[i];
		if (!item) return undefined;
		const only = item.types ? -1 : plan.batchesOfItem.only(i);
		const answer = only >= 0 ? cleanAnswer(only) : undefined;
		if (answer) return cleanItemJson(item, answer, run.dryRun);
		const batches = plan.batchesOfItem.get(i) ?? [];
		// Each pair sits in one batch, and an item's pairs fill its batches in the order of its to
		// ids: the search for a pair starts at the batch that held the one before. An item of 50,000
		// to ids in 500 batches is then 50,000 looks, not 12 million.
		let from = 0;
		const fateOf = (toId: string): PairFate => {
			const key = pairKey(item.fromId, toId);
			for (let k = 0; k < batches.length; k++) {
				const at = (from + k) % batches.length;
				const fate = fatesOf(batches[at]).get(key);
				if (!fate) continue;
				from = at;
				return fate;
			}
			return { report: NOT_SENT };
		};
		const { report, fields, pairs } = judgeItem(item, fateOf);
		if (!report) {
			// An item with nothing to remove (no associations left) went in no request; in a dry run it
			// still says so.
			if (run.dryRun) fields.status = DRY_RUN_STATUS;
			return Object.assign(itemFields(item), fields) as IDataObject;
		}
		failures.push({ itemIndex: i, report });
		return errorJson(report, {
			...itemFields(item),
			...fields,
			...(pairs ? { pairs: pairs as unknown as IDataObject[] } : {}),
		});
	};
	for (let i = 0; i < run.itemCount; i++) {
		const json = itemJson(i);
		if (json) out.push({ json, pairedItem: { item: i } });
	}
	if (failures.length > 0 && !run.continueOnFail) {
		const done = run.valid.length - failures.length;
		throw firstFailureError(
			run.node,
			failures,
			`${done} of ${run.itemCount} items were ${run.dryRun ? 'checked' : 'archived'} before this failure; running the node again is safe.`,
		);
	}
	return out;
}

/**
 * The output of an item whose pairs went in one cleanly answered batch: the same fields in the same
 * order as the general path (`itemFields` + `judgeItem`), made as one object literal, since this
 * runs for nearly every item of a 100,000-item run. The lists are the item's own: a later node that
 * changes one item's list must not change its neighbours'.
 */
function cleanItemJson(item: ItemPairs, answer: ResponseFields, dryRun: boolean): IDataObject {
	const { fromObjectType, toObjectType, fromId, toIds } = item;
	const { numErrors, results, startedAt, completedAt, requestedAt } = answer;
	return {
		fromObjectType,
		toObjectType,
		fromId,
		toIds,
		status: dryRun ? DRY_RUN_STATUS : answer.status,
		numErrors,
		errors: [],
		results: results.length === 0 ? [] : results.slice(),
		startedAt,
		completedAt,
		requestedAt,
	};
}

/**
 * The error the node stops with: the first item whose own request or read failed, naming how many
 * others failed too.
 */
export function firstFailureError(
	node: INode,
	failures: ReadonlyArray<{ itemIndex: number; report: FailureReport }>,
	note?: string,
) {
	const first = failures.find((f) => !f.report.notSent) ?? failures[0];
	const others = failures.filter((f) => f !== first);
	const listed = others
		.slice(0, 10)
		.map((f) => f.itemIndex)
		.join(', ');
	const more =
		others.length > 0
			? ` (and ${others.length} more item${others.length === 1 ? '' : 's'}: ${listed}${others.length > 10 ? ', …' : ''})`
			: '';
	return toNodeApiError(
		node,
		first.report,
		first.itemIndex,
		`Item ${first.itemIndex}${more}`,
		note,
	);
}
