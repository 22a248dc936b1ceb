import type { HubSpotExchange } from './request';

/**
 * Round trips of recent answers. The quickest one ever seen is the path's own latency; what a round
 * trip takes beyond it was spent queueing (in this process before the request left, on the network,
 * at HubSpot). The largest excess of the last window bounds how late HubSpot may have counted a
 * request after the throttle let it go.
 */
export class RoundTrips {
	private quickest = Number.POSITIVE_INFINITY;

	/** (answer time, excess) of the last window's answers, oldest first. */
	private recent: Array<{ at: number; excess: number }> = [];

	private head = 0;

	observe(exchange: HubSpotExchange, windowMs: number): void {
		const sent = exchange.sentAt.getTime();
		const received = exchange.receivedAt.getTime();
		const trip = received - sent;
		if (!(trip >= 0)) return;
		if (trip < this.quickest) this.quickest = trip;
		this.recent.push({ at: received, excess: trip - this.quickest });
		while (this.head < this.recent.length && this.recent[this.head].at <= received - windowMs) this.head++;
		if (this.head > 256 && this.head * 2 > this.recent.length) {
			this.recent = this.recent.slice(this.head);
			this.head = 0;
		}
	}

	/** The largest excess over the quickest round trip among the last window's answers (0 if none). */
	largestExcess(): number {
		let largest = 0;
		for (let i = this.head; i < this.recent.length; i++) if (this.recent[i].excess > largest) largest = this.recent[i].excess;
		return largest;
	}
}
