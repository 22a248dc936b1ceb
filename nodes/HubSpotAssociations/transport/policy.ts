import type { HubSpotExchange } from './request';

/**
 * What each HubSpot answer means for the request that got it. One table for every operation, so no
 * operation decides on its own whether a 429 or a 502 is worth another try.
 */
export type Verdict =
	| { kind: 'success' }
	/** TEN_SECONDLY_ROLLING (or an unnamed 429): wait, then the same request again. */
	| { kind: 'rateLimited' }
	/** The account's daily budget is spent until midnight in its time zone: stop sending anything. */
	| { kind: 'dailyLimit' }
	/** 5xx, reset connection, timeout: the archive is idempotent, so the same request again. */
	| { kind: 'transient' }
	/** HubSpot says the batch is too large: split it and send the halves. */
	| { kind: 'tooLarge' }
	/** Any other refusal: retrying cannot help. */
	| { kind: 'fatal' };

export interface HubSpotErrorBody {
	status?: string;
	message?: string;
	correlationId?: string;
	category?: string;
	subCategory?: unknown;
	policyName?: string;
	errorType?: string;
	context?: Record<string, unknown>;
	errors?: Array<{ message?: string; code?: string; in?: string; context?: Record<string, unknown> }>;
	links?: Record<string, unknown>;
}

export function errorBody(exchange: HubSpotExchange): HubSpotErrorBody {
	const body = exchange.body;
	return body && typeof body === 'object' && !Array.isArray(body) ? (body as HubSpotErrorBody) : {};
}

const TOO_LARGE = /(exceed|too (many|large|big)|limit of|maximum|at most|batch (input )?size)/i;

export function judge(exchange: HubSpotExchange): Verdict {
	const status = exchange.statusCode;
	if (status >= 200 && status < 300) return { kind: 'success' };
	if (status === 0 || status >= 500 || status === 408) return { kind: 'transient' };
	const body = errorBody(exchange);
	if (status === 429) {
		return String(body.policyName ?? '').toUpperCase() === 'DAILY' ? { kind: 'dailyLimit' } : { kind: 'rateLimited' };
	}
	if (status === 400 || status === 413) {
		const text = `${body.message ?? ''} ${(body.errors ?? []).map((e) => e.message ?? '').join(' ')}`;
		if (status === 413 || TOO_LARGE.test(text)) return { kind: 'tooLarge' };
	}
	return { kind: 'fatal' };
}

/** `Retry-After` in seconds or as an HTTP date; undefined when absent or unreadable. */
export function retryAfterMs(exchange: HubSpotExchange, now = Date.now()): number | undefined {
	const raw = exchange.headers['retry-after'];
	if (!raw) return undefined;
	const seconds = Number(raw);
	if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
	const date = Date.parse(raw);
	return Number.isFinite(date) ? Math.max(0, date - now) : undefined;
}

/** Exponential backoff with full jitter: a random wait in [base·2^(n-1)/2, base·2^(n-1)], capped. */
export function backoffMs(attempt: number, baseMs: number, capMs: number, random = Math.random): number {
	const ceiling = Math.min(capMs, baseMs * 2 ** Math.max(0, attempt - 1));
	return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
