/**
 * A HubSpot rolling window in simulated time, for testing the transport's pacing logic without a
 * clock: the real `sendWithRetries`, `RateLimitThrottle` and `runPool` run against a fake
 * `httpRequestWithAuthentication` that decides like HubSpot (at most `max` requests accepted in any
 * `intervalMs`, refused ones not counted) and answers after `latencyMs`. Use under jest's modern fake
 * timers, which move `Date.now`, `setTimeout` and n8n's `sleep` together.
 */
import type { IExecuteFunctions } from 'n8n-workflow';

import { runPool } from '../../nodes/HubSpotAssociations/helpers/runPool';
import { createTransport, sendWithRetries } from '../../nodes/HubSpotAssociations/transport/send';

export interface SimWindow {
	max: number;
	intervalMs: number;
	latencyMs: number;
	/** Answers carry no X-HubSpot-RateLimit-* headers (a proxy strips them). */
	noHeaders?: boolean;
	/**
	 * How long after it went the nth request (from 1) reaches HubSpot and is counted; its answer still
	 * comes `latencyMs` after it went. A busy process holds some requests up before they leave, and
	 * the round trip does not show how much of it came before HubSpot counted them. 0 when unset.
	 */
	departMs?: (n: number) => number;
}

export class SimulatedHubSpot {
	/** Arrival times of accepted requests still in the window, oldest first. */
	private accepted: number[] = [];

	requests = 0;

	rateLimited = 0;

	inFlight = 0;

	maxInFlight = 0;

	/** The most requests ever accepted within one window. */
	maxInWindow = 0;

	/** Arrival time of every accepted request (for tests that look at the timeline). */
	acceptedAt: number[] = [];

	rejectedAt: number[] = [];

	constructor(readonly window: SimWindow) {}

	/** Another app on the account sends `count` requests now: they take room our headers only show later. */
	occupy(count: number): void {
		const now = Date.now();
		for (let i = 0; i < count; i++) this.accepted.push(now);
	}

	/** The fake n8n context: only the helper the transport calls. */
	context(): IExecuteFunctions {
		const helpers = {
			httpRequestWithAuthentication: async () => await this.answer(),
		};
		return { helpers } as unknown as IExecuteFunctions;
	}

	private async answer(): Promise<{
		statusCode: number;
		headers: Record<string, string>;
		body: string;
	}> {
		const { max, intervalMs, latencyMs, noHeaders, departMs } = this.window;
		const depart = Math.min(latencyMs, departMs?.(this.requests + 1) ?? 0);
		if (depart > 0) await new Promise((resolve) => setTimeout(resolve, depart));
		const now = Date.now();
		this.requests++;
		this.inFlight++;
		this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
		while (this.accepted.length > 0 && this.accepted[0] <= now - intervalMs) this.accepted.shift();
		const ok = this.accepted.length < max;
		if (ok) {
			this.accepted.push(now);
			this.acceptedAt.push(now);
			this.maxInWindow = Math.max(this.maxInWindow, this.accepted.length);
		} else {
			this.rateLimited++;
			this.rejectedAt.push(now);
		}
		const headers: Record<string, string> = noHeaders
			? {}
			: {
					'x-hubspot-ratelimit-max': String(max),
					'x-hubspot-ratelimit-remaining': String(max - this.accepted.length),
					'x-hubspot-ratelimit-interval-milliseconds': String(intervalMs),
				};
		await new Promise((resolve) => setTimeout(resolve, latencyMs - depart));
		this.inFlight--;
		if (ok) return { statusCode: 204, headers, body: '' };
		const body = {
			status: 'error',
			message: 'You have reached your ten_secondly_rolling limit.',
			errorType: 'RATE_LIMIT',
			policyName: 'TEN_SECONDLY_ROLLING',
		};
		throw Object.assign(new Error('Request failed with status code 429'), {
			response: { status: 429, headers, data: body },
		});
	}
}

export interface SimExecution {
	requests: number;
	concurrency: number;
	/** Simulated ms after the start at which this execution begins. */
	startAt?: number;
	/** Tell the throttle the request count up front, as the node does from its batch plan. */
	planned?: boolean;
}

export interface SimOptions {
	maxRetries?: number;
	/** Executions run at once at most (n8n workers × their concurrency); the rest wait for a free slot. */
	slots?: number;
}

export interface SimResult {
	/** Simulated ms from the start until every execution was done. */
	elapsedMs: number;
	/** Per execution: when it finished, and how many of its requests failed for good. */
	executions: Array<{ finishedAt: number; failed: number }>;
}

/** Runs executions side by side against one simulated account. Call with jest's fake timers on. */
export async function simulate(
	server: SimulatedHubSpot,
	executions: SimExecution[],
	options: SimOptions = {},
): Promise<SimResult> {
	const { maxRetries = 5, slots = Number.POSITIVE_INFINITY } = options;
	const start = Date.now();
	let running = 0;
	const waitingForSlot: Array<() => void> = [];
	const connection = {
		authentication: 'appToken' as const,
		credentialType: 'sim',
		baseUrl: 'http://sim',
		secrets: [],
	};
	const results: SimResult['executions'] = executions.map(() => ({ finishedAt: 0, failed: 0 }));
	const runs = executions.map(async (execution, e) => {
		if (execution.startAt) await new Promise((resolve) => setTimeout(resolve, execution.startAt));
		// A finishing execution hands its slot straight to the longest waiting one.
		if (running >= slots) await new Promise<void>((resolve) => waitingForSlot.push(resolve));
		else running++;
		const transport = createTransport(server.context(), connection, { maxRetries });
		if (execution.planned) transport.throttle.expectRequests(execution.requests);
		await runPool(execution.requests, execution.concurrency, async () => {
			const sent = await sendWithRetries(transport, {
				method: 'POST',
				path: '/crm/v4/associations/contacts/companies/batch/archive',
				body: {},
			});
			if ('notSent' in sent || sent.verdict.kind !== 'success') results[e].failed++;
		});
		results[e].finishedAt = Date.now() - start;
		const next = waitingForSlot.shift();
		if (next) next();
		else running--;
	});
	let done = false;
	const all = Promise.all(runs).then(() => {
		done = true;
	});
	for (let step = 0; !done && step < 5_000_000; step++) await jest.advanceTimersToNextTimerAsync();
	await all;
	return { elapsedMs: Date.now() - start, executions: results };
}

/** HubSpot's own floor for `requests` requests: the first window's burst, then `max` per window. */
export function rateLimitBoundMs(requests: number, max: number, intervalMs: number): number {
	return (Math.max(0, requests - max) / max) * intervalMs;
}
