/**
 * The read phase of "Remove All Associations of Records": every associated to id of every from id,
 * through `batch/read` (at most 1000 from ids per request, following each id's `paging.next.after`
 * to the end). Reads go through the same transport and batch handling as the writes: same retries,
 * throttle, error reports, parts when too large, and resends without the ids HubSpot names.
 */
import { NOT_READ, notSentReport, type FailureReport } from '../transport/errors';
import type { Transport } from '../transport/send';
import type { RunOptions } from './options';
import { describeValue, mayHaveLostDigits, parseId } from './ids';
import { parseLabel, type AssociationTypeRef } from './labels';
import { objectTypePairKey } from './objectTypes';
import type { Unit } from './planBatches';
import type { ItemPairs } from './readItems';
import { idsNamedByError, isRecord, type HubSpotBatchError } from './responses';
import { runPool } from './runPool';
import { sendQueued, withdrawWaiting } from './batchQueue';
import { batchEndpoint, type BatchEndpoint, type BatchOutcome } from './sendBatch';

/** HubSpot reads at most this many from ids per request (changelog, effective 2025-02-10). */
const MAX_READ_INPUTS = 1000;
/** Bounds the paging of one record: 10,000 pages of HubSpot's 500 are five million associations. */
const MAX_PAGES_PER_RECORD = 10_000;

/**
 * An associated record and the labels of the association, as HubSpot's write endpoints take them.
 */
export type AssociatedRecord = { toId: string; types: AssociationTypeRef[] };

export type ReadOutcome =
	| { ok: true; targets: AssociatedRecord[] }
	| { ok: false; report: FailureReport };

type RecordToRead = Pick<ItemPairs, 'fromObjectType' | 'toObjectType' | 'fromId'>;

const recordKey = (r: RecordToRead): string => `${objectTypePairKey(r)}\u0000${r.fromId}`;

type RecordState = {
	targets: Map<string, AssociatedRecord>;
	cursors: Set<string>;
	pages: number;
	done: boolean;
	failure?: FailureReport;
};
type Group = { endpoint: BatchEndpoint; states: Map<string, RecordState>; pending: Unit[] };

/**
 * A read error that only says a record has no associations (or does not exist): HubSpot answers
 * such ids with a 207 and NO_ASSOCIATIONS_FOUND or OBJECT_NOT_FOUND rather than an empty list.
 * Either way nothing is left to remove, which is what the user wanted: it is not a failure.
 */
export function meansNothingToRemove(error: HubSpotBatchError): boolean {
	const subCategory = typeof error.subCategory === 'string' ? error.subCategory : '';
	return (
		error.category === 'OBJECT_NOT_FOUND' ||
		/NO_ASSOCIATIONS|NOT_FOUND/i.test(subCategory) ||
		/\bno\b.*\bassociations?\b.*\bfound\b/i.test(String(error.message ?? ''))
	);
}

/**
 * One record's page of a batch/read answer; `unreadable` says why its associations cannot all be
 * read exactly.
 */
export type ReadPage = {
	fromId: string;
	targets: AssociatedRecord[];
	after?: string;
	unreadable?: string;
};

/**
 * Why an id in an answer cannot be read. HubSpot's ids are int64 and `toObjectId` comes as a bare
 * JSON number, which JSON parsing turns into a double: past 2^53 its last digits are lost, and what
 * is left may name another record.
 */
function unreadableId(value: unknown, reason: string): string {
	return mayHaveLostDigits(value)
		? `${value} is too large for a number to hold exactly (above ${Number.MAX_SAFE_INTEGER}), so its last digits are lost`
		: reason;
}

/** A record's associated records, or why one of them cannot be read exactly (the first such). */
function readTargets(to: unknown): { targets: AssociatedRecord[]; unreadable?: string } {
	if (!Array.isArray(to))
		return {
			targets: [],
			unreadable: `HubSpot's answer holds no list of associated records for it (${describeValue(to)})`,
		};
	const targets: AssociatedRecord[] = [];
	for (const entry of to) {
		if (!isRecord(entry))
			return {
				targets,
				unreadable: `an associated record in HubSpot's answer is ${describeValue(entry)}, not a record`,
			};
		const value = entry.toObjectId ?? entry.id;
		const toId = parseId(value);
		if (!toId.ok)
			return {
				targets,
				unreadable: `an associated record's id in HubSpot's answer cannot be read: ${unreadableId(value, toId.reason)}`,
			};
		const labels = Array.isArray(entry.associationTypes) ? entry.associationTypes : [];
		targets.push({
			toId: toId.id,
			types: labels.map(parseLabel).filter((t): t is AssociationTypeRef => t !== undefined),
		});
	}
	return { targets };
}

