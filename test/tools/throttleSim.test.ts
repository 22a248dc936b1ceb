/**
 * The queue-mode simulator behind `npm run bench:throttle` (bench/throttleSim.ts): its HubSpot keeps the
 * rolling window as HubSpot does, it loses nothing, and a scenario gives the same figures every time.
 */
import { QUEUE_DEFAULTS, simulate, type Scenario } from '../../bench/throttleSim';

const scenario: Scenario = {
	...QUEUE_DEFAULTS,
	calls: 30,
	requestsPerCall: 5,
	rateMax: 40,
	rateIntervalMs: 2_000,
	seed: 7,
};

describe('the throttle simulator', () => {
	it('never lets HubSpot accept more than the limit in any rolling interval', async () => {
		const outcome = await simulate(scenario);
		const accepted = outcome.timeline.filter((e) => e.ok).map((e) => e.at);
		for (let i = scenario.rateMax; i < accepted.length; i++) {
			// The request rateMax places earlier must have left the window before this one was accepted.
			expect(accepted[i] - accepted[i - scenario.rateMax]).toBeGreaterThan(
				scenario.rateIntervalMs - 1,
			);
		}
		expect(outcome.timeline.filter((e) => !e.ok)).toHaveLength(outcome.rateLimited);
	});

	it('runs every call to the end, with every request accepted once, no sooner than HubSpot allows', async () => {
		const outcome = await simulate(scenario);
		expect(outcome.lostRequests).toBe(0);
		expect(outcome.failedExecutions).toBe(0);
		expect(outcome.calls).toHaveLength(scenario.calls);
		expect(outcome.requests - outcome.rateLimited).toBe(scenario.calls * scenario.requestsPerCall);
		expect(outcome.boundMs).toBe((Math.ceil(150 / 40) - 1) * 2_000);
		expect(outcome.perfectMs).toBeGreaterThanOrEqual(outcome.boundMs);
		expect(outcome.totalMs).toBeGreaterThanOrEqual(outcome.perfectMs);
	});

	it('gives the same figures for the same scenario, and leaves the real clock alone', async () => {
		const before = Date.now();
		const [a, b] = [await simulate(scenario), await simulate(scenario)];
		expect(b).toEqual(a);
		expect(Math.abs(Date.now() - before)).toBeLessThan(60_000);
		expect((await simulate({ ...scenario, seed: 8 })).timeline).not.toEqual(a.timeline);
	});
});
