import { collectGarbage, measure } from '../../bench/measure';

describe("measure: a benchmark row's time, CPU and peak heap", () => {
	it('sees the heap at its highest inside synchronous work that lets it go again before the end', async () => {
		const MB = 1024 * 1024;
		const measured = await measure(async () => {
			let held: Array<{ i: number; s: string }> = [];
			// About 60 MB of small objects held at once; nothing can poll the heap while this loop runs …
			for (let i = 0; i < 800_000; i++) held.push({ i, s: `x${i}` });
			const count = held.length;
			// … and by the end of the row it is all collected again.
			held = [];
			collectGarbage();
			return count;
		});
		expect(measured.result).toBe(800_000);
		expect(measured.peakHeapBytes - measured.heapBeforeBytes).toBeGreaterThan(40 * MB);
		expect(measured.cpuMs).toBeGreaterThan(0);
		expect(measured.wallMs).toBeGreaterThan(0);
	});
});
