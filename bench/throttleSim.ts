/**
 * n8n queue mode sharing one HubSpot rolling window, in virtual time. The node's own code runs as it
 * ships: each execution makes its transport (`createTransport`) and hands its batches to the shared
 * batch queue (`sendQueued`, as helpers/executeBatched.ts does, with `runPool` and the node's
 * Concurrency), which forms the requests and paces them with the credential's one throttle per
 * process (transport/pace.ts). The simulated HubSpot decides like HubSpot (at most `rateMax` requests
 * accepted in any `rateIntervalMs`; a refused request is not counted) and answers with its
 * rate-limit headers after `latencyMs`.
 *
 * Processes: every n8n worker is its own Node.js process, with its own pace and queue for the
 * credential. Here all run in one process, so each worker gets a credential id of its own: the
 * node's module-level maps then hold one pace and one queue per worker, as n8n's workers have them,
 * and the workers meet only in HubSpot's window and its headers.
 *
 * Executions come from a queue as n8n's workers take them: the main process takes the webhook calls
 * one after another (`enqueueGapMs`); each worker runs up to `slots / workers` executions at once and
 * a queued execution goes to the slot that has been free longest (Bull's workers wait for jobs with
 * one blocking Redis command per free slot, and Redis serves the longest waiting first). An
 * execution starts its first request `startupMs` after it got its slot and gives the slot back
 * `finishMs` after its last answer. A fake clock (@sinonjs/fake-timers) moves `Date`, `setTimeout`
 * and n8n's `sleep` together, and `Math.random` is seeded, so a scenario gives the same figures
 * every time.
 */
import FakeTimers from '@sinonjs/fake-timers';
import type { IExecuteFunctions, IHttpRequestOptions } from 'n8n-workflow';

import { archiveEndpoint } from '../nodes/HubSpotAssociations/helpers/archiveEndpoint';
import { sendQueued, withdrawWaiting } from '../nodes/HubSpotAssociations/helpers/batchQueue';
import { DEFAULT_CONCURRENCY } from '../nodes/HubSpotAssociations/helpers/options';
import type { Unit } from '../nodes/HubSpotAssociations/helpers/planBatches';
import { runPool } from '../nodes/HubSpotAssociations/helpers/runPool';
import { createTransport, type Transport } from '../nodes/HubSpotAssociations/transport/send';
import { perfectPacing, type PacedCall } from '../scripts/perfectPacing';

export interface Scenario {
	calls: number;
	/** Pairs each execution archives (one item, one from id). */
	pairsPerCall: number;
	/** The node's Batch Size option: most pairs in a request. */
	batchSize: number;
	rateMax: number;
	rateIntervalMs: number;
	/** HubSpot's round trip for one request. */
	latencyMs: number;
	/** n8n worker processes: each has its own pace and batch queue. */
	workers: number;
	/** Executions running at once, over all workers: n8n workers × their concurrency. */
	slots: number;
	/** n8n main takes the webhook calls one after another, this far apart. */
	enqueueGapMs: number;
	/** From the calls being fired to n8n main queueing the first (0 unless told). */
	initialDelayMs?: number;
	/** From a worker taking an execution to the node's first request. */
	startupMs: number;
	/** From the node's last answer to the worker's slot being free again. */
	finishMs: number;
	/** The node's Concurrency option. */
	concurrency: number;
	/**
	 * The node's Share Requests With Other Executions option: off, each execution sends its own
	 * requests (through its worker's one pace).
	 */
	shareRequests: boolean;
	seed: number;
}

/**
 * n8n's side as `npm run test:scale` meets it on a 2-core machine (2 workers × concurrency 5, n8n 2.40),
 * read off its `--timeline` output: the first request 0.8–1.4 s after the calls are fired, executions
 * starting about 85–100 ms apart, 110–150 ms from an execution's last answer to the webhook's reply, and
 * the emulator on loopback answering in 1–2 ms. The node's options at their defaults.
 */
export const QUEUE_DEFAULTS: Omit<
	Scenario,
	'calls' | 'pairsPerCall' | 'rateMax' | 'rateIntervalMs' | 'seed'
> = {
	batchSize: 100,
	latencyMs: 2,
	workers: 2,
	slots: 10,
	enqueueGapMs: 85,
	startupMs: 800,
	finishMs: 150,
	concurrency: DEFAULT_CONCURRENCY,
	shareRequests: true,
};

export interface Outcome {
	totalMs: number;
	/**
	 * The same calls under a throttle that knew when every slot of the window frees
	 * (scripts/perfectPacing.ts), each call sending the requests it needs alone: a queue that packs
	 * several executions' pairs into one request can beat it.
	 */
	perfectMs: number;
	/** The same calls with the node taking no time at all (n8n's No Op node in its place). */
	n8nAloneMs: number;
	/** HubSpot's floor: a full window at once, then one request per freed slot. */
	boundMs: number;
	requests: number;
	rateLimited: number;
	/** Pairs in the requests HubSpot accepted. */
	acceptedPairs: number;
	failedExecutions: number;
	/** Pairs an execution handed in that HubSpot never accepted. */
	lostPairs: number;
	/**
	 * Every request as HubSpot saw it: when it arrived, whether it was accepted, its pairs, and the
	 * calls whose pairs it carried.
	 */
	timeline: Array<{ at: number; ok: boolean; pairs: number; calls: number[] }>;
	/** Per call: the worker that ran it, when it got a worker slot and when it gave it back. */
	calls: Array<{ worker: number; startedAt: number; endAt: number }>;
}

