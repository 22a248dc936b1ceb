/**
 * `npm run bench -- --alone`: one execution alone on the account, across HubSpot's windows. Issue 30's
 * target "One execution alone": within 1.10 × the rate-limit bound and no 429 for windows from 1 s to
 * 10 s and 10 to 190 requests per window. Each cell is one execution of Manual Trigger → items → the
 * node (default options, one pair per item, 100 pairs per request) with five windows' worth of
 * requests: the first window's burst, then four windows of one request per freed place, so that the
 * bound is four windows and every place is taken again four times. `--rate-max` and
 * `--rate-interval-ms` take lists here (default 10,20,100,190 and 1000,10000; 20 per 1 s is the
 * cell the issue measured a regression on), `--latency-ms` the emulator's latency (default 30 ms).
 * Each cell's workload also runs once against the emulator with a window too large to reach: when
 * that takes longer than the bound, the machine (the node through n8n's engine, the emulator, both
 * on loopback) cannot send that many requests per window at all, and the cell says so instead of
 * judging the pace. Otherwise the cell is judged against the bound on this machine: the bound plus
 * what the unlimited run spends before its first request, on a window's worth of requests and after
 * its last answer. The bound alone takes a window's requests as sent in no time; at 100 and more
 * per second, with the node's Concurrency of 20 and 30 ms a round trip, the first window's burst
 * takes this machine a quarter of a second, and a rolling window repeats that spread in every
 * window after it, however well the pace does. Both ratios are in the table.
 */
import type { EmulatorControl } from './emulator';
import { markdownTable } from './markdown';
import { combineRuns } from './repeats';
import { runRow, type BenchSettings, type RowResult } from './rows';

export const ALONE_DEFAULTS = {
	rateMaxes: [10, 20, 100, 190],
	intervalsMs: [1_000, 10_000],
	latencyMs: 30,
};

/** Windows' worth of requests in a cell: the first window's burst and four more. */
const WINDOWS_OF_REQUESTS = 5;
const MAX_TIMES_BOUND = 1.1;

/** A window no workload here reaches: HubSpot's headers still come, the pace never waits. */
const UNREACHABLE_MAX = 1_000_000;

export interface AloneCell {
	rateMax: number;
	rateIntervalMs: number;
	row: RowResult;
	/** The same workload against a window too large to reach: what the machine itself takes. */
	unlimitedMs: number;
	/**
	 * What a perfect pace takes on this machine: the bound, plus what the unlimited run took before
	 * its first request, to send the first window's worth (a window's requests cannot go faster
	 * than that, and each later window repeats the first one's spread), and after its last answer.
	 */
	machineBoundMs: number;
}

export function aloneCells(
	rateMaxes: number[],
	intervalsMs: number[],
): Array<{ rateMax: number; rateIntervalMs: number }> {
	const cells = [];
	for (const rateIntervalMs of intervalsMs)
		for (const rateMax of rateMaxes) cells.push({ rateMax, rateIntervalMs });
	return cells;
}

/** Runs every cell (each `repeats` times: the median time, the worst 429s) and prints a line each. */
export async function runAlone(
	control: EmulatorControl,
	cells: Array<{ rateMax: number; rateIntervalMs: number }>,
	options: { latencyMs: number; batchSize: number; repeats: number; concurrency?: number },
): Promise<AloneCell[]> {
	const results: AloneCell[] = [];
	for (const [i, { rateMax, rateIntervalMs }] of cells.entries()) {
		const settings: BenchSettings = {
			rateMax,
			rateIntervalMs,
			latencyMs: options.latencyMs,
			batchSize: options.batchSize,
		};
		const spec = {
			kind: 'node' as const,
			size: WINDOWS_OF_REQUESTS * rateMax * options.batchSize,
			shape: 'onePair' as const,
			concurrency: options.concurrency,
		};
		const runs = [];
		for (let r = 0; r < options.repeats; r++) runs.push(await runRow(control, spec, settings));
		const row = runs.length > 1 ? combineRuns(runs) : runs[0];
		const unlimited = await runRow(control, spec, { ...settings, rateMax: UNREACHABLE_MAX });
		// The unlimited run sends at the machine's steady rate: a window's worth takes its share.
		const firstWindowMs = (unlimited.sendMs * Math.min(rateMax, row.requests)) / unlimited.requests;
		const machineBoundMs =
			row.boundMs +
			unlimited.beforeFirstMs +
			firstWindowMs +
			options.latencyMs +
			unlimited.afterLastMs;
		const cell = { rateMax, rateIntervalMs, row, unlimitedMs: unlimited.wallMs, machineBoundMs };
		results.push(cell);
		process.stdout.write(
			`[${i + 1}/${cells.length}] ${rateMax} per ${rateIntervalMs / 1000} s, ${row.size} pairs: ${(row.wallMs / 1000).toFixed(2)} s (${(cell.unlimitedMs / 1000).toFixed(2)} s without a reachable limit), ${verdictOf(cell)}\n`,
		);
	}
	return results;
}

