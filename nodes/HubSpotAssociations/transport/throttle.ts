import { sleep as n8nSleep } from 'n8n-workflow';

import type { HubSpotExchange } from './request';

/**
 * Paces requests so that HubSpot's rolling window (at most `max` accepted in any `interval`, per
 * account) is used to the full and seldom overrun by all executions at once. Each keeps a picture
 * of the window: when its own requests were counted, and the others' (executions, workers, apps) as
 * an answer's Remaining less ours in the window then. Ours are counted there as the pace holds
 * their places, every one HubSpot may have counted first included: one of ours left out would show
 * as another caller, and a lone execution would hold back for nobody. The window is first in, first
 * out: fewer others than pictured means the oldest left.
 *
 * The rules, and what would happen to requests without each:
 * - Fill: a request goes while the picture has a free slot; alone, the whole window, then each slot
 *   as it frees. (Alone, any wait beyond that leaves a place of the window unused.)
 * - Wait for the oldest: with the picture full, wait for its oldest request to leave, not for one
 *   of ours. (Room that others' finished requests free would stay unused until ours left.)
 * - Age prior: others first seen in an answer came in as executions like this one, one every
 *   START_GAP_MS, not all just now. (Dated all at the moment they were seen, their places would be
 *   thought held a window from then, and a late execution would wait that long for places that
 *   free much sooner.)
 * - Reserve: with others about, a tenth of the window (4 slots at least, a fifth at most) is left
 *   for executions not yet in the picture, whose first request then finds room. Where this process
 *   holds at least a quarter of the window, only places that freed a moment ago (a twentieth of the
 *   window, or ten round trips) are left so; a place that stays free longer is taken. (A newcomer
 *   sends its first request knowing nothing of the window: in a window filled to the brim it is
 *   refused. Where few processes share the window, newcomers seldom come, and places kept for the
 *   whole window would leave a tenth of HubSpot's limit unused in every window of a long run; work
 *   that fills its windows exactly would end a window late. Where many small ones share it, a new
 *   one comes at any moment.)
 * - Tail: the last requests of the process's work (at most half the reserve still to make) may take
 *   half the reserve. (They would wait for a place to free, most of a window, to leave room for a
 *   newcomer who may never come: a burst that needs nearly the whole window would end a window late.
 *   The other half still covers the requests of other processes that the picture does not show yet,
 *   as the window fills.)
 * - Part of the room: with others about, the room nobody held at the last answer is shared in
 *   proportion to each one's part of the window, a part of a request taken as a chance; a remaining
 *   plan that fits half that room goes at once. Ours that may still have been on their way when
 *   HubSpot counted that answer's request hold places of that room. (Executions reading the same
 *   answer would each take all the room it shows, together several times what is there, and be
 *   refused; a short one would wait windows for the few requests it has left. Two workers filling a
 *   window together would each count the places of their own requests on the way as room, and send
 *   for the window's last places twice.)
 * - Fresh or stale: with others about, a picture older than a round trip lets one request go at a
 *   time, and requests in the air grow by one per clean answer, halved by a 429. Where no place of
 *   its window has freed since, the others are taken to have gone on taking their part of the room
 *   it showed, at the pace it showed (at most the reserve's size); the process's last request goes
 *   regardless, and so does the part of a place a process holding most of the window would leave to
 *   the others. Alone, a picture older than a round trip lets places that freed since go at once,
 *   and room it showed free already a request a round trip at a time. (Executions waking on the
 *   same old answer would all send into room the others took meanwhile; two processes filling a
 *   window would each send the last place's request, and one of them be refused, at the top of
 *   every window that fills in a burst. Two processes each holding back for the other's part of the
 *   last place would leave it unused for a window. A worker that saw nobody else, coming back to
 *   room its last answer showed, would send a whole Concurrency into a window another worker had
 *   filled since.)
 * - Wake jitter: a wait for a slot ends up to 1 % of the window late at random, 4 % with others
 *   about, so that executions waiting for the same slots do not take them all at once. (Waking on
 *   the same moment, they would send together into a window with room for one of them.) Alone, it
 *   adds to the margin: HubSpot counts a burst's request that a busy process held up later than the
 *   pace dates it. (Without the jitter, a request sent into such a place the moment it freed was
 *   now and then refused at 1 s windows.)
 * - Refusal: a 429 holds the execution back for the wait `send` chose; with others about, the
 *   picture takes the whole window as counted just then. Blind: without rate-limit headers nothing
 *   paces.
 * One instance per credential in an n8n process, shared by its executions (see pace.ts), so that
 * the picture holds every request the process sent and the others are other processes and apps;
 * waiters are served in the order they asked (a chain of promises).
 */
