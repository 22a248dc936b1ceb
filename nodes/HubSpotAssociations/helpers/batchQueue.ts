/**
 * Executions of one n8n process that use one credential share their requests. n8n runs many
 * executions at once in a process, and a HubSpot workflow's "Send a webhook" action starts one per
 * enrolled record: alone, each would send a request of one pair. Here the batches of every
 * execution wait in one line per endpoint (and batch size and retry options); a request is made
 * when the credential's pace has a place for one, from what is waiting then, up to the batch size.
 * Its answer is split again, so that each execution gets only what concerns its own pairs.
 *
 * The lines hold only work in flight, and how fast work came in lately: a line with nothing
 * waiting, no request under way and no arrival within a window is dropped when the next work comes,
 * and so is a queue with no line; no timer keeps anything.
 */
import { sleep } from 'n8n-workflow';

import { NOT_SENT, notSentReport, type FailureReport } from '../transport/errors';
import { stopIfCancelled, type Slot, type Transport } from '../transport/send';
import { labelKey } from './labels';
import { objectTypePairKey } from './objectTypes';
import type { Unit } from './planBatches';
import {
	idsNamedByError,
	isRecord,
	namesAnyId,
	namesPairOf,
	type PairTypes,
	type ResponseFields,
} from './responses';
import {
	namedAmong,
	sendBatch,
	type BatchEndpoint,
	type BatchOutcome,
	type SentPart,
} from './sendBatch';

/**
 * The arrivals of executions within the last window tell how fast they come; at most this many are
 * kept (at a few hundred a window the mean gap is known well enough).
 */
const ARRIVALS_KEPT = 256;
/**
 * A request that waits for arrivals goes once none came for this many of their mean gaps (at a
 * steady rate, the chance of such a pause within a burst is under 1 %)...
 */
const QUIET_MEAN_GAPS = 5;
/**
 * ...nor for twice the longest of their gaps, as n8n starts a burst's executions in clumps, and
 * never before twice the longest mean gap that counts as a burst: with a few arrivals on record,
 * their gaps say little.
 */
const QUIET_LONGEST_GAPS = 2;
/**
 * A request waits for arrivals while executions come faster than this share of the rate at which
 * HubSpot's window frees places: n8n's regular mode starts the first executions of a burst at
 * about half that rate (at 100 per 10 s), and those would each go alone.
 */
const HOLD_FROM_RATE_SHARE = 0.5;
/**
 * The longest a request waits for arrivals, as a share of HubSpot's window (5 s of 10 s): a stream
 * of executions then costs at most two requests per line a window. Waiting longer saves requests
 * but keeps every waiting execution open, and n8n finishes them all at once when the answer comes:
 * with waits of up to a window, a thousand webhook executions in regular mode on SQLite outran
 * n8n's database, and HubSpot's webhooks timed out (30 s) and were sent again (docs/scaling.md).
 */
const MAX_HOLD_SHARE = 0.5;
/**
 * A hold that stops at the ceiling (see `Line.ceiling`) waits this many of its own arrival gaps
 * more, one time in `CEILING_CHECK_EVERY`: an arrival then shows the ceiling was only a pause.
 */
const CEILING_CHECK_GAPS = 2;
const CEILING_CHECK_EVERY = 4;
/**
 * Until HubSpot's first answer tells the window, an idle line keeps its arrivals this long, as long
 * as HubSpot's usual window: a burst's first executions come before that answer, and they tell how
 * fast the rest come.
 */
const USUAL_WINDOW_MS = 10_000;
/** Longest single sleep while holding, should no arrival wake the hold sooner. */
const MAX_NAP_MS = 250;

/** A batch an execution handed in, and what came of its units so far. */
class Entry {
	/** Units handed to requests, from the front. */
	taken = 0;
	settled = 0;
	done = false;
	readonly parts: SentPart[] = [];
	readonly arrivedAt = Date.now();
	readonly outcome: Promise<BatchOutcome | undefined>;
	private resolve!: (outcome: BatchOutcome | undefined) => void;
	private reject!: (error: unknown) => void;

