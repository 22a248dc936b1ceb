/**
 * Which rows a benchmark run has. The default is the full run `npm run bench` makes; `--quick`
 * is a two-minute version for a first look. Rows of one workload follow each other (node, then its
 * baselines), so that a noisy machine disturbs them alike and their ratios hold.
 */
import type { BenchSettings, RowSpec } from './rows';
import type { Shape } from './workloads';

export interface PlanOptions {
	sizes: number[];
	shapes: Shape[];
	/** The per-item baseline needs one request per item: (N - R) / R windows. Above this size it is not run. */
	perItemMaxSize: number;
	/** The official client as shipped runs at 9 requests/s whatever the window: above this size it is not run. */
	officialMaxSize: number;
	/** Executions side by side on one account, and the items each gets. */
	parallel?: { executions: number; size: number };
	/** The node alone at these concurrencies (the measurements behind its default). */
	sweep?: { sizes: number[]; concurrencies: number[] };
	/** A diagnostic row: the node at this size with 1,000 pairs per request, to tell its CPU per request from per item. */
	perRequestCost?: number;
	/** The node's Concurrency in the main and parallel rows; undefined = the node's default. */
	concurrency?: number;
	/** Runs of each of the node's main rows and of the diagnostic row; the table shows the median. */
	repeats: number;
}

export const DEFAULT_SETTINGS: BenchSettings = {
	rateMax: 100,
	rateIntervalMs: 2000,
	latencyMs: 50,
	batchSize: 100,
};

export const FULL_PLAN: PlanOptions = {
	sizes: [1_000, 10_000, 100_000],
	shapes: ['onePair', 'tenPerFrom'],
	perItemMaxSize: 1_000,
	officialMaxSize: 100_000,
	parallel: { executions: 3, size: 100_000 },
	perRequestCost: 100_000,
	// Node CPU per item swung between 19 and 33 µs from one run of a row to the next on the shared 2-core machine.
	repeats: 3,
};

/** `--sweep`: the rows behind the default concurrency. */
export const SWEEP = { sizes: [10_000, 100_000], concurrencies: [2, 5, 10, 20] };

export const QUICK_PLAN: PlanOptions = {
	sizes: [1_000, 10_000],
	shapes: ['onePair', 'tenPerFrom'],
	perItemMaxSize: 1_000,
	officialMaxSize: 10_000,
	parallel: { executions: 3, size: 10_000 },
	repeats: 1,
};

export function planRows(options: PlanOptions): RowSpec[] {
	const rows: RowSpec[] = [];
	for (const size of options.sizes) {
		for (const shape of options.shapes) {
			rows.push({
				kind: 'node',
				size,
				shape,
				concurrency: options.concurrency,
				repeats: options.repeats,
			});
			rows.push({ kind: 'officialScaled', size, shape });
			// As shipped the official client sends 9 requests a second whatever the shape: above 10,000 items
			// one shape is enough to show it (each such row takes N / 100 / 9 seconds).
			if (size <= options.officialMaxSize && (size <= 10_000 || shape === options.shapes[0]))
				rows.push({ kind: 'official', size, shape });
			if (size <= options.perItemMaxSize)
				rows.push({ kind: 'perItem', size, shape, concurrency: options.concurrency });
		}
	}
	if (options.parallel) {
		rows.push({
			kind: 'parallel',
			size: options.parallel.size,
			shape: 'onePair',
			executions: options.parallel.executions,
			concurrency: options.concurrency,
		});
	}
	if (options.perRequestCost) {
		rows.push({
			kind: 'node',
			size: options.perRequestCost,
			shape: 'onePair',
			batchSize: 1000,
			concurrency: options.concurrency,
			sweep: true,
			repeats: options.repeats,
		});
	}
	for (const size of options.sweep?.sizes ?? []) {
		for (const concurrency of options.sweep?.concurrencies ?? [])
			rows.push({ kind: 'node', size, shape: 'onePair', concurrency, sweep: true });
	}
	return rows;
}
