/**
 * The throttle's pacing logic, against HubSpot's rolling window in simulated time (jest's fake
 * timers): the real send, throttle and pool run; only the HTTP call is simulated. What is checked is
 * the logic (what goes when, what is refused), not how fast a machine runs it.
 */
import { RateLimitThrottle } from '../../nodes/HubSpotAssociations/transport/throttle';
import type { HubSpotExchange } from '../../nodes/HubSpotAssociations/transport/request';
import { seeded } from '../../bench/throttleSim';
import { rateLimitBoundMs, SimulatedHubSpot, simulate } from '../helpers/rollingWindowSim';

const WINDOW = { max: 100, intervalMs: 1000, latencyMs: 50 };

/** Jest's fake clock and a seeded Math.random (the throttle's jitter) for every test of the block. */
function useSimulatedTime(): void {
	beforeEach(() => {
		jest.useFakeTimers();
		jest.spyOn(Math, 'random').mockImplementation(seeded(42));
	});
	afterEach(() => {
		jest.useRealTimers();
		jest.restoreAllMocks();
	});
}

describe('RateLimitThrottle against a simulated HubSpot window', () => {
	useSimulatedTime();

	it('alone: bursts the first window, then refills each slot as it frees; never refused', async () => {
		const hubspot = new SimulatedHubSpot(WINDOW);
		const result = await simulate(hubspot, [{ requests: 1000, concurrency: 20 }]);
		expect(hubspot.rateLimited).toBe(0);
		expect(result.executions[0].failed).toBe(0);
		expect(hubspot.maxInWindow).toBe(100);
		// The whole first window goes before its first second is out…
		expect(
			hubspot.acceptedAt.filter((t) => t - hubspot.acceptedAt[0] < WINDOW.intervalMs).length,
		).toBe(100);
		// …and no slot stays idle long after: within 6 % of HubSpot's floor, (1000 - 100) / 100 windows
		// (a freed slot is taken up to 1 % of a window late, on purpose, so that newcomers get a way in).
		expect(result.elapsedMs).toBeLessThan(rateLimitBoundMs(1000, 100, 1000) * 1.06);
	});

	// Measured in n8n's engine on a 2-core machine at 20 per 1 s: a burst's requests reached the
	// emulator 17–30 ms after the pace let them go, a lone one 5–9 ms, and the round trips took about
	// the same whichever it was (the quickest 48–53 ms). Dated by the quickest trip, a held-up
	// request's place freed later for HubSpot than for the pace, and a lone request sent into it was
	// refused: in 2 of 9 runs, with a margin of 5 ms. Here 12 ms separate the two kinds.
	it('alone, requests a busy process held up before they left: never refused', async () => {
		const hubspot = new SimulatedHubSpot({
			max: 20,
			intervalMs: 1000,
			latencyMs: 50,
			// One request in three leaves at once; the others wait 14 ms in the process.
			departMs: (n) => (n % 3 === 0 ? 2 : 14),
		});
		const result = await simulate(hubspot, [{ requests: 100, concurrency: 20, planned: true }]);
		expect(hubspot.rateLimited).toBe(0);
		expect(result.executions[0].failed).toBe(0);
		expect(result.elapsedMs).toBeLessThan(rateLimitBoundMs(100, 20, 1000) * 1.1);
	});

	it('sends one request alone until the first answer tells it about the window', async () => {
		const hubspot = new SimulatedHubSpot(WINDOW);
		await simulate(hubspot, [{ requests: 30, concurrency: 20 }]);
		expect(hubspot.acceptedAt[1] - hubspot.acceptedAt[0]).toBeGreaterThanOrEqual(WINDOW.latencyMs);
	});

	it('three executions starting together share the window: under 1 % refused, nothing failed', async () => {
		const hubspot = new SimulatedHubSpot(WINDOW);
		const result = await simulate(
			hubspot,
			[1, 2, 3].map(() => ({ requests: 1000, concurrency: 20 })),
		);
		expect(result.executions.map((e) => e.failed)).toEqual([0, 0, 0]);
		expect(hubspot.rateLimited / hubspot.requests).toBeLessThan(0.01);
		expect(hubspot.requests - hubspot.rateLimited).toBe(3000);
	});

	// Two processes (two n8n workers) sharing HubSpot's ten-second window for many windows, answers a
	// HubSpot round trip late: newcomers seldom come, and places kept for them a whole window would
	// leave a tenth of it unused in every one (1.15 × the floor that way). As each window fills, both
	// see the last free place in a picture a round trip old; counting the other's pace since then
	// keeps them from both taking it (1.2 % refused without).
	it('two processes with long runs use nearly the whole window: within 12 % of the floor, under 1 % refused', async () => {
		const hubspot = new SimulatedHubSpot({ max: 100, intervalMs: 10_000, latencyMs: 150 });
		const result = await simulate(
			hubspot,
			[1, 2].map(() => ({ requests: 1000, concurrency: 20, planned: true })),
		);
		expect(result.executions.map((e) => e.failed)).toEqual([0, 0]);
		expect(hubspot.requests - hubspot.rateLimited).toBe(2000);
		expect(hubspot.rateLimited / hubspot.requests).toBeLessThan(0.01);
		expect(result.elapsedMs).toBeLessThan(rateLimitBoundMs(2000, 100, 10_000) * 1.12);
	});

	// Two workers filling a window at once each take their part of the room the last answer showed. A
	// request of ours still on its way when that answer's request was counted holds a place the answer
	// shows as room: counted as room, both workers send for the window's last places. 12 seeds, each
	// worker's requests held up 0–20 ms in a busy process before they leave.
	it('two processes filling a window together: ours on their way are not taken for room; under 2 % refused', async () => {
		let refused = 0;
		let sent = 0;
		for (let seed = 1; seed <= 12; seed++) {
			jest.spyOn(Math, 'random').mockImplementation(seeded(seed));
			const hubspot = new SimulatedHubSpot({
				max: 100,
				intervalMs: 10_000,
				latencyMs: 60,
				departMs: (n) => ((n * 7919) % 13) * (20 / 12),
			});
			const result = await simulate(
				hubspot,
				[1, 2].map((i) => ({ requests: 56, concurrency: 5, planned: true, startAt: i * 37 })),
			);
			expect(result.executions.map((e) => e.failed)).toEqual([0, 0]);
			// 12 requests beyond one window: they go as the first places free, 10 s on.
			expect(result.elapsedMs).toBeLessThan(11_000);
			refused += hubspot.rateLimited;
			sent += hubspot.requests;
		}
		expect(refused / sent).toBeLessThan(0.02);
	});

	it('an execution that starts while another fills the window gets in after a few tries; nothing fails', async () => {
		const hubspot = new SimulatedHubSpot(WINDOW);
		const result = await simulate(hubspot, [
			{ requests: 1000, concurrency: 20 },
			{ requests: 500, concurrency: 20, startAt: 3000 },
		]);
		expect(result.executions.map((e) => e.failed)).toEqual([0, 0]);
		expect(hubspot.requests - hubspot.rateLimited).toBe(1500);
		// The newcomer's first requests may find the window full until one gets in and the first execution
		// makes room for it: a handful of 429s at most (none would be better still).
		expect(hubspot.rateLimited / hubspot.requests).toBeLessThan(0.02);
		// The account stays busy throughout: both are done within a quarter more than HubSpot's floor for all 1,500.
		expect(result.elapsedMs).toBeLessThan(rateLimitBoundMs(1500, 100, 1000) * 1.25);
	});

	it('another app taking the window by surprise costs a few 429s, then pacing resumes; nothing fails', async () => {
		const hubspot = new SimulatedHubSpot(WINDOW);
		const occupiedAt = Date.now() + 3_000;
		setTimeout(() => hubspot.occupy(60), 3_000);
		const result = await simulate(hubspot, [{ requests: 1000, concurrency: 20 }]);
		expect(result.executions[0].failed).toBe(0);
		expect(hubspot.requests - hubspot.rateLimited).toBe(1000);
		// The surprise costs a few 429s at most (none would be better still), all while the other app's
		// requests fill the window: once they have left it, pacing is back and nothing more is refused.
		expect(hubspot.rateLimited).toBeLessThan(40);
		expect(
			hubspot.rejectedAt.filter((t) => t < occupiedAt || t >= occupiedAt + WINDOW.intervalMs),
		).toEqual([]);
		// The account stays busy: done within a quarter more than HubSpot's floor for ours and the other app's 60.
		expect(result.elapsedMs).toBeLessThan(rateLimitBoundMs(1060, 100, 1000) * 1.25);
	});

	it('without rate-limit headers it cannot pace: 429s hold everyone back and every request still succeeds', async () => {
		const hubspot = new SimulatedHubSpot({ ...WINDOW, noHeaders: true });
		const result = await simulate(hubspot, [{ requests: 300, concurrency: 10 }], {
			maxRetries: 10,
		});
		expect(result.executions[0].failed).toBe(0);
		expect(hubspot.requests - hubspot.rateLimited).toBe(300);
	});
});