export interface ThrottleOptions {
	random?: () => number;
	now?: () => number;
	sleep?: (ms: number) => Promise<void>;
}

const RESERVE_SHARE = 0.1;
const MIN_RESERVE = 4;
const MAX_RESERVE_SHARE = 0.2;
/**
 * Where this process holds a good part of the window (at least one place in FEW_SHARERS + 1, as
 * the last answer showed), a freed place is kept for newcomers this share of the window or this
 * many round trips, whichever is longer, then taken (Reserve).
 */
const RESERVE_FRESH_SHARE = 0.05;
const RESERVE_FRESH_ROUND_TRIPS = 10;
const FEW_SHARERS = 3;
/** A picture counts as fresh for a round trip and this share of the window. */
const STALE_SHARE = 0.005;
/**
 * A slot counts as free this share of the window after its request left (clock and network slack),
 * and never sooner than MIN_MARGIN_MS. A busy process holds a burst's requests up before they leave
 * (17–30 ms on a 2-core machine, against 5–9 ms for a request that goes alone), and the round trip
 * does not show how much of it came before HubSpot counted them: dated by the quickest trip, a
 * held-up request's place frees for the pace before it does for HubSpot, and a lone request sent
 * into it is refused. At 1 s windows the share alone (5 ms) does not cover that; at HubSpot's 10 s
 * windows it is 50 ms.
 */
const MARGIN_SHARE = 0.005;
const MIN_MARGIN_MS = 15;
const WAKE_JITTER_SHARE = 0.01;
const CROWDED_WAKE_JITTER_SHARE = 0.04;
/** How far apart n8n's queue mode starts the executions of a burst, at the quick end. */
const START_GAP_MS = 50;
/** Others count as about for this many windows after they were last seen. */
const CROWDED_WINDOWS = 2;
/** Longest single sleep while waiting: an answer may change the picture sooner. */
const MAX_NAP_MS = 250;
/** The ticket of a waiter that stopped: no request may go for it. */
const STOPPED = -1;

export class RateLimitThrottle {
	private max = 0;
	private intervalMs = 0;
	/**
	 * This execution's requests HubSpot may hold, oldest first, each at the latest moment HubSpot can
	 * have counted it.
	 */
	private own: Array<{ ticket: number; sent: number; received?: number; at: number }> = [];
	/**
	 * When the others' requests in the window were counted, as far as the answers tell; oldest first.
	 */
	private others: number[] = [];
	/**
	 * The newest answer's request: when it went, and what the window held of ours and of others'
	 * then; of ours, how many may have been still on their way when HubSpot counted it.
	 */
	private picture = { at: Number.NEGATIVE_INFINITY, own: 0, others: 0, onTheirWay: 0 };
	/** Drawn with every answer: whether a share's part of a request is taken (Part of the room). */
	private coin = 0;
	private othersSeenAt = Number.NEGATIVE_INFINITY;
	private quickestMs = Number.POSITIVE_INFINITY;
	/**
	 * Requests in the plans of the executions pacing here, and those still to go (unknown until a
	 * plan is told: unbounded).
	 */
	private planned = 1;
	private pending = Number.POSITIVE_INFINITY;
	private nextTicket = 0;
	private inFlight = 0;
	/** With others about, at most this many requests wait for answers at once (Fresh or stale). */
	private allowance = 1;
	/** Answers came back without rate-limit headers (Blind). */
	private blind = false;
	/** No request may go before this (Refusal). */
	private heldUntil = 0;
	private gate: Promise<void> = Promise.resolve();
	private readonly random: () => number;
	private readonly now: () => number;
	private readonly sleep: (ms: number) => Promise<void>;

