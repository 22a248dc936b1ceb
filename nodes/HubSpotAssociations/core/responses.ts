/**
 * What a batch answer means, independent of how it arrived. HubSpot documents this endpoint as both
 * "204 No Content" and "200 with a BatchResponse", and uses 207 for partial success on its siblings,
 * so every 2xx is read the same way here and the node fills in what a bodiless answer leaves out.
 */

import { normalizeObjectType } from './objectTypes';

export interface HubSpotBatchError {
	status?: string;
	category?: string;
	subCategory?: unknown;
	message?: string;
	context?: Record<string, unknown>;
	errors?: unknown[];
	links?: Record<string, unknown>;
	id?: string;
	[key: string]: unknown;
}

/** The fields of a BatchResponse that the node passes on. */
export interface BatchResult {
	httpStatus: number;
	status: string;
	startedAt: string;
	completedAt: string;
	requestedAt: string;
	numErrors: number;
	errors: HubSpotBatchError[];
	results: unknown[];
	links?: Record<string, unknown>;
}

function isRecord(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Reads a 2xx answer. `sentAt`/`receivedAt` stand in for HubSpot's timestamps when it sent none.
 */
export function readBatchResponse(
	httpStatus: number,
	body: unknown,
	sentAt: Date,
	receivedAt: Date,
): BatchResult {
	const data = typeof body === 'string' && body.trim() !== '' ? safeJson(body) : body;
	if (!isRecord(data)) {
		return {
			httpStatus,
			status: 'COMPLETE',
			startedAt: sentAt.toISOString(),
			completedAt: receivedAt.toISOString(),
			requestedAt: sentAt.toISOString(),
			numErrors: 0,
			errors: [],
			results: [],
		};
	}
	const errors = Array.isArray(data.errors) ? (data.errors.filter(isRecord) as HubSpotBatchError[]) : [];
	const result: BatchResult = {
		httpStatus,
		status: typeof data.status === 'string' ? data.status : 'COMPLETE',
		startedAt: typeof data.startedAt === 'string' ? data.startedAt : sentAt.toISOString(),
		completedAt: typeof data.completedAt === 'string' ? data.completedAt : receivedAt.toISOString(),
		requestedAt: typeof data.requestedAt === 'string' ? data.requestedAt : sentAt.toISOString(),
		numErrors: typeof data.numErrors === 'number' ? data.numErrors : errors.length,
		errors,
		results: Array.isArray(data.results) ? data.results : [],
	};
	if (isRecord(data.links)) result.links = data.links;
	return result;
}

function safeJson(text: string): unknown {
	try {
		return JSON.parse(text);
	} catch {
		return undefined;
	}
}

/** The record ids an error names, by the side of the pair HubSpot says they are on. */
export interface NamedIds {
	from: Set<string>;
	to: Set<string>;
	/** Named without saying which side: they concern either. */
	either: Set<string>;
}

/** Which side of the request's pairs an object type HubSpot names ("CONTACT", "deal", "0-3") is. */
function sideOfType(type: string, types: PairTypes): 'from' | 'to' | undefined {
	const check = normalizeObjectType(type);
	if (!check.ok) return undefined;
	const isFrom = check.value === types.fromObjectType;
	const isTo = check.value === types.toObjectType;
	return isFrom === isTo ? undefined : isFrom ? 'from' : 'to';
}

/** The from and to object types of the request an error answers, as the node sends them. */
export interface PairTypes {
	fromObjectType: string;
	toObjectType: string;
}

const canonicalId = (value: unknown): string | undefined => {
	if (typeof value === 'number' && Number.isSafeInteger(value) && value > 0) return String(value);
	if (typeof value === 'string' && /^\d+$/.test(value.trim())) return value.trim().replace(/^0+(?=\d)/, '');
	return undefined;
};

const asList = (value: unknown): unknown[] => (Array.isArray(value) ? value : [value]);

/**
 * Where HubSpot names ids, as recorded in its answers:
 * - `context.fromObjectId` (batch/read: "No company is associated with deal 515690208449."), and by
 *   symmetry `toObjectId`;
 * - `context.INVALID_OBJECT_IDS: ["CONTACT=38374264688 is not valid"]` with `objectId` and `objectType`
 *   (association writes, VALIDATION_ERROR): the side is the one whose object type is named;
 * - `context.ids` and `id` (object batch endpoints), which say no side.
 * A type HubSpot names is matched against the request's; when both sides are of one type, or it
 * matches neither, the id concerns either side.
 */
export function idsNamedByError(error: HubSpotBatchError, types?: PairTypes): NamedIds {
	const named: NamedIds = { from: new Set(), to: new Set(), either: new Set() };
	const add = (side: keyof NamedIds, value: unknown) => {
		const id = canonicalId(value);
		if (id) named[side].add(id);
	};
	const typed = (type: unknown, value: unknown) => {
		const side = types && typeof type === 'string' ? sideOfType(type, types) : undefined;
		add(side ?? 'either', value);
	};
	add('either', error.id);
	const context = isRecord(error.context) ? error.context : {};
	for (const [key, value] of Object.entries(context)) {
		if (key === 'fromObjectId') asList(value).forEach((v) => add('from', v));
		else if (key === 'toObjectId') asList(value).forEach((v) => add('to', v));
		else if (key === 'INVALID_OBJECT_IDS') {
			for (const entry of asList(value)) {
				const match = typeof entry === 'string' ? /^\s*([^=\s]+)\s*=\s*(\d+)/.exec(entry) : null;
				if (match) typed(match[1], match[2]);
			}
		} else if (key === 'objectId') {
			const objectTypes = asList(context.objectType);
			asList(value).forEach((v, k) => typed(objectTypes[k] ?? objectTypes[0], v));
		} else if (key === 'ids' || key === 'id' || key === 'objectIds') asList(value).forEach((v) => add('either', v));
	}
	return named;
}

export function namesAnyId(named: NamedIds): boolean {
	return named.from.size > 0 || named.to.size > 0 || named.either.size > 0;
}

/** Whether a pair (or an item's pairs) is one an error names, each id looked for on its own side. */
export function namesPairOf(named: NamedIds, fromId: string, toIds: readonly string[]): boolean {
	if (named.from.has(fromId) || named.either.has(fromId)) return true;
	for (const id of toIds) if (named.to.has(id) || named.either.has(id)) return true;
	return false;
}

/**
 * The errors of a batch that concern one item: those naming its from id or one of its to ids.
 * An error that names no id at all cannot be pinned on anyone, so it concerns every item of the batch.
 */
export function errorsForItem(
	errors: readonly HubSpotBatchError[],
	namedIds: readonly NamedIds[],
	fromId: string,
	toIds: readonly string[],
): HubSpotBatchError[] {
	if (errors.length === 0) return [];
	const concerning: HubSpotBatchError[] = [];
	for (let e = 0; e < errors.length; e++) {
		const named = namedIds[e];
		if (!namesAnyId(named) || namesPairOf(named, fromId, toIds)) concerning.push(errors[e]);
	}
	return concerning;
}
