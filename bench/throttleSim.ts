/**
 * n8n queue mode sharing one HubSpot rolling window, in virtual time. The node's own transport
 * (`createTransport`, `sendWithRetries`, its throttle and `runPool`, imported as they ship) runs against
 * a simulated HubSpot that decides like HubSpot (at most `rateMax` requests accepted in any
 * `rateIntervalMs`; a refused request is not counted) and answers with its rate-limit headers after
 * `latencyMs`. Executions come from a queue as n8n's workers take them: the main process takes the
 * webhook calls one after another (`enqueueGapMs`), `slots` executions run at once (workers × their
 * concurrency), each starts its first request `startupMs` after it got its slot and gives the slot back
 * `finishMs` after its last answer. A fake clock (@sinonjs/fake-timers) moves `Date`, `setTimeout` and
 * n8n's `sleep` together, and `Math.random` is seeded, so a scenario gives the same figures every time.
 */
import FakeTimers from '@sinonjs/fake-timers';
import type { IExecuteFunctions } from 'n8n-workflow';

import { DEFAULT_CONCURRENCY } from '../nodes/HubSpotAssociations/helpers/options';
import { runPool } from '../nodes/HubSpotAssociations/helpers/runPool';
import { createTransport, sendWithRetries } from '../nodes/HubSpotAssociations/transport/send';
import { perfectPacing, type PacedCall } from '../scripts/perfectPacing';

export interface Scenario {
	calls: number;
	requestsPerCall: number;
	rateMax: number;
	rateIntervalMs: number;
	/** HubSpot's round trip for one request. */
	latencyMs: number;
	/** Executions running at once: n8n workers × their concurrency. */
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
	seed: number;
}

/**
 * n8n's side as `npm run test:scale` meets it on a 2-core machine (2 workers × concurrency 5, n8n 2.40),
 * read off its `--timeline` output: the first request 0.8–1.4 s after the calls are fired, executions
 * starting about 85–100 ms apart, 110–150 ms from an execution's last answer to the webhook's reply, and
 * the emulator on loopback answering in 1–2 ms.
 */
export const QUEUE_DEFAULTS: Omit<
	Scenario,
	'calls' | 'requestsPerCall' | 'rateMax' | 'rateIntervalMs' | 'seed'
> = {
	latencyMs: 2,
	slots: 10,
	enqueueGapMs: 85,
	startupMs: 800,
	finishMs: 150,
	concurrency: DEFAULT_CONCURRENCY,
};

export interface Outcome {
	totalMs: number;
	/** The same calls under a throttle that knew when every slot of the window frees (scripts/perfectPacing.ts). */
	perfectMs: number;
	/** HubSpot's floor: a full window at once, then one request per freed slot. */
	boundMs: number;
	requests: number;
	rateLimited: number;
	failedExecutions: number;
	/** Requests an execution needed that HubSpot never accepted. */
	lostRequests: number;
	/** Every request as HubSpot saw it: which call, when it arrived, whether it was accepted. */
	timeline: Array<{ call: number; at: number; ok: boolean }>;
	/** Per call: when it got a worker slot and when it gave it back. */
	calls: Array<{ startedAt: number; endAt: number }>;
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
	arrive(now: number, call: number): { ok: boolean; remaining: number } {
		const { rateMax, rateIntervalMs } = this.scenario;
		this.requests++;
		while (this.accepted.length > 0 && this.accepted[0] <= now - rateIntervalMs)
			this.accepted.shift();
		const ok = this.accepted.length < rateMax;
		if (ok) this.accepted.push(now);
		else this.rateLimited++;
		this.timeline.push({ call, at: now, ok });
		return { ok, remaining: rateMax - this.accepted.length };
	}
}

/** Runs one scenario to the end in virtual time. */
export async function simulate(scenario: Scenario): Promise<Outcome> {
	const random = Math.random;
	Math.random = seeded(scenario.seed);
	const clock = FakeTimers.install({
		now: 0,
		toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'],
	});
	try {
		return await run(scenario, clock);
	} finally {
		clock.uninstall();
		Math.random = random;
	}
}