	constructor(options: ThrottleOptions = {}) {
		this.random = options.random ?? Math.random;
		this.now = options.now ?? Date.now;
		this.sleep = options.sleep ?? n8nSleep;
	}

	/**
	 * An execution's plan: how many requests it will send (Age prior, Part of the room). Executions
	 * pacing here add up.
	 */
	expectRequests(count: number): void {
		const known = Number.isFinite(this.pending);
		this.planned = Math.max(1, known ? this.planned + count : count);
		this.pending = known ? this.pending + count : count;
	}

	/**
	 * Waits until one more request may go, in the order callers asked; the ticket goes back with the
	 * answer to `observe`. A waiter whose `stop` says yes (its execution was canceled, or its run
	 * must send nothing more) is let go at once, to find that out; the others keep their turns.
	 * `backlog` tells how many requests the process's work still makes, this one included (Tail).
	 */
	acquire(stop?: () => boolean, backlog?: () => number): Promise<number> {
		// Once a waiter has been let go it stays let go, even if its reason passes (a queue that was
		// empty gets work again): a place it took later would be held for a request nobody sends.
		let stopped = false;
		const letGo = stop && (() => (stopped ||= stop()));
		const turn = this.gate.then(async () => await this.waitForSlot(letGo, backlog));
		// The next waiter's turn comes after this one's, whatever became of it.
		this.gate = turn.then(
			() => undefined,
			() => undefined,
		);
		if (!stop) return turn;
		// Other executions' waiters may be ahead of this one: a stopped execution does not wait for
		// their slots.
		let served = false;
		const done = () => void (served = true);
		turn.then(done, done);
		const released = (async () => {
			while (!served && !letGo!()) await this.sleep(MAX_NAP_MS);
			return STOPPED;
		})();
		return Promise.race([turn, released]);
	}

