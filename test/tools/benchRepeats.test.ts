import { combineRuns } from '../../bench/repeats';
import type { RowResult } from '../../bench/rows';

/** A benchmark row's figures; only what a test sets differs from run to run. */
function run(figures: Partial<RowResult>): RowResult {
	return {
		kind: 'node',
		size: 1000,
		shape: 'onePair',
		executions: 1,
		items: 1000,
		pairs: 1000,
		requests: 10,
		rateLimited: 0,
		wallMs: 100,
		boundMs: 0,
		cpuMs: 30,
		engineCpuMs: 5,
		cpuUsPerItem: 25,
		heapBeforeMB: 50,
		peakHeapMB: 80,
		lost: 0,
		duplicated: 0,
		failed: 0,
		misplaced: 0,
		maxConcurrent: 5,
		beforeFirstMs: 10,
		sendMs: 80,
		afterLastMs: 10,
		...figures,
	};
}

describe('combineRuns: repeated benchmark rows', () => {
	it('takes the times from the median-time run and the CPU from the median-CPU run', () => {
		const combined = combineRuns([
			run({ wallMs: 300, beforeFirstMs: 30, cpuUsPerItem: 20, cpuMs: 25 }),
			run({ wallMs: 100, beforeFirstMs: 10, cpuUsPerItem: 31, cpuMs: 36 }),
			run({ wallMs: 200, beforeFirstMs: 20, cpuUsPerItem: 22, cpuMs: 27 }),
		]);
		expect(combined).toMatchObject({
			wallMs: 200,
			beforeFirstMs: 20,
			cpuUsPerItem: 22,
			cpuMs: 27,
			runs: 3,
		});
		expect(combined.wallMsRuns).toEqual([300, 100, 200]);
		expect(combined.cpuUsPerItemRuns).toEqual([20, 31, 22]);
	});

	it('keeps the worst run for what must be 0, and the highest heap', () => {
		const combined = combineRuns([
			run({ lost: 0, rateLimited: 2, peakHeapMB: 90 }),
			run({ lost: 3, duplicated: 1, error: 'boom' }),
			run({ failed: 4, misplaced: 5, requests: 12 }),
		]);
		expect(combined).toMatchObject({
			lost: 3,
			duplicated: 1,
			failed: 4,
			misplaced: 5,
			rateLimited: 2,
			requests: 12,
			peakHeapMB: 90,
			error: 'boom',
		});
	});

	it('with an even number of runs takes the lower middle one', () => {
		expect(combineRuns([run({ cpuUsPerItem: 40 }), run({ cpuUsPerItem: 10 })]).cpuUsPerItem).toBe(
			10,
		);
		expect(() => combineRuns([])).toThrow();
	});
});
