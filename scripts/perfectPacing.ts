/**
 * How long the scale test's run would have taken under a throttle that knew exactly when every slot
 * of the shared window frees. HubSpot's headers do not say that (only how many requests the window
 * holds), so no real throttle can do this; it shows how much of the run's time the throttle could
 * still win at all, and how much is n8n's (starting the executions, answering the webhooks).
 *
 * Each call is taken as the real run had it, apart from the throttle:
 * - its execution could send from the moment its first request went in the real run (n8n's webhook,
 *   queue and worker start-up come before that; a first request is never held back);
 * - its requests take the earliest moments at which the rolling window has room (at most `max` in
 *   any `intervalMs`), in order of readiness;
 * - it ends as long after its last request as it did in the real run (the answer, n8n finishing the
 *   execution, the webhook's reply).
 */
export interface PacedCall {
	/** When the call's first request went in the real run, in ms from the first call. */
	readyAt: number;
	/** Requests HubSpot accepted for it. */
	requests: number;
	/** From its last request to its answer in the real run, in ms. */
	tailMs: number;
}

/** The moments the requests of `calls` would go (in order of readiness) with perfect knowledge of the window. */
export function perfectSchedule(calls: readonly PacedCall[], max: number, intervalMs: number): number[][] {
	if (!(max >= 1) || !(intervalMs > 0)) throw new RangeError('perfectSchedule needs max ≥ 1 and intervalMs > 0');
	const order = calls.map((_, c) => c).sort((a, b) => calls[a].readyAt - calls[b].readyAt);
	const sent: number[] = [];
	const schedule: number[][] = calls.map(() => []);
	for (const c of order) {
		for (let r = 0; r < calls[c].requests; r++) {
			// The max-th request before this one must have left the window: ready times are taken in
			// order, so the moments come out in order too, and this is the earliest one possible.
			const i = sent.length;
			const at = i >= max ? Math.max(calls[c].readyAt, sent[i - max] + intervalMs) : calls[c].readyAt;
			sent.push(at);
			schedule[c].push(at);
		}
	}
	return schedule;
}

/** When the last call would have been answered, in ms from the first call. */
export function perfectPacingMs(calls: readonly PacedCall[], max: number, intervalMs: number): number {
	const schedule = perfectSchedule(calls, max, intervalMs);
	let end = 0;
	calls.forEach((call, c) => {
		const last = schedule[c].length > 0 ? schedule[c][schedule[c].length - 1] : call.readyAt;
		end = Math.max(end, last + call.tailMs);
	});
	return end;
}