	constructor(
		readonly owner: Transport,
		readonly units: Unit[],
	) {
		this.outcome = new Promise((resolve, reject) => {
			this.resolve = resolve;
			this.reject = reject;
		});
	}

	/** Counts units whose fate is known; the outcome is given once every unit has one. */
	settle(count: number): void {
		this.settled += count;
		if (this.done || this.settled < this.units.length) return;
		this.done = true;
		const [only] = this.parts;
		// An entry that went whole in one request is read as one batch answered once.
		if (this.parts.length === 1 && only.units?.length === this.units.length)
			this.resolve({ parts: [{ ...only, units: undefined }] });
		else this.resolve(this.parts.length > 0 ? { parts: this.parts } : undefined);
	}

	fail(error: unknown): void {
		if (this.done) return;
		this.done = true;
		this.reject(error);
	}
}

/** A unit in a request, and every entry's unit it stands for (the same pair asked for twice). */
type Rider = { entry: Entry; unit: Unit };

/**
 * A request's units and, for each, every entry's unit it stands for. A request taken from one entry
 * (`only`: an execution's full batch, the usual case) makes that map only if a rare path asks for
 * it: a hundred thousand pairs would otherwise cost as many small objects.
 */
class SharedRequest {
	constructor(
		readonly units: Unit[],
		private ridersByUnit?: Map<Unit, Rider[]>,
		readonly only?: Entry,
	) {}

	get riders(): Map<Unit, Rider[]> {
		if (!this.ridersByUnit) {
			const only = this.only!;
			this.ridersByUnit = new Map(this.units.map((unit) => [unit, [{ entry: only, unit }]]));
		}
		return this.ridersByUnit;
	}
}

class Line {
	readonly entries: Entry[] = [];
	waiting = 0;
	lanes = 0;
	/** Lanes looking for a place in the pace; each takes up to `limit` units once it has one. */
	seeking = 0;
	/** Lanes waiting for arrivals to fill a request: one is enough, two would split it. */
	holding = 0;
	/** The execution that handed work in last: an id, so that the line keeps no execution alive. */
	lastOwner = 0;
	/** When executions handed work in within the last window, oldest first. */
	readonly arrivals: number[] = [];
	/** HubSpot's window as the pace knew it at the latest arrival (0: not known yet). */
	windowMs = 0;
	/** The executions with work in the line (waiting or in a request), and how many batches each. */
	readonly inside = new Map<Transport, number>();
	/**
	 * How many executions can be in the line at once, as a pause in arrivals during a hold showed: a
	 * queue-mode worker runs at most its concurrency, and those waiting for an answer hold its slots,
	 * so no other can arrive until they are answered. A hold stops once that many are in; waiting on
	 * would only keep the worker idle. More in the line at once, or an arrival during a check, drops
	 * it.
	 */
	ceiling = Number.POSITIVE_INFINITY;
	/** Holds that stopped at the ceiling (every `CEILING_CHECK_EVERY`-th checks it). */
	ceilingStops = 0;
	/** Holds to wake at the next arrival. */
	readonly wakers: Array<() => void> = [];

	constructor(
		readonly key: string,
		readonly endpoint: BatchEndpoint,
		readonly limit: number,
	) {}
}

type Queue = { key: string; lines: Map<string, Line> };

const queues = new Map<string, Queue>();

const owners = new WeakMap<Transport, number>();
let ownersSeen = 0;
/** An execution's transport as a number the lines may keep after the execution is over. */
function ownerId(transport: Transport): number {
	let id = owners.get(transport);
	if (id === undefined) owners.set(transport, (id = ++ownersSeen));
	return id;
}

/**
 * Sends a planned batch, sharing requests with the process's other executions when the transport
 * has a queue key (see createTransport); `undefined` when it was withdrawn before any of it went.
 */
