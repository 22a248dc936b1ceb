/**
 * Timestamps in ascending order, for the throttle's mirror of HubSpot's rolling window. Push and drop
 * are amortised O(1), counts and look-ups O(log n); it never holds more than a few windows' worth.
 */
export class TimeLog {
	private times: number[] = [];

	/** Index of the oldest live entry; entries before it were dropped. */
	private head = 0;

	/** Entries dropped for good by compaction: array index + offset = an entry's position since the start. */
	private offset = 0;

	get size(): number {
		return this.times.length - this.head;
	}

	/**
	 * Adds a time and returns its position since the start (0, 1, 2, …). A clock that steps back is
	 * treated as standing still, so the order holds.
	 */
	push(time: number): number {
		const last = this.times.length > this.head ? this.times[this.times.length - 1] : Number.NEGATIVE_INFINITY;
		this.times.push(Math.max(time, last));
		return this.offset + this.times.length - 1;
	}

	/** Forgets every entry at or before `time`. */
	dropBefore(time: number): void {
		this.head = this.firstAfter(time);
		if (this.head > 1024 && this.head * 2 > this.times.length) {
			this.times = this.times.slice(this.head);
			this.offset += this.head;
			this.head = 0;
		}
	}

	/** How many entries are in (from, to]. */
	countIn(from: number, to: number): number {
		return Math.max(0, this.firstAfter(to) - this.firstAfter(from));
	}

	/** How many entries are after `from`, up to and including the one at `position` (see push). */
	countUpTo(from: number, position: number): number {
		return Math.max(0, Math.min(position - this.offset + 1, this.times.length) - this.firstAfter(from));
	}

	/** The k-th (0-based) entry after `from`; +Infinity when there are not that many. */
	nthIn(from: number, k: number): number {
		const index = this.firstAfter(from) + k;
		return index < this.times.length ? this.times[index] : Number.POSITIVE_INFINITY;
	}

	/** Index of the first live entry greater than `time`. */
	private firstAfter(time: number): number {
		let lo = this.head;
		let hi = this.times.length;
		while (lo < hi) {
			const mid = (lo + hi) >>> 1;
			if (this.times[mid] <= time) lo = mid + 1;
			else hi = mid;
		}
		return lo;
	}
}
