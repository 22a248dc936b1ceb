/**
 * Outcomes → output items, paired with the input items: one per input item (default) or one per HubSpot request. Every
 * operation's results come out through here, so they share one shape.
 */
import type { IDataObject, INode, INodeExecutionData, NodeOperationError } from 'n8n-workflow';

import { toNodeApiError, type FailureReport } from '../transport/errors';
import type { BatchPlan } from './planBatches';
import type { ItemFailures, ItemPairs } from './readItems';
import { answerFailure, DRY_RUN_STATUS, idsNamedByError, mergeResults, namesAnyId, namesPairOf, type ResponseFields } from './responses';
import type { BatchOutcome } from './sendBatch';

export interface OutputInput {
	node: INode; itemCount: number; mode: 'perItem' | 'perBatch'; continueOnFail: boolean; dryRun: boolean;
	valid: readonly ItemPairs[];
	/** Refused before anything was sent (bad ids, types, labels). */
	invalid: ReadonlyMap<number, NodeOperationError>;
	failed: ItemFailures; plan: BatchPlan; outcomes: ReadonlyArray<BatchOutcome | undefined>;
	/** The request body inputs of a batch, shown by the per-request output. */
	inputsOf(batch: BatchPlan['batches'][number]): unknown[];
}

const NOT_SENT: FailureReport = { message: 'Not sent: the node stopped after an earlier batch failed', description: '', hint: 'Fix the failure reported for the other items and run again.', notSent: true };

/**
 * A failed item's json: the message under `error`, everything else under `details`. n8n's "Continue (using error output)" moves
 * an item to the error branch only when its json holds nothing but `error`, `message` and `details` (or when the item carries
 * `error`, but then n8n replaces its json with the message alone and the ids, category and correlation id would be lost).
 */
function errorJson(report: Pick<FailureReport, 'message'> & Partial<FailureReport>, context: object): IDataObject {
	const details: IDataObject = { ...(context as IDataObject) };
	for (const key of ['description', 'httpCode', 'category', 'correlationId', 'hint'] as const) if (report[key]) details[key] = report[key];
	return { error: report.message, details };
}

const refusalJson = (error: NodeOperationError, itemIndex: number) => errorJson({ message: error.message, hint: error.description ?? '' }, { itemIndex });

/** The node's own fields of an item: what was asked, normalised. */
function itemFields(item: ItemPairs): IDataObject {
	const { fromObjectType, toObjectType, fromId, toIds, types } = item;
	return types ? { fromObjectType, toObjectType, fromId, toIds, types: types as unknown as IDataObject[] } : { fromObjectType, toObjectType, fromId, toIds };
}

export const outputItems = (run: OutputInput): INodeExecutionData[][] => [run.mode === 'perBatch' ? perBatch(run) : perItem(run)];

function perBatch(run: OutputInput): INodeExecutionData[] {
	const out: INodeExecutionData[] = [];
	run.plan.batches.forEach((batch, b) => {
		const outcome = run.outcomes[b];
		const pairedItem = batch.itemIndexes.map((item) => ({ item }));
		const fields = { fromObjectType: batch.fromObjectType, toObjectType: batch.toObjectType, pairCount: batch.pairCount, inputs: run.inputsOf(batch) };
		const answer = outcome && mergeResults(outcome.answers);
		const failure = outcome?.failure ?? outcome?.idFailures[0]?.report ?? (answer && answerFailure(answer, 'request'));
		const report = failure ?? (answer ? undefined : NOT_SENT);
		if (report && !run.continueOnFail) throw toNodeApiError(run.node, report, batch.itemIndexes[0] ?? 0, `Batch ${b} (items ${batch.itemIndexes.join(', ')})`);
		const json = report ? errorJson(report, { ...fields, results: answer as unknown as IDataObject }) : ({ ...fields, ...answer } as unknown as IDataObject);
		out.push({ json, pairedItem });
	});
	for (const [itemIndex, { item, report }] of run.failed) out.push({ json: errorJson(report, { itemIndex, ...itemFields(item) }), pairedItem: { item: itemIndex } });
	for (const [itemIndex, error] of run.invalid) out.push({ json: refusalJson(error, itemIndex), pairedItem: { item: itemIndex } });
	return out;
}

/**
 * One valid item's fate from the outcomes of the batches that carried its pairs. Of HubSpot's errors, those naming one of its ids
 * concern it, and so does one that names no id (it cannot be pinned on anyone).
 */
function judgeItem(item: ItemPairs, outcomes: readonly BatchOutcome[]): { report?: FailureReport; fields?: ResponseFields } {
	for (const outcome of outcomes) {
		if (outcome.failure) return { report: outcome.failure };
		for (const f of outcome.idFailures) if (namesPairOf(f.ids, item.fromId, item.toIds)) return { report: f.report };
	}
	const fields = mergeResults(outcomes.flatMap((o) => o.answers));
	if (fields.errors.length > 0) {
		fields.errors = fields.errors.filter((e) => {
			const named = idsNamedByError(e, item);
			return !namesAnyId(named) || namesPairOf(named, item.fromId, item.toIds);
		});
		fields.numErrors = fields.errors.length;
	}
	return { fields, report: answerFailure(fields, 'item') };
}

