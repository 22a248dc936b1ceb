/**
 * What HubSpot's rate-limit headers said about the window, answer by answer: how many requests of
 * other callers (other executions, workers, apps on the same account) it held when each of ours was
 * counted.
 */
export interface Reading {
	/** When HubSpot counted the request whose answer this is (our best bound, see TimeLog). */
	at: number;
	/** Requests of other callers in the window at that moment. */
	others: number;
	/** This execution's own requests in the window at that moment. */
	own: number;
	/** What HubSpot said was left. */
	remaining: number;
}

/** How far back (share of the window) the others' highest count is looked for. */
const LOOKBACK_SHARE = 0.25;

export class Readings {
	/** The newest reading by the time its request was counted. */
	private latest: Reading | undefined;

	/** Readings of the last part of the window, oldest first. */
	private recent: Reading[] = [];

	/** When others were last seen on the account. */
	private othersSeenAt = Number.NEGATIVE_INFINITY;

	add(reading: Reading, windowMs: number): void {
		// Answers can come back out of order; an older view than the one we have adds nothing.
		if (this.latest && reading.at < this.latest.at) return;
		this.latest = reading;
		this.recent.push(reading);
		const keepAfter = reading.at - windowMs * LOOKBACK_SHARE;
		let drop = 0;
		while (drop < this.recent.length && this.recent[drop].at <= keepAfter) drop++;
		if (drop > 0) this.recent.splice(0, drop);
		if (reading.others > 0) this.othersSeenAt = Math.max(this.othersSeenAt, reading.at);
	}

	/** The newest reading while it still says something about the window (less than a window old). */
	fresh(now: number, windowMs: number): Reading | undefined {
		return this.latest && now - this.latest.at < windowMs ? this.latest : undefined;
	}

	/**
	 * What the others use now. One reading undercounts them whenever it falls between one of their
	 * requests leaving the window and their next one taking its place, so the highest count of the
	 * last part of the window is taken: it gives way a little later when they really stop.
	 */
	othersNow(now: number, windowMs: number): number {
		let highest = this.latest?.others ?? 0;
		const after = now - windowMs * LOOKBACK_SHARE;
		for (let i = this.recent.length - 1; i >= 0 && this.recent[i].at > after; i--) {
			if (this.recent[i].others > highest) highest = this.recent[i].others;
		}
		return highest;
	}

	/** The newest reading left at most `left` requests in the window. */
	nearlyFull(left: number): boolean {
		return this.latest !== undefined && this.latest.remaining <= left;
	}

	/**
	 * Others were seen within the last window. Even one counts: a newcomer shut out of a full window gets
	 * one request in now and then, and only by making room for it do the executions already running let
	 * it catch up.
	 */
	crowded(now: number, windowMs: number): boolean {
		return now - this.othersSeenAt < windowMs;
	}
}