	/**
	 * Reads HubSpot's rate-limit headers from any answer, success or not, into the picture of the
	 * window.
	 */
	observe(exchange: HubSpotExchange, ticket?: number): void {
		if (ticket !== undefined) this.inFlight = Math.max(0, this.inFlight - 1);
		if (exchange.statusCode === 0) return;
		const refused = exchange.statusCode === 429;
		// A refused request holds no place in the window, and goes again.
		if (refused) this.own = this.own.filter((request) => request.ticket !== ticket);
		if (refused) this.pending++;
		const limits = readLimits(exchange.headers);
		if (!limits) {
			// Only a successful answer without headers says nothing paces here (a proxy, a stand-in). A
			// refusal without them (a revoked token, a missing scope) says nothing of the window: the
			// next execution's first request still goes alone.
			if (this.max === 0 && exchange.statusCode < 400) this.blind = true;
			return;
		}
		this.blind = false;
		this.max = limits.max;
		this.intervalMs = limits.intervalMs;
		this.allowance = refused ? Math.max(1, Math.floor(this.allowance / 2)) : this.allowance + 1;
		const at = exchange.sentAt.getTime();
		this.quickestMs = Math.min(this.quickestMs, exchange.receivedAt.getTime() - at);
		// HubSpot counted each of ours as late as its answer less the quickest round trip: whatever
		// held an answer up (a busy event loop, the network, a first connection) may have held its
		// request up, and its slot then frees that much later. A quicker trip seen later moves every
		// answered one.
		const answered = this.own.find((r) => r.ticket === ticket);
		if (answered) answered.received = exchange.receivedAt.getTime();
		for (const r of this.own)
			if (r.received !== undefined) r.at = Math.max(r.sent, r.received - this.quickestMs);
		this.own.sort((x, y) => x.at - y.at);
		if (at < this.picture.at) return;
		// Ours HubSpot may have held when it counted this one, which it did after this one went and,
		// as the pace dates requests, by its answer less the quickest round trip: those that went
		// before that (a later one may overtake it on the way), and whose places the pace held when
		// this one went (their date with the slack of `delayMs`). One of ours left out here would show
		// as another caller, and the pace would share the window with nobody (Reserve, Fresh or stale).
		const countedBy = Math.max(at, exchange.receivedAt.getTime() - this.quickestMs);
		const since = at - this.intervalMs - this.marginMs();
		const ours = this.own.filter((r) => r.at > since && r.sent <= countedBy);
		const ownThen = ours.length;
		// Of those, only the ones answered before this one went are sure to be in its count: the
		// others may have reached HubSpot after it, and the room it shows holds their places.
		const onTheirWay = ours.filter(
			(r) => r.ticket !== ticket && !(r.received !== undefined && r.received <= at),
		).length;
		// Refused while alone and holding the window but for a few places: one of ours left late; the
		// hold after the 429 covers it. Holding much less of it, the refusal shows others who filled it.
		const oursFillIt = ownThen > 0 && ownThen >= limits.max - MIN_RESERVE;
		if (refused && oursFillIt && this.now() >= this.othersSeenAt) return;
		const othersThen = Math.max(0, limits.max - limits.remaining - ownThen);
		if (othersThen > 0) this.othersSeenAt = at + CROWDED_WINDOWS * this.intervalMs;
		const held = refused ? [] : this.others.filter((t) => t > at - this.intervalMs);
		if (othersThen < held.length) held.splice(0, held.length - othersThen);
		const missing = othersThen - held.length;
		if (missing > 0) {
			const span = refused
				? 0
				: Math.min(this.intervalMs, (othersThen / this.planned) * START_GAP_MS);
			const start = Math.max(
				at - span,
				held.length > 0 ? Math.max(this.picture.at, held[held.length - 1]) : at - this.intervalMs,
			);
			for (let i = 1; i <= missing; i++) held.push(start + ((at - start) * i) / missing);
		}
		this.others = held.sort((a, b) => a - b);
		this.picture = { at, own: ownThen, others: othersThen, onTheirWay };
		this.coin = this.random();
	}

	/**
	 * Whether nothing it knows still matters: no request in the air, none it let go that HubSpot may
	 * still count (it keeps two windows, as `waitForSlot` does), no hold after a 429. An execution
	 * starting later then loses nothing by starting afresh.
	 */
	isIdle(): boolean {
		const now = this.now();
		return (
			this.inFlight === 0 &&
			now >= this.heldUntil &&
			this.own.every((request) => request.at <= now - 2 * this.intervalMs)
		);
	}

	/**
	 * A slot taken and not used after all (nothing was left to send in it): it holds no place in the
	 * window, and the request it was for still counts as to go.
	 */
	forgo(ticket: number): void {
		if (ticket === STOPPED) return;
		const before = this.own.length;
		this.own = this.own.filter((request) => request.ticket !== ticket);
		if (this.own.length === before) return;
		this.inFlight = Math.max(0, this.inFlight - 1);
		this.pending++;
	}

	/** A 429: everyone pacing here holds back for `waitMs`. */
	penalize(waitMs: number): void {
		this.heldUntil = Math.max(this.heldUntil, this.now() + Math.max(0, waitMs));
	}

	/** Time between two requests at the window's steady rate (0 while the window is unknown). */
	steadySpacingMs(): number {
		return this.max > 0 ? this.intervalMs / this.max : 0;
	}

	windowMs(): number {
		return this.intervalMs;
	}

