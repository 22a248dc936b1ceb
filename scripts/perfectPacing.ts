/**
 * How long the scale test's run would have taken under a throttle that knew exactly when every slot
 * of the shared window frees. HubSpot's headers do not say that (only how many requests the window
 * holds), so no real throttle can do this; it shows how much of the run's time the throttle could
 * still win at all, and how much is n8n's (starting the executions, answering the webhooks).
 *
 * Each call is taken as the real run had it, apart from the throttle:
 * - its execution could send from the moment its first request went in the real run (n8n's webhook,
 *   queue and worker start-up come before that; a first request is never held back), except when
 *   it had to wait for a worker slot. All calls are fired at once, so n8n's queue holds the rest while
 *   the `slots` first ones run, and each later one starts on the slot that the next call to end gives
 *   up (first in, first out): the (slots + j)-th call to start took the slot of the j-th call to end.
 *   Under perfect pacing it starts as long after that end as it did in the real run;
 * - its requests take the earliest moments at which the rolling window has room (at most `max` in
 *   any `intervalMs`), in order of readiness;
 * - it ends as long after its last request as it did in the real run (the answer, n8n finishing the
 *   execution, the webhook's reply).
 */
export interface PacedCall {
	/** When the call's first request went in the real run, in ms from the first call. */
	readyAt: number;
	/** When its answer came in the real run, in ms from the first call. */
	endAt: number;
	/** Its last request in the real run, in ms from the first call. */
	lastRequestAt: number;
	/** Requests HubSpot accepted for it. */
	requests: number;
}

export interface PacedRun {
	/** When each call's requests would go (in the order of `calls`). */
	schedule: number[][];
	/** When each call would be answered. */
	ends: number[];
	/** When the last call would be answered, in ms from the first call. */
	totalMs: number;
}

export function perfectPacing(
	calls: readonly PacedCall[],
	max: number,
	intervalMs: number,
	slots = Number.POSITIVE_INFINITY,
): PacedRun {
	if (!(max >= 1) || !(intervalMs > 0))
		throw new RangeError('perfectPacing needs max ≥ 1 and intervalMs > 0');
	const order = calls.map((_, c) => c).sort((a, b) => calls[a].readyAt - calls[b].readyAt);
	const realEnds = calls.map((call) => call.endAt).sort((a, b) => a - b);
	const sent: number[] = [];
	const schedule: number[][] = calls.map(() => []);
	const ends: number[] = calls.map(() => Number.NaN);
	/** Ends under perfect pacing of the calls started so far, ascending. */
	const pacedEnds: number[] = [];
	let lastReady = Number.NEGATIVE_INFINITY;
	order.forEach((c, started) => {
		const call = calls[c];
		// The j-th call to end gave this one its slot (j counted from 0), if it had to wait for one.
		const j = started - slots;
		let ready = call.readyAt;
		if (j >= 0 && j < pacedEnds.length)
			ready = pacedEnds[j] + Math.max(0, call.readyAt - realEnds[j]);
		// Kept in order of readiness, so that the window check below stays right (and never earlier than
		// the calls before it: that can only make perfect pacing look worse, not better).
		ready = Math.max(ready, lastReady);
		lastReady = ready;
		let last = ready;
		for (let r = 0; r < call.requests; r++) {
			// The max-th request before this one must have left the window: ready times are taken in
			// order, so the moments come out in order too, and this is the earliest one possible.
			const i = sent.length;
			last = i >= max ? Math.max(ready, sent[i - max] + intervalMs) : ready;
			sent.push(last);
			schedule[c].push(last);
		}
		ends[c] = last + (call.endAt - call.lastRequestAt);
		pacedEnds.splice(sortedIndex(pacedEnds, ends[c]), 0, ends[c]);
	});
	return { schedule, ends, totalMs: ends.reduce((a, b) => Math.max(a, b), 0) };
}

/** Where `value` goes in the ascending list `list` to keep it ascending. */
function sortedIndex(list: readonly number[], value: number): number {
	let low = 0;
	let high = list.length;
	while (low < high) {
		const mid = (low + high) >>> 1;
		if (list[mid] <= value) low = mid + 1;
		else high = mid;
	}
	return low;
}

