/**
 * One benchmark row: a fresh emulator account (empty window, seeded pairs), one way of doing the
 * workload, measured; then the emulator's counts say what was sent, refused and left behind.
 */
import type { EmulatorSettings } from '../test/emulator/settings';
import type { EmulatorControl } from './emulator';
import { measure } from './measure';
import {
	runNode,
	runOfficialClient,
	runPassThrough,
	tallyNodeOutput,
	type ItemTally,
} from './runners';
import { makeWorkload, type Shape, type Workload } from './workloads';

export interface BenchSettings {
	/** The emulator's rolling window: `rateMax` requests per `rateIntervalMs`. */
	rateMax: number;
	rateIntervalMs: number;
	/** Fixed delay before every answer. */
	latencyMs: number;
	/** Pairs per request (the node's Batch Size and the official client's chunk). */
	batchSize: number;
}

/** HubSpot's own limit for a Free/Starter private app, which the bench's window speeds up. */
export const HUBSPOT_RATE = { max: 100, intervalMs: 10_000 };

/** How many times faster the bench's window lets requests through than HubSpot's: time runs this much faster. */
export function timeScale(settings: BenchSettings): number {
	return settings.rateMax / settings.rateIntervalMs / (HUBSPOT_RATE.max / HUBSPOT_RATE.intervalMs);
}

export type RowKind = 'node' | 'perItem' | 'official' | 'officialScaled' | 'parallel';

export const KIND_LABEL: Record<RowKind, string> = {
	node: 'node',
	perItem: 'one request per item',
	official: 'official client',
	officialScaled: 'official client, time-scaled',
	parallel: 'node, executions in parallel',
};

export interface RowSpec {
	kind: RowKind;
	/** Items per execution. */
	size: number;
	shape: Shape;
	/** The node's Concurrency option; undefined = its default. */
	concurrency?: number;
	/** Executions side by side (parallel rows). */
	executions?: number;
	/** A row of the concurrency sweep or a diagnostic (not one of the main rows the targets are checked on). */
	sweep?: boolean;
	/** Pairs per request for this row instead of the settings' (a diagnostic row). */
	batchSize?: number;
	/** Run the row this many times and report the median (see repeats.ts); 1 when unset. */
	repeats?: number;
}

export interface RowResult extends RowSpec {
	items: number;
	pairs: number;
	requests: number;
	rateLimited: number;
	wallMs: number;
	/** HubSpot's floor for the requests this approach needs: max(0, M - R) / R × W. */
	boundMs: number;
	/** CPU time of the whole run (engine, item feed, node; or the official client). */
	cpuMs: number;
	/** CPU time of the same workflow with a pass-through node instead: the engine and item feed alone. */
	engineCpuMs: number;
	/** The node's own CPU time per item: (cpuMs - engineCpuMs) / items. */
	cpuUsPerItem: number;
	heapBeforeMB: number;
	peakHeapMB: number;
	/** Pairs still associated afterwards + input items without an output item. */
	lost: number;
	/** Output items beyond one per input item + pairs sent again after they were removed. */
	duplicated: number;
	/** Items that came out with an error (or whose request failed). */
	failed: number;
	/** Output items not at their input item's position. */
	misplaced: number;
	maxConcurrent: number;
	/** From the start of the run to the first request reaching HubSpot: reading and planning the items. */
	beforeFirstMs: number;
	/** From the first request reaching HubSpot to the last one (plus one latency for its answer). */
	sendMs: number;
	/** From the last answer to the end of the run: the output items. */
	afterLastMs: number;
	error?: string;
}

const MB = 1024 * 1024;

/** Requests an approach needs: one per pair for the per-item approach, batches of `batchSize` otherwise. */
export function requestsNeeded(spec: RowSpec, settings: BenchSettings): number {
	const perExecution =
		spec.kind === 'perItem'
			? spec.size
			: Math.ceil(spec.size / (spec.batchSize ?? settings.batchSize));
	return perExecution * (spec.executions ?? 1);
}

export function rateLimitBoundMs(requests: number, settings: BenchSettings): number {
	return (Math.max(0, requests - settings.rateMax) / settings.rateMax) * settings.rateIntervalMs;
}

