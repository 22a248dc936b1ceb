/**
 * The queue-mode simulator behind `npm run bench:throttle` (bench/throttleSim.ts): its HubSpot keeps the
 * rolling window as HubSpot does, it loses nothing, executions share requests only within their
 * worker, and a scenario gives the same figures every time.
 */
import { n8nAloneMs, QUEUE_DEFAULTS, simulate, type Scenario } from '../../bench/throttleSim';

const scenario: Scenario = {
	...QUEUE_DEFAULTS,
	calls: 30,
	pairsPerCall: 5 * 100,
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

	it('runs every call to the end, with every pair accepted once, no sooner than HubSpot allows', async () => {
		const outcome = await simulate(scenario);
		expect(outcome.lostPairs).toBe(0);
		expect(outcome.failedExecutions).toBe(0);
		expect(outcome.calls).toHaveLength(scenario.calls);
		expect(outcome.acceptedPairs).toBe(scenario.calls * scenario.pairsPerCall);
		const accepted = outcome.requests - outcome.rateLimited;
		expect(outcome.boundMs).toBe((Math.ceil(accepted / 40) - 1) * 2_000);
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

	// One-pair executions against a window they outrun: waiting pairs go together.
	const onePair: Scenario = {
		...QUEUE_DEFAULTS,
		calls: 60,
		pairsPerCall: 1,
		rateMax: 10,
		rateIntervalMs: 2_000,
		startupMs: 100,
		enqueueGapMs: 10,
		seed: 3,
	};

	it('shares requests among the executions of one worker, never across workers', async () => {
		const outcome = await simulate(onePair);
		const accepted = outcome.timeline.filter((e) => e.ok);
		expect(outcome.acceptedPairs).toBe(onePair.calls);
		expect(outcome.lostPairs).toBe(0);
		expect(accepted.length).toBeLessThan(onePair.calls / 2);
		expect(new Set(outcome.calls.map((c) => c.worker))).toEqual(new Set([0, 1]));
		for (const request of outcome.timeline)
			expect(new Set(request.calls.map((c) => outcome.calls[c].worker)).size).toBe(1);
	});

	it('sends each execution its own requests with Share Requests off', async () => {
		const outcome = await simulate({ ...onePair, shareRequests: false });
		expect(outcome.requests - outcome.rateLimited).toBe(onePair.calls);
		for (const request of outcome.timeline) expect(request.calls).toHaveLength(1);
	});

	it('gives n8n alone as the burst with the node taking no time, on the slots there are', () => {
		const burst = { ...onePair, calls: 25, slots: 10, enqueueGapMs: 0, initialDelayMs: 50 };
		// Three rounds of start-up and finish: 10, 10 and 5 executions.
		expect(n8nAloneMs(burst)).toBe(50 + 3 * (burst.startupMs + burst.finishMs));
	});
});

describe('the batch queue in a queue-mode worker, through the simulator', () => {
	// One worker of 10 slots and a burst of one-pair executions that outruns the window: the
	// executions waiting for a request hold every slot, so no other arrives until they are answered.
	const fullWorker: Scenario = {
		...QUEUE_DEFAULTS,
		workers: 1,
		slots: 10,
		calls: 300,
		pairsPerCall: 1,
		rateMax: 100,
		rateIntervalMs: 10_000,
		seed: 1,
	};

	it('stops waiting for arrivals once as many executions wait as the worker runs, and still shares requests', async () => {
		const outcome = await simulate(fullWorker);
		const accepted = outcome.timeline.filter((e) => e.ok);
		expect(outcome.lostPairs).toBe(0);
		expect(outcome.failedExecutions).toBe(0);
		// Waiting the whole hold for arrivals that cannot come takes 2.7 × perfect pacing; going at once
		// spends 201 requests on 300 pairs.
		expect(outcome.totalMs / outcome.perfectMs).toBeLessThanOrEqual(1.15);
		expect(accepted.length).toBeLessThan(60);
	});
});

describe('two workers meeting at the start of a burst, through the simulator', () => {
	// 10 executions of 2,000 pairs at 100 per 10 s. With some slot orders a worker sends its first
	// executions alone, and its next one starts after the other worker has filled the window.
	const meeting = (seed: number): Scenario => ({
		...QUEUE_DEFAULTS,
		calls: 10,
		pairsPerCall: 2_000,
		rateMax: 100,
		rateIntervalMs: 10_000,
		seed,
	});

	it.each([4, 5, 6])(
		'seed %i: the worker that thought itself alone tries the room with one request; under 2 %% refused, within 1.15 × perfect pacing',
		async (seed) => {
			const outcome = await simulate(meeting(seed));
			// Sending a whole Concurrency's worth into room its last answer showed, 17-19 were refused at
			// once; holding back for the other's part of the window's last place, each window ended one
			// request short, and the run a window late (1.88 ×).
			expect(outcome.rateLimited / outcome.requests).toBeLessThan(0.02);
			expect(outcome.totalMs / outcome.perfectMs).toBeLessThanOrEqual(1.15);
			expect(outcome.lostPairs).toBe(0);
		},
	);
});