	private async waitForSlot(stop?: () => boolean, backlog?: () => number): Promise<number> {
		for (;;) {
			// A waiter that stops takes no place in the window: no request goes for it.
			if (stop?.()) return STOPPED;
			const delay = this.delayMs(this.now(), backlog?.());
			if (delay <= 0) break;
			await this.sleep(Math.min(MAX_NAP_MS, Math.ceil(delay)));
		}
		const now = this.now();
		// Answers come back a round trip late: what the window held when they were counted is kept a
		// while longer.
		this.own = this.own.filter((r) => r.at > now - 2 * this.intervalMs);
		this.others = this.others.filter((t) => t > now - 2 * this.intervalMs);
		this.pending--;
		this.inFlight++;
		this.own.push({ ticket: this.nextTicket, sent: now, at: now });
		return this.nextTicket++;
	}

	/** 0 when a request may go now, else how long to wait before looking again. */
	private delayMs(now: number, backlog?: number): number {
		if (now < this.heldUntil) return this.heldUntil - now;
		if (this.blind) return 0;
		// Before the first answer one request goes alone, and its headers tell about the window.
		if (this.max === 0) return this.inFlight > 0 ? this.answerWaitMs() : 0;
		const margin = this.marginMs();
		const since = now - this.intervalMs - margin;
		const ownIn = this.own.filter((r) => r.at > since);
		const othersIn = this.others.filter((t) => t > since);
		const own = ownIn.length;
		const used = own + othersIn.length;
		const crowded = now < this.othersSeenAt;
		const reserveSize = Math.min(
			this.max * MAX_RESERVE_SHARE,
			Math.max(MIN_RESERVE, this.max * RESERVE_SHARE),
		);
		// A stale picture misses what the others sent since. Where no place of its window has freed
		// since, the room there is now is the room it showed, and they have been taking their part of
		// it (Part of the room) at the pace they showed: as many as it dates in the same time before
		// it, up to their part, are taken as theirs (Fresh or stale).
		const age = now - this.picture.at;
		const stale = age > this.intervalMs * STALE_SHARE + this.quickestMs;
		// When each request the picture holds, ours and the others', was counted.
		const counted = [...this.own.map((r) => r.at), ...this.others];
		// The process's last request is not held for them: held, it waits a window for a place that
		// is free unless they took it; refused, it waits no longer (Tail).
		const last = backlog !== undefined && backlog <= 1;
		let unseen = 0;
		// Places of the picture's window that have freed since it was taken.
		const sinceThen = this.picture.at - this.intervalMs - margin;
		const freedSince = counted.filter((at) => at > sinceThen && at <= since).length;
		if (crowded && stale && !last && freedSince === 0) {
			const theirPart =
				(Math.max(0, this.max - this.picture.own - this.picture.others) * this.picture.others) /
				Math.max(1, this.picture.own + this.picture.others);
			const theirPace = othersIn.filter(
				(t) => t > this.picture.at - age && t <= this.picture.at,
			).length;
			unseen = Math.min(reserveSize, theirPart, theirPace);
			// Holding most of the window, this process takes a place the others may have taken a part
			// of; they hold back for it. (Each holding back for the other's part of the window's last
			// place would leave it unused until the next answer: a window, where nobody sends.)
			if (this.picture.own > this.picture.others) unseen = Math.floor(unseen);
		}
		// A newcomer's first request may take the reserve; that is what it is for. The last requests
		// of the process's work may take half of it (Tail). Where this process holds a good part of
		// the window, only places that freed a moment ago are kept for newcomers (Reserve).
		const tail = backlog !== undefined && backlog <= reserveSize / 2;
		const keptMs = Math.max(
			this.intervalMs * RESERVE_FRESH_SHARE,
			RESERVE_FRESH_ROUND_TRIPS * this.quickestMs,
		);
		const oneOfFew = this.picture.own * FEW_SHARERS >= this.picture.others;
		// Where many share the window, every place of the reserve is kept, however long it has been free.
		const freshlyFreed = oneOfFew
			? counted.filter((at) => at <= since && at > since - keptMs)
			: undefined;
		// The reserve covers them too, the places it keeps for newcomers first.
		const reserve = Math.max(
			unseen,
			crowded && own > 0
				? Math.min(
						tail ? reserveSize / 2 : reserveSize,
						freshlyFreed?.length ?? Number.POSITIVE_INFINITY,
					)
				: 0,
		);
		if (this.max - used - reserve < 1) {
			const oldest = Math.min(
				ownIn[0]?.at ?? Number.POSITIVE_INFINITY,
				othersIn[0] ?? Number.POSITIVE_INFINITY,
			);
			// A kept place is taken once it has stayed free too long: the first of them to do so.
			const keptUntil = Math.min(...(freshlyFreed ?? [])) + this.intervalMs + keptMs + margin;
			const frees = Math.min(oldest + this.intervalMs + margin, keptUntil);
			if (!Number.isFinite(frees)) return this.answerWaitMs();
			const jitter =
				this.random() * this.intervalMs * (crowded ? CROWDED_WAKE_JITTER_SHARE : WAKE_JITTER_SHARE);
			return Math.max(1, frees + jitter - now);
		}
		if (!crowded) {
			if (!stale || this.inFlight === 0) return 0;
			// Alone as far as it knows: places that freed since the picture are its own to take again,
			// but room it already showed free may have gone to a newcomer since. Requests go into it a
			// round trip apart, so that the first answer tells before many are refused; a slow answer
			// does not stop them (Fresh or stale).
			const sentSince = this.own.filter((r) => r.sent > this.picture.at).length;
			if (freedSince > sentSince) return 0;
			const lastSent = Math.max(...this.own.map((r) => r.sent));
			return Math.max(0, lastSent + this.quickestMs - now);
		}
		if (stale) {
			this.allowance = 1;
			return this.inFlight > 0 ? this.answerWaitMs() : 0;
		}
		const mine = Math.max(1, this.picture.own);
		const level =
			this.picture.own +
			Math.max(
				0,
				this.max - this.picture.own - this.picture.others - reserve - this.picture.onTheirWay,
			) *
				(mine / (mine + this.picture.others));
		const cap = Math.floor(level) + (this.coin < level - Math.floor(level) ? 1 : 0);
		const fitsAtOnce = this.pending <= (this.max - own - this.picture.others - reserve) / 2;
		if (own >= cap && !fitsAtOnce) {
			// Our part is taken: the next room comes with one of our slots freeing, or with an answer.
			const ownFrees = ownIn.length > 0 ? ownIn[0].at + this.intervalMs + margin - now : MAX_NAP_MS;
			return Math.max(1, Math.min(ownFrees, this.inFlight > 0 ? this.answerWaitMs() : ownFrees));
		}
		return this.inFlight >= this.allowance ? this.answerWaitMs() : 0;
	}

	private marginMs(): number {
		return Math.max(MIN_MARGIN_MS, this.intervalMs * MARGIN_SHARE);
	}

	/** How soon to look again while waiting for an answer that may change the picture. */
	private answerWaitMs(): number {
		return Math.max(1, Math.min(5, this.steadySpacingMs()));
	}
}

function readLimits(
	headers: Record<string, string>,
): { max: number; intervalMs: number; remaining: number } | undefined {
	const max = Number(headers['x-hubspot-ratelimit-max']);
	const intervalMs = Number(headers['x-hubspot-ratelimit-interval-milliseconds']);
	const rawRemaining = headers['x-hubspot-ratelimit-remaining'];
	const remaining = Number(rawRemaining);
	if (!(max > 0) || !(intervalMs > 0) || rawRemaining === undefined || !Number.isFinite(remaining))
		return undefined;
	return { max, intervalMs, remaining: Math.min(max, Math.max(0, remaining)) };
}
