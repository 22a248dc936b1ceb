/**
 * What HubSpot's batch answers mean: their fields, the ids their errors name, and whether the work
 * was done. HubSpot documents the archive endpoints as both "204 No Content" and "200 with a
 * BatchResponse", and uses 207 for partial success on their siblings, so every 2xx is read the same
 * way here and the node fills in what a bodiless answer leaves out.
 */
import type { FailureReport } from '../transport/errors';
import { parseId } from './ids';
import { normalizeObjectType } from './objectTypes';

export type HubSpotBatchError = Record<string, unknown> & {
	category?: string;
	subCategory?: unknown;
	message?: string;
	context?: Record<string, unknown>;
	id?: string;
};

/**
 * The fields of a BatchResponse the node passes on; for several answers, merged (see
 * `mergeResults`).
 */
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

/** The status a dry run gives its answers: nothing was sent, and that is no failure. */
export const DRY_RUN_STATUS = 'DRY_RUN';

export const isRecord = (value: unknown): value is Record<string, unknown> =>
	typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Reads a 2xx answer; `sentAt`/`receivedAt` stand in for HubSpot's timestamps when it sent none.
 */
export function readBatchResponse(body: unknown, sentAt: Date, receivedAt: Date): ResponseFields {
	const data = isRecord(body) ? body : {};
	const errors = Array.isArray(data.errors)
		? (data.errors.filter(isRecord) as HubSpotBatchError[])
		: [];
	const text = (value: unknown, fallback: Date) =>
		typeof value === 'string' ? value : fallback.toISOString();
	return {
		status: typeof data.status === 'string' ? data.status : 'COMPLETE',
		startedAt: text(data.startedAt, sentAt),
		completedAt: text(data.completedAt, receivedAt),
		requestedAt: text(data.requestedAt, sentAt),
		numErrors: typeof data.numErrors === 'number' ? data.numErrors : errors.length,
		errors,
		results: Array.isArray(data.results) ? data.results : [],
		...(isRecord(data.links) ? { links: data.links } : {}),
	};
}

const STATUS_RANK: Record<string, number> = { COMPLETE: 0, PROCESSING: 1, PENDING: 2, CANCELED: 3 };

/**
 * Several answers (a batch sent in parts) as one: the worst status, the widest times, every error
 * and result.
 */
export function mergeResults(answers: readonly ResponseFields[]): ResponseFields {
	const merged: ResponseFields = { status: 'COMPLETE', numErrors: 0, errors: [], results: [] };
	for (const r of answers) {
		if ((STATUS_RANK[r.status] ?? 4) > (STATUS_RANK[merged.status] ?? 4)) merged.status = r.status;
		if (r.startedAt && (!merged.startedAt || r.startedAt < merged.startedAt))
			merged.startedAt = r.startedAt;
		if (r.completedAt && (!merged.completedAt || r.completedAt > merged.completedAt))
			merged.completedAt = r.completedAt;
		if (r.requestedAt && (!merged.requestedAt || r.requestedAt < merged.requestedAt))
			merged.requestedAt = r.requestedAt;
		merged.numErrors += r.numErrors;
		for (const e of r.errors) merged.errors.push(e);
		for (const x of r.results) merged.results.push(x);
		if (r.links) merged.links = { ...merged.links, ...r.links };
	}
	return merged;
}

/**
 * Whether an answer says the work was not done. Only status COMPLETE says the associations were
 * removed, even with a 200 or 207 (HubSpot's BatchResponse may say PENDING, PROCESSING or
 * CANCELED); errors HubSpot lists for the pairs are failures too.
 */