export async function sendQueued(
	transport: Transport,
	endpoint: BatchEndpoint,
	units: Unit[],
	limit: number,
	lanes: number,
): Promise<BatchOutcome | undefined> {
	const { queueKey } = transport;
	if (queueKey === undefined) return await sendBatch(transport, endpoint, units);
	dropIdle();
	const queue = queues.get(queueKey) ?? { key: queueKey, lines: new Map<string, Line>() };
	queues.set(queueKey, queue);
	const lineKey = [
		endpoint.path,
		limit,
		transport.retry.maxRetries,
		transport.retry.timeoutMs,
	].join('\u0000');
	const line = queue.lines.get(lineKey) ?? new Line(lineKey, endpoint, limit);
	queue.lines.set(lineKey, line);

	const entry = new Entry(transport, units);
	line.inside.set(transport, (line.inside.get(transport) ?? 0) + 1);
	arrive(line, entry);
	while (line.lanes < lanes && line.waiting > line.seeking * line.limit) void runLane(queue, line);
	try {
		return await awaitEntry(queue, entry);
	} finally {
		const left = (line.inside.get(transport) ?? 1) - 1;
		if (left > 0) line.inside.set(transport, left);
		else line.inside.delete(transport);
	}
}

/**
 * Takes back an execution's units that no request has taken yet: its run is going to fail, and
 * nothing more of it may be sent.
 */
export function withdrawWaiting(transport: Transport): void {
	const queue = transport.queueKey === undefined ? undefined : queues.get(transport.queueKey);
	if (queue) withdrawOwner(queue, transport);
}

function withdrawOwner(queue: Queue, owner: Transport): void {
	for (const line of queue.lines.values())
		for (const entry of [...line.entries])
			if (entry.owner === owner) withdraw(line, entry, NOT_SENT);
}

function arrive(line: Line, entry: Entry): void {
	line.entries.push(entry);
	line.waiting += entry.units.length;
	// A waiting request may be full now, or at its ceiling.
	for (const wake of line.wakers.splice(0)) wake();
	const owner = ownerId(entry.owner);
	if (owner === line.lastOwner) return;
	// Only arrivals of other executions say how busy the line is: one execution hands in all its
	// batches at once.
	line.lastOwner = owner;
	if (line.inside.size > line.ceiling) line.ceiling = Number.POSITIVE_INFINITY;
	line.windowMs = entry.owner.throttle.windowMs();
	const { arrivals } = line;
	// Before the first answer the window is unknown: the arrivals are kept until it is known.
	const since = line.windowMs > 0 ? entry.arrivedAt - line.windowMs : Number.NEGATIVE_INFINITY;
	while (arrivals.length > 0 && (arrivals[0] < since || arrivals.length >= ARRIVALS_KEPT))
		arrivals.shift();
	arrivals.push(entry.arrivedAt);
}

/** Waits for the entry's outcome; an execution stopped meanwhile takes its units back and stops. */
async function awaitEntry(queue: Queue, entry: Entry): Promise<BatchOutcome | undefined> {
	const signal = entry.owner.cancelSignal;
	if (signal) {
		let over = false;
		const stopped = (async () => {
			while (!over && !signal.aborted) await sleep(MAX_NAP_MS);
			return signal.aborted;
		})();
		// The outcome is passed on the moment it is known, not at the next look for a stop.
		const settled = entry.outcome.then(
			() => false,
			() => false,
		);
		const stop = await Promise.race([settled, stopped]);
		over = true;
		if (stop && !entry.done) {
			withdrawOwner(queue, entry.owner);
			stopIfCancelled(entry.owner);
		}
	}
	return await entry.outcome;
}

