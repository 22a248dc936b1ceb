/**
 * npm run bench:throttle [-- --reduced | --calls 10,40 | --one-pair 300,1000 | --unshared | --seeds N |
 * --workers N --slots N | --shares | --out DIR]
 *
 * The node's batch queue and pace in n8n queue mode at every size, in virtual time
 * (bench/throttleSim.ts: 2 workers × 5 executions, each worker with its own queue and pace):
 * executions {10, 40, 60, 120, 200} × HubSpot limits {100, 190 per 10 s} × pairs per execution {250,
 * 2,000} (3 or 20 batches of up to 100 pairs), bursts of {300, 1,000} executions of one pair each (a
 * HubSpot workflow's webhook per enrolled record) at both limits, and a stress case (40 executions of
 * 250 pairs against 20 requests per rolling second). Each cell runs with several seeds and reports
 * the worst; its time is compared with perfect pacing on the cell's own timeline (each execution's
 * own requests, unshared: sharing can beat it) and with n8n alone (the same burst with the node
 * taking no time). Targets: time ≤ 1.15 × perfect pacing, 429s ≤ 2 % of requests, nothing lost, no
 * failed execution (stress case: ≤ 1.5 × and ≤ 5 %). Exits 1 when a cell misses one. `--reduced` is
 * the grid for CI; `--unshared` runs the executions with Share Requests off (one pace per worker,
 * each execution its own requests); `--workers` and `--slots` change n8n's side (default 2 workers,
 * 10 executions at once over them: a single worker of 10 is queue mode's other common set-up).
 * `--shares` prints, under each cell, how its slowest seed split every window between the workers
 * (bench/windowShares.ts).
 * Writes the table as Markdown to bench/results/.
 * Calibration: `npm run test:scale -- --calls N` ends with the same run in this simulator, n8n's side
 * (start-up, spacing of the executions, finish) read off the real run, and real ÷ simulated.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

import { QUEUE_DEFAULTS, n8nAloneMs, simulate, type Outcome, type Scenario } from './throttleSim';
import { describeWindowShares, windowShares } from './windowShares';

interface Cell {
	name: string;
	scenario: Omit<Scenario, 'seed'>;
	maxTimeRatio: number;
	max429Share: number;
}

function cell(
	shareRequests: boolean,
	calls: number,
	rateMax: number,
	pairs: number,
	rateIntervalMs = 10_000,
	stress = false,
): Cell {
	return {
		name: `${calls} executions × ${pairs} pair${pairs === 1 ? '' : 's'}, ${rateMax} per ${rateIntervalMs / 1000} s`,
		scenario: {
			...QUEUE_DEFAULTS,
			shareRequests,
			calls,
			pairsPerCall: pairs,
			rateMax,
			rateIntervalMs,
		},
		maxTimeRatio: stress ? 1.5 : 1.15,
		max429Share: stress ? 0.05 : 0.02,
	};
}

function grid(callsList: number[], onePairList: number[], shareRequests: boolean): Cell[] {
	const cells: Cell[] = [];
	for (const calls of callsList)
		for (const rateMax of [100, 190])
			for (const pairs of [250, 2_000]) cells.push(cell(shareRequests, calls, rateMax, pairs));
	for (const calls of onePairList)
		for (const rateMax of [100, 190]) cells.push(cell(shareRequests, calls, rateMax, 1));
	cells.push(cell(shareRequests, 40, 20, 250, 1_000, true));
	return cells;
}

const FULL_CALLS = [10, 40, 60, 120, 200];
const FULL_ONE_PAIR = [300, 1_000];
const REDUCED_CALLS = [10, 60];
const REDUCED_ONE_PAIR = [300];

/** Over a cell's seeds: the slowest run against its perfect pacing, the largest 429 share, and every loss. */
function worst(outcomes: Outcome[]) {
	const ratio = (o: Outcome) => o.totalMs / Math.max(1, o.perfectMs);
	const share = (o: Outcome) => o.rateLimited / Math.max(1, o.requests);
	const slowest = outcomes.reduce((a, b) => (ratio(b) > ratio(a) ? b : a));
	const mostRefused = outcomes.reduce((a, b) => (share(b) > share(a) ? b : a));
	return {
		slowest,
		ratio: ratio(slowest),
		mostRefused,
		share: share(mostRefused),
		lost: outcomes.reduce((n, o) => n + o.lostPairs, 0),
		failedExecutions: outcomes.reduce((n, o) => n + o.failedExecutions, 0),
	};
}

