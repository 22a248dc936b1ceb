import { sleep as n8nSleep } from 'n8n-workflow';

import type { HubSpotExchange } from './request';
import { RoundTrips } from './roundTrips';
import { TimeLog } from './timeLog';

/**
 * Paces requests so that HubSpot's rolling window ("TEN_SECONDLY_ROLLING": at most `max` requests
 * accepted in any `interval`) is used to the full and never overrun.
 *
 * The throttle mirrors the window on its side: it logs when each of its own requests went, so it knows
 * when each of them leaves HubSpot's window and frees a slot. HubSpot counts per account, not per
 * execution (other executions, queue-mode workers and other apps draw on the same window), and only the
 * headers tell about them: every answer's `X-HubSpot-RateLimit-Remaining`, less this execution's own
 * requests in the window at the time, is what the others were using. The throttle lets a request go
 * while its own requests in the window stay below `max - others - reserve`, and otherwise waits for the
 * moment its oldest one leaves the window.
 *
 * - Alone on the account it uses the whole window: a burst of `max`, then one request per freed slot,
 *   which is the fastest HubSpot allows.
 * - With others seen it keeps a small reserve for them and adds jitter to its waits, so executions that
 *   started together do not fall into step.
 * - A 429 means the picture was wrong (someone the headers had not shown yet): everyone in this
 *   execution holds back for the wait `send` chose, and the reserve grows (multiplicative), then
 *   shrinks again with every clean answer (additive): AIMD.
 * - Before the first answer, and whenever its last reading is older than a window, it knows nothing
 *   about the others: one request goes alone as a probe, the rest wait for its headers.
 * - When answers carry no rate-limit headers (a proxy strips them) it does not pace, and 429s are the
 *   only signal.
 *
 * One instance per execution of the node: nothing is shared between executions but HubSpot's answers.
 * Waiters are served in order (a chain of promises), so requests leave in the order they asked.
 */
export interface ThrottleOptions {
	/** Share of the window left free while other callers are seen on the account. */
	reserveShare?: number;
	/**
	 * A slot counts as free this long (as a share of the window) after the window has passed over the
	 * request that held it: covers the time between a request leaving here and HubSpot counting it.
	 */
	marginShare?: number;
	random?: () => number;
	now?: () => number;
	sleep?: (ms: number) => Promise<void>;
}

interface Reading {
	/** When the request whose answer this is was sent (HubSpot counted it then, give or take). */
	at: number;
	/** Requests of other callers in the window at that moment. */
	others: number;
	/** This execution's own requests in the window at that moment. */
	own: number;
}

/** Longest single sleep while waiting: new answers may free capacity sooner than planned. */
const MAX_NAP_MS = 250;
/** A safety bound on re-checks per request; past it the request goes and HubSpot's answer decides. */
const MAX_CHECKS = 20_000;
/** How far back (share of the window) the others' highest count is looked for. */
const OTHERS_LOOKBACK_SHARE = 0.25;
/** Fewer others than this share of the window is noise (a request of ours counted late), not a crowd. */
const OTHERS_THRESHOLD_SHARE = 0.05;
/** The reserve grows at most once per this share of the window. */
const GROWTH_SPACING_SHARE = 0.1;
/** How much of the 429-grown reserve each clean answer gives back. */
const RECOVERY_PER_ANSWER = 0.05;

export class RateLimitThrottle {
	private max = 0;

	private intervalMs = 0;

	/** When this execution's requests were let through. */
	private readonly sent = new TimeLog();

	/** Round trips of recent answers, to tell how late HubSpot may have counted our requests. */
	private readonly lags = new RoundTrips();

	/** The newest view of the window (by send time), from an answer's headers. */
	private reading: Reading | undefined;

	/** Recent readings, oldest first: the others' count is taken as their highest lately (see othersNow). */
	private recent: Reading[] = [];

	/** When others were last seen using the window. */
	private othersSeenAt = Number.NEGATIVE_INFINITY;

	/** Extra slots kept free after 429s; grows ×2 on a 429, shrinks a little with each clean answer. */
	private extraReserve = 0;

	/** When the reserve last grew: 429s of one burst arrive together and count as one event. */
	private grewAt = Number.NEGATIVE_INFINITY;

	/** When the last request was let through, and the gap before the next while others are seen. */
	private lastGrantAt = Number.NEGATIVE_INFINITY;

	private nextGap = 0;

	/** No request may go before this (set after a 429). */
	private heldUntil = 0;

	/** A request went out with no fresh reading; the others wait for its answer. */
	private probeInFlight = false;

