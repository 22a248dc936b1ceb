import {
	perfectPacing,
	sharedBoundWithArrivalsMs,
	describeWindowGaps,
	windowGaps,
	type PacedCall,
} from '../../scripts/perfectPacing';
import { rateLimitBoundMs } from '../../scripts/scaleParts';

/** A call as the real run had it: ready at `readyAt`, its last request at `lastRequestAt`, answered `tailMs` later. */
const call = (
	readyAt: number,
	requests: number,
	lastRequestAt: number,
	tailMs: number,
): PacedCall => ({
	readyAt,
	requests,
	lastRequestAt,
	endAt: lastRequestAt + tailMs,
});

describe('perfect pacing: the scale test’s run with a throttle that knew when every slot frees', () => {
	it('sends a full window at once, then each request as the one max places before it leaves', () => {
		// 120 requests ready at once against 100 per 10 s: the 101st goes when the 1st leaves.
		const calls = Array.from({ length: 40 }, () => call(0, 3, 12_000, 50));
		const run = perfectPacing(calls, 100, 10_000);
		const times = run.schedule.flat();
		expect(times.filter((t) => t === 0)).toHaveLength(100);
		expect(times.filter((t) => t === 10_000)).toHaveLength(20);
		expect(run.totalMs).toBe(10_050);
	});

	it('lets late executions take the slots the earliest requests free, not a window after their own start', () => {
		// Like the scale test: 32 executions fill the window between 1 s and 2.6 s, 8 more start at
		// 2.7 s. Their 24 requests: 4 into the window's last free slots at once, 20 as the first 20
		// requests leave it (11.0–11.3 s), not at 12.7 s as a throttle that must wait for its own first
		// request to leave.
		const early = Array.from({ length: 32 }, (_, c) => call(1000 + c * 50, 3, 1000 + c * 50, 30));
		const late = Array.from({ length: 8 }, () => call(2700, 3, 12_700, 30));
		const run = perfectPacing([...early, ...late], 100, 10_000);
		const lateTimes = run.schedule
			.slice(32)
			.flat()
			.sort((a, b) => a - b);
		expect(lateTimes.slice(0, 4)).toEqual([2700, 2700, 2700, 2700]);
		expect(lateTimes.slice(4)).toEqual(
			run.schedule
				.slice(0, 7)
				.flat()
				.slice(0, 20)
				.map((t) => t + 10_000),
		);
		expect(run.totalMs).toBe(1000 + 6 * 50 + 10_000 + 30);
	});

	it('starts an execution that waited for a worker slot as soon after the slot frees as it did in the run', () => {
		// Two worker slots, 3 requests per 10 s. A and B take both slots and the window's 3 places at
		// 0 s; in the run each sent its second request a second or so after a place freed (11 s, 11.5 s).
		// C only got A's slot when A ended (11.05 s) and sent 50 ms later.
		const a = call(0, 2, 11_000, 50);
		const b = call(0, 2, 11_500, 50);
		const c = call(11_100, 1, 11_100, 50);
		const run = perfectPacing([a, b, c], 3, 10_000, 2);
		// Perfect pacing: A's 2 requests and B's first go at once, B's second when the first place frees
		// (10 s). A ends at 0.05 s, so C starts at 0.1 s and takes the next place to free (10 s).
		expect(run.schedule).toEqual([[0, 0], [0, 10_000], [10_000]]);
		expect(run.ends).toEqual([50, 10_050, 10_050]);
		expect(run.totalMs).toBe(10_050);
		// Without a slot limit C is taken as ready when it was in the run: nothing earlier.
		expect(perfectPacing([a, b, c], 3, 10_000).ends[2]).toBe(11_150);
	});

	it('hands each freed worker slot to the next call in the queue, first in first out', () => {
		// One slot, room in the window for everything. In the run A was held 4.9 s before its request;
		// B and C each started 50 ms after the call before them ended.
		const a = call(0, 1, 4900, 100);
		const b = call(5050, 1, 5050, 100);
		const c = call(5200, 1, 5200, 100);
		const run = perfectPacing([c, a, b], 100, 10_000, 1);
		expect(run.ends).toEqual([400, 100, 250]);
		expect(run.totalMs).toBe(400);
	});

	it('never puts more than max requests in any window, nor a request before its call was ready', () => {
		const calls = Array.from({ length: 60 }, (_, c) =>
			call((c * 7919) % 5000, 1 + (c % 4), 20_000, 10),
		);
		const run = perfectPacing(calls, 25, 1000);
		const times = run.schedule.flat().sort((a, b) => a - b);
		for (let i = 25; i < times.length; i++)
			expect(times[i] - times[i - 25]).toBeGreaterThanOrEqual(1000);
		run.schedule.forEach((ts, c) =>
			ts.forEach((t) => expect(t).toBeGreaterThanOrEqual(calls[c].readyAt)),
		);
	});

	it('ends a call as long after its last request as the real run did', () => {
		expect(perfectPacing([call(500, 1, 500, 700), call(900, 1, 900, 20)], 10, 1000).totalMs).toBe(
			1200,
		);
	});
});

