/**
 * What each HubSpot answer means for the request that got it, and for the run: one table for every
 * operation, so no operation decides on its own whether a 429 or a 502 is worth another try.
 */
import type { HubSpotExchange } from './request';

export type Verdict =
	| { kind: 'success' }
	// TEN_SECONDLY_ROLLING (or an unnamed 429): wait, then the same request again.
	| { kind: 'rateLimited' }
	// The account's daily budget is spent until midnight in its time zone: stop sending anything.
	| { kind: 'dailyLimit' }
	// 5xx, reset connection, timeout: the archive is idempotent, so the same request again.
	| { kind: 'transient' }
	// HubSpot says the batch is too large: send it in smaller requests (of `limit` inputs when it
	// said).
	| { kind: 'tooLarge'; limit?: number }
	// Any other refusal: retrying cannot help.
	| { kind: 'fatal' };

export interface HubSpotErrorBody {
	message?: string;
	correlationId?: string;
	category?: string;
	policyName?: string;
	errorType?: string;
	errors?: Array<{ message?: string; code?: string; context?: Record<string, unknown> }>;
}

export const errorBody = ({ body }: HubSpotExchange): HubSpotErrorBody =>
	body && typeof body === 'object' && !Array.isArray(body) ? (body as HubSpotErrorBody) : {};

/**
 * HubSpot's words for a batch over its size, a 400 VALIDATION_ERROR without context, as recorded
 * for CRM batch endpoints: "The maximum number of inputs supported in a batch is 100. Please reduce
 * the number of items and try again" (and "… in a batch request for property histories is 50. …").
 * Only this says "too large": any other validation error is about the inputs, and splitting cannot
 * cure it.
 */
const TOO_LARGE = /maximum number of inputs supported in a batch[^.]*? is (\d+)/i;

export function judge(exchange: HubSpotExchange): Verdict {
	const status = exchange.statusCode;
	if (status >= 200 && status < 300) return { kind: 'success' };
	if (status === 0 || status >= 500 || status === 408) return { kind: 'transient' };
	const body = errorBody(exchange);
	if (status === 429)
		return {
			kind: String(body.policyName ?? '').toUpperCase() === 'DAILY' ? 'dailyLimit' : 'rateLimited',
		};
	// 413 is HTTP's own word for a body too large; HubSpot has not been seen to use it.
	if (status === 413) return { kind: 'tooLarge' };
	const match =
		status === 400 && TOO_LARGE.exec(typeof body.message === 'string' ? body.message : '');
	if (match) return { kind: 'tooLarge', limit: Number(match[1]) || undefined };
	return { kind: 'fatal' };
}

/**
 * The object type HubSpot says it does not know, from its words for one in a URL: "Unable to infer
 * object type from: credentialing_2_0". Recorded from HubSpot's CRM APIs as a 400 with only
 * `status` and `message` (CRM objects v3, and v4 association paths for "lists"); the dated
 * association paths (`/crm/associations/2026-03/…`) are not documented to answer otherwise, and the
 * project's emulator answers them so (test/emulator/emulator.ts). Clones of HubSpot's API answer
 * the same words with a 404 OBJECT_NOT_FOUND, so either status counts; a 404 without these words is
 * about something else (a record, a path, a proxy) and says nothing about the object type.
 */
export function unknownObjectType(exchange: HubSpotExchange): string | undefined {
	const message = errorBody(exchange).message;
	return (exchange.statusCode === 400 || exchange.statusCode === 404) && typeof message === 'string'
		? /unable to infer object type from:\s*(\S+)/i.exec(message)?.[1]
		: undefined;
}

/**
 * The scopes a 403 says the call needs (any one of them would do). HubSpot's MISSING_SCOPES answers
 * name them in `errors[].context.requiredGranularScopes` (as answered today, e.g.
 * `["crm.objects.contacts.read", "sales-email-read"]`) or, in older answers,
 * `errors[].context.requiredScopes` (HubSpot/hubspot-api-nodejs#268); its API reference shows
 * `missingScopes`, and as a string ("{missingScopes=[scope1, scope2]}").
 */
export function requiredScopes(body: HubSpotErrorBody): string[] {
	const scopes = new Set<string>();
	for (const e of body.errors ?? []) {
		for (const key of ['requiredGranularScopes', 'requiredScopes', 'missingScopes']) {
			const value = e.context?.[key];
			if (Array.isArray(value)) value.forEach((s) => typeof s === 'string' && scopes.add(s));
		}
		if (typeof e.context === 'string')
			/\[([^\]]*)\]/
				.exec(e.context)?.[1]
				.split(',')
				.forEach((s) => s.trim() && scopes.add(s.trim()));
	}
	return [...scopes];
}

/**
 * Whether a scope belongs to an object type, by HubSpot's scope list: `crm.objects.<type>.<access>`
 * (contacts, companies, deals, line_items, quotes, leads, …; `crm.objects.custom.…` for every
 * custom object, `2-…` or `p…_name`), the older `tickets` for tickets and `e-commerce` for products
 * and line items. Other scopes (`oauth`, `crm.schemas.…`, the legacy `contacts` that spans several
 * objects) belong to no one object type.
 */
