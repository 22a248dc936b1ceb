/**
 * The window-by-window split between workers that `npm run bench:throttle -- --shares` prints
 * (bench/windowShares.ts): counted from HubSpot's accepted requests and the executions' slots alone.
 */
import { QUEUE_DEFAULTS, simulate } from '../../bench/throttleSim';
import { describeWindowShares, windowShares } from '../../bench/windowShares';

describe('windowShares', () => {
	const outcome = {
		totalMs: 2_500,
		calls: [
			{ worker: 0, startedAt: 0, endAt: 900 },
			{ worker: 1, startedAt: 100, endAt: 2_400 },
			{ worker: 1, startedAt: 1_200, endAt: 1_300 },
		],
		timeline: [
			{ at: 10, ok: true, pairs: 1, calls: [0] },
			{ at: 20, ok: true, pairs: 1, calls: [1] },
			{ at: 30, ok: false, pairs: 1, calls: [0] },
			{ at: 999, ok: true, pairs: 2, calls: [1, 0] },
			{ at: 1_000, ok: true, pairs: 1, calls: [1] },
			{ at: 2_200, ok: true, pairs: 1, calls: [2] },
		],
	};

	it('counts accepted requests by the worker of the calls they carried, and executions by slot', () => {
		expect(windowShares(outcome, 1_000, 2)).toEqual([
			{ fromMs: 0, accepted: [1, 2], executions: [1, 1] },
			{ fromMs: 1_000, accepted: [0, 1], executions: [0, 2] },
			{ fromMs: 2_000, accepted: [0, 1], executions: [0, 1] },
		]);
	});

	it('writes one line per window', () => {
		expect(describeWindowShares(windowShares(outcome, 1_000, 2))).toEqual([
			'0 s: 1 + 2 accepted (1 + 1 executions)',
			'1 s: 0 + 1 accepted (0 + 2 executions)',
			'2 s: 0 + 1 accepted (0 + 1 executions)',
		]);
	});

	it('adds up to what HubSpot accepted in a simulated run', async () => {
		const run = await simulate({
			...QUEUE_DEFAULTS,
			calls: 12,
			pairsPerCall: 300,
			rateMax: 20,
			rateIntervalMs: 2_000,
			seed: 5,
		});
		const shares = windowShares(run, 2_000, QUEUE_DEFAULTS.workers);
		const accepted = shares.flatMap((share) => share.accepted).reduce((a, b) => a + b, 0);
		expect(accepted).toBe(run.requests - run.rateLimited);
		expect(shares.every((share) => share.accepted.every((n) => n <= 20))).toBe(true);
	});

	it('refuses an interval of zero', () => {
		expect(() => windowShares(outcome, 0, 2)).toThrow(RangeError);
	});
});
