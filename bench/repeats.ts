/**
 * Several runs of one row made into one. CPU time per item on a shared machine swings by a third from
 * run to run (other work, where a major GC falls), so the node's rows are run more than once and the
 * table shows the median; the counts that must be 0 take the worst run, so repeating can only make
 * that check stricter.
 */
import type { RowResult } from './rows';

/** The entry whose value is the median (the lower middle one for an even count). */
export function medianBy<T>(entries: readonly T[], value: (entry: T) => number): T {
	const sorted = [...entries].sort((a, b) => value(a) - value(b));
	return sorted[Math.floor((sorted.length - 1) / 2)];
}

export interface RepeatedRow extends RowResult {
	/** How many runs the row is made of. */
	runs: number;
	/** Each run's wall time and node CPU per item, in run order. */
	wallMsRuns: number[];
	cpuUsPerItemRuns: number[];
}

/**
 * Times (and the split before / during / after the requests) from the run with the median wall time;
 * CPU figures from the run with the median node CPU per item; heap at its highest; 429s, requests and
 * the lost, duplicated, failed and misplaced counts from the worst run.
 */
export function combineRuns(runs: RowResult[]): RepeatedRow {
	if (runs.length === 0) throw new Error('combineRuns needs at least one run');
	const byTime = medianBy(runs, (r) => r.wallMs);
	const byCpu = medianBy(runs, (r) => r.cpuUsPerItem);
	const worst = (
		key: 'requests' | 'rateLimited' | 'lost' | 'duplicated' | 'failed' | 'misplaced',
	) => Math.max(...runs.map((r) => r[key]));
	return {
		...byTime,
		cpuMs: byCpu.cpuMs,
		engineCpuMs: byCpu.engineCpuMs,
		cpuUsPerItem: byCpu.cpuUsPerItem,
		peakHeapMB: Math.max(...runs.map((r) => r.peakHeapMB)),
		heapBeforeMB: byCpu.heapBeforeMB,
		requests: worst('requests'),
		rateLimited: worst('rateLimited'),
		lost: worst('lost'),
		duplicated: worst('duplicated'),
		failed: worst('failed'),
		misplaced: worst('misplaced'),
		maxConcurrent: Math.max(...runs.map((r) => r.maxConcurrent)),
		error: runs.find((r) => r.error)?.error,
		runs: runs.length,
		wallMsRuns: runs.map((r) => r.wallMs),
		cpuUsPerItemRuns: runs.map((r) => r.cpuUsPerItem),
	};
}