const OBJECT_TYPE_SCOPE = /^(?:crm\.objects\.[a-z_]+\..+|tickets|e-commerce)$/i;

/**
 * Whether a 403 pins the refusal on object types: it names a scope of an object type, or an object
 * type itself in a context's `objectType` (the shape HubSpot's association errors use,
 * `{"objectType": ["CONTACT"]}`, HubSpot/hubspot-api-nodejs#646). If not, the refusal is the
 * credential's as a whole.
 */
export function refusesObjectTypes(exchange: HubSpotExchange): boolean {
	if (exchange.statusCode !== 403) return false;
	const body = errorBody(exchange);
	if (requiredScopes(body).some((scope) => OBJECT_TYPE_SCOPE.test(scope))) return true;
	const contexts: unknown[] = [
		(body as { context?: unknown }).context,
		...(body.errors ?? []).map((e) => e.context),
	];
	return contexts.some((context) => {
		const named =
			context && typeof context === 'object'
				? (context as Record<string, unknown>).objectType
				: undefined;
		return (Array.isArray(named) ? named : [named]).some(
			(type) => typeof type === 'string' && type !== '',
		);
	});
}

/**
 * A write refused because the connected user may not edit associations: API version 2026-09 checks
 * users' association permissions for user-level OAuth connections. HubSpot's changelog shows the
 * answer only in part; the words quoted from it are a 400 VALIDATION_ERROR "Missing 'Edit
 * Associations' permission.", so any 400 (or 403) whose message speaks of a missing permission to
 * edit associations counts.
 */
export function lacksAssociationPermission(exchange: HubSpotExchange): boolean {
	const message = errorBody(exchange).message;
	return (
		(exchange.statusCode === 400 || exchange.statusCode === 403) &&
		typeof message === 'string' &&
		/permission/i.test(message) &&
		/associat/i.test(message)
	);
}

/**
 * A write refused by one of the account's validation rules, which API version 2026-09 enforces on
 * API writes (conditional required properties, required fields; HubSpot's changelog shows these as
 * a 400 VALIDATION_ERROR, and its example bodies only in part): read from the words, defensively.
 */
export function refusedByValidationRule(exchange: HubSpotExchange): boolean {
	if (exchange.statusCode !== 400) return false;
	const body = errorBody(exchange);
	const words = `${body.message ?? ''} ${(body.errors ?? []).map((e) => `${e.code ?? ''} ${e.message ?? ''}`).join(' ')}`;
	return /validation rule|conditional property rule|MISSING_(CONDITIONAL_)?REQUIRED_PROPERTY/i.test(
		words,
	);
}

/**
 * How far a refusal reaches: `run`, no request of the run can succeed; `types`, no request between
 * the same two object types can; `request`, only this request is judged (its items fail, the next
 * request is sent).
 */
export type RefusalScope = 'run' | 'types' | 'request';

/**
 * The whole run stops on answers no request can get past: the credential is refused (a 401 that
 * n8n's OAuth2 refresh did not cure, or the refresh itself refused), the Base URL redirects (never
 * followed, so the token stays put), the account's daily budget is spent, the connected user may
 * not edit associations (2026-09: the permission is the user's, for every association whatever the
 * object types, and HubSpot's answer names none), or a 403 that names no object type (no CRM access
 * at all, or a scope of none). A 403 for the scope of an object type, or an object type HubSpot
 * does not know, stops only the requests between the same two object types: items of other object
 * types in the same execution can still succeed. Sending what cannot succeed would only add errors
 * to the account's error rate, which HubSpot asks integrations to keep under 5 %.
 */
export function refusalScope(exchange: HubSpotExchange, verdict: Verdict): RefusalScope {
	if (verdict.kind === 'dailyLimit') return 'run';
	const status = exchange.statusCode;
	if (
		status === 401 ||
		(status >= 300 && status < 400) ||
		(exchange.answerUnread === true && status >= 400 && status < 500) ||
		lacksAssociationPermission(exchange)
	)
		return 'run';
	if (status === 403) return refusesObjectTypes(exchange) ? 'types' : 'run';
	return unknownObjectType(exchange) ? 'types' : 'request';
}

export const stopsRun = (exchange: HubSpotExchange, verdict: Verdict): boolean =>
	refusalScope(exchange, verdict) === 'run';

/** `Retry-After` in seconds or as an HTTP date; undefined when absent or unreadable. */
export function retryAfterMs(exchange: HubSpotExchange, now = Date.now()): number | undefined {
	const raw = exchange.headers['retry-after'];
	if (!raw) return undefined;
	const seconds = Number(raw);
	if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
	const date = Date.parse(raw);
	return Number.isFinite(date) ? Math.max(0, date - now) : undefined;
}

/**
 * Exponential backoff with full jitter: a random wait in [base·2^(n-1)/2, base·2^(n-1)], capped.
 */
export function backoffMs(
	attempt: number,
	baseMs: number,
	capMs: number,
	random = Math.random,
): number {
	const ceiling = Math.min(capMs, baseMs * 2 ** Math.max(0, attempt - 1));
	return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
