import type { IDataObject, INode, INodeExecutionData, NodeOperationError } from 'n8n-workflow';

import type { BatchPlan, ItemPairs } from '../core/batches';
import { answerFailure, DRY_RUN_STATUS, judgeItem, mergeResults, type OutcomeLike, type ReportLike, type ResponseFields } from '../core/outputs';
import type { BatchOutcome } from '../transport/batchRunner';
import { toNodeApiError, type FailureReport } from '../transport/errors';

/**
 * Outcomes → output items, paired with the input items: one per input item (default) or one per
 * HubSpot request. Every operation's results come out through here, so they share one shape.
 */

export interface OutputInput<Input> {
	node: INode;
	itemCount: number;
	mode: 'perItem' | 'perBatch';
	continueOnFail: boolean;
	dryRun: boolean;
	valid: readonly ItemPairs[];
	/** Refused before anything was sent (bad ids, types, labels). */
	invalid: ReadonlyMap<number, NodeOperationError>;
	/** Failed before the writes (a HubSpot read for them failed). */
	failed: ReadonlyMap<number, { item: ItemPairs; report: FailureReport }>;
	plan: BatchPlan<Input>;
	outcomes: ReadonlyArray<BatchOutcome | undefined>;
}

/**
 * A failed item's json: the message under `error`, everything else under `details`. n8n's "Continue
 * (using error output)" moves an item to the error branch only when its json holds nothing but
 * `error`, `message` and `details` (or when the item carries `error`, but then n8n replaces its json
 * with the message alone and the ids, category and correlation id would be lost).
 */
function errorJson(report: ReportLike | { message: string; hint: string }, context: object): IDataObject {
	const r = report as Partial<FailureReport> & { message: string };
	const details: IDataObject = { ...(context as IDataObject) };
	if (r.description) details.description = r.description;
	if (r.httpCode) details.httpCode = r.httpCode;
	if (r.category) details.category = r.category;
	if (r.correlationId) details.correlationId = r.correlationId;
	if (r.hint) details.hint = r.hint;
	return { error: r.message, details };
}

/** An item refused before anything was sent: its message, and the hint its error carries. */
function refusalJson(error: NodeOperationError, itemIndex: number): IDataObject {
	return errorJson({ message: error.message, hint: error.description ?? '' }, { itemIndex });
}

/** The node's own fields of an item: what was asked, normalised. */
function itemFields(item: ItemPairs): IDataObject {
	const fields: IDataObject = {
		fromObjectType: item.fromObjectType,
		toObjectType: item.toObjectType,
		fromId: item.fromId,
		toIds: item.toIds,
	};
	if (item.types) fields.types = item.types as unknown as IDataObject[];
	return fields;
}

const NOT_SENT: ReportLike = {
	message: 'Not sent: the node stopped after an earlier batch failed',
	description: '',
	hint: 'Fix the failure reported for the other items and run again.',
	notSent: true,
};

export function outputItems<Input>(run: OutputInput<Input>): INodeExecutionData[][] {
	return [run.mode === 'perBatch' ? perBatch(run) : perItem(run)];
}

function perBatch<Input>(run: OutputInput<Input>): INodeExecutionData[] {
	const { plan, outcomes, continueOnFail, node } = run;
	const out: INodeExecutionData[] = [];
	for (let b = 0; b < plan.batches.length; b++) {
		const batch = plan.batches[b];
		const outcome = outcomes[b];
		const pairedItem = batch.itemIndexes.map((item) => ({ item }));
		const fields = { fromObjectType: batch.fromObjectType, toObjectType: batch.toObjectType, pairCount: batch.pairCount, inputs: batch.inputs };
		const answer = outcome ? mergeResults(outcome.results) : undefined;
		const failure = outcome?.failure ?? outcome?.idFailures[0]?.report ?? (answer && answerFailure(answer, 'request'));
		if (!answer || failure) {
			const report = failure ?? NOT_SENT;
			if (!continueOnFail) throw toNodeApiError(node, report as FailureReport, batch.itemIndexes[0] ?? 0, `Batch ${b} (items ${batch.itemIndexes.join(', ')})`);
			out.push({ json: errorJson(report, { ...fields, results: answer as unknown as IDataObject }), pairedItem });
			continue;
		}
		out.push({ json: { ...fields, ...answer } as unknown as IDataObject, pairedItem });
	}
	for (const [itemIndex, { item, report }] of run.failed) {
		out.push({ json: errorJson(report, { itemIndex, ...itemFields(item) }), pairedItem: { item: itemIndex } });
	}
	for (const [itemIndex, error] of run.invalid) {
		out.push({ json: refusalJson(error, itemIndex), pairedItem: { item: itemIndex } });
	}
	return out;
}