function perItem(run: OutputInput): INodeExecutionData[] {
	const { plan, outcomes } = run;
	const byIndex: Array<ItemPairs | undefined> = new Array(run.itemCount);
	for (const item of run.valid) byIndex[item.itemIndex] = item;
	const out: INodeExecutionData[] = [];
	const failures: Array<{ itemIndex: number; report: FailureReport }> = [];
	// Nearly every item sits in one batch HubSpot answered without an error: that batch's answer is merged once, not per item.
	const clean: Array<ResponseFields | null | undefined> = new Array(outcomes.length);
	const cleanAnswer = (b: number): ResponseFields | undefined => {
		if (clean[b] !== undefined) return clean[b] ?? undefined;
		const outcome = outcomes[b];
		const fields = outcome && !outcome.failure && outcome.idFailures.length === 0 ? mergeResults(outcome.answers) : undefined;
		const complete = fields && (fields.status === 'COMPLETE' || fields.status === DRY_RUN_STATUS) && fields.errors.length === 0 && fields.startedAt && fields.links === undefined;
		return (clean[b] = complete ? fields : null) ?? undefined;
	};
	const itemJson = (i: number): IDataObject | undefined => {
		const refused = run.invalid.get(i);
		if (refused) return refusalJson(refused, i);
		const unread = run.failed.get(i);
		const item = unread?.item ?? byIndex[i];
		if (!item) return undefined;
		const only = unread || item.types ? -1 : plan.batchesOfItem.only(i);
		const answer = only >= 0 ? cleanAnswer(only) : undefined;
		if (answer) return cleanItemJson(item, answer, run.dryRun);
		const batches = unread ? [] : (plan.batchesOfItem.get(i) ?? []);
		const itemOutcomes = batches.map((b) => outcomes[b]).filter((o): o is BatchOutcome => o !== undefined);
		const verdict: { report?: FailureReport; fields?: ResponseFields } = unread ? { report: unread.report } : itemOutcomes.length < batches.length ? { report: NOT_SENT } : judgeItem(item, itemOutcomes);
		if (!verdict.report) {
			// An item with nothing to remove (no associations left) went in no request; in a dry run it still says so.
			if (run.dryRun) verdict.fields!.status = DRY_RUN_STATUS;
			return Object.assign(itemFields(item), verdict.fields) as IDataObject;
		}
		failures.push({ itemIndex: i, report: verdict.report });
		return errorJson(verdict.report, { ...itemFields(item), ...verdict.fields });
	};
	for (let i = 0; i < run.itemCount; i++) {
		const json = itemJson(i);
		if (json) out.push({ json, pairedItem: { item: i } });
	}
	if (failures.length > 0 && !run.continueOnFail) {
		const done = run.valid.length - failures.length;
		throw firstFailureError(run.node, failures, `${done} of ${run.itemCount} items were ${run.dryRun ? 'checked' : 'archived'} before this failure; running the node again is safe.`);
	}
	return out;
}

/**
 * The output of an item whose pairs went in one cleanly answered batch: the same fields in the same order as the general path
 * (`itemFields` + `judgeItem`), made as one object literal, since this runs for nearly every item of a 100,000-item run. The
 * lists are the item's own: a later node that changes one item's list must not change its neighbours'.
 */
function cleanItemJson(item: ItemPairs, answer: ResponseFields, dryRun: boolean): IDataObject {
	const { fromObjectType, toObjectType, fromId, toIds } = item;
	const { numErrors, results, startedAt, completedAt, requestedAt } = answer;
	return { fromObjectType, toObjectType, fromId, toIds, status: dryRun ? DRY_RUN_STATUS : answer.status, numErrors, errors: [], results: results.length === 0 ? [] : results.slice(), startedAt, completedAt, requestedAt };
}

/** The error the node stops with: the first item whose own request or read failed, naming how many others failed too. */
export function firstFailureError(node: INode, failures: ReadonlyArray<{ itemIndex: number; report: FailureReport }>, note?: string) {
	const first = failures.find((f) => !f.report.notSent) ?? failures[0];
	const others = failures.filter((f) => f !== first);
	const listed = others.slice(0, 10).map((f) => f.itemIndex).join(', ');
	const more = others.length > 0 ? ` (and ${others.length} more item${others.length === 1 ? '' : 's'}: ${listed}${others.length > 10 ? ', …' : ''})` : '';
	return toNodeApiError(node, first.report, first.itemIndex, `Item ${first.itemIndex}${more}`, note);
}