function withdraw(line: Line, entry: Entry, report: FailureReport): void {
	const at = line.entries.indexOf(entry);
	if (at >= 0) line.entries.splice(at, 1);
	const left = entry.units.slice(entry.taken);
	line.waiting -= left.length;
	entry.taken = entry.units.length;
	if (left.length === 0) return;
	// Units of which some went: the rest are reported as not sent. None went: the batch was never
	// started, as a batch the run stopped before.
	if (entry.parts.length > 0 || entry.settled < entry.units.length - left.length)
		entry.parts.push({ units: left, failure: report });
	entry.settle(left.length);
}

async function runLane(queue: Queue, line: Line): Promise<void> {
	line.lanes++;
	try {
		for (let first = line.entries[0]; first && line.waiting > 0; first = line.entries[0]) {
			const { throttle } = first.owner;
			// A request that is not full is already being filled by the lane waiting for arrivals.
			if (line.holding > 0 && line.waiting < line.limit) break;
			line.seeking++;
			let ticket: number;
			try {
				line.holding++;
				await holdForArrivals(line).finally(() => line.holding--);
				throttle.expectRequests(1);
				ticket = await throttle.acquire(
					() => line.waiting === 0,
					() => backlogOf(queue),
				);
			} finally {
				line.seeking--;
			}
			const request = ticket < 0 ? undefined : takeRequest(line);
			if (!request) {
				throttle.forgo(ticket);
				continue;
			}
			try {
				await carry(queue, line, request, { ticket });
			} catch (error) {
				// Whatever went wrong reaches the executions concerned; the lane goes on for the others.
				for (const entry of entriesOf(request)) entry.fail(error);
			}
		}
	} finally {
		line.lanes--;
	}
}

/** The requests the queue's waiting units still make, over every line. */
function backlogOf(queue: Queue): number {
	let requests = 0;
	for (const line of queue.lines.values()) requests += Math.ceil(line.waiting / line.limit);
	return requests;
}

/**
 * Drops the lines with no work and no arrival within a window (their arrivals say nothing of the
 * next burst), and the queues left with no line.
 */
function dropIdle(): void {
	const now = Date.now();
	for (const [key, queue] of queues) {
		for (const [lineKey, line] of queue.lines) {
			const last = line.arrivals[line.arrivals.length - 1] ?? Number.NEGATIVE_INFINITY;
			const windowMs = line.windowMs > 0 ? line.windowMs : USUAL_WINDOW_MS;
			if (line.lanes === 0 && line.entries.length === 0 && now - last > windowMs)
				queue.lines.delete(lineKey);
		}
		if (queue.lines.size === 0) queues.delete(key);
	}
}

/**
 * While executions arrive faster than half the rate at which the window frees places, a request
 * that is not full waits for them: HubSpot's limit counts requests, not pairs, and a burst of
 * one-pair executions would otherwise spend a place per pair. The wait ends when the arrivals
 * pause, when the request is full, when as many executions are in the line as can be (the ceiling),
 * or when its oldest unit has waited half the window. A lone execution, or a few, never waits here; nor does
 * anything while the window is unknown.
 */