/** A small, fast, seeded generator (mulberry32): the same scenario, the same draws. */
export function seeded(seed: number): () => number {
	let state = seed >>> 0;
	return () => {
		state = (state + 0x6d2b79f5) >>> 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

/** HubSpot's rolling window, as the account sees it. */
class Window {
	private readonly accepted: number[] = [];

	requests = 0;

	rateLimited = 0;

	constructor(private readonly scenario: Scenario) {}

	readonly timeline: Outcome['timeline'] = [];

	/** The answer to a request arriving now: accepted or not, with the headers HubSpot sends. */
	arrive(now: number, pairs: number, calls: number[]): { ok: boolean; remaining: number } {
		const { rateMax, rateIntervalMs } = this.scenario;
		this.requests++;
		while (this.accepted.length > 0 && this.accepted[0] <= now - rateIntervalMs)
			this.accepted.shift();
		const ok = this.accepted.length < rateMax;
		if (ok) this.accepted.push(now);
		else this.rateLimited++;
		this.timeline.push({ at: now, ok, pairs, calls });
		return { ok, remaining: rateMax - this.accepted.length };
	}
}

/**
 * When the last call would end if the node took no time: n8n's own cost of the burst (queueing,
 * start-up, finish), each call on the first slot to free.
 */
export function n8nAloneMs(scenario: Omit<Scenario, 'seed'>): number {
	const free: number[] = new Array<number>(scenario.slots).fill(0);
	let end = 0;
	for (let c = 0; c < scenario.calls; c++) {
		const queued = (scenario.initialDelayMs ?? 0) + c * scenario.enqueueGapMs;
		const slot = free.indexOf(Math.min(...free));
		free[slot] = Math.max(queued, free[slot]) + scenario.startupMs + scenario.finishMs;
		end = Math.max(end, free[slot]);
	}
	return end;
}

/** Each run's workers get credential ids of their own: no pace or queue is carried from a run. */
let runs = 0;

/** Runs one scenario to the end in virtual time. */
export async function simulate(scenario: Scenario): Promise<Outcome> {
	const random = Math.random;
	Math.random = seeded(scenario.seed);
	const clock = FakeTimers.install({
		now: 0,
		toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'],
	});
	try {
		return await run(scenario, clock, ++runs);
	} finally {
		clock.uninstall();
		Math.random = random;
	}
}

const delay = async (ms: number) => await new Promise((resolve) => setTimeout(resolve, ms));

/** Worker slots, handed out to queued executions in order, each the one free longest. */
class Slots {
	private readonly free: number[] = [];
	private readonly waiting: Array<(worker: number) => void> = [];

	constructor(scenario: Scenario) {
		const perWorker = Math.max(1, Math.round(scenario.slots / scenario.workers));
		for (let s = 0; s < perWorker; s++)
			for (let w = 0; w < scenario.workers; w++) this.free.push(w);
		// Which worker's slots asked Redis first depends on when each worker started.
		for (let i = this.free.length - 1; i > 0; i--) {
			const j = Math.floor(Math.random() * (i + 1));
			[this.free[i], this.free[j]] = [this.free[j], this.free[i]];
		}
	}

	async take(): Promise<number> {
		const worker = this.free.shift();
		if (worker !== undefined) return worker;
		return await new Promise<number>((resolve) => this.waiting.push(resolve));
	}

	give(worker: number): void {
		const next = this.waiting.shift();
		if (next) next(worker);
		else this.free.push(worker);
	}
}

async function run(
	scenario: Scenario,
	clock: FakeTimers.InstalledClock,
	runId: number,
): Promise<Outcome> {
	const { rateMax, rateIntervalMs, latencyMs, pairsPerCall, batchSize, concurrency } = scenario;
	const window = new Window(scenario);
	/** Per call, as HubSpot saw it: its pairs in accepted requests. */
	const acceptedOf: number[] = new Array<number>(scenario.calls).fill(0);
	const headers = (remaining: number) => ({
		'x-hubspot-ratelimit-max': String(rateMax),
		'x-hubspot-ratelimit-remaining': String(remaining),
		'x-hubspot-ratelimit-interval-milliseconds': String(rateIntervalMs),
	});
	// batch/archive answers 204 without a body; a 429 as HubSpot's ten-secondly limit words it.
	const answer = async (_credentialType: string, request: IHttpRequestOptions) => {
		const now = Date.now();
		const inputs = (request.body as { inputs: Array<{ from: { id: string }; to: unknown[] }> })
			.inputs;
		const verdict = window.arrive(
			now,
			inputs.reduce((n, input) => n + input.to.length, 0),
			[...new Set(inputs.map((input) => Number(input.from.id)))],
		);
		if (verdict.ok)
			for (const input of inputs) acceptedOf[Number(input.from.id)] += input.to.length;
		await delay(latencyMs);
		if (verdict.ok) return { statusCode: 204, headers: headers(verdict.remaining), body: '' };
		const body = {
			status: 'error',
			message: 'You have reached your ten_secondly_rolling limit.',
			errorType: 'RATE_LIMIT',
			policyName: 'TEN_SECONDLY_ROLLING',
		};
		throw Object.assign(new Error('Request failed with status code 429'), {
			response: { status: 429, headers: headers(verdict.remaining), data: body },
		});
	};
	const connection = {
		authentication: 'appToken' as const,
		credentialType: 'hubSpotAssociationsAppTokenApi',
		baseUrl: 'http://hubspot.sim',
		secrets: [],
	};
	// n8n gives every execution a cancel signal; the node's queue watches it while a batch waits.
	const neverCancelled = new AbortController().signal;
	const contextFor = (worker: number) =>
		({
			getInputData: () => [],
			getExecutionCancelSignal: () => neverCancelled,
			getNode: () => ({
				name: 'HubSpot Associations',
				credentials: { [connection.credentialType]: { id: `run${runId}-worker${worker}` } },
			}),
			helpers: { httpRequestWithAuthentication: answer },
		}) as unknown as IExecuteFunctions;
	const endpoint = archiveEndpoint('v4', {
		fromObjectType: 'contacts',
		toObjectType: 'companies',
	});

	/** The node's write phase as helpers/executeBatched.ts has it; true when a batch failed. */
	const runNode = async (transport: Transport, batches: Unit[][]): Promise<boolean> => {
		if (transport.queueKey === undefined) transport.throttle.expectRequests(batches.length);
		let anyFailed = false;
		try {
			await runPool(
				batches.length,
				concurrency,
				async (b) => {
					const outcome = await sendQueued(transport, endpoint, batches[b], batchSize, concurrency);
					if (outcome?.parts.some((part) => part.failure)) {
						anyFailed = true;
						withdrawWaiting(transport);
					}
				},
				() => transport.halted !== undefined || anyFailed,
			);
		} catch {
			anyFailed = true;
		} finally {
			transport.release();
		}
		return anyFailed;
	};

	const slots = new Slots(scenario);
	const paced: PacedCall[] = [];
	const held: Outcome['calls'] = [];
	let failedExecutions = 0;
	const execute = async (c: number) => {
		await delay((scenario.initialDelayMs ?? 0) + c * scenario.enqueueGapMs);
		const worker = await slots.take();
		const startedAt = Date.now();
		await delay(scenario.startupMs);
		const readyAt = Date.now();
		// One item: one from id (the call's number, which tells HubSpot's side whose pairs it takes).
		const units: Unit[] = Array.from({ length: pairsPerCall }, (_, k) => ({
			from: String(c),
			to: String(k),
		}));
		const batches: Unit[][] = [];
		for (let at = 0; at < units.length; at += batchSize)
			batches.push(units.slice(at, at + batchSize));
		const transport = createTransport(contextFor(worker), connection, {}, scenario.shareRequests);
		if (await runNode(transport, batches)) failedExecutions++;
		await delay(scenario.finishMs);
		const endAt = Date.now();
		paced[c] = {
			readyAt,
			endAt,
			// Perfect pacing keeps only n8n's side after the last request (the answer, the finish): any
			// wait of the node's between its last answer and its end counts against the node.
			lastRequestAt: endAt - scenario.finishMs - latencyMs,
			requests: batches.length,
		};
		held[c] = { worker, startedAt, endAt };
		slots.give(worker);
	};

	let done = false;
	const all = Promise.all(Array.from({ length: scenario.calls }, (_, c) => execute(c))).then(() => {
		done = true;
	});
	// Every request, retry and wait is a timer: step from one to the next until every call has ended.
	for (let step = 0; !done; step++) {
		if (step > 50_000_000) throw new Error('the simulation did not end');
		await clock.nextAsync();
	}
	await all;
	const accepted = window.timeline.filter((entry) => entry.ok);
	const lostPairs = acceptedOf.reduce((n, pairs) => n + Math.max(0, pairsPerCall - pairs), 0);
	return {
		totalMs: paced.reduce((t, c) => Math.max(t, c.endAt), 0),
		perfectMs: perfectPacing(paced, rateMax, rateIntervalMs, scenario.slots).totalMs,
		n8nAloneMs: n8nAloneMs(scenario),
		boundMs: (Math.ceil(accepted.length / rateMax) - 1) * rateIntervalMs,
		requests: window.requests,
		rateLimited: window.rateLimited,
		acceptedPairs: accepted.reduce((n, entry) => n + entry.pairs, 0),
		failedExecutions,
		lostPairs,
		timeline: window.timeline,
		calls: held,
	};
}
