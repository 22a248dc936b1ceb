import { sleep as n8nSleep } from 'n8n-workflow';

import { Readings } from './readings';
import type { HubSpotExchange } from './request';
import { TimeLog } from './timeLog';

/**
 * Paces requests so that HubSpot's rolling window ("TEN_SECONDLY_ROLLING": at most `max` requests
 * accepted in any `interval`) is used to the full and never overrun.
 *
 * The throttle mirrors the window on its side: it logs when HubSpot counted each of its own requests,
 * so it knows when each leaves the window and frees a slot. HubSpot counts per account, not per
 * execution (other executions, queue-mode workers and other apps draw on the same window), and only
 * the headers tell about them: an answer's `X-HubSpot-RateLimit-Remaining`, less this execution's own
 * requests in the window when that request was counted, is what the others were using. A request goes
 * while this execution's requests in the window stay below its level (see `ownLevel`); otherwise it
 * waits for the moment the oldest one leaves the window.
 *
 * - Alone on the account it uses the whole window: a burst of `max`, then one request per freed slot,
 *   the fastest HubSpot allows.
 * - With others about it takes its part of the room (in proportion to its part of the window; a part
 *   of a request as a chance), keeps a small reserve, and once the window is half full spreads its
 *   requests over it with jitter, so that executions do not fall into step. A short execution whose
 *   whole plan fits the room (or its part) sends it at once instead. Requests in the air grow with the
 *   answers (slow start), so executions acting on the same stale headers cannot overrun the window by much.
 * - Shut out of a full window it tries one request now and then (at random moments; after a 429 only
 *   once the window has turned over since), and alone it refills freed slots a little late at random,
 *   so newcomers find a way in.
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
	/** A slot counts as free this long (share of the window) after its request left the window: clock and network slack. */
	marginShare?: number;
	random?: () => number;
	now?: () => number;
	sleep?: (ms: number) => Promise<void>;
	/** The execution's cancel signal: once it fires, waiters are let go at once (the caller then stops). */
	signal?: AbortSignal;
}

/** Room kept free when a short execution takes its whole need at once (callers the headers do not show yet). */
const SHORT_RUN_RESERVE_SHARE = 0.15;
/** Longest single sleep while waiting: new answers may free room sooner than planned. */
const MAX_NAP_MS = 250;
/** A safety bound on re-checks per request; past it the request goes and HubSpot's answer decides. */
const MAX_CHECKS = 20_000;
/** The reserve grows at most once per this share of the window (the 429s of one burst are one event). */
const GROWTH_SPACING_SHARE = 0.1;
/** A freed slot is taken again up to this share of the window later (random), leaving newcomers a way in. */
const REFILL_DELAY_SHARE = 0.01;
/** With others about, requests are spread over the window only once less than this share of it is left. */
const CROWDED_WINDOW_SHARE = 0.5;
/** Requests in the air at most by slow start (the pool's concurrency bounds them long before). */
const MAX_ALLOWANCE = 10_000;
/** How much of the 429-grown reserve each clean answer gives back. */
const RECOVERY_PER_ANSWER = 0.05;

export class RateLimitThrottle {
	private max = 0;

	private intervalMs = 0;

	/** When HubSpot counted (at the latest) each of this execution's requests. */
	private readonly sent = new TimeLog();

	private readonly readings = new Readings();

	/** Extra slots kept free after 429s; grows ×2 on a 429, shrinks a little with each clean answer. */
	private extraReserve = 0;

	private grewAt = Number.NEGATIVE_INFINITY;

	/** No request may go before this (set after a 429). */
	private heldUntil = 0;

	/** When the last request was let through, and the gap before the next while others are about. */
	private lastGrantAt = Number.NEGATIVE_INFINITY;

	private nextGap = 0;

	/** How long after a slot frees the next request may take it (drawn per request, see delayMs). */
	private refillDelay = 0;

	/** A request went out with no fresh reading; the others wait for its answer. */
	private probeInFlight = false;

	/** Shut out by others: when to try one request anyway, and whether the next grant is that try. */
	private probeAt: number | undefined;

	private probing = false;

	/** 429s since the last answer that was not one. */
	private refusedInRow = 0;

	/** When HubSpot counted the last refused request (its send time). */
	private refusedAt = 0;

	/** Requests let through whose answer has not come back yet. */
	private inFlight = 0;

	/**
	 * With others about, at most this many requests wait for answers at once (slow start): one after a
	 * probe, one more with every clean answer, halved by a 429.
	 */
	private allowance = 1;

	/** Drawn with every reading: whether this execution takes the fraction of a request its share leaves. */
	private coin = 0;

	/** Answers came back without rate-limit headers: nothing to pace by. */
	private blind = false;

	/** The run was stopped (see `halt`): waiters go at once, to find that nothing more is sent. */
	private halted = false;

	/** Requests this execution still has to send (a hint from the batch plan; unknown = unbounded). */
	private pendingRequests = Number.POSITIVE_INFINITY;

	private gate: Promise<void> = Promise.resolve();

	private readonly reserveShare: number;

	private readonly marginShare: number;

