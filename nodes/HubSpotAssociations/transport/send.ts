import { sleep } from 'n8n-workflow';
import type { IExecuteFunctions, ILoadOptionsFunctions } from 'n8n-workflow';

import type { Connection } from './credentials';
import { backoffMs, judge, retryAfterMs, type Verdict } from './policy';
import { sendRequest, type HubSpotExchange, type HubSpotRequest } from './request';
import { RateLimitThrottle } from './throttle';

export interface RetryOptions {
	/** Further tries after the first, for rate limits and transient faults together. */
	maxRetries: number;
	/** No request waits longer than this in total across its retries. */
	maxTotalWaitMs: number;
	/** Backoff base for 5xx and network faults. */
	transientBaseMs: number;
	/** Backoff base for a 429 when HubSpot gives no hint of how long to wait. */
	rateLimitBaseMs: number;
	timeoutMs?: number;
}

export const DEFAULT_RETRY_OPTIONS: RetryOptions = {
	maxRetries: 5,
	maxTotalWaitMs: 120_000,
	transientBaseMs: 500,
	rateLimitBaseMs: 1_000,
};

/** Everything the transport needs for one execution; made anew per execution, never kept. */
export interface Transport {
	ctx: IExecuteFunctions | ILoadOptionsFunctions;
	connection: Connection;
	throttle: RateLimitThrottle;
	retry: RetryOptions;
	/** Counts kept for the run, reported in errors ("after 6 tries") and handy in tests. */
	counters: { requests: number; rateLimited: number; transient: number };
}

export interface SendResult {
	exchange: HubSpotExchange;
	verdict: Verdict;
	/** How many HTTP requests this call made (1 + retries). */
	attempts: number;
	/** Set when it stopped retrying because a bound was reached. */
	gaveUp?: 'maxRetries' | 'maxWait';
}

export function createTransport(
	ctx: IExecuteFunctions | ILoadOptionsFunctions,
	connection: Connection,
	retry: Partial<RetryOptions> = {},
): Transport {
	return {
		ctx,
		connection,
		throttle: new RateLimitThrottle(),
		retry: { ...DEFAULT_RETRY_OPTIONS, ...retry },
		counters: { requests: 0, rateLimited: 0, transient: 0 },
	};
}

/**
 * Sends one request, retrying what may be retried. Rate-limit waits go through the shared throttle,
 * so one 429 holds back every request of the execution, not only the one that got it.
 */
export async function sendWithRetries(transport: Transport, request: HubSpotRequest): Promise<SendResult> {
	const { throttle, retry, counters } = transport;
	let waited = 0;
	let attempts = 0;
	for (;;) {
		const ticket = await throttle.acquire();
		attempts++;
		counters.requests++;
		const exchange = await sendRequest(transport.ctx, transport.connection, {
			...request,
			timeoutMs: request.timeoutMs ?? retry.timeoutMs,
		});
		throttle.observe(exchange, ticket);
		const verdict = judge(exchange);
		if (verdict.kind === 'dailyLimit') throttle.markDailyLimit();
		if (verdict.kind !== 'rateLimited' && verdict.kind !== 'transient') {
			return { exchange, verdict, attempts };
		}
		if (attempts > retry.maxRetries) return { exchange, verdict, attempts, gaveUp: 'maxRetries' };

		let waitMs: number;
		if (verdict.kind === 'rateLimited') {
			counters.rateLimited++;
			const hinted = retryAfterMs(exchange);
			const spacing = throttle.steadySpacingMs();
			waitMs =
				hinted ??
				(spacing > 0
					? backoffMs(attempts, Math.max(spacing * 2, 50), throttle.windowMs() || retry.rateLimitBaseMs * 10)
					: backoffMs(attempts, retry.rateLimitBaseMs, retry.rateLimitBaseMs * 16));
		} else {
			counters.transient++;
			waitMs = backoffMs(attempts, retry.transientBaseMs, retry.transientBaseMs * 32);
		}
		if (waited + waitMs > retry.maxTotalWaitMs) return { exchange, verdict, attempts, gaveUp: 'maxWait' };
		waited += waitMs;
		if (verdict.kind === 'rateLimited') throttle.penalize(waitMs);
		else await sleep(waitMs);
	}
}