async function main(): Promise<void> {
	const { values } = parseArgs({
		options: {
			reduced: { type: 'boolean' },
			calls: { type: 'string' },
			'one-pair': { type: 'string' },
			unshared: { type: 'boolean' },
			seeds: { type: 'string' },
			workers: { type: 'string' },
			slots: { type: 'string' },
			shares: { type: 'boolean' },
			out: { type: 'string' },
		},
	});
	const list = (given: string | undefined, reduced: number[], full: number[]) =>
		given !== undefined
			? given.split(',').filter(Boolean).map(Number)
			: values.reduced
				? reduced
				: full;
	const callsList = list(values.calls, REDUCED_CALLS, FULL_CALLS);
	const onePairList = list(values['one-pair'], REDUCED_ONE_PAIR, FULL_ONE_PAIR);
	const shareRequests = !values.unshared;
	const seeds = Math.max(1, Number(values.seeds ?? 6));
	const model = {
		...QUEUE_DEFAULTS,
		shareRequests,
		workers: Number(values.workers ?? QUEUE_DEFAULTS.workers),
		slots: Number(values.slots ?? QUEUE_DEFAULTS.slots),
	};
	const rows: string[] = [];
	let failed = 0;
	const header =
		'| cell | time s | perfect pacing s | time ÷ perfect | n8n alone s | time ÷ n8n alone | bound s | requests | pairs a request | 429s | lost pairs | failed executions | verdict |';
	rows.push(header, '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|');
	console.log(
		`bench:throttle: ${seeds} seed(s) a cell, the worst shown; queue model ${JSON.stringify(model)}`,
	);
	for (const c of grid(callsList, onePairList, shareRequests)) {
		c.scenario = { ...c.scenario, workers: model.workers, slots: model.slots };
		const outcomes: Outcome[] = [];
		for (let seed = 1; seed <= seeds; seed++)
			outcomes.push(await simulate({ ...c.scenario, seed }));
		const w = worst(outcomes);
		const ok =
			w.ratio <= c.maxTimeRatio &&
			w.share <= c.max429Share &&
			w.lost === 0 &&
			w.failedExecutions === 0;
		if (!ok) failed++;
		const { slowest, mostRefused } = w;
		const alone = n8nAloneMs(c.scenario);
		const accepted = slowest.requests - slowest.rateLimited;
		const seconds = (ms: number) => (ms / 1000).toFixed(1);
		const row = `| ${c.name} | ${seconds(slowest.totalMs)} | ${seconds(slowest.perfectMs)} | ${w.ratio.toFixed(2)} (≤ ${c.maxTimeRatio}) | ${seconds(alone)} | ${(slowest.totalMs / alone).toFixed(2)} | ${seconds(slowest.boundMs)} | ${slowest.requests} | ${(slowest.acceptedPairs / Math.max(1, accepted)).toFixed(1)} | ${mostRefused.rateLimited} (${(w.share * 100).toFixed(1)} %, ≤ ${c.max429Share * 100} %) | ${w.lost} | ${w.failedExecutions} | ${ok ? 'pass' : 'FAIL'} |`;
		rows.push(row);
		console.log(row);
		if (values.shares) {
			const shares = windowShares(slowest, c.scenario.rateIntervalMs, model.workers);
			for (const line of describeWindowShares(shares)) console.log(`    ${line}`);
		}
	}
	const out = values.out ?? join(__dirname, 'results');
	mkdirSync(out, { recursive: true });
	const file = join(out, `throttle-${new Date().toISOString().replace(/[:.]/g, '-')}.md`);
	writeFileSync(file, `${rows.join('\n')}\n`);
	console.log(
		`${failed === 0 ? 'every cell meets its targets' : `${failed} cell(s) miss a target`}; table written to ${file}`,
	);
	process.exitCode = failed === 0 ? 0 : 1;
}

void main();