/**
 * Queue-mode bursts: many short webhook executions, each knowing its plan (as the node does), run by
 * workers with a fixed number of slots (2 workers × concurrency 5), all against one HubSpot window of
 * 100 per 10 s. An execution holds its slot while it waits for the window, as in n8n.
 */
describe('RateLimitThrottle with many short executions on shared workers', () => {
	const HUBSPOT_WINDOW = { max: 100, intervalMs: 10_000, latencyMs: 30 };
	const burst = (executions: number, requests: number, gapMs: number) =>
		Array.from({ length: executions }, (_, k) => ({
			requests,
			concurrency: 20,
			planned: true,
			startAt: 500 + k * gapMs,
		}));
	/** HubSpot's floor for a burst: one window per `max` requests after the first. */
	const boundOf = (requests: number) =>
		(Math.ceil(requests / HUBSPOT_WINDOW.max) - 1) * HUBSPOT_WINDOW.intervalMs;

	useSimulatedTime();

	/** Runs the burst through 10 worker slots; nothing may fail, whatever the timing. */
	async function runBurst(executions: number, requests: number, gapMs: number) {
		const hubspot = new SimulatedHubSpot(HUBSPOT_WINDOW);
		const result = await simulate(hubspot, burst(executions, requests, gapMs), { slots: 10 });
		expect(result.executions.every((e) => e.failed === 0)).toBe(true);
		expect(hubspot.requests - hubspot.rateLimited).toBe(executions * requests);
		return {
			refused: hubspot.rateLimited,
			timesBound: result.elapsedMs / boundOf(executions * requests),
		};
	}

	// Refused: an execution that starts while the window is full meets it with its first request (it
	// knows nothing yet), so bursts arriving together cost about one 429 per late execution; after that it
	// waits for the window to turn over instead of trying again and again. Time: what is left over the
	// bound is the time n8n takes to start the executions (the window fills over it).
	it.each([
		{
			executions: 40,
			requests: 3,
			gapMs: 70,
			maxRefused: 0,
			maxTimesBound: 1.4,
			what: 'the scale test: no 429, none left a window behind',
		},
		{
			executions: 25,
			requests: 10,
			gapMs: 0,
			maxRefused: 24,
			maxTimesBound: 1.15,
			what: 'each wave waits for the window to turn over, then fills it',
		},
		{
			executions: 30,
			requests: 5,
			gapMs: 0,
			maxRefused: 14,
			maxTimesBound: 1.2,
			what: 'no execution spills into a further window',
		},
		{
			executions: 25,
			requests: 10,
			gapMs: 70,
			maxRefused: 4,
			maxTimesBound: 1.35,
			what: 'under 2 % refused',
		},
	])(
		'$executions executions × $requests requests arriving $gapMs ms apart: $what',
		async ({ executions, requests, gapMs, maxRefused, maxTimesBound }) => {
			const { refused, timesBound } = await runBurst(executions, requests, gapMs);
			expect(refused).toBeLessThanOrEqual(maxRefused);
			expect(timesBound).toBeLessThan(maxTimesBound);
		},
	);
});