export function answerFailure(
	fields: ResponseFields,
	subject: 'item' | 'request',
): FailureReport | undefined {
	if (fields.status !== 'COMPLETE' && fields.status !== DRY_RUN_STATUS) {
		const hint = `${fields.status === 'CANCELED' ? 'HubSpot canceled the request. Run the node again for these items' : 'HubSpot had not finished the request when it answered. Check the records in HubSpot, or run the node again'}: removing associations is safe to repeat.`;
		return {
			message: `HubSpot answered with status ${fields.status}, not COMPLETE: the associations of this ${subject} may not have been removed`,
			description: hint,
			hint,
		};
	}
	const [first, count] = [fields.errors[0], fields.errors.length];
	if (!first) return undefined;
	const category = typeof first.category === 'string' ? first.category : undefined;
	const hint = 'Check that the records exist and are associated.';
	const message = `HubSpot reported ${count === 1 ? 'an error' : `${count} errors`} for this ${subject}: ${first.message ?? 'no message'}`;
	return {
		message,
		description: `${category ? `category ${category}. ` : ''}The other pairs of the request were processed. ${hint}`,
		category,
		httpCode: '207',
		hint,
	};
}

/** The from and to object types of the request an error answers, as the node sends them. */
export type PairTypes = { fromObjectType: string; toObjectType: string };

/**
 * The record ids an error names, by the side of the pair HubSpot says they are on (`either`: it
 * does not say).
 */
export type NamedIds = Record<'from' | 'to' | 'either', Set<string>>;

export const noIds = (): NamedIds => ({ from: new Set(), to: new Set(), either: new Set() });
export const namesAnyId = (named: NamedIds): boolean =>
	named.from.size > 0 || named.to.size > 0 || named.either.size > 0;

const asList = (value: unknown): unknown[] => (Array.isArray(value) ? value : [value]);

/**
 * Where HubSpot names ids, as recorded in its answers:
 * - `context.fromObjectId` (batch/read: "No company is associated with deal 515690208449."), and by
 *   symmetry `toObjectId`;
 * - `context.INVALID_OBJECT_IDS: ["CONTACT=38374264688 is not valid"]` with `objectId` and
 *   `objectType` (association writes, VALIDATION_ERROR): the side is the one whose object type is
 *   named;
 * - `context.ids` and `id` (object batch endpoints), which say no side.
 * A type HubSpot names is matched against the request's; when both sides are of one type, or it
 * matches neither, the id concerns either side.
 */
export function idsNamedByError(
	error: Record<string, unknown>,
	types?: PairTypes,
	named = noIds(),
): NamedIds {
	// Read as the node reads an item's ids, so an id HubSpot names is the very string the node sent.
	const add = (side: keyof NamedIds, value: unknown) => {
		const check = parseId(value);
		if (check.ok) named[side].add(check.id);
	};
	const typed = (type: unknown, value: unknown) => {
		const check = types && typeof type === 'string' ? normalizeObjectType(type) : undefined;
		const isFrom = check?.ok === true && check.value === types?.fromObjectType;
		const isTo = check?.ok === true && check.value === types?.toObjectType;
		add(isFrom === isTo ? 'either' : isFrom ? 'from' : 'to', value);
	};
	add('either', error.id);
	const context = isRecord(error.context) ? error.context : {};
	for (const [key, value] of Object.entries(context)) {
		if (key === 'fromObjectId') asList(value).forEach((v) => add('from', v));
		else if (key === 'toObjectId') asList(value).forEach((v) => add('to', v));
		else if (key === 'ids' || key === 'id' || key === 'objectIds')
			asList(value).forEach((v) => add('either', v));
		else if (key === 'objectId')
			asList(value).forEach((v, k) =>
				typed(asList(context.objectType)[k] ?? asList(context.objectType)[0], v),
			);
		else if (key === 'INVALID_OBJECT_IDS') {
			for (const match of asList(value).map(
				(entry) => typeof entry === 'string' && /^\s*([^=\s]+)\s*=\s*(\d+)/.exec(entry),
			))
				if (match) typed(match[1], match[2]);
		}
	}
	return named;
}

/** Whether an error names a pair (or an item's pairs), each id looked for on its own side. */
export function namesPairOf(named: NamedIds, fromId: string, toIds: readonly string[]): boolean {
	if (named.from.has(fromId) || named.either.has(fromId)) return true;
	for (const id of toIds) if (named.to.has(id) || named.either.has(id)) return true;
	return false;
}
