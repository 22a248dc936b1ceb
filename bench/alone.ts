/**
 * `npm run bench -- --alone`: one execution alone on the account, across HubSpot's windows. Issue 30's
 * target "One execution alone": within 1.10 × the rate-limit bound and no 429 for windows from 1 s to
 * 10 s and 10 to 190 requests per window. Each cell is one execution of Manual Trigger → items → the
 * node (default options, one pair per item, 100 pairs per request) with five windows' worth of
 * requests: the first window's burst, then four windows of one request per freed place, so that the
 * bound is four windows and every place is taken again four times. `--rate-max` and
 * `--rate-interval-ms` take lists here (default 10,20,100,190 and 1000,10000; 20 per 1 s is the
 * cell the issue measured a regression on), `--latency-ms` the emulator's latency (default 30 ms).
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

export interface AloneCell {
	rateMax: number;
	rateIntervalMs: number;
	row: RowResult;
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
		results.push({ rateMax, rateIntervalMs, row });
		process.stdout.write(
			`[${i + 1}/${cells.length}] ${rateMax} per ${rateIntervalMs / 1000} s, ${row.size} pairs: ${(row.wallMs / 1000).toFixed(2)} s, ${verdictOf(row)}\n`,
		);
	}
	return results;
}

function timesBound(row: RowResult): number {
	return row.wallMs / row.boundMs;
}

function passes(row: RowResult): boolean {
	return (
		timesBound(row) <= MAX_TIMES_BOUND &&
		row.rateLimited === 0 &&
		row.lost + row.duplicated + row.failed + row.misplaced === 0
	);
}

function verdictOf(row: RowResult): string {
	return `${timesBound(row).toFixed(3)} × bound, ${row.rateLimited} × 429, ${passes(row) ? 'pass' : 'FAIL'}`;
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
		'lost',
		'dup',
		'failed',
		`≤ ${MAX_TIMES_BOUND} × bound, 0 × 429`,
	];
	const s = (ms: number) => (ms / 1000).toFixed(2);
	const lines = cells.map(({ rateMax, rateIntervalMs, row }) => [
		`${rateMax} per ${rateIntervalMs / 1000} s`,
		String(row.size),
		String(row.requests),
		String(row.rateLimited),
		s(row.wallMs),
		s(row.boundMs),
		timesBound(row).toFixed(3),
		(row.sendMs / row.boundMs).toFixed(3),
		String(row.lost),
		String(row.duplicated),
		String(row.failed),
		passes(row) ? 'pass' : '**FAIL**',
	]);
	return markdownTable(header, lines, new Set(header.map((_, i) => i).filter((i) => i >= 1)));
}

export function aloneNotes(cells: AloneCell[], latencyMs: number): string[] {
	const failed = cells.filter((cell) => !passes(cell.row)).length;
	return [
		`One execution alone, ${latencyMs} ms latency, 100 pairs per request, default options; time/bound is the whole run (engine, reading the items, output) against max(0, requests − max) / max × window; requests/bound is from the first request reaching the emulator to the last answer.`,
		failed === 0 ? 'Every cell meets the target.' : `${failed} cell(s) miss the target.`,
	];
}

export function aloneFailures(cells: AloneCell[]): number {
	return cells.filter((cell) => !passes(cell.row)).length;
}