/**
 * A throttle on a clock the test sets; its sleeps move the clock on. `random` draws its wake jitter
 * and chances (Math.random when not given).
 */
function onTestClock(random?: () => number): {
	throttle: RateLimitThrottle;
	clock: { now: number };
} {
	const clock = { now: 0 };
	const throttle = new RateLimitThrottle({
		now: () => clock.now,
		sleep: async (ms) => void (clock.now += ms),
		random,
	});
	return { throttle, clock };
}

describe('RateLimitThrottle bookkeeping', () => {
	const answer = (
		sentAt: number,
		receivedAt: number,
		remaining: number,
		status = 204,
	): HubSpotExchange => ({
		statusCode: status,
		headers: {
			'x-hubspot-ratelimit-max': '10',
			'x-hubspot-ratelimit-remaining': String(remaining),
			'x-hubspot-ratelimit-interval-milliseconds': '1000',
		},
		body: undefined,
		sentAt: new Date(sentAt),
		receivedAt: new Date(receivedAt),
	});

	it('reads the others on the account from Remaining beyond its own requests, and takes its part of the room', async () => {
		const grants = async (coin: number) => {
			const { throttle, clock } = onTestClock(() => coin);
			const probe = await throttle.acquire();
			// HubSpot counted our probe and 6 requests of others: 3 left of 10.
			clock.now = 50;
			throttle.observe(answer(0, 50, 3), probe);
			await throttle.acquire();
			return clock.now;
		};
		// Room 3 (less the reserve), our part 1 of 7: less than one request. Taken as a chance, it goes
		// now when the draw falls under it…
		expect(await grants(0)).toBe(50);
		// …and otherwise holds back while that answer is fresh. Once it is older than a round trip, one
		// request goes alone to renew the picture, before our probe's slot frees: the others may have
		// finished meanwhile, and waiting a window for a slot of our own would leave their room unused.
		const renewedAt = await grants(0.99);
		expect(renewedAt).toBeGreaterThan(50);
		expect(renewedAt).toBeLessThan(1000);
	});

	it('with others about, the last requests of the work take half the reserve; more work leaves it all free', async () => {
		const firstAfterProbe = async (backlog: number) => {
			const { throttle, clock } = onTestClock(() => 0);
			const probe = await throttle.acquire();
			// HubSpot counted our probe and 7 requests of others: 2 left of 10, the reserve's size.
			clock.now = 50;
			throttle.observe(answer(0, 50, 2), probe);
			await throttle.acquire(undefined, () => backlog);
			return clock.now;
		};
		// One request left to make: waiting for a place to free would cost it most of a window.
		expect(await firstAfterProbe(1)).toBe(50);
		// Three: they leave the reserve to an execution not yet in the picture.
		expect(await firstAfterProbe(3)).toBeGreaterThan(50);
	});

	// Alone, a 429 is one of ours that HubSpot still held: a refusal while ours hold but a few places of
	// the window says that others filled the rest.
	it('alone, a refusal while holding a few places shows others: it waits for their places to free', async () => {
		const { throttle, clock } = onTestClock(() => 0);
		const probe = await throttle.acquire();
		clock.now = 50;
		throttle.observe(answer(0, 50, 9), probe);
		const second = await throttle.acquire();
		clock.now = 100;
		throttle.observe(answer(50, 100, 0, 429), second);
		// Ours: the probe. The other 9 places went to others by 50: the next request waits for the
		// probe's place to free, a window after it went (it went at once when the refusal was taken for
		// one of ours that HubSpot still held).
		await throttle.acquire();
		expect(clock.now).toBeGreaterThanOrEqual(1000);
	});

	// In queue mode each worker is a newcomer to the other: a worker that saw no other caller, and
	// comes back to room its last answer showed, finds it taken.
	it('alone, room an old answer showed free is tried with one request before the rest go', async () => {
		const { throttle, clock } = onTestClock(() => 0);
		const probe = await throttle.acquire();
		clock.now = 50;
		throttle.observe(answer(0, 50, 9), probe);
		// 350 ms later another worker has taken the nine places; this one does not know yet.
		clock.now = 400;
		const first = await throttle.acquire();
		expect(clock.now).toBe(400);
		let secondAt: number | undefined;
		const second = throttle.acquire().then(() => (secondAt = clock.now));
		await Promise.resolve();
		expect(secondAt).toBeUndefined();
		clock.now = 450;
		throttle.observe(answer(400, 450, 0), first);
		await second;
		// The answer shows the window full: the next place frees with the probe's, a window on.
		expect(secondAt).toBeGreaterThanOrEqual(1000);
	});

	it('holding most of the window, it takes the last place that others may have a part of', async () => {
		const { throttle, clock } = onTestClock(() => 0.99);
		const probe = await throttle.acquire();
		clock.now = 50;
		throttle.observe(answer(0, 50, 9), probe);
		const five = [];
		for (let i = 0; i < 5; i++) five.push(await throttle.acquire());
		clock.now = 100;
		// Ours are six of the nine HubSpot holds; one place is left, and nobody sends for a while.
		for (const ticket of five) throttle.observe(answer(50, 100, 1), ticket);
		clock.now = 400;
		await throttle.acquire();
		// Holding it back for the others' third of it would leave it unused until the probe's place
		// frees; the others, holding less, hold back for it.
		expect(clock.now).toBeLessThan(1000);
	});

	it('alone it takes the whole window', async () => {
		const { throttle, clock } = onTestClock();
		const probe = await throttle.acquire();
		clock.now = 50;
		throttle.observe(answer(0, 50, 9), probe);
		for (let i = 0; i < 9; i++) await throttle.acquire();
		expect(clock.now).toBe(50);
		await throttle.acquire();
		expect(clock.now).toBeGreaterThanOrEqual(1000);
	});

	// HubSpot counts a request when it arrives, somewhere between its sending and its answer: a later
	// request that overtakes an earlier one on the way (n8n prepares each on its own: credential,
	// connection) is in the window HubSpot describes to the earlier one. Alone, it is not another
	// caller, and the pace goes on filling the window.
	it('alone, an answer counting a later request of ours is not taken for another caller', async () => {
		const { throttle, clock } = onTestClock(() => 0);
		const probe = await throttle.acquire();
		clock.now = 10;
		throttle.observe(answer(0, 10, 9), probe);
		const first = await throttle.acquire();
		clock.now = 11;
		await throttle.acquire();
		// The second reached HubSpot first (at 12, the first at 14): the first's answer, back before
		// the second's, says 3 of 10 are taken, our three.
		clock.now = 25;
		throttle.observe(answer(10, 25, 7), first);
		// Seven places are free: all go at once.
		for (let i = 0; i < 7; i++) await throttle.acquire();
		expect(clock.now).toBe(25);
	});

	// A place in the window is dated from its answer less the quickest round trip, and the pace holds
	// it a little longer than a window after that date (clock and network slack): HubSpot may well
	// count the request then. Alone, a request of ours HubSpot still holds within that slack is not
	// another caller either.
	it('alone, an answer counting one of ours a little after its date is not taken for another caller', async () => {
		const { throttle, clock } = onTestClock(() => 0);
		// The probe went at 0 and came back at 50: dated 0; HubSpot counted it at 3.
		const probe = await throttle.acquire();
		clock.now = 50;
		throttle.observe(answer(0, 50, 9), probe);
		const four = [];
		for (let i = 0; i < 4; i++) four.push(await throttle.acquire());
		clock.now = 100;
		for (const ticket of four) throttle.observe(answer(50, 100, 5), ticket);
		// At 1001 HubSpot still holds the probe: the next request finds our 6 there.
		clock.now = 1001;
		const next = await throttle.acquire();
		clock.now = 1051;
		throttle.observe(answer(1001, 1051, 4), next);
		// Ours in the window now: the four and the last; five places are free and go at once.
		for (let i = 0; i < 5; i++) await throttle.acquire();
		expect(clock.now).toBe(1051);
	});

	// An answer held up on its way back (a busy event loop) says HubSpot counted its request at
	// most its answer less the quickest round trip, at the earliest when it went: ours in the window
	// at that earliest moment are counted as ours.
	it('alone, a slow answer does not show ours that HubSpot held as another caller', async () => {
		const { throttle, clock } = onTestClock(() => 0);
		const probe = await throttle.acquire();
		clock.now = 10;
		throttle.observe(answer(0, 10, 9), probe);
		const four = [];
		for (let i = 0; i < 4; i++) four.push(await throttle.acquire());
		clock.now = 30;
		for (const ticket of four) throttle.observe(answer(10, 30, 5), ticket);
		// At 1012 HubSpot counts the next request with the four (dated 20) still in its window; the
		// answer comes back 88 ms later.
		clock.now = 1012;
		const next = await throttle.acquire();
		clock.now = 1100;
		throttle.observe(answer(1012, 1100, 5), next);
		// The probe and the four have left since, the last is ours: alone, the five places that freed
		// go at once. (Taken for another caller, it would keep a reserve and send one at a time.) The
		// room the answer showed already free waits for an answer: a newcomer may have taken it since.
		const five = [];
		for (let i = 0; i < 5; i++) five.push(await throttle.acquire());
		expect(clock.now).toBe(1100);
		clock.now = 1110;
		throttle.observe(answer(1100, 1110, 4), five[0]);
		for (let i = 0; i < 4; i++) await throttle.acquire();
		expect(clock.now).toBe(1110);
	});

	it('holds everyone back after a 429 for the wait it is given', async () => {
		const { throttle, clock } = onTestClock();
		const ticket = await throttle.acquire();
		clock.now = 50;
		throttle.observe(answer(0, 50, 0, 429), ticket);
		throttle.penalize(400);
		await throttle.acquire();
		expect(clock.now).toBeGreaterThanOrEqual(450);
	});

	it('a refusal without rate-limit headers (a revoked token) does not stop pacing: the next request still goes alone', async () => {
		let now = 0;
		let naps = 0;
		let second = -1;
		const throttle = new RateLimitThrottle({
			now: () => now,
			sleep: async (ms) => {
				now += ms;
				// The second request is answered after a while: only then may the third go.
				if (++naps === 20)
					throttle.observe(
						{
							statusCode: 401,
							headers: {},
							body: undefined,
							sentAt: new Date(50),
							receivedAt: new Date(now),
						},
						second,
					);
			},
		});
		const first = await throttle.acquire();
		now = 50;
		throttle.observe(
			{
				statusCode: 401,
				headers: {},
				body: undefined,
				sentAt: new Date(0),
				receivedAt: new Date(50),
			},
			first,
		);
		second = await throttle.acquire();
		expect(now).toBe(50);
		await throttle.acquire();
		expect(naps).toBeGreaterThanOrEqual(20);
		expect(now).toBeGreaterThan(50);
	});

	it('a waiter whose execution stopped leaves at once, behind other waiters, and takes no place in the window', async () => {
		const { throttle, clock } = onTestClock();
		const probe = await throttle.acquire();
		clock.now = 50;
		throttle.observe(answer(0, 50, 0), probe);
		// The window is full: the next waiter waits for the probe's slot, about a window away.
		let stopped = false;
		const ahead = throttle.acquire();
		const behind = throttle.acquire(() => stopped);
		stopped = true;
		expect(await behind).toBe(-1);
		expect(clock.now).toBeLessThan(1000);
		await ahead;
		expect(throttle.isIdle()).toBe(false);
	});

	it('a waiter let go stays let go when its reason passes: it never takes a place later', async () => {
		const { throttle, clock } = onTestClock();
		const probe = await throttle.acquire();
		clock.now = 50;
		throttle.observe(answer(0, 50, 0), probe);
		// A queue's lane: let go while its line is empty; the line gets work again just after.
		let empty = true;
		const ahead = throttle.acquire();
		const lane = throttle.acquire(() => empty);
		expect(await lane).toBe(-1);
		empty = false;
		const first = await ahead;
		// The lane's turn came after `ahead`'s: it must not have taken a place nobody will use.
		const second = await throttle.acquire();
		clock.now += 50;
		throttle.observe(answer(clock.now - 50, clock.now, 5), first);
		throttle.observe(answer(clock.now - 50, clock.now, 5), second);
		clock.now += 5000;
		expect(throttle.isIdle()).toBe(true);
	});

	it('stops pacing when the answers carry no rate-limit headers', async () => {
		const { throttle, clock } = onTestClock();
		const ticket = await throttle.acquire();
		clock.now = 50;
		throttle.observe(
			{
				statusCode: 204,
				headers: {},
				body: undefined,
				sentAt: new Date(0),
				receivedAt: new Date(50),
			},
			ticket,
		);
		for (let i = 0; i < 50; i++) await throttle.acquire();
		expect(clock.now).toBe(50);
	});
});