function perItem<Input>(run: OutputInput<Input>): INodeExecutionData[] {
	const { plan, outcomes, node } = run;
	const byIndex: Array<ItemPairs | undefined> = new Array(run.itemCount);
	for (let v = 0; v < run.valid.length; v++) byIndex[run.valid[v].itemIndex] = run.valid[v];
	const out: INodeExecutionData[] = [];
	const failures: Array<{ itemIndex: number; report: ReportLike }> = [];
	// Nearly every item sits in one batch that HubSpot answered without an error: that batch's answer is
	// merged once, not once per item (judgeItem would give each of its items the same fields).
	const merged: Array<ResponseFields | null | undefined> = new Array(outcomes.length);
	const cleanAnswer = (b: number): ResponseFields | undefined => {
		let fields = merged[b];
		if (fields === undefined) {
			const outcome = outcomes[b];
			fields = outcome && !outcome.failure && outcome.idFailures.length === 0 ? mergeResults(outcome.results) : null;
			if (fields && ((fields.status !== 'COMPLETE' && fields.status !== DRY_RUN_STATUS) || fields.errors.length > 0 || fields.startedAt === undefined || fields.completedAt === undefined || fields.requestedAt === undefined || fields.links !== undefined)) fields = null;
			merged[b] = fields;
		}
		return fields ?? undefined;
	};
	for (let i = 0; i < run.itemCount; i++) {
		const refused = run.invalid.get(i);
		if (refused) {
			out.push({ json: refusalJson(refused, i), pairedItem: { item: i } });
			continue;
		}
		const unread = run.failed.get(i);
		if (unread) {
			failures.push({ itemIndex: i, report: unread.report });
			out.push({ json: errorJson(unread.report, itemFields(unread.item)), pairedItem: { item: i } });
			continue;
		}
		const item = byIndex[i];
		if (!item) continue;
		const only = item.types ? -1 : plan.batchesOfItem.only(i);
		const clean = only >= 0 ? cleanAnswer(only) : undefined;
		if (clean) {
			out.push({ json: cleanItemJson(item, clean, run.dryRun), pairedItem: { item: i } });
			continue;
		}
		const itemOutcomes: OutcomeLike[] = [];
		let unsent = false;
		for (const b of plan.batchesOfItem.get(i) ?? []) {
			const outcome = outcomes[b];
			if (outcome) itemOutcomes.push(outcome);
			else unsent = true;
		}
		const verdict = unsent ? { ok: false as const, report: NOT_SENT } : judgeItem(item, itemOutcomes);
		if (verdict.ok) {
			// An item with nothing to remove (no associations left) went in no request; in a dry run it still says so.
			if (run.dryRun) verdict.fields.status = DRY_RUN_STATUS;
			out.push({ json: Object.assign(itemFields(item), verdict.fields) as IDataObject, pairedItem: { item: i } });
		} else {
			failures.push({ itemIndex: i, report: verdict.report });
			out.push({ json: errorJson(verdict.report, { ...itemFields(item), ...(verdict.fields ?? {}) }), pairedItem: { item: i } });
		}
	}
	if (failures.length > 0 && !run.continueOnFail) {
		const done = run.valid.length - failures.length;
		throw firstFailureError(
			node,
			failures,
			`${done} of ${run.itemCount} items were ${run.dryRun ? 'checked' : 'archived'} before this failure; running the node again is safe.`,
		);
	}
	return out;
}

/**
 * The output of an item whose pairs went in one batch that HubSpot answered cleanly (see `cleanAnswer`):
 * the same fields in the same order as the general path (`itemFields` + `judgeItem`), made as one
 * object literal, since this runs for nearly every item of a 100,000-item run. The lists are the
 * item's own: a later node that changes one item's list must not change its neighbours'.
 */
function cleanItemJson(item: ItemPairs, answer: ResponseFields, dryRun: boolean): IDataObject {
	return {
		fromObjectType: item.fromObjectType,
		toObjectType: item.toObjectType,
		fromId: item.fromId,
		toIds: item.toIds,
		status: dryRun ? DRY_RUN_STATUS : answer.status,
		numErrors: answer.numErrors,
		errors: [],
		results: answer.results.length === 0 ? [] : answer.results.slice(),
		startedAt: answer.startedAt,
		completedAt: answer.completedAt,
		requestedAt: answer.requestedAt,
	};
}

/**
 * The error the node stops with: the first item whose own request or read failed (not one merely left
 * out because of it), naming how many other items failed too.
 */
export function firstFailureError(node: INode, failures: ReadonlyArray<{ itemIndex: number; report: ReportLike }>, note?: string) {
	const first = failures.find((f) => !f.report.notSent) ?? failures[0];
	const others = failures.filter((f) => f !== first);
	const listed = others.slice(0, 10).map((f) => f.itemIndex).join(', ');
	const more = others.length > 0 ? ` (and ${others.length} more item${others.length === 1 ? '' : 's'}: ${listed}${others.length > 10 ? ', …' : ''})` : '';
	return toNodeApiError(node, first.report as FailureReport, first.itemIndex, `Item ${first.itemIndex}${more}`, note);
}