	/** Answers came back without rate-limit headers: nothing to pace by. */
	private blind = false;

	private dailyLimitHit = false;

	private gate: Promise<void> = Promise.resolve();

	private readonly reserveShare: number;

	private readonly marginShare: number;

	private readonly random: () => number;

	private readonly now: () => number;

	private readonly sleep: (ms: number) => Promise<void>;

	constructor(options: ThrottleOptions = {}) {
		this.reserveShare = options.reserveShare ?? 0.05;
		this.marginShare = options.marginShare ?? 0.01;
		this.random = options.random ?? Math.random;
		this.now = options.now ?? Date.now;
		this.sleep = options.sleep ?? n8nSleep;
	}

	get stoppedByDailyLimit(): boolean {
		return this.dailyLimitHit;
	}

	markDailyLimit(): void {
		this.dailyLimitHit = true;
	}

	/**
	 * Waits, if need be, until one more request may go; callers are served in the order they asked.
	 * Resolves to the request's ticket, to hand back with its answer to `observe`.
	 */
	acquire(): Promise<number> {
		const turn = this.gate.then(async () => await this.waitForSlot());
		this.gate = turn.then(() => undefined);
		return turn;
	}

	/**
	 * Reads HubSpot's rate-limit headers from any answer, success or not. With the request's ticket the
	 * throttle knows exactly which of its own requests went before this one (several leave in the same
	 * millisecond), so it can tell the others' part of the count from its own.
	 */
	observe(exchange: HubSpotExchange, ticket?: number): void {
		this.probeInFlight = false;
		if (exchange.statusCode === 0) return;
		const limits = readLimits(exchange.headers);
		if (!limits) {
			if (this.max === 0) this.blind = true;
			return;
		}
		this.blind = false;
		this.max = limits.max;
		this.intervalMs = limits.intervalMs;
		if (exchange.statusCode !== 429) this.extraReserve = Math.max(0, this.extraReserve - RECOVERY_PER_ANSWER);
		const at = exchange.sentAt.getTime();
		if (this.reading && at < this.reading.at) return;
		this.lags.observe(exchange, this.intervalMs);
		const used = limits.max - limits.remaining;
		const since = at - limits.intervalMs - this.margin();
		const own = ticket === undefined ? this.sent.countIn(since, at) : this.sent.countUpTo(since, ticket);
		const others = Math.max(0, used - own);
		this.reading = { at, others, own };
		this.recent.push(this.reading);
		const keepAfter = at - this.intervalMs * OTHERS_LOOKBACK_SHARE;
		let drop = 0;
		while (drop < this.recent.length && this.recent[drop].at <= keepAfter) drop++;
		if (drop > 0) this.recent.splice(0, drop);
		if (others >= Math.max(2, this.max * OTHERS_THRESHOLD_SHARE)) this.othersSeenAt = Math.max(this.othersSeenAt, at);
	}

	/**
	 * A TEN_SECONDLY 429: everyone in this execution holds back for `waitMs`, and the reserve grows,
	 * because a refusal means the window had less room than the headers had shown.
	 */
	penalize(waitMs: number): void {
		const now = this.now();
		this.heldUntil = Math.max(this.heldUntil, now + Math.max(0, waitMs));
		if (now - this.grewAt < this.intervalMs * GROWTH_SPACING_SHARE) return;
		this.grewAt = now;
		this.extraReserve = Math.min(Math.floor(this.max / 4), Math.max(1, this.extraReserve * 2));
	}

	/** Time between two requests at the window's steady rate (0 while the window is unknown). */
	steadySpacingMs(): number {
		return this.max > 0 && this.intervalMs > 0 ? this.intervalMs / this.max : 0;
	}

	windowMs(): number {
		return this.intervalMs;
	}

	private async waitForSlot(): Promise<number> {
		for (let check = 0; check < MAX_CHECKS; check++) {
			const now = this.now();
			const delay = this.delayMs(now);
			if (delay <= 0) break;
			await this.sleep(Math.min(MAX_NAP_MS, Math.ceil(delay)));
		}
		const now = this.now();
		if (!this.blind && !this.freshReading(now)) this.probeInFlight = true;
		this.lastGrantAt = now;
		const level = this.reading ? this.ownLevel(now, this.reading) : 0;
		this.nextGap = level > 0 ? (this.intervalMs / level) * (0.75 + this.random() * 0.5) : 0;
		const ticket = this.sent.push(now);
		this.sent.dropBefore(now - 3 * Math.max(this.intervalMs, 1));
		return ticket;
	}