async function holdForArrivals(line: Line): Promise<void> {
	/** Until when a hold at the ceiling waits for an arrival that would show it is none. */
	let checkUntil: number | undefined;
	for (;;) {
		const first = line.entries[0];
		const { arrivals } = line;
		if (!first || line.waiting >= line.limit || arrivals.length < 3) return;
		const { throttle } = first.owner;
		const spacing = throttle.steadySpacingMs();
		const lastArrival = arrivals[arrivals.length - 1];
		const { meanGap, longestGap } = arrivalGaps(arrivals);
		// The longest mean gap between arrivals that still counts as a burst.
		const burstGap = spacing / HOLD_FROM_RATE_SHARE;
		if (spacing === 0 || meanGap >= burstGap) return;
		const now = Date.now();
		let wakeIn: number;
		if (line.inside.size >= line.ceiling) {
			if (checkUntil === undefined) {
				if (++line.ceilingStops % CEILING_CHECK_EVERY !== 0) return;
				// The gaps between the arrivals this hold saw; none yet, those of the window.
				const own = arrivals.filter((at) => at >= first.arrivedAt);
				const ownGap = own.length > 1 ? (lastArrival - own[0]) / (own.length - 1) : meanGap;
				checkUntil = now + CEILING_CHECK_GAPS * ownGap;
			}
			wakeIn = checkUntil - now;
		} else {
			// A pause is longer than a burst's gaps, as far as the few arrivals on record tell.
			const pauseMs = Math.max(QUIET_MEAN_GAPS * meanGap, QUIET_LONGEST_GAPS * burstGap);
			const quietMs = Math.max(pauseMs, QUIET_LONGEST_GAPS * longestGap);
			const quietLeft = quietMs - (now - lastArrival);
			const holdLeft = MAX_HOLD_SHARE * throttle.windowMs() - (now - first.arrivedAt);
			if (quietLeft <= 0 || holdLeft <= 0) {
				// Arrivals stopped while executions waited: perhaps they are all there can be.
				line.ceiling = now - lastArrival >= pauseMs ? line.inside.size : Number.POSITIVE_INFINITY;
				return;
			}
			wakeIn = Math.min(quietLeft, holdLeft);
		}
		if (wakeIn <= 0 || first.owner.cancelSignal?.aborted) return;
		let wake!: () => void;
		const arrival = new Promise<void>((resolve) => (wake = resolve));
		line.wakers.push(wake);
		await Promise.race([arrival, sleep(Math.max(1, Math.min(MAX_NAP_MS, wakeIn)))]);
		const at = line.wakers.indexOf(wake);
		if (at >= 0) line.wakers.splice(at, 1);
	}
}

/**
 * How fast executions arrive: the mean and the longest of the gaps between the arrivals on record
 * (three at least), the longest one left out. n8n pauses once early in a burst, as its first
 * executions finish, and now and then in a steady stream: one pause says nothing of the rate.
 */
function arrivalGaps(arrivals: readonly number[]): { meanGap: number; longestGap: number } {
	let longest = 0;
	let second = 0;
	for (let i = 1; i < arrivals.length; i++) {
		const gap = arrivals[i] - arrivals[i - 1];
		if (gap > longest) [longest, second] = [gap, longest];
		else if (gap > second) second = gap;
	}
	const span = arrivals[arrivals.length - 1] - arrivals[0];
	return { meanGap: (span - longest) / (arrivals.length - 2), longestGap: second };
}

const unitKey = (unit: Unit): string =>
	[unit.from, unit.to ?? '', unit.after ?? '', (unit.types ?? []).map(labelKey).join(',')].join(
		'\u0000',
	);

/**
 * The next request: waiting units from the front of the line, up to its limit, each pair once.
 * Units of one from id go together, as HubSpot's batch inputs group them.
 */
function takeRequest(line: Line): SharedRequest | undefined {
	const head = line.entries[0];
	if (!head) return undefined;
	// One entry fills the request, or is all there is: its units are one planned batch's, each pair
	// once and grouped by from id already.
	if (head.units.length - head.taken >= line.limit || line.entries.length === 1) {
		const units = head.units.slice(head.taken, head.taken + line.limit);
		head.taken += units.length;
		line.waiting -= units.length;
		if (head.taken === head.units.length) line.entries.shift();
		return units.length > 0 ? new SharedRequest(units, undefined, head) : undefined;
	}
	const riders = new Map<Unit, Rider[]>();
	const byKey = new Map<string, Unit>();
	while (byKey.size < line.limit && line.entries.length > 0) {
		const entry = line.entries[0];
		while (entry.taken < entry.units.length && byKey.size < line.limit) {
			const unit = entry.units[entry.taken++];
			line.waiting--;
			const key = unitKey(unit);
			const same = byKey.get(key);
			if (same) riders.get(same)!.push({ entry, unit });
			else {
				byKey.set(key, unit);
				riders.set(unit, [{ entry, unit }]);
			}
		}
		if (entry.taken === entry.units.length) line.entries.shift();
	}
	if (riders.size === 0) return undefined;
	const byFrom = new Map<string, Unit[]>();
	for (const unit of riders.keys()) {
		const list = byFrom.get(unit.from);
		if (list) list.push(unit);
		else byFrom.set(unit.from, [unit]);
	}
	return new SharedRequest([...byFrom.values()].flat(), riders);
}