function timesBound(row: RowResult): number {
	return row.wallMs / row.boundMs;
}

function timesMachineBound(cell: AloneCell): number {
	return cell.row.wallMs / cell.machineBoundMs;
}

/** The machine takes longer than the bound without any limit: the cell cannot judge the pace. */
function beyondMachine(cell: AloneCell): boolean {
	return cell.unlimitedMs > cell.row.boundMs;
}

function passes(cell: AloneCell): boolean {
	const { row } = cell;
	return (
		(timesMachineBound(cell) <= MAX_TIMES_BOUND || beyondMachine(cell)) &&
		row.rateLimited === 0 &&
		row.lost + row.duplicated + row.failed + row.misplaced === 0
	);
}

function verdict(cell: AloneCell): string {
	if (!passes(cell)) return 'FAIL';
	return beyondMachine(cell) ? 'n/a (beyond the machine), 0 × 429' : 'pass';
}

function verdictOf(cell: AloneCell): string {
	return `${timesBound(cell.row).toFixed(3)} × bound, ${timesMachineBound(cell).toFixed(3)} × bound on this machine, ${cell.row.rateLimited} × 429, ${verdict(cell)}`;
}

export function aloneTable(cells: AloneCell[]): string {
	const header = [
		'window',
		'pairs',
		'requests',
		'429s',
		'time s',
		'bound s',
		'time/bound',
		'requests/bound',
		'bound on this machine s',
		'time/bound on this machine',
		'no limit s',
		'lost',
		'dup',
		'failed',
		`≤ ${MAX_TIMES_BOUND} × bound on this machine, 0 × 429`,
	];
	const s = (ms: number) => (ms / 1000).toFixed(2);
	const lines = cells.map((cell) => [
		`${cell.rateMax} per ${cell.rateIntervalMs / 1000} s`,
		String(cell.row.size),
		String(cell.row.requests),
		String(cell.row.rateLimited),
		s(cell.row.wallMs),
		s(cell.row.boundMs),
		timesBound(cell.row).toFixed(3),
		(cell.row.sendMs / cell.row.boundMs).toFixed(3),
		s(cell.machineBoundMs),
		timesMachineBound(cell).toFixed(3),
		s(cell.unlimitedMs),
		String(cell.row.lost),
		String(cell.row.duplicated),
		String(cell.row.failed),
		passes(cell) ? verdict(cell) : '**FAIL**',
	]);
	return markdownTable(header, lines, new Set(header.map((_, i) => i).filter((i) => i >= 1)));
}

export function aloneNotes(cells: AloneCell[], latencyMs: number): string[] {
	const failed = cells.filter((cell) => !passes(cell)).length;
	return [
		`One execution alone, ${latencyMs} ms latency, 100 pairs per request, default options; time/bound is the whole run (engine, reading the items, output) against max(0, requests − max) / max × window; the bound on this machine adds what the unlimited run spent before its first request, on one window's worth of requests and after its last answer (the target is judged on it); requests/bound is from the first request reaching the emulator to the last answer; no limit is the same run against a window too large to reach: above the bound, this machine cannot send that many requests per window, and the cell is n/a for the time (its 429s still count).`,
		failed === 0 ? 'Every cell meets the target.' : `${failed} cell(s) miss the target.`,
	];
}

export function aloneFailures(cells: AloneCell[]): number {
	return cells.filter((cell) => !passes(cell)).length;
}