	private readonly random: () => number;

	private readonly now: () => number;

	private readonly sleep: (ms: number) => Promise<void>;

	private readonly signal?: AbortSignal;

	constructor(options: ThrottleOptions = {}) {
		this.reserveShare = options.reserveShare ?? 0.05;
		this.marginShare = options.marginShare ?? 0.005;
		this.random = options.random ?? Math.random;
		this.now = options.now ?? Date.now;
		this.sleep = options.sleep ?? n8nSleep;
		this.signal = options.signal;
	}

	/** No request of the run may go any more: let every waiter go now rather than when its slot frees. */
	halt(): void {
		this.halted = true;
	}

	/**
	 * Tells the throttle how many requests the execution still has to send. A short execution whose
	 * whole need fits in the room the headers show goes at once instead of spreading its few requests
	 * over the window as a share: spreading is for long runs that compete for the same room.
	 */
	expectRequests(count: number): void {
		this.pendingRequests = Math.max(0, count);
	}

	/**
	 * Waits, if need be, until one more request may go; callers are served in the order they asked.
	 * Resolves to the request's ticket, to hand back with its answer to `observe`.
	 */
	acquire(): Promise<number> {
		const turn = this.gate.then(async () => await this.waitForSlot());
		// The next waiter's turn comes after this one's, whatever became of it.
		this.gate = turn.then(
			() => undefined,
			() => undefined,
		);
		return turn;
	}