const entriesOf = (request: SharedRequest): Set<Entry> =>
	request.only
		? new Set([request.only])
		: new Set([...request.riders.values()].flat().map((rider) => rider.entry));

/**
 * Sends a request through one of the executions it carries: n8n's helper of that execution signs
 * it (and refreshes an OAuth2 token). If that execution was stopped, the others' units go again,
 * first in line, through another.
 */
async function carry(queue: Queue, line: Line, request: SharedRequest, slot: Slot): Promise<void> {
	const entries = entriesOf(request);
	const carrier = [...entries].find((e) => !e.done && !e.owner.cancelSignal?.aborted)?.owner;
	const throttle = [...entries][0].owner.throttle;
	if (!carrier) {
		throttle.forgo(slot.ticket ?? -1);
		return;
	}
	let outcome: BatchOutcome;
	try {
		outcome = await sendBatch(carrier, line.endpoint, request.units, slot);
	} catch (error) {
		if (slot.ticket !== undefined) throttle.forgo(slot.ticket);
		if (carrier.cancelSignal?.aborted) return requeue(queue, line, request, carrier);
		for (const entry of entries) entry.fail(error);
		return;
	}
	// Nothing went (the run was halted, the object types refused): the place was not used.
	if (slot.ticket !== undefined) throttle.forgo(slot.ticket);
	const owners = new Set([...entries].map((entry) => entry.owner));
	for (const owner of owners) learnFrom(carrier, owner);
	if (carrier.halted) haltQueue(queue, carrier.halted);
	if (owners.size > 1 && outcome.parts.some((part) => refusedUnattributed(carrier, line, part))) {
		// HubSpot refused the request without saying whose pairs it objected to: each execution's
		// pairs go again on their own, so that none fails for another's.
		await Promise.all(
			[...owners].map(async (owner) => {
				const own = ownRequest(request, owner);
				try {
					distribute(line, own, await sendBatch(owner, line.endpoint, own.units));
				} catch (error) {
					for (const entry of entriesOf(own)) entry.fail(error);
				}
			}),
		);
		return;
	}
	distribute(line, request, outcome);
}

/**
 * A refusal of the whole request that names no ids and is not about the credential or the types.
 */
function refusedUnattributed(carrier: Transport, line: Line, part: SentPart): boolean {
	const { failure } = part;
	if (!failure || failure.notSent || part.named || carrier.halted) return false;
	if (carrier.refusedTypes.has(objectTypePairKey(line.endpoint.types))) return false;
	return /^4\d\d$/.test(failure.httpCode ?? '') && failure.httpCode !== '429';
}

function ownRequest(request: SharedRequest, owner: Transport): SharedRequest {
	const riders = new Map<Unit, Rider[]>();
	for (const [unit, list] of request.riders) {
		const own = list.filter((rider) => rider.entry.owner === owner);
		if (own.length > 0) riders.set(unit, own);
	}
	return new SharedRequest(
		request.units.filter((unit) => riders.has(unit)),
		riders,
	);
}

/** What one execution's request learned about the credential holds for the others it carried. */
function learnFrom(carrier: Transport, owner: Transport): void {
	if (owner === carrier) return;
	owner.halted ??= carrier.halted;
	for (const [path, limit] of carrier.batchLimits)
		owner.batchLimits.set(path, Math.min(owner.batchLimits.get(path) ?? limit, limit));
	for (const [types, report] of carrier.refusedTypes)
		if (!owner.refusedTypes.has(types)) owner.refusedTypes.set(types, report);
}

