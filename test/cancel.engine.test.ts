import type { IDataObject, INodeParameters } from 'n8n-workflow';

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
	 * Runs the node and cancels the execution `cancelAfterMs` in. Checks what every stop must give, in
	 * proportions and counts rather than wall-clock bounds (a loaded machine stretches both sides alike):
	 * n8n's status "canceled"; the node over within a tenth of `leftMs`, the time the run still had ahead
	 * of it; and, watched for `watchMs` more, no more requests reaching HubSpot after the cancel than the
	 * Concurrency setting lets be under way at that moment (`underWay`).
	 */
	async function runAndCancel(emu: ReturnType<typeof emulator>, items: IDataObject[], parameters: INodeParameters, cancelAfterMs: number, leftMs: number, underWay: number, watchMs = 1500) {
		const result = await run(emu, items, parameters, { cancelAfterMs });
		expect(result.run.status).toBe('canceled');
		const cancelledAt = result.cancelledAt!;
		expect((result.finishedAt - cancelledAt) / leftMs).toBeLessThan(0.1);
		await new Promise((resolve) => setTimeout(resolve, watchMs));
		expect(emu.stats.log.filter((entry) => entry.at > cancelledAt).length).toBeLessThanOrEqual(underWay);
		return result;
	}

	it('paced by the rate limit: no request starts after the cancel, and the node gives up its worker at once', async () => {
		const emu = emulator();
		emu.settings.rateLimit = { max: 20, intervalMs: 1000 };
		emu.settings.latencyMs = 20;
		// 200 requests at 20 a second would take about 9 s; 30 would go in the 1.5 s watched after the cancel.
		await runAndCancel(emu, seedPairs(emu, 2000), archiveParameters({ options: { batchSize: 10, concurrency: 3 } }), 600, 8400, 3);
		expect(emu.stats.requests).toBeLessThan(60);
		expect(emu.count()).toBeGreaterThan(1000);
	});

	it('waiting to retry a 503: the wait ends with the cancel and nothing more is sent', async () => {
		const emu = emulator();
		const items = seedPairs(emu, 3);
		emu.faults.onPath('batch/archive', { status: 503 });
		// Ten retries back off 0.5, 1, 2, 4 … 16 s: over a minute; two of them would go in the watched 1.5 s.
		await runAndCancel(emu, items, archiveParameters({ options: { maxRetries: 10 } }), 1500, 60_000, 1);
		expect(emu.count()).toBe(3);
	});

	it('held back after a 429 with Retry-After: the hold ends with the cancel and nothing more is sent', async () => {
		const emu = emulator();
		const items = seedPairs(emu, 3);
		const refusal = { status: 'error', message: 'slow down', errorType: 'RATE_LIMIT', policyName: 'TEN_SECONDLY_ROLLING' };
		emu.faults.onPath('batch/archive', { status: 429, body: refusal, headers: { 'Retry-After': '20' } }, 1);
		await runAndCancel(emu, items, archiveParameters(), 500, 19_500, 0, 1000);
		expect(emu.count()).toBe(3);
	});

	it('Remove All Associations of Records (a read, then removals): nothing more is removed after the cancel', async () => {
		const emu = emulator();
		emu.settings.rateLimit = { max: 4, intervalMs: 1000 };
		const items = seedPairs(emu, 30).map(({ id }) => ({ id }));
		const { toIds: _unused, ...parameters } = archiveParameters({ operation: 'archiveAll', options: { batchSize: 1, concurrency: 2 } });
		// At 4 a second the 30 removals take 7 s; six would go in the watched 1.5 s.
		await runAndCancel(emu, items, parameters, 700, 6300, 2);
		// One read and the first window's removals went before the cancel; at 4 a second the 30 removals take 7 s.
		expect(emu.stats.byRoute['batch/read']).toBe(1);
		expect(emu.stats.byRoute['batch/archive'] ?? 0).toBeLessThanOrEqual(4);
		expect(emu.count()).toBeGreaterThanOrEqual(26);
	});
});
