/**
 * Answers + plan → what each input item gets. Pure: the operation hands in the plan and the batch
 * outcomes and gets back, per item, either the fields to output or the failure that concerns it.
 */
import type { ItemPairs } from './batches';
import { errorsForItem, idsNamedByError, namesPairOf, type BatchResult, type HubSpotBatchError, type NamedIds } from './responses';

/** Mirrors the transport's failure report without depending on it. */
export interface ReportLike {
	message: string;
	description: string;
	httpCode?: string;
	category?: string;
	correlationId?: string;
	hint: string;
	/** The item was never sent or read: the failure of another request stopped the run. */
	notSent?: boolean;
}

export interface OutcomeLike {
	results: BatchResult[];
	failure?: ReportLike;
	idFailures: Array<{ ids: NamedIds; report: ReportLike }>;
}

/** The response fields the node outputs, merged over every answer that carried an item. */
export interface ResponseFields {
	status: string;
	startedAt?: string;
	completedAt?: string;
	requestedAt?: string;
	numErrors: number;
	errors: HubSpotBatchError[];
	results: unknown[];
	links?: Record<string, unknown>;
}

const STATUS_RANK: Record<string, number> = { COMPLETE: 0, PROCESSING: 1, PENDING: 2, CANCELED: 3 };

export function mergeResults(results: readonly BatchResult[]): ResponseFields {
	const merged: ResponseFields = { status: 'COMPLETE', numErrors: 0, errors: [], results: [] };
	for (const r of results) {
		if ((STATUS_RANK[r.status] ?? 4) > (STATUS_RANK[merged.status] ?? 4)) merged.status = r.status;
		if (!merged.startedAt || r.startedAt < merged.startedAt) merged.startedAt = r.startedAt;
		if (!merged.completedAt || r.completedAt > merged.completedAt) merged.completedAt = r.completedAt;
		if (r.requestedAt && (!merged.requestedAt || r.requestedAt < merged.requestedAt)) merged.requestedAt = r.requestedAt;
		merged.numErrors += r.numErrors;
		for (const e of r.errors) merged.errors.push(e);
		for (const x of r.results) merged.results.push(x);
		if (r.links) merged.links = { ...(merged.links ?? {}), ...r.links };
	}
	return merged;
}

export type ItemVerdict =
	| { ok: true; fields: ResponseFields }
	| { ok: false; report: ReportLike; fields?: ResponseFields };

/** The status a dry run gives its answers: nothing was sent, and that is no failure. */
export const DRY_RUN_STATUS = 'DRY_RUN';

/**
 * Whether an answer's fields say the work was not done. HubSpot's BatchResponse carries a status
 * (PENDING, PROCESSING, CANCELED, COMPLETE): only COMPLETE says the associations were removed, even
 * with a 200 or 207. Errors HubSpot lists for the pairs are failures too.
 */
export function answerFailure(fields: ResponseFields, subject: 'item' | 'request'): ReportLike | undefined {
	if (fields.status !== 'COMPLETE' && fields.status !== DRY_RUN_STATUS) {
		const hint =
			fields.status === 'CANCELED'
				? 'HubSpot canceled the request. Run the node again for these items: removing associations is safe to repeat.'
				: 'HubSpot had not finished the request when it answered. Check the records in HubSpot, or run the node again: removing associations is safe to repeat.';
		return {
			message: `HubSpot answered with status ${fields.status}, not COMPLETE: the associations of this ${subject} may not have been removed`,
			description: hint,
			hint,
		};
	}
	if (fields.errors.length === 0) return undefined;
	const first = fields.errors[0];
	const count = fields.errors.length;
	const category = typeof first.category === 'string' ? first.category : undefined;
	return {
		message: `HubSpot reported ${count === 1 ? 'an error' : `${count} errors`} for this ${subject}: ${first.message ?? 'no message'}`,
		description: `${category ? `category ${category}. ` : ''}The other pairs of the request were processed. Check that the records exist and are associated.`,
		category,
		httpCode: '207',
		hint: 'Check that the records exist and are associated.',
	};
}

/** Decides one valid item's fate from the outcomes of the batches that carried its pairs. */
export function judgeItem(item: ItemPairs, outcomes: ReadonlyArray<OutcomeLike>): ItemVerdict {
	const results: BatchResult[] = [];
	for (const outcome of outcomes) {
		if (outcome.failure) return { ok: false, report: outcome.failure };
		for (const f of outcome.idFailures) if (namesPairOf(f.ids, item.fromId, item.toIds)) return { ok: false, report: f.report };
		for (const r of outcome.results) results.push(r);
	}
	const merged = mergeResults(results);
	let fields = merged;
	if (merged.errors.length > 0) {
		const mine = errorsForItem(merged.errors, merged.errors.map((e) => idsNamedByError(e, item)), item.fromId, item.toIds);
		fields = { ...merged, errors: mine, numErrors: mine.length };
	}
	const report = answerFailure(fields, 'item');
	return report ? { ok: false, fields, report } : { ok: true, fields };
}
