/**
 * Answers + plan → what each input item gets. Pure: the operation hands in the plan and the batch
 * outcomes and gets back, per item, either the fields to output or the failure that concerns it.
 */
import type { ItemPairs } from './batches';
import { errorsForItem, idsNamedByError, type BatchResult, type HubSpotBatchError } from './responses';

/** Mirrors the transport's failure report without depending on it. */
export interface ReportLike {
	message: string;
	description: string;
	httpCode?: string;
	category?: string;
	correlationId?: string;
	hint: string;
}

export interface OutcomeLike {
	results: BatchResult[];
	failure?: ReportLike;
	idFailures: Array<{ ids: Set<string>; report: ReportLike }>;
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

/** Decides one valid item's fate from the outcomes of the batches that carried its pairs. */
export function judgeItem(item: ItemPairs, outcomes: ReadonlyArray<OutcomeLike>): ItemVerdict {
	const concerns = (ids: Set<string>) => ids.has(item.fromId) || item.toIds.some((id) => ids.has(id));
	const results: BatchResult[] = [];
	for (const outcome of outcomes) {
		if (outcome.failure) return { ok: false, report: outcome.failure };
		for (const f of outcome.idFailures) if (concerns(f.ids)) return { ok: false, report: f.report };
		for (const r of outcome.results) results.push(r);
	}
	const merged = mergeResults(results);
	if (merged.errors.length === 0) return { ok: true, fields: merged };
	const named = merged.errors.map(idsNamedByError);
	const mine = errorsForItem(merged.errors, named, item.fromId, item.toIds);
	const fields = { ...merged, errors: mine, numErrors: mine.length };
	if (mine.length === 0) return { ok: true, fields };
	const first = mine[0];
	const category = typeof first.category === 'string' ? first.category : undefined;
	return {
		ok: false,
		fields,
		report: {
			message: `HubSpot reported ${mine.length === 1 ? 'an error' : `${mine.length} errors`} for this item: ${first.message ?? 'no message'}`,
			description: `${category ? `category ${category}. ` : ''}The other pairs of the request were processed. Check that the records exist and are associated.`,
			category,
			httpCode: '207',
			hint: 'Check that the records exist and are associated.',
		},
	};
}