	/**
	 * Reads HubSpot's rate-limit headers from any answer, success or not. With the request's ticket the
	 * throttle knows which of its own requests went before this one (several leave in the same
	 * millisecond) and when HubSpot can have counted it at the latest.
	 */
	observe(exchange: HubSpotExchange, ticket?: number): void {
		this.probeInFlight = false;
		if (ticket !== undefined) this.inFlight = Math.max(0, this.inFlight - 1);
		if (exchange.statusCode === 0) return;
		const sentAt = exchange.sentAt.getTime();
		if (ticket !== undefined) {
			this.sent.answered(ticket, exchange.receivedAt.getTime(), exchange.receivedAt.getTime() - sentAt);
			// A refused request holds no place in the window (if HubSpot counted it after all, the next
			// readings show it as someone else's, which paces us just the same).
			if (exchange.statusCode === 429) this.sent.remove(ticket);
		}

		const limits = readLimits(exchange.headers);
		if (!limits) {
			if (this.max === 0) this.blind = true;
			return;
		}
		this.blind = false;
		this.max = limits.max;
		this.intervalMs = limits.intervalMs;
		if (exchange.statusCode !== 429) this.extraReserve = Math.max(0, this.extraReserve - RECOVERY_PER_ANSWER);
		this.allowance = exchange.statusCode === 429 ? Math.max(1, Math.floor(this.allowance / 2)) : Math.min(MAX_ALLOWANCE, this.allowance + 1);
		this.refusedInRow = exchange.statusCode === 429 ? this.refusedInRow + 1 : 0;
		if (exchange.statusCode === 429) this.refusedAt = Math.max(this.refusedAt, sentAt);
		// Which of our requests were in the window when HubSpot counted this one: those that went no later
		// than it and whose time in the window had not passed by the moment it was sent (the earliest it
		// can have been counted). Erring this way counts a few of ours too many rather than making up
		// others that are not there.
		const since = sentAt - limits.intervalMs - this.margin();
		const own = ticket === undefined ? this.sent.countIn(since, sentAt) : this.sent.countSentBy(since, ticket);
		const used = limits.max - limits.remaining;
		this.readings.add({ at: sentAt, own, others: Math.max(0, used - own), remaining: limits.remaining }, limits.intervalMs);
		this.coin = this.random();
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
			if (this.signal?.aborted || this.halted) break;
			const delay = this.delayMs(this.now());
			if (delay <= 0) break;
			await this.sleep(Math.min(MAX_NAP_MS, Math.ceil(delay)));
		}
		const now = this.now();
		const reading = this.blind ? undefined : this.readings.fresh(now, this.intervalMs);
		if ((!this.blind && !reading) || this.probing) this.probeInFlight = true;
		// Nothing known about the window: the answers to come start from one request again.
		if (!this.blind && !reading) this.allowance = 1;
		this.probing = false;
		const level = reading ? this.ownLevel(now) : 0;
		this.lastGrantAt = now;
		this.nextGap = level > 0 ? (this.intervalMs / level) * (0.75 + this.random() * 0.5) : 0;
		this.refillDelay = this.random() * this.intervalMs * REFILL_DELAY_SHARE;
		this.sent.dropBefore(now - 3 * Math.max(this.intervalMs, 1));
		if (this.pendingRequests > 1 && Number.isFinite(this.pendingRequests)) this.pendingRequests--;
		this.inFlight++;
		return this.sent.add(now);
	}

	/** 0 when a request may go now, else how long to wait before looking again. */
	private delayMs(now: number): number {
		if (now < this.heldUntil) return this.heldUntil - now;
		if (this.blind) return 0;
		const reading = this.readings.fresh(now, this.intervalMs);
		if (!reading) return this.probeInFlight ? this.answerWaitMs() : 0;
		// With others about, every answer's headers are already old when they arrive: executions that all
		// read the same free room and take it at once overrun it together, and each loses every request it
		// sent on the stale view. So requests in the air grow with the answers that vouch for them.
		if (this.inFlight >= this.allowance && this.readings.crowded(now, this.intervalMs)) return this.answerWaitMs();
		const margin = this.margin();
		const since = now - this.intervalMs - margin;
		const own = this.sent.countIn(since, now);
		const level = this.ownLevel(now);
		if (this.pendingRequests <= this.freeRoom(now, own)) return 0;
		// A share of the room is seldom a whole number of requests. The part of a request is taken as a
		// chance, drawn once per reading: over many executions that share the room, the requests sent
		// add up to the room, where rounding up would overrun it and rounding down leave it unused.
		const cap = Math.floor(level) + (this.coin < level - Math.floor(level) ? 1 : 0);
		// With others about and the window half full, spread our requests evenly over it instead of
		// refilling slots in bursts as they free: bursts line up with the others' and make the headers lie in between (a
		// reading taken after their slots freed, before they refill them, shows room that is not there).
		// The gap is jittered (±25 %, same mean) so that executions do not fall into step. An execution
		// whose remaining plan fits in its part does not spread: it would only hold a worker longer.
		if (this.pendingRequests > cap - own && this.readings.crowded(now, this.intervalMs) && level > 0 && this.readings.nearlyFull(this.max * CROWDED_WINDOW_SHARE)) {
			const next = this.lastGrantAt + this.nextGap;
			if (now < next) return next - now;
		}
		if (own < cap) return 0;
		const keep = cap - 1;
		if (keep < 0) {
			// Others hold the whole window as far as we know: try one request anyway, when `nextProbeAt` says.
			if (this.probeInFlight) return this.answerWaitMs();
			this.probeAt ??= this.nextProbeAt(now);
			if (now < this.probeAt) return this.probeAt - now;
			this.probeAt = undefined;
			this.probing = true;
			return 0;
		}
		this.probeAt = undefined;
		// Our (own - keep)-th oldest request in the window leaving it brings us below the level. Its slot
		// is taken a random moment later (up to 1 % of the window): the account often has a free slot
		// somewhere for a little while, so a newcomer's first request gets in and shows it to us.
		const freesAt = this.sent.nthIn(since, own - keep - 1) + this.intervalMs + margin + this.refillDelay;
		return Math.max(1, freesAt - now);
	}

	/**
	 * How many requests this execution may have in the window. The room the last reading showed (the
	 * window less the others' requests, our own and the reserve) is shared out in proportion to each
	 * caller's part of the window: every execution reading the same headers takes only its part, so
	 * executions that ramp up together do not overrun the window between two readings, and negative
	 * room shrinks everyone alike. The reserve for others is in proportion too, so a small newcomer
	 * sees room that the large incumbents do not, and the parts even out.
	 */
	private ownLevel(now: number): number {
		const reading = this.readings.fresh(now, this.intervalMs);
		if (!reading) return 0;
		const others = this.readings.othersNow(now, this.intervalMs);
		const mine = Math.max(reading.own, 1);
		const share = mine / (mine + others);
		const forOthers = this.readings.crowded(now, this.intervalMs) ? this.max * this.reserveShare * share : 0;
		const room = this.max - forOthers - this.extraReserve - others - reading.own;
		return reading.own + room * share;
	}

	/**
	 * Slots free in the window now as far as the headers show, less a reserve for callers not yet
	 * seen: what a short execution may take at once without pushing anyone into a 429.
	 */
	private freeRoom(now: number, own: number): number {
		const others = this.readings.othersNow(now, this.intervalMs);
		return this.max - others - own - this.extraReserve - Math.ceil(this.max * SHORT_RUN_RESERVE_SHARE);
	}

	/**
	 * When a shut-out execution tries one request anyway. Not refused yet (its part of the window is
	 * simply used up): at a random moment a tenth to six tenths of a window away, since slots free and
	 * refill all the time and a request that gets in shows it to the others, who then make room.
	 * Refused: once the window has turned over since the refusal (plus up to a tenth of a window, at
	 * random, so that executions shut out together do not come back together). Everything the window
	 * held then has left it by that time, whereas earlier tries mostly meet the same full window: after
	 * a burst (webhook executions starting together) HubSpot frees nothing until the burst's first
	 * requests leave, and the headers do not say when that is.
	 */
	private nextProbeAt(now: number): number {
		if (this.refusedInRow === 0) return now + this.intervalMs * (0.1 + 0.5 * this.random());
		return Math.max(now, this.refusedAt + this.intervalMs * (1 + 0.1 * this.random()) + this.margin());
	}

	/** How soon to look again while waiting for an answer that may change the picture: at most 5 ms. */
	private answerWaitMs(): number {
		return Math.max(1, Math.min(5, this.steadySpacingMs()));
	}

	/** Clock and network slack after a request's time in the window has passed. */
	private margin(): number {
		return Math.max(1, this.intervalMs * this.marginShare);
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
