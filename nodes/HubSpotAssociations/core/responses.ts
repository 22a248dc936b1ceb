/**
 * What a batch answer means, independent of how it arrived. HubSpot documents this endpoint as both
 * "204 No Content" and "200 with a BatchResponse", and uses 207 for partial success on its siblings,
 * so every 2xx is read the same way here and the node fills in what a bodiless answer leaves out.
 */

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

/**
 * The record ids an error names. HubSpot puts them in `context` (e.g. `{ids: ["1"]}`,
 * `{fromObjectId: ["1"]}`) and sometimes in `id`; any digit string found there counts.
 */
export function idsNamedByError(error: HubSpotBatchError): Set<string> {
	const ids = new Set<string>();
	const add = (value: unknown) => {
		if (typeof value === 'number' && Number.isSafeInteger(value)) ids.add(String(value));
		else if (typeof value === 'string' && /^\d+$/.test(value.trim())) ids.add(value.trim().replace(/^0+(?=\d)/, ''));
	};
	add(error.id);
	if (isRecord(error.context)) {
		for (const value of Object.values(error.context)) {
			if (Array.isArray(value)) value.forEach(add);
			else add(value);
		}
	}
	return ids;
}

/**
 * The errors of a batch that concern one item: those naming its from id or one of its to ids.
 * An error that names no id at all cannot be pinned on anyone, so it concerns every item of the batch.
 */
export function errorsForItem(
	errors: readonly HubSpotBatchError[],
	namedIds: ReadonlyArray<Set<string>>,
	fromId: string,
	toIds: readonly string[],
): HubSpotBatchError[] {
	if (errors.length === 0) return [];
	const concerning: HubSpotBatchError[] = [];
	for (let e = 0; e < errors.length; e++) {
		const named = namedIds[e];
		if (named.size === 0 || named.has(fromId) || toIds.some((id) => named.has(id))) {
			concerning.push(errors[e]);
		}
	}
	return concerning;
}