/** An execution of a burst as n8n ran it: when its pairs were there, and how many it handed in. */
export interface Arrival {
	/**
	 * When the execution's pairs were there to send (in the scale test, when n8n ran its node), in ms
	 * from the first call.
	 */
	at: number;
	pairs: number;
}

/**
 * The earliest moment the last request of a burst can go when every execution's pairs may share
 * requests, given when each execution's pairs were there: the shared bound with n8n's start of the
 * burst in it. The bound from the first call (`rateLimitBoundMs`) takes every pair as there at once;
 * in regular mode n8n runs the node of a burst's executions over one to three seconds, and no request
 * can carry a pair before then.
 *
 * With N requests of up to `batchSize` pairs, the k-th (counted from 1) cannot go before all but
 * (N − k) × batchSize of the pairs are there, since the requests after it carry no more; the part-full
 * request goes first. Nor can it go before the one `max` places earlier has left the window. The
 * earliest moments under both rules, taken in order, are what a sender that saw every arrival at once
 * would reach, and no schedule does better (each of its last requests is bounded the same way).
 */
export function sharedBoundWithArrivalsMs(
	arrivals: readonly Arrival[],
	batchSize: number,
	max: number,
	intervalMs: number,
): number {
	if (!(batchSize >= 1) || !(max >= 1) || !(intervalMs > 0))
		throw new RangeError(
			'sharedBoundWithArrivalsMs needs batchSize ≥ 1, max ≥ 1 and intervalMs > 0',
		);
	const ordered = [...arrivals].filter((a) => a.pairs > 0).sort((a, b) => a.at - b.at);
	const total = ordered.reduce((sum, a) => sum + a.pairs, 0);
	if (total === 0) return 0;
	const requests = Math.ceil(total / batchSize);
	const sent: number[] = [];
	let arrived = 0;
	let next = 0;
	let lastArrival = Number.NEGATIVE_INFINITY;
	for (let k = 1; k <= requests; k++) {
		const needed = total - (requests - k) * batchSize;
		while (arrived < needed) {
			arrived += ordered[next].pairs;
			lastArrival = ordered[next].at;
			next++;
		}
		sent.push(k > max ? Math.max(lastArrival, sent[k - 1 - max] + intervalMs) : lastArrival);
	}
	return sent[sent.length - 1];
}

/** How far apart HubSpot counted each accepted request and the one `max` places before it. */
export interface WindowGaps {
	/** Requests that had one `max` places before them. */
	count: number;
	minMs: number;
	medianMs: number;
	maxMs: number;
}

/**
 * The window's use, read off HubSpot's side alone: with at most `max` accepted in any rolling
 * window, a request can be counted no sooner than a window after the one `max` places before it.
 * A sender that keeps the window full shows gaps of exactly one window; what the gaps exceed it by
 * is the time each place of the window stood unused (the pace's margin, requests held up on their
 * way, a busy process). Undefined when fewer than `max + 1` requests were accepted.
 */
export function windowGaps(countedAt: readonly number[], max: number): WindowGaps | undefined {
	if (!(max >= 1)) throw new RangeError('windowGaps needs max ≥ 1');
	const ordered = [...countedAt].sort((a, b) => a - b);
	const gaps = ordered
		.slice(max)
		.map((at, i) => at - ordered[i])
		.sort((a, b) => a - b);
	if (gaps.length === 0) return undefined;
	return {
		count: gaps.length,
		minMs: gaps[0],
		medianMs: gaps[Math.floor((gaps.length - 1) / 2)],
		maxMs: gaps[gaps.length - 1],
	};
}

/** The scale tests' *window use* line: `windowGaps` in words. */
export function describeWindowGaps(
	gaps: WindowGaps | undefined,
	max: number,
	intervalMs: number,
): string {
	if (gaps === undefined) return 'n/a (under one window)';
	return `${gaps.count} requests counted ${gaps.minMs}–${gaps.maxMs} ms (median ${gaps.medianMs} ms) after the one ${max} places before each, in a window of ${intervalMs} ms`;
}