/** An answer that stops the credential ends every execution's waiting units with its cause. */
function haltQueue(queue: Queue, cause: FailureReport): void {
	for (const line of queue.lines.values())
		for (const entry of [...line.entries]) {
			entry.owner.halted ??= cause;
			withdraw(line, entry, notSentReport(cause));
		}
}

/** Puts a request's units back at the front of the line, without those of `gone`. */
function requeue(queue: Queue, line: Line, request: SharedRequest, gone: Transport): void {
	const back = new Map<Entry, Unit[]>();
	for (const list of request.riders.values())
		for (const { entry, unit } of list)
			if (entry.owner !== gone && !entry.done) back.set(entry, [...(back.get(entry) ?? []), unit]);
	for (const [entry, units] of [...back].reverse()) {
		const again = new Entry(entry.owner, units);
		again.outcome.then(
			(outcome) => {
				for (const part of outcome?.parts ?? [{ failure: NOT_SENT }])
					entry.parts.push({ ...part, units: part.units ?? units });
				entry.settle(units.length);
			},
			(error) => entry.fail(error),
		);
		line.entries.unshift(again);
		line.waiting += units.length;
	}
	if (line.lanes === 0 && line.waiting > 0) void runLane(queue, line);
}

/**
 * Gives each execution the parts of the outcome that concern its units: its own pairs, and of
 * HubSpot's answer only the results and errors that name them (or that name no record at all).
 */
function distribute(line: Line, request: SharedRequest, outcome: BatchOutcome): void {
	const { only } = request;
	if (only) {
		// One execution's units: the answer is all its own.
		for (const part of outcome.parts)
			only.parts.push({ ...part, units: part.units ?? request.units });
		only.settle(request.units.length);
		return;
	}
	for (const part of outcome.parts) {
		const own = new Map<Entry, Unit[]>();
		for (const unit of part.units ?? request.units)
			for (const { entry, unit: mine } of request.riders.get(unit) ?? []) {
				const list = own.get(entry);
				if (list) list.push(mine);
				else own.set(entry, [mine]);
			}
		const mixed = own.size > 1;
		for (const [entry, units] of own) {
			const named = part.named && (mixed ? namedAmong(part.named, units) : part.named);
			// A refusal that named none of this execution's pairs: they went again in a later part.
			if (part.named && !namesAnyId(named!)) continue;
			entry.parts.push({
				units,
				...(part.answer
					? {
							answer: mixed
								? answerConcerning(part.answer, units, line.endpoint.types)
								: part.answer,
						}
					: {}),
				...(part.failure ? { failure: part.failure } : {}),
				...(named ? { named } : {}),
			});
		}
	}
	// Every unit of the request has its fate now: the last part that carried it.
	const counts = new Map<Entry, number>();
	for (const list of request.riders.values())
		for (const { entry } of list) counts.set(entry, (counts.get(entry) ?? 0) + 1);
	for (const [entry, count] of counts) entry.settle(count);
}

/** The results and errors of a shared answer that concern these units, and nothing else. */
function answerConcerning(
	answer: ResponseFields,
	units: readonly Unit[],
	types: PairTypes,
): ResponseFields {
	const froms = new Set(units.map((unit) => unit.from));
	const errors = answer.errors.filter((error) => {
		const named = idsNamedByError(error, types);
		return (
			!namesAnyId(named) ||
			units.some((unit) => namesPairOf(named, unit.from, unit.to === undefined ? [] : [unit.to]))
		);
	});
	const results = answer.results.filter((result) => {
		const from = isRecord(result) && isRecord(result.from) ? result.from.id : undefined;
		return from !== undefined && froms.has(String(from));
	});
	return { ...answer, errors, results, numErrors: errors.length };
}
