/**
 * What HubSpot's `batch/read` answers mean. Pure: the read phase of "Remove All Associations of
 * Records" hands in a page of answers and gets back, per from id, the associated records and the
 * cursor of the next page.
 */
import { parseId } from './ids';
import { parseLabel, type AssociationTypeRef } from './labels';
import type { HubSpotBatchError } from './responses';

/** HubSpot reads at most this many from ids per request (changelog, effective 2025-02-10). */
export const MAX_READ_INPUTS = 1000;

/** One input of batch/read: a from id and, after the first page, the cursor of the next. */
export interface ReadInput {
	id: string;
	after?: string;
}

export interface AssociatedRecord {
	toId: string;
	/** The labels of the association, as HubSpot's write endpoints take them. */
	types: AssociationTypeRef[];
}

export interface ReadPage {
	fromId: string;
	targets: AssociatedRecord[];
	/** Cursor of the next page, when HubSpot says there is one. */
	after?: string;
}

function isRecord(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function idOf(value: unknown): string | undefined {
	const check = parseId(value);
	return check.ok ? check.id : undefined;
}

/**
 * The pages in one answer's `results`. Entries without a readable from id are skipped (nothing could
 * be removed for them anyway); a target without a readable id is skipped the same way.
 */
export function readPages(results: readonly unknown[]): ReadPage[] {
	const pages: ReadPage[] = [];
	for (const result of results) {
		if (!isRecord(result)) continue;
		const from = isRecord(result.from) ? idOf(result.from.id) : undefined;
		if (!from) continue;
		const targets: AssociatedRecord[] = [];
		for (const to of Array.isArray(result.to) ? result.to : []) {
			if (!isRecord(to)) continue;
			const toId = idOf(to.toObjectId ?? to.id);
			if (!toId) continue;
			const types: AssociationTypeRef[] = [];
			for (const t of Array.isArray(to.associationTypes) ? to.associationTypes : []) {
				const type = parseLabel(t);
				if (type) types.push(type);
			}
			targets.push({ toId, types });
		}
		const next = isRecord(result.paging) && isRecord(result.paging.next) ? result.paging.next.after : undefined;
		const after = typeof next === 'string' && next !== '' ? next : typeof next === 'number' ? String(next) : undefined;
		pages.push({ fromId: from, targets, ...(after !== undefined ? { after } : {}) });
	}
	return pages;
}

/**
 * A read error that only says a record has no associations (or does not exist): HubSpot has answered
 * such ids with a 207 and OBJECT_NOT_FOUND rather than an empty list. Either way nothing is left to
 * remove, which is what the user wanted; it is not a failure.
 */
export function meansNothingToRemove(error: HubSpotBatchError): boolean {
	const category = typeof error.category === 'string' ? error.category : '';
	const subCategory = typeof error.subCategory === 'string' ? error.subCategory : '';
	const message = typeof error.message === 'string' ? error.message : '';
	return (
		category === 'OBJECT_NOT_FOUND' ||
		/NO_ASSOCIATIONS|NOT_FOUND/i.test(subCategory) ||
		/\bno\b.*\bassociations?\b.*\bfound\b/i.test(message)
	);
}
