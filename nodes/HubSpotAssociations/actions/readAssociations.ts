import { onePerInput } from '../core/batches';
import { MAX_READ_INPUTS, meansNothingToRemove, readPages, type AssociatedRecord, type ReadInput } from '../core/reads';
import { idsNamedByError, namesPairOf, type HubSpotBatchError } from '../core/responses';
import { runBatch, type BatchCodec, type BatchOutcome } from '../transport/batchRunner';
import { notSentReport, type FailureReport } from '../transport/errors';
import { runPool } from '../transport/pool';
import { associationsPath, type ApiVersion } from '../transport/paths';
import type { Transport } from '../transport/send';

/**
 * The read phase of "Remove All Associations of Records": every associated to id of every from id,
 * through `batch/read` (at most 1000 from ids per request, following each id's `paging.next.after`
 * to the end). Reads go through the same transport as the writes: same retries, throttle and
 * error reports, and the same batch-level handling (halve when too large, drop ids HubSpot names).
 */

/** A record whose associations are read. */
export interface RecordToRead {
	fromObjectType: string;
	toObjectType: string;
	fromId: string;
}

export type ReadOutcome = { ok: true; targets: AssociatedRecord[] } | { ok: false; report: FailureReport };

/** Bounds the paging of one record: 10,000 pages of HubSpot's 500 are five million associations. */
export const MAX_PAGES_PER_RECORD = 10_000;

export const recordKey = (r: RecordToRead): string => `${r.fromObjectType}\u0000${r.toObjectType}\u0000${r.fromId}`;

export const readCodec = (fromObjectType: string, toObjectType: string, version: ApiVersion): BatchCodec<ReadInput> => ({
	...onePerInput,
	types: { fromObjectType, toObjectType },
	request: (inputs) => ({
		method: 'POST',
		path: associationsPath(version, fromObjectType, toObjectType, 'batch/read'),
		body: { inputs },
	}),
	fromId: (input) => input.id,
	toIds: () => [],
	without: (inputs, named) => inputs.filter((input) => !namesPairOf(named, input.id, [])),
});

interface RecordState {
	targets: Map<string, AssociatedRecord>;
	cursors: Set<string>;
	pages: number;
	done: boolean;
	failure?: FailureReport;
}

interface Group {
	fromObjectType: string;
	toObjectType: string;
	codec: BatchCodec<ReadInput>;
	states: Map<string, RecordState>;
	pending: ReadInput[];
}

function readErrorReport(error: HubSpotBatchError, fromId: string): FailureReport {
	const category = typeof error.category === 'string' ? error.category : undefined;
	const hubspot = typeof error.message === 'string' ? error.message : 'no message';
	const hint = 'Check that the record exists and that the credential may read both object types.';
	return {
		message: `HubSpot could not read the associations of record ${fromId}: ${hubspot}`,
		description: `${category ? `category ${category}. ` : ''}${hint}`,
		httpCode: '207',
		category,
		hubspotMessage: hubspot,
		hint,
		attempts: 1,
	};
}

function pagingReport(fromId: string, why: string): FailureReport {
	const hint = 'Run the node again; if it keeps happening, remove this record\'s associations in smaller steps.';
	return { message: `Reading the associations of record ${fromId} stopped: ${why}`, description: hint, hint, attempts: 0 };
}

export const NOT_READ: FailureReport = {
	message: 'Not read: the node stopped after an earlier read failed',
	description: 'Nothing was removed for this item.',
	hint: 'Fix the failure reported for the other items and run again.',
	attempts: 0,
	notSent: true,
};