	/** 0 when a request may go now, else how long to wait before looking again. */
	private delayMs(now: number): number {
		if (now < this.heldUntil) return this.heldUntil - now;
		if (this.blind) return 0;
		const reading = this.freshReading(now);
		if (!reading) return this.probeInFlight ? Math.max(1, Math.min(5, this.steadySpacingMs())) : 0;
		const margin = this.margin();
		const since = now - this.intervalMs - margin;
		const own = this.sent.countIn(since, now);
		const level = this.ownLevel(now, reading);
		// With others on the account, spread our requests evenly over the window instead of refilling
		// slots in bursts as they free: bursts line up with the others' and make the headers lie in
		// between (a reading taken just after their slots freed, before they refill them, shows room
		// that is not there). The gap is jittered (±25 %, same mean) so executions do not fall into step.
		if (this.contended(now) && level > 0) {
			const next = this.lastGrantAt + this.nextGap;
			if (now < next) return next - now;
		}
		if (own < level) return 0;
		const keep = Math.ceil(level) - 1;
		// Others hold the window as far as we know: look again when that reading has gone stale.
		if (keep < 0) return Math.max(1, reading.at + this.intervalMs - now);
		// Our (own - keep)-th oldest request in the window leaving it brings us below the level.
		const freesAt = this.sent.nthIn(since, own - keep - 1) + this.intervalMs + margin;
		return Math.max(1, freesAt - now);
	}

	/**
	 * How many requests this execution may have in the window. The headroom the reading showed (the
	 * window less the others' requests, our own and the reserve) is shared out in proportion to each
	 * caller's part of the window: every execution reading the same headers takes only its part, so
	 * executions that ramp up together do not overrun the window between two readings. A negative
	 * headroom shrinks everyone the same way. The reserve left for others is also in proportion to
	 * one's part, so a small newcomer sees room that the large incumbents do not, and shares even out.
	 */
	private ownLevel(now: number, reading: Reading): number {
		const others = this.othersNow(now, reading);
		const share = (reading.own + 1) / (reading.own + others + 1);
		const forOthers = this.contended(now) ? this.max * this.reserveShare * share : 0;
		const headroom = this.max - forOthers - this.extraReserve - others - reading.own;
		return reading.own + headroom * share;
	}

	/**
	 * What the others use now. A single reading undercounts them whenever it falls between one of
	 * their requests leaving the window and their next one taking its place, so the highest count of the
	 * last part of the window is taken instead: it gives way a little later when they really stop.
	 */
	private othersNow(now: number, latest: Reading): number {
		let highest = latest.others;
		const after = now - this.intervalMs * OTHERS_LOOKBACK_SHARE;
		for (let i = this.recent.length - 1; i >= 0 && this.recent[i].at > after; i--) {
			if (this.recent[i].others > highest) highest = this.recent[i].others;
		}
		return highest;
	}

	/** The last reading, while it still says something about the window (less than a window old). */
	private freshReading(now: number): Reading | undefined {
		if (!this.reading || this.max <= 0 || this.intervalMs <= 0) return undefined;
		return now - this.reading.at < this.intervalMs ? this.reading : undefined;
	}

	/**
	 * How long after the window has passed over one of our requests its slot counts as free. Our log
	 * has the moment a request was let through; HubSpot counts it when it arrives, which is later by
	 * however long the request took to leave this process and cross the network. That is at most the
	 * answer's round trip less the quickest round trip seen, so the largest such excess of the last
	 * window (at least `marginShare` of the window, at most a tenth of it) is the margin.
	 */
	private margin(): number {
		const floor = Math.max(1, this.intervalMs * this.marginShare);
		return Math.min(Math.max(floor, this.lags.largestExcess()), Math.max(floor, this.intervalMs * 0.1));
	}

	private contended(now: number): boolean {
		return now - this.othersSeenAt < this.intervalMs;
	}

}

function readLimits(headers: Record<string, string>): { max: number; intervalMs: number; remaining: number } | undefined {
	const max = Number(headers['x-hubspot-ratelimit-max']);
	const intervalMs = Number(headers['x-hubspot-ratelimit-interval-milliseconds']);
	const rawRemaining = headers['x-hubspot-ratelimit-remaining'];
	const remaining = Number(rawRemaining);
	if (!(max > 0) || !(intervalMs > 0) || rawRemaining === undefined || !Number.isFinite(remaining)) return undefined;
	return { max, intervalMs, remaining: Math.min(max, Math.max(0, remaining)) };
}