describe('the shared bound with n8n’s start of the burst in it', () => {
	it('is the bound from the first call when every execution is there at once', () => {
		const arrivals = Array.from({ length: 60 }, () => ({ at: 0, pairs: 250 }));
		expect(sharedBoundWithArrivalsMs(arrivals, 100, 100, 10_000)).toBe(10_000);
	});

	it('waits a window after the request that needed a third of the burst, not after the first call', () => {
		// 60 × 250 pairs, one execution every 25 ms: 150 requests. The 150th goes when the 50th leaves,
		// and the 50th needs 5,000 pairs, the 20th execution's (started at 475 ms).
		const arrivals = Array.from({ length: 60 }, (_, c) => ({ at: c * 25, pairs: 250 }));
		expect(sharedBoundWithArrivalsMs(arrivals, 100, 100, 10_000)).toBe(10_475);
	});

	it('sends the part-full request first, so that the full ones wait for no pair', () => {
		// 150 pairs, one request a second: the 50 of the first execution at 0, its other 100 with the
		// second execution's at 1 s. Full request first, the second would go at 2 s.
		const arrivals = [
			{ at: 1000, pairs: 100 },
			{ at: 0, pairs: 50 },
		];
		expect(sharedBoundWithArrivalsMs(arrivals, 100, 1, 1000)).toBe(1000);
	});

	it('is never below the last start nor the bound from the first call, nor above both added up', () => {
		let seed = 7;
		const random = () => (seed = (seed * 16_807) % 2_147_483_647) / 2_147_483_647;
		for (let run = 0; run < 200; run++) {
			const arrivals = Array.from({ length: 1 + Math.floor(random() * 80) }, () => ({
				at: Math.floor(random() * 3000),
				pairs: 1 + Math.floor(random() * 400),
			}));
			const max = 1 + Math.floor(random() * 30);
			const requests = Math.ceil(arrivals.reduce((n, a) => n + a.pairs, 0) / 100);
			const lastStart = Math.max(...arrivals.map((a) => a.at));
			const fromFirstCall = rateLimitBoundMs(requests, max, 1000);
			const bound = sharedBoundWithArrivalsMs(arrivals, 100, max, 1000);
			expect(bound).toBeGreaterThanOrEqual(Math.max(lastStart, fromFirstCall));
			expect(bound).toBeLessThanOrEqual(lastStart + fromFirstCall);
		}
	});
});

describe('window gaps: how long each place of the window stood unused, from HubSpot’s side', () => {
	it('pairs each request with the one max places before it, in the order HubSpot counted them', () => {
		// 2 per window, counted at 0, 10, 1,010, 1,040 and 2,010 ms: the third came 1,010 ms after the
		// first, the fourth 1,030 ms after the second, the fifth 1,000 ms after the third. Given out of
		// order, as a log may hold them.
		const gaps = windowGaps([1_040, 0, 2_010, 1_010, 10], 2);
		expect(gaps).toEqual({ count: 3, minMs: 1_000, medianMs: 1_010, maxMs: 1_030 });
	});

	it('has nothing to say of a run that never filled a window', () => {
		expect(windowGaps([0, 5, 9], 3)).toBeUndefined();
		expect(() => windowGaps([0, 1], 0)).toThrow(RangeError);
		expect(describeWindowGaps(undefined, 3, 1000)).toBe('n/a (under one window)');
	});

	it('says the gaps in words for both scale tests', () => {
		const gaps = windowGaps([1_040, 0, 2_010, 1_010, 10], 2);
		expect(describeWindowGaps(gaps, 2, 1000)).toBe(
			'3 requests counted 1000–1030 ms (median 1010 ms) after the one 2 places before each, in a window of 1000 ms',
		);
	});
});