/** The emulator as a row runs against it: the benchmark's window and latency, and the answer its client takes. */
export function emulatorSettings(
	settings: BenchSettings,
	official: boolean,
): Partial<EmulatorSettings> {
	return {
		rateLimit: { max: settings.rateMax, intervalMs: settings.rateIntervalMs },
		latencyMs: settings.latencyMs,
		// The official client only takes a 204 from archive; the node gets HubSpot's other answer, a
		// 200 with a BatchResponse, which is more for it to read.
		archiveResponse: official ? '204' : '200',
		logLimit: 2_000_000,
	};
}

/** `prepare` runs after seeding, before the measured run (the test suite uses it to inject faults). */
export async function runRow(
	control: EmulatorControl,
	spec: RowSpec,
	settings: BenchSettings,
	prepare?: (control: EmulatorControl) => Promise<void>,
): Promise<RowResult> {
	const executions = spec.executions ?? 1;
	const official = spec.kind === 'official' || spec.kind === 'officialScaled';
	await control.reset();
	await control.settings(emulatorSettings(settings, official));
	const workloads: Workload[] = [];
	for (let e = 0; e < executions; e++)
		workloads.push(makeWorkload(spec.size, spec.shape, e * 100_000_000));
	for (const workload of workloads) await control.seed(workload.pairs);
	await prepare?.(control);

	const baseUrl = control.baseUrl;
	const measured = await measure(async (): Promise<ItemTally[]> => {
		if (official) {
			return [
				await runOfficialClient(baseUrl, workloads[0], {
					timeScale: spec.kind === 'officialScaled' ? timeScale(settings) : 1,
				}),
			];
		}
		const options = {
			concurrency: spec.concurrency,
			batchSize: spec.kind === 'perItem' ? 1 : (spec.batchSize ?? settings.batchSize),
		};
		const runs = await Promise.all(
			workloads.map(async (workload) => await runNode(baseUrl, workload, options)),
		);
		return runs.map((run, e) => tallyNodeOutput(workloads[e].size, run.output, run.error));
	});

	// The engine's share: the same items through a pass-through node (no HubSpot involved).
	const engine = official
		? undefined
		: await measure(
				async () =>
					await Promise.all(workloads.map(async (workload) => await runPassThrough(workload))),
			);

	const stats = await control.stats();
	const left = await control.count();
	const pairs = workloads.reduce((n, w) => n + w.pairs.length, 0);
	let sentPairs = 0;
	for (const entry of stats.log)
		if (entry.route === 'batch/archive' && entry.status >= 200 && entry.status < 300)
			sentPairs += entry.pairs ?? 0;
	const tallies = measured.result;
	const sum = (key: 'failed' | 'missing' | 'duplicated' | 'misplaced') =>
		tallies.reduce((n, t) => n + t[key], 0);
	const items = spec.size * executions;
	let firstAt = Number.POSITIVE_INFINITY;
	let lastAt = Number.NEGATIVE_INFINITY;
	for (const entry of stats.log) {
		if (entry.at < firstAt) firstAt = entry.at;
		if (entry.at > lastAt) lastAt = entry.at;
	}
	if (stats.log.length === 0) [firstAt, lastAt] = [measured.startedAt, measured.endedAt];
	else lastAt += settings.latencyMs;
	return {
		...spec,
		executions,
		items,
		pairs,
		requests: stats.requests,
		rateLimited: stats.rateLimited,
		wallMs: measured.wallMs,
		boundMs: rateLimitBoundMs(requestsNeeded(spec, settings), settings),
		cpuMs: measured.cpuMs,
		engineCpuMs: engine?.cpuMs ?? 0,
		cpuUsPerItem: ((measured.cpuMs - (engine?.cpuMs ?? 0)) * 1000) / items,
		heapBeforeMB: measured.heapBeforeBytes / MB,
		peakHeapMB: measured.peakHeapBytes / MB,
		lost: left + sum('missing'),
		duplicated: sum('duplicated') + Math.max(0, sentPairs - pairs),
		failed: sum('failed'),
		misplaced: sum('misplaced'),
		maxConcurrent: stats.maxConcurrent,
		beforeFirstMs: firstAt - measured.startedAt,
		sendMs: lastAt - firstAt,
		afterLastMs: measured.endedAt - lastAt,
		error: tallies.find((t) => t.error)?.error,
	};
}