/** Folds one read request's outcome into the records it asked about; returns the next pages to read. */
function absorb(group: Group, inputs: readonly ReadInput[], outcome: BatchOutcome): { next: ReadInput[]; failed: boolean } {
	const asked = new Set(inputs.map((i) => i.id));
	const settled = new Set<string>();
	const next: ReadInput[] = [];
	let failed = false;
	const fail = (id: string, report: FailureReport) => {
		const state = group.states.get(id);
		if (!state || settled.has(id)) return;
		settled.add(id);
		state.failure ??= report;
		failed = true;
	};
	const unattributed: HubSpotBatchError[] = [];

	for (const result of outcome.results) {
		for (const page of readPages(result.results)) {
			const state = group.states.get(page.fromId);
			if (!state || !asked.has(page.fromId) || settled.has(page.fromId)) continue;
			settled.add(page.fromId);
			state.pages++;
			for (const target of page.targets) if (!state.targets.has(target.toId)) state.targets.set(target.toId, target);
			if (page.after === undefined) {
				state.done = true;
			} else if (state.cursors.has(page.after)) {
				state.failure ??= pagingReport(page.fromId, 'HubSpot returned the same page cursor twice');
				failed = true;
			} else if (state.pages >= MAX_PAGES_PER_RECORD) {
				state.failure ??= pagingReport(page.fromId, `more than ${MAX_PAGES_PER_RECORD} pages`);
				failed = true;
			} else {
				state.cursors.add(page.after);
				next.push({ id: page.fromId, after: page.after });
			}
		}
		for (const error of result.errors) {
			const found = idsNamedByError(error, group.codec.types);
			// A read asks by from id: an id HubSpot names on the to side is none of the records asked about.
			const named = [...found.from, ...found.either].filter((id) => asked.has(id));
			if (named.length === 0) {
				if (!meansNothingToRemove(error)) unattributed.push(error);
				continue;
			}
			for (const id of named) {
				if (!meansNothingToRemove(error)) {
					fail(id, readErrorReport(error, id));
				} else if (!settled.has(id)) {
					settled.add(id);
					group.states.get(id)!.done = true;
				}
			}
		}
	}
	for (const f of outcome.idFailures) for (const id of [...f.ids.from, ...f.ids.either]) if (asked.has(id)) fail(id, f.report);
	for (const input of inputs) {
		if (settled.has(input.id)) continue;
		if (outcome.failure) fail(input.id, outcome.failure);
		else if (unattributed.length > 0) fail(input.id, readErrorReport(unattributed[0], input.id));
		else {
			// Neither a result nor an error: HubSpot had nothing to say about it, so nothing is associated.
			settled.add(input.id);
			group.states.get(input.id)!.done = true;
		}
	}
	return { next, failed };
}

/**
 * Reads the associations of every record (each distinct record once) and says, per record, which
 * records it is associated with or why they could not be read. `shouldStop` is asked before each
 * request; records left unread when it says yes are reported as not read.
 */
export async function readAssociations(
	transport: Transport,
	records: readonly RecordToRead[],
	options: { concurrency: number; apiVersion: ApiVersion; shouldStop: (anyFailed: boolean) => boolean },
): Promise<Map<string, ReadOutcome>> {
	const groups = new Map<string, Group>();
	for (const r of records) {
		const key = `${r.fromObjectType}\u0000${r.toObjectType}`;
		let group = groups.get(key);
		if (!group) {
			group = { fromObjectType: r.fromObjectType, toObjectType: r.toObjectType, codec: readCodec(r.fromObjectType, r.toObjectType, options.apiVersion), states: new Map(), pending: [] };
			groups.set(key, group);
		}
		if (group.states.has(r.fromId)) continue;
		group.states.set(r.fromId, { targets: new Map(), cursors: new Set(), pages: 0, done: false });
		group.pending.push({ id: r.fromId });
	}

	let anyFailed = false;
	for (let round = 0; round <= MAX_PAGES_PER_RECORD; round++) {
		const requests: Array<{ group: Group; inputs: ReadInput[] }> = [];
		for (const group of groups.values()) {
			for (let at = 0; at < group.pending.length; at += MAX_READ_INPUTS) {
				requests.push({ group, inputs: group.pending.slice(at, at + MAX_READ_INPUTS) });
			}
			group.pending = [];
		}
		if (requests.length === 0) break;
		await runPool(
			requests.length,
			options.concurrency,
			async (r) => {
				const { group, inputs } = requests[r];
				const outcome = await runBatch(transport, group.codec, inputs);
				const { next, failed } = absorb(group, inputs, outcome);
				for (const input of next) group.pending.push(input);
				if (failed) anyFailed = true;
			},
			() => options.shouldStop(anyFailed),
		);
		if (options.shouldStop(anyFailed)) break;
	}

	const outcomes = new Map<string, ReadOutcome>();
	for (const group of groups.values()) {
		for (const [fromId, state] of group.states) {
			const key = recordKey({ fromObjectType: group.fromObjectType, toObjectType: group.toObjectType, fromId });
			if (state.failure) outcomes.set(key, { ok: false, report: state.failure });
			else if (!state.done) outcomes.set(key, { ok: false, report: transport.halted ? notSentReport(transport.halted) : NOT_READ });
			else outcomes.set(key, { ok: true, targets: [...state.targets.values()] });
		}
	}
	return outcomes;
}
