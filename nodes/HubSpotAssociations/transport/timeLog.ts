/**
 * This execution's requests as HubSpot's rolling window holds them: for each, the latest moment
 * HubSpot can have counted it. Until its answer comes that is the moment the throttle let it go; after,
 * it is the answer's arrival less the quickest round trip seen (`lag`), since whatever held the answer
 * up beyond that may as well have held up the request. The quickest round trip only ever shrinks, so
 * times only ever move later (never freeing a slot too early). Kept in time order; it never holds
 * more than a few windows' worth, so plain arrays are fast enough.
 */
interface Entry {
	ticket: number;
	answeredAt?: number;
	/** Let go at first, then max(that, answeredAt - lag). */
	time: number;
}

export class TimeLog {
	/** Ascending by `time`. */
	private entries: Entry[] = [];

	private nextTicket = 0;

	private lag = Number.POSITIVE_INFINITY;

	get size(): number {
		return this.entries.length;
	}

	/** Adds a request let go at `time`; returns its ticket (0, 1, 2, … in the order they were added). */
	add(time: number): number {
		const entry: Entry = { ticket: this.nextTicket++, time };
		this.insert(entry);
		return entry.ticket;
	}

	/** The request's answer came at `answeredAt` after `roundTrip` ms. */
	answered(ticket: number, answeredAt: number, roundTrip: number): void {
		const index = this.indexOf(ticket);
		if (roundTrip >= 0 && roundTrip < this.lag) {
			// A quicker round trip than any before: every answered request may have been counted later than thought.
			this.lag = roundTrip;
			if (index >= 0) this.entries[index].answeredAt = answeredAt;
			for (const entry of this.entries) if (entry.answeredAt !== undefined) entry.time = Math.max(entry.time, entry.answeredAt - this.lag);
			this.entries.sort((a, b) => a.time - b.time);
			return;
		}
		if (index < 0) return;
		const entry = this.entries[index];
		entry.answeredAt = answeredAt;
		const time = Math.max(entry.time, answeredAt - this.lag);
		if (time === entry.time) return;
		this.entries.splice(index, 1);
		entry.time = time;
		this.insert(entry);
	}

	private indexOf(ticket: number): number {
		for (let i = this.entries.length - 1; i >= 0; i--) if (this.entries[i].ticket === ticket) return i;
		return -1;
	}

	/** Forgets a request HubSpot refused: it holds no place in the window. */
	remove(ticket: number): void {
		const index = this.indexOf(ticket);
		if (index >= 0) this.entries.splice(index, 1);
	}

	/** Forgets every entry at or before `time`. */
	dropBefore(time: number): void {
		const count = this.firstAfter(time);
		if (count > 0) this.entries.splice(0, count);
	}

	/** How many entries are in (from, to]. */
	countIn(from: number, to: number): number {
		return Math.max(0, this.firstAfter(to) - this.firstAfter(from));
	}

	/** How many entries after `from` have a ticket up to `ticket` (went no later than that request). */
	countSentBy(from: number, ticket: number): number {
		let count = 0;
		for (let i = this.firstAfter(from); i < this.entries.length; i++) if (this.entries[i].ticket <= ticket) count++;
		return count;
	}

	/** The k-th (0-based) entry after `from`; +Infinity when there are not that many. */
	nthIn(from: number, k: number): number {
		const index = this.firstAfter(from) + k;
		return index < this.entries.length ? this.entries[index].time : Number.POSITIVE_INFINITY;
	}

	private insert(entry: Entry): void {
		let at = this.entries.length;
		while (at > 0 && this.entries[at - 1].time > entry.time) at--;
		this.entries.splice(at, 0, entry);
	}

	/** Index of the first entry later than `time`. */
	private firstAfter(time: number): number {
		let lo = 0;
		let hi = this.entries.length;
		while (lo < hi) {
			const mid = (lo + hi) >>> 1;
			if (this.entries[mid].time <= time) lo = mid + 1;
			else hi = mid;
		}
		return lo;
	}
}
