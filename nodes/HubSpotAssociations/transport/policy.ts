/**
 * What each HubSpot answer means for the request that got it, and for the run: one table for every operation, so no operation
 * decides on its own whether a 429 or a 502 is worth another try.
 */
import type { HubSpotExchange } from './request';

export type Verdict =
	| { kind: 'success' }
	| { kind: 'rateLimited' } // TEN_SECONDLY_ROLLING (or an unnamed 429): wait, then the same request again.
	| { kind: 'dailyLimit' } // The account's daily budget is spent until midnight in its time zone: stop sending anything.
	| { kind: 'transient' } // 5xx, reset connection, timeout: the archive is idempotent, so the same request again.
	| { kind: 'tooLarge'; limit?: number } // HubSpot says the batch is too large: send it in smaller requests (of `limit` inputs when it said).
	| { kind: 'fatal' }; // Any other refusal: retrying cannot help.

export interface HubSpotErrorBody {
	message?: string; correlationId?: string; category?: string; policyName?: string; errorType?: string;
	errors?: Array<{ message?: string; code?: string; context?: Record<string, unknown> }>;
}

export const errorBody = ({ body }: HubSpotExchange): HubSpotErrorBody => (body && typeof body === 'object' && !Array.isArray(body) ? (body as HubSpotErrorBody) : {});

/**
 * HubSpot's words for a batch over its size, a 400 VALIDATION_ERROR without context, as recorded for CRM batch endpoints: "The
 * maximum number of inputs supported in a batch is 100. Please reduce the number of items and try again" (and "… in a batch
 * request for property histories is 50. …"). Only this says "too large": any other validation error is about the inputs, and
 * splitting cannot cure it.
 */
const TOO_LARGE = /maximum number of inputs supported in a batch[^.]*? is (\d+)/i;

export function judge(exchange: HubSpotExchange): Verdict {
	const status = exchange.statusCode;
	if (status >= 200 && status < 300) return { kind: 'success' };
	if (status === 0 || status >= 500 || status === 408) return { kind: 'transient' };
	const body = errorBody(exchange);
	if (status === 429) return { kind: String(body.policyName ?? '').toUpperCase() === 'DAILY' ? 'dailyLimit' : 'rateLimited' };
	// 413 is HTTP's own word for a body too large; HubSpot has not been seen to use it.
	if (status === 413) return { kind: 'tooLarge' };
	const match = status === 400 && TOO_LARGE.exec(typeof body.message === 'string' ? body.message : '');
	if (match) return { kind: 'tooLarge', limit: Number(match[1]) || undefined };
	return { kind: 'fatal' };
}

/**
 * The object type HubSpot says it does not know, from its words for one in a URL: "Unable to infer object type from:
 * credentialing_2_0" (a 400, recorded from HubSpot's CRM APIs; v4 association paths answer the same for "lists").
 */
export function unknownObjectType(exchange: HubSpotExchange): string | undefined {
	const message = errorBody(exchange).message;
	return (exchange.statusCode === 400 || exchange.statusCode === 404) && typeof message === 'string' ? /unable to infer object type from:\s*(\S+)/i.exec(message)?.[1] : undefined;
}

/**
 * A write refused because the connected user may not edit associations: API version 2026-09 checks users' association permissions
 * for user-level OAuth connections. HubSpot's changelog shows the answer only in part; the words quoted from it are a 400
 * VALIDATION_ERROR "Missing 'Edit Associations' permission.", so any 400 whose message speaks of a missing permission to edit
 * associations counts.
 */
export function lacksAssociationPermission(exchange: HubSpotExchange): boolean {
	const message = errorBody(exchange).message;
	return exchange.statusCode === 400 && typeof message === 'string' && /permission/i.test(message) && /associat/i.test(message);
}

/**
 * A write refused by one of the account's validation rules, which API version 2026-09 enforces on API writes (conditional
 * required properties, required fields; HubSpot's changelog shows these as a 400 VALIDATION_ERROR, and its example bodies only in
 * part): read from the words, defensively.
 */
export function refusedByValidationRule(exchange: HubSpotExchange): boolean {
	if (exchange.statusCode !== 400) return false;
	const body = errorBody(exchange);
	const words = `${body.message ?? ''} ${(body.errors ?? []).map((e) => `${e.code ?? ''} ${e.message ?? ''}`).join(' ')}`;
	return /validation rule|conditional property rule|MISSING_(CONDITIONAL_)?REQUIRED_PROPERTY/i.test(words);
}

/**
 * Answers after which no request of the run can succeed: the credential is refused (a 401 that n8n's OAuth2 refresh did not cure,
 * or the refresh itself refused), it lacks scopes or permission (403, or 2026-09's missing permission to edit associations), the
 * Base URL redirects (never followed, so the token stays put), or the account's daily budget is spent. Sending the rest would
 * only add errors to the account's error rate, which HubSpot asks integrations to keep under 5 %.
 */
export function stopsRun(exchange: HubSpotExchange, verdict: Verdict): boolean {
	if (verdict.kind === 'dailyLimit') return true;
	const status = exchange.statusCode;
	return status === 401 || status === 403 || (status >= 300 && status < 400) || (exchange.answerUnread === true && status >= 400 && status < 500) || lacksAssociationPermission(exchange);
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
