import type { IDataObject } from 'n8n-workflow';

import { archiveParameters, run, useEmulator } from './helpers/setup';

/** Output json without the timestamps, which differ from run to run. */
const stable = (json: IDataObject) => {
	const { startedAt, completedAt, requestedAt, ...rest } = json;
	return {
		...rest,
		timestamps: [startedAt, completedAt, requestedAt].every((t) => typeof t === 'string'),
	};
};

describe('Concurrency: requests overlap, the output does not move', () => {
	const emulator = useEmulator();
	const items = Array.from({ length: 300 }, (_, i) => ({
		id: 1 + i,
		to: [5_000 + i, 9_000 + (i % 7)],
	}));

	/** Request n's answer is held until request m's went out (`[n, m]`): later requests finish first, whatever the machine's speed. */
	const runWith = async (concurrency: number, held: Array<[number, number]> = []) => {
		const emu = emulator();
		emu.settings.archiveResponse = '200';
		// A short window, so the second run does not wait out the first one's requests.
		emu.settings.rateLimit = { max: 100, intervalMs: 1000 };
		for (const item of items)
			for (const to of item.to) emu.seed('contacts', String(item.id), 'companies', String(to));
		for (const [n, m] of held) emu.faults.at(n, { answerAfter: m });
		const answered: number[] = [];
		emu.events.on('answered', (entry) => answered.push(entry.n));
		const result = await run(
			emu,
			items,
			archiveParameters({ options: { batchSize: 10, concurrency } }),
		);
		expect(result.error).toBeUndefined();
		expect(emu.count()).toBe(0);
		return {
			result,
			answered,
			maxConcurrent: emu.stats.maxConcurrent,
			requests: emu.stats.requests,
		};
	};

	it('gives every item the same output, at the same place, at concurrency 20 as one request at a time', async () => {
		const one = await runWith(1);
		emulator().stats.reset();
		emulator().events.removeAllListeners();
		// The first requests after the one that learns the rate limit answer after later ones.
		const held: Array<[number, number]> = [
			[2, 6],
			[3, 9],
			[5, 14],
		];
		const many = await runWith(20, held);
		expect(one.maxConcurrent).toBe(1);
		for (const [n, m] of held)
			expect(many.answered.indexOf(m)).toBeLessThan(many.answered.indexOf(n));
		expect(many.maxConcurrent).toBeGreaterThan(1);
		expect(many.maxConcurrent).toBeLessThanOrEqual(20);
		expect(many.requests).toBe(one.requests);
		expect(many.result.items.map((i) => i.pairedItem)).toEqual(items.map((_, i) => ({ item: i })));
		expect(many.result.items.map((i) => stable(i.json))).toEqual(
			one.result.items.map((i) => stable(i.json)),
		);
	});
});