/**
 * The pages in one answer's `results`. Nothing is skipped: a record with an associated record it
 * cannot read exactly gets `unreadable`, and a result whose record cannot be told (`unattributed`)
 * makes the records left without a result fail.
 */
export function readPages(results: readonly unknown[]): {
	pages: ReadPage[];
	unattributed?: string;
} {
	const pages: ReadPage[] = [];
	let unattributed: string | undefined;
	for (const result of results) {
		if (!isRecord(result)) {
			unattributed ??= `HubSpot's answer holds ${describeValue(result)}, which is not a result`;
			continue;
		}
		const from = isRecord(result.from) ? result.from.id : undefined;
		const fromId = parseId(from);
		if (!fromId.ok) {
			unattributed ??= `a result in HubSpot's answer names its record by an id that cannot be read: ${unreadableId(from, fromId.reason)}`;
			continue;
		}
		const { targets, unreadable } = readTargets(result.to);
		const next =
			isRecord(result.paging) && isRecord(result.paging.next)
				? result.paging.next.after
				: undefined;
		const after =
			typeof next === 'string' && next !== ''
				? next
				: typeof next === 'number'
					? String(next)
					: undefined;
		pages.push({
			fromId: fromId.id,
			targets,
			...(after !== undefined ? { after } : {}),
			...(unreadable !== undefined ? { unreadable } : {}),
		});
	}
	return { pages, ...(unattributed !== undefined ? { unattributed } : {}) };
}

/**
 * A record whose associations could not all be read exactly: removing only the others would report
 * a removal not made.
 */
function unreadableReport(fromId: string, why: string): FailureReport {
	const hint =
		"Nothing was removed for this record. Find the association in HubSpot and remove it there, or with the Archive Associations operation giving the associated record's id as a string of digits; then run again.";
	return {
		message: `The associations of record ${fromId} could not be read exactly: ${why}`,
		description: hint,
		hint,
	};
}

function readErrorReport(error: HubSpotBatchError, fromId: string): FailureReport {
	const category = typeof error.category === 'string' ? error.category : undefined;
	const message = `HubSpot could not read the associations of record ${fromId}: ${typeof error.message === 'string' ? error.message : 'no message'}`;
	const hint = 'Check that the record exists and that the credential may read both object types.';
	return {
		message,
		description: `${category ? `category ${category}. ` : ''}${hint}`,
		httpCode: '207',
		category,
		hint,
	};
}

function pagingReport(fromId: string, why: string): FailureReport {
	const hint =
		"Run the node again; if it keeps happening, remove this record's associations in smaller steps.";
	return {
		message: `Reading the associations of record ${fromId} stopped: ${why}`,
		description: hint,
		hint,
	};
}

/**
 * Folds the outcome of one read batch, request by request, into the records it asked about; returns
 * whether any of them failed.
 */