async function run(scenario: Scenario, clock: FakeTimers.InstalledClock): Promise<Outcome> {
	const { rateMax, rateIntervalMs, latencyMs } = scenario;
	const window = new Window(scenario);
	const headers = (remaining: number) => ({
		'x-hubspot-ratelimit-max': String(rateMax),
		'x-hubspot-ratelimit-remaining': String(remaining),
		'x-hubspot-ratelimit-interval-milliseconds': String(rateIntervalMs),
	});
	const answerFor = (call: number) => async () => {
		const verdict = window.arrive(Date.now(), call);
		await new Promise((resolve) => setTimeout(resolve, latencyMs));
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
	const contextFor = (call: number) =>
		({
			helpers: { httpRequestWithAuthentication: answerFor(call) },
			getNode: () => ({ name: 'HubSpot Associations' }),
		}) as unknown as IExecuteFunctions;
	const connection = {
		authentication: 'appToken' as const,
		credentialType: 'hubSpotAssociationsAppTokenApi',
		baseUrl: 'http://hubspot.sim',
		secrets: [],
	};

	const calls: PacedCall[] = [];
	const slotsHeld: Outcome['calls'] = [];
	let failedExecutions = 0;
	let lostRequests = 0;
	let freeSlots = scenario.slots;
	const waiting: Array<() => void> = [];
	const execute = async (c: number) => {
		await new Promise((resolve) =>
			setTimeout(resolve, (scenario.initialDelayMs ?? 0) + c * scenario.enqueueGapMs),
		);
		if (freeSlots > 0) freeSlots--;
		else await new Promise<void>((resolve) => waiting.push(resolve));
		const startedAt = Date.now();
		await new Promise((resolve) => setTimeout(resolve, scenario.startupMs));
		const transport = createTransport(contextFor(c), connection, {});
		transport.throttle.expectRequests(scenario.requestsPerCall);
		const call: PacedCall = { readyAt: Number.NaN, endAt: 0, lastRequestAt: 0, requests: 0 };
		let failed = 0;
		await runPool(scenario.requestsPerCall, scenario.concurrency, async () => {
			const sent = await sendWithRetries(transport, {
				method: 'POST',
				path: '/crm/v4/associations/contacts/companies/batch/archive',
				body: {},
			});
			if ('notSent' in sent || sent.verdict.kind !== 'success') {
				failed++;
				return;
			}
			call.lastRequestAt = Math.max(call.lastRequestAt, sent.exchange.sentAt.getTime());
			call.requests++;
		});
		await new Promise((resolve) => setTimeout(resolve, scenario.finishMs));
		call.endAt = Date.now();
		if (failed > 0) failedExecutions++;
		lostRequests += failed;
		calls[c] = call;
		slotsHeld[c] = { startedAt, endAt: call.endAt };
		const next = waiting.shift();
		if (next) next();
		else freeSlots++;
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
	// As the scale test has it: a call could send from its first request, refused or not.
	for (const entry of window.timeline)
		if (!(calls[entry.call].readyAt <= entry.at)) calls[entry.call].readyAt = entry.at;
	const accepted = calls.reduce((n, c) => n + c.requests, 0);
	const complete = calls.filter((c) => !Number.isNaN(c.readyAt));
	return {
		totalMs: calls.reduce((t, c) => Math.max(t, c.endAt), 0),
		perfectMs: perfectPacing(complete, rateMax, rateIntervalMs, scenario.slots).totalMs,
		boundMs: (Math.ceil(accepted / rateMax) - 1) * rateIntervalMs,
		requests: window.requests,
		rateLimited: window.rateLimited,
		failedExecutions,
		lostRequests,
		timeline: window.timeline,
		calls: slotsHeld,
	};
}
