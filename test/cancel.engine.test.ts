import type { IDataObject, INodeParameters } from 'n8n-workflow';

import type { LogEntry } from './emulator';
import { archiveParameters, run, seedPairs, useEmulator } from './helpers/setup';

/**
 * n8n's Stop button and its execution timeout cancel an execution through the node's cancel signal.
 * The node must then end at once and send nothing more. (n8n's request helper refuses a canceled
 * execution's requests by itself; a node that took those refusals for network faults would retry them
 * and hold the execution for as long as its retry bounds allow.)
 */
describe('Stopping an execution', () => {
	const emulator = useEmulator();

	/**
	 * How long after the answer that starts the node's wait the cancel comes: on any machine that is not
	 * stalled, the node is in that wait by then. A cancel that comes sooner must stop it as well, so no
	 * outcome depends on this delay; it only makes the wait the usual thing stopped.
	 */
	const SETTLE_MS = 100;
	/**
	 * How long the emulator is watched once the run is over, for requests a node that left work behind
	 * would still send. Only a lower bound: a slower machine watches longer, it cannot fail the test.
	 */
	const WATCH_MS = 1000;

	/** Answers HubSpot accepted (not refused by the rolling window), in the order they went out. */
	const accepted = (answered: LogEntry[]) => answered.filter((entry) => entry.status !== 429);
	const answeredAt = (entry: LogEntry) => entry.at + (entry.ms ?? 0);

	/**
	 * Runs the node and cancels the execution on an event, not at a time: `SETTLE_MS` after the answer
	 * `startsWait` picks (given every answer so far) went out. Checks what every stop must give, in counts
	 * and orderings that hold whatever the machine's speed: n8n's status "canceled"; the execution over
	 * before the wait the node was in would have ended (`waitEndsAt`, from that answer and the emulator's
	 * log); and no more requests reaching HubSpot after the cancel than the Concurrency setting lets be
	 * under way at that moment (`underWay`), then or in the watch after the run.
	 */
	async function runAndCancel(
		emu: ReturnType<typeof emulator>,
		items: IDataObject[],
		parameters: INodeParameters,
		cancel: {
			startsWait: (answered: LogEntry[]) => boolean;
			waitEndsAt: (answer: LogEntry, log: LogEntry[]) => number;
			underWay: number;
		},
	) {
		const answered: LogEntry[] = [];
		let trigger: LogEntry | undefined;
		let requestsAtCancel = 0;
		const result = await run(emu, items, parameters, {
			cancelOn: (stop) =>
				emu.events.on('answered', (entry) => {
					answered.push(entry);
					if (trigger || !cancel.startsWait(answered)) return;
					trigger = entry;
					setTimeout(() => {
						requestsAtCancel = emu.stats.requests;
						stop();
					}, SETTLE_MS);
				}),
		});
		expect(trigger).toBeDefined();
		expect(result.cancelledAt).toBeDefined();
		expect(result.run.status).toBe('canceled');
		// From the cancel: the time the run took to end, against what was left of the node's wait.
		const cancelledAt = result.cancelledAt!;
		expect(result.finishedAt - cancelledAt).toBeLessThan(
			cancel.waitEndsAt(trigger!, emu.stats.log) - cancelledAt,
		);
		expect(emu.stats.requests - requestsAtCancel).toBeLessThanOrEqual(cancel.underWay);
		await new Promise((resolve) => setTimeout(resolve, WATCH_MS));
		expect(emu.stats.requests - requestsAtCancel).toBeLessThanOrEqual(cancel.underWay);
		return result;
	}

	it('paced by the rate limit: no request starts after the cancel, and the node gives up its worker before the window turns over', async () => {
		const emu = emulator();
		emu.settings.rateLimit = { max: 10, intervalMs: 10_000 };
		emu.settings.latencyMs = 20;
		// 200 requests at 10 per 10 s: once the first window is full, the node waits for it to turn over.
		await runAndCancel(
			emu,
			seedPairs(emu, 2000),
			archiveParameters({ options: { batchSize: 10, concurrency: 3 } }),
			{
				startsWait: (answered) => accepted(answered).length === 10,
				waitEndsAt: (_answer, log) => accepted(log)[0].at + 10_000,
				underWay: 3,
			},
		);
		// The first window's ten went; requests under way at the cancel found the window full.
		expect(emu.count()).toBe(1900);
	});

	it('waiting to retry a 503: the wait ends with the cancel and nothing more is sent', async () => {
		const emu = emulator();
		const items = seedPairs(emu, 3);
		emu.faults.onPath('batch/archive', { status: 503 });
		// After the fourth 503 the node backs off 2 to 4 s (0.5 s doubling, half of it jittered) before the fifth try.
		await runAndCancel(emu, items, archiveParameters({ options: { maxRetries: 10 } }), {
			startsWait: (answered) => answered.length === 4,
			waitEndsAt: (answer) => answeredAt(answer) + 2_000,
			underWay: 0,
		});
		expect(emu.stats.requests).toBe(4);
		expect(emu.count()).toBe(3);
	});

	it('held back after a 429 with Retry-After: the hold ends with the cancel and nothing more is sent', async () => {
		const emu = emulator();
		const items = seedPairs(emu, 3);
		const refusal = {
			status: 'error',
			message: 'slow down',
			errorType: 'RATE_LIMIT',
			policyName: 'TEN_SECONDLY_ROLLING',
		};
		emu.faults.onPath(
			'batch/archive',
			{ status: 429, body: refusal, headers: { 'Retry-After': '20' } },
			1,
		);
		await runAndCancel(emu, items, archiveParameters(), {
			startsWait: (answered) => answered.length === 1,
			waitEndsAt: (answer) => answeredAt(answer) + 20_000,
			underWay: 0,
		});
		expect(emu.stats.requests).toBe(1);
		expect(emu.count()).toBe(3);
	});

	it('Remove All Associations of Records (a read, then removals): nothing more is removed after the cancel', async () => {
		const emu = emulator();
		emu.settings.rateLimit = { max: 4, intervalMs: 10_000 };
		const items = seedPairs(emu, 30).map(({ id }) => ({ id }));
		const { toIds: _unused, ...parameters } = archiveParameters({
			operation: 'archiveAll',
			options: { batchSize: 1, concurrency: 2 },
		});
		// The read and three removals fill the window of 4 per 10 s; the other 27 removals wait for it to turn over.
		await runAndCancel(emu, items, parameters, {
			startsWait: (answered) => accepted(answered).length === 4,
			waitEndsAt: (_answer, log) => accepted(log)[0].at + 10_000,
			underWay: 2,
		});
		expect(emu.stats.byRoute['batch/read']).toBe(1);
		expect(emu.count()).toBe(27);
	});
});