function absorb(group: Group, units: readonly Unit[], outcome: BatchOutcome): boolean {
	const settled = new Set<string>();
	let failed = false;
	for (const part of outcome.parts) {
		const partUnits = part.units ?? units;
		const asked = new Set(partUnits.map((u) => u.from));
		const settle = (id: string, failure?: FailureReport) => {
			const state = group.states.get(id);
			if (!state || settled.has(id) || !asked.has(id)) return;
			settled.add(id);
			if (failure) {
				state.failure ??= failure;
				failed = true;
			} else state.done = true;
		};
		const { pages, unattributed: unattributedResult } = readPages(part.answer?.results ?? []);
		for (const page of pages) {
			const state = group.states.get(page.fromId);
			if (!state || !asked.has(page.fromId) || settled.has(page.fromId)) continue;
			if (page.unreadable !== undefined) {
				settle(page.fromId, unreadableReport(page.fromId, page.unreadable));
				continue;
			}
			state.pages++;
			for (const target of page.targets)
				if (!state.targets.has(target.toId)) state.targets.set(target.toId, target);
			if (page.after === undefined) settle(page.fromId);
			else if (state.cursors.has(page.after))
				settle(
					page.fromId,
					pagingReport(page.fromId, 'HubSpot returned the same page cursor twice'),
				);
			else if (state.pages >= MAX_PAGES_PER_RECORD)
				settle(page.fromId, pagingReport(page.fromId, `more than ${MAX_PAGES_PER_RECORD} pages`));
			else {
				settled.add(page.fromId);
				state.cursors.add(page.after);
				group.pending.push({ from: page.fromId, after: page.after });
			}
		}
		const unattributed: HubSpotBatchError[] = [];
		for (const error of part.answer?.errors ?? []) {
			const found = idsNamedByError(error, group.endpoint.types);
			// A read asks by from id: an id HubSpot names on the to side is none of the records asked
			// about.
			const named = [...found.from, ...found.either].filter((id) => asked.has(id));
			if (named.length === 0 && !meansNothingToRemove(error)) unattributed.push(error);
			for (const id of named)
				settle(id, meansNothingToRemove(error) ? undefined : readErrorReport(error, id));
		}
		// A refusal that named records concerns them only: the others were asked again in the next
		// request.
		if (part.named) {
			for (const id of [...part.named.from, ...part.named.either]) settle(id, part.failure);
			continue;
		}
		// Neither a result nor an error for a record: HubSpot had nothing to say about it, so nothing
		// is associated; unless a result or an error did not say which record it is about, which may be
		// this one.
		const unsaid = (from: string) =>
			unattributed.length > 0
				? readErrorReport(unattributed[0], from)
				: unattributedResult !== undefined
					? unreadableReport(from, unattributedResult)
					: undefined;
		for (const { from } of partUnits) settle(from, part.failure ?? unsaid(from));
	}
	return failed;
}

/**
 * Reads the associations of every record (each distinct record once) and gives, for any record
 * asked about, which records it is associated with or why they could not be read. Records left
 * unread when the run stops reading are reported as not read.
 */
export async function readAssociations(
	transport: Transport,
	records: readonly RecordToRead[],
	options: RunOptions,
	continueOnFail: boolean,
): Promise<(record: RecordToRead) => ReadOutcome> {
	const groups = new Map<string, Group>();
	for (const r of records) {
		const key = objectTypePairKey(r);
		let group = groups.get(key);
		if (!group) {
			const endpoint = batchEndpoint(options.apiVersion, r, 'batch/read', (units) =>
				units.map((u) => (u.after === undefined ? { id: u.from } : { id: u.from, after: u.after })),
			);
			groups.set(key, (group = { endpoint, states: new Map(), pending: [] }));
		}
		if (group.states.has(r.fromId)) continue;
		group.states.set(r.fromId, { targets: new Map(), cursors: new Set(), pages: 0, done: false });
		group.pending.push({ from: r.fromId });
	}

	let anyFailed = false;
	// Without Continue On Fail one failed read will stop the node: read no further. A halted run (the
	// credential refused, the daily limit spent) can read nothing more either way.
	const shouldStop = () => transport.halted !== undefined || (anyFailed && !continueOnFail);
	for (let round = 0; round <= MAX_PAGES_PER_RECORD && !shouldStop(); round++) {
		const requests: Array<{ group: Group; units: Unit[] }> = [];
		for (const group of groups.values()) {
			for (let at = 0; at < group.pending.length; at += MAX_READ_INPUTS)
				requests.push({ group, units: group.pending.slice(at, at + MAX_READ_INPUTS) });
			group.pending = [];
		}
		if (requests.length === 0) break;
		const read = async (r: number) => {
			const { group, units } = requests[r];
			const outcome = await sendQueued(
				transport,
				group.endpoint,
				units,
				MAX_READ_INPUTS,
				options.concurrency,
			);
			if (absorb(group, units, outcome ?? { parts: [{ units, failure: NOT_READ }] })) {
				anyFailed = true;
				if (!continueOnFail) withdrawWaiting(transport);
			}
		};
		await runPool(requests.length, options.concurrency, read, shouldStop);
	}

	const outcomes = new Map<string, ReadOutcome>();
	for (const { endpoint, states } of groups.values()) {
		for (const [fromId, state] of states) {
			const report =
				state.failure ??
				(state.done ? undefined : transport.halted ? notSentReport(transport.halted) : NOT_READ);
			outcomes.set(
				recordKey({ ...endpoint.types, fromId }),
				report ? { ok: false, report } : { ok: true, targets: [...state.targets.values()] },
			);
		}
	}
	// Every record asked about has its outcome; one that somehow has none is reported as not read,
	// never passed over.
	return (record) => outcomes.get(recordKey(record)) ?? { ok: false, report: NOT_READ };
}
