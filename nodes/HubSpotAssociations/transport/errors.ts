/**
 * HubSpot's failures in words a workflow builder can act on, free of secrets: the report every item
 * and error carries, and the NodeApiError n8n shows.
 */
import { NodeApiError } from 'n8n-workflow';
import type { INode, JsonObject } from 'n8n-workflow';

import type { Connection } from './credentials';
import {
	errorBody,
	lacksAssociationPermission,
	refusedByValidationRule,
	refusesObjectTypes,
	requiredScopes,
	unknownObjectType,
} from './policy';
import type { SendResult } from './send';

/** What the node tells the user about a HubSpot failure, already free of secrets. */
export interface FailureReport {
	message: string;
	description: string;
	hint: string;
	httpCode?: string;
	category?: string;
	correlationId?: string;
	failure?: NodeApiError['failure'];
	/** HTTP requests made for it, retries included. */
	attempts?: number;
	/** HubSpot's error body, redacted. */
	body?: JsonObject;
	/** The items concerned were never sent: another request's failure stopped the run. */
	notSent?: boolean;
}

/**
 * What the items of a request that was never sent (or a read never made) get: the cause that
 * stopped the run, named as such.
 */
export const notSentReport = (
	cause: FailureReport,
	not: 'sent' | 'read' = 'sent',
): FailureReport => ({
	...cause,
	message: `Not ${not}: ${cause.message}`,
	attempts: 0,
	notSent: true,
});

const EARLIER_FAILURE_HINT = 'Fix the failure reported for the other items and run again.';

/** Batches the run did not start because another batch failed and Continue On Fail is off. */
export const NOT_SENT = notSentReport({
	message: 'the node stopped after an earlier batch failed',
	description: '',
	hint: EARLIER_FAILURE_HINT,
});

/** Records the run did not read because another read failed and Continue On Fail is off. */
export const NOT_READ = notSentReport(
	{
		message: 'the node stopped after an earlier read failed',
		description: 'Nothing was removed for this item.',
		hint: EARLIER_FAILURE_HINT,
	},
	'read',
);

/** How to give an object type, wherever one cannot be used: refused by the node or by HubSpot. */
export const OBJECT_TYPE_HINT =
	"Pick the object from the list, or give its name or type id (0-… for HubSpot's objects, 2-… for custom objects) or a custom object's fully qualified name (p…_name).";
/** A type HubSpot refuses may be well formed: the account may not have it. */
const ACCOUNT_OBJECT_TYPE_HINT = `${OBJECT_TYPE_HINT} The account must have the object: custom objects need an Enterprise hub, and some objects (leads, invoices, orders, …) need the hub or feature that brings them.`;
const RECONNECT_OAUTH2 = 'Reconnect the "HubSpot Associations OAuth2 API" credential';

/**
 * Turns a failed request into words a workflow builder can act on; `types` are the request's object
 * types.
 */
export function describeFailure(
	result: SendResult,
	context: Pick<Connection, 'secrets' | 'credentialType'>,
	types?: { fromObjectType: string; toObjectType: string },
): FailureReport {
	const { secrets } = context;
	const oauth = context.credentialType.includes('OAuth2');
	const { exchange, verdict, attempts, gaveUp } = result;
	const body = errorBody(exchange);
	const status = exchange.statusCode;
	const tries = `${attempts} ${attempts === 1 ? 'try' : 'tries'}`;
	const between = types ? ` (${types.fromObjectType} → ${types.toObjectType})` : '';
	let message: string;
	let hint: string;
	let cause: NonNullable<FailureReport['failure']>['cause'] = 'configuration-invalid';

	if (status === 0) {
		[message, cause] = [
			`Could not reach HubSpot (${exchange.networkCode ?? 'network error'}) after ${tries}`,
			'temporarily-unavailable',
		];
		hint =
			'Check the network path to HubSpot (proxy, firewall, Base URL in the credential) and run the node again; removing associations is safe to repeat.';
	} else if (verdict.kind === 'dailyLimit') {
		[message, cause] = ["HubSpot's daily API limit for this account is used up", 'quota-exhausted'];
		hint =
			"The daily limit resets at midnight in the HubSpot account's time zone. Run the remaining items then, or ask HubSpot for an API limit increase.";
	} else if (verdict.kind === 'rateLimited') {
		[message, cause] = [`HubSpot's rate limit was still hit after ${tries}`, 'rate-limited'];
		hint =
			'Other apps or workflows share this HubSpot account\'s limit. Lower "Concurrency", raise "Max Retries", or run the workflow when the account is quieter.';
	} else if (status >= 500) {
		[message, cause] = [`HubSpot answered ${status} after ${tries}`, 'temporarily-unavailable'];
		hint =
			'HubSpot had a temporary fault. Run the node again later; removing associations is safe to repeat.';
	} else if (status >= 300 && status < 400) {
		// Where it pointed: the origin only (a path or query could hold anything), redacted.
		const { location } = exchange.headers;
		const target =
			location && URL.canParse(location)
				? redactText(new URL(location).origin, secrets)
				: undefined;
		message = `HubSpot answered with a redirect (${status})${target ? ` to ${target}` : ''}`;
		hint =
			"The node does not follow redirects, so that the token never goes to another address. Set the Base URL in the credential to HubSpot's API address (https://api.hubapi.com) or to the address your proxy really answers on.";
	} else if (exchange.answerUnread && oauth && status >= 400 && status < 500) {
		// No HubSpot answer to the API call itself: the refresh before it was refused.
		[message, cause] = ['HubSpot refused to refresh the OAuth2 access token', 'credential-invalid'];
		hint = `The refresh token was revoked or the app's client id/secret changed. ${RECONNECT_OAUTH2}.`;
	} else if (status === 401) {
		[message, cause] = ['HubSpot did not accept the credential', 'credential-invalid'];
		hint = oauth
			? `n8n tried to refresh the OAuth2 token and HubSpot still refused it. ${RECONNECT_OAUTH2}.`
			: 'Check the private app token in the "HubSpot Associations Private App Token" credential: it may be mistyped, rotated or the app deleted.';
	} else if (lacksAssociationPermission(exchange)) {
		[message, cause] = [
			'HubSpot refused the write: the connected user may not edit associations',
			'credential-invalid',
		];
		hint =
			'API version 2026-09 checks the permissions of the user who connected the OAuth2 credential. A HubSpot super admin can give that user the permission to edit associations (Settings → Users & Teams → the user → Permissions), or connect the credential as a user who has it; a private app token is not limited by user permissions. The API Version option 2026-03 does not check them.';
	} else if (status === 403) {
		const scopes = requiredScopes(body);
		// A refusal pinned on object types stops only the items between these two types: say which, and
		// that the others went on.
		const pinned = refusesObjectTypes(exchange);
		[message, cause] = [
			`${scopes.length ? `The HubSpot credential is missing scopes: ${scopes.join(', ')}` : 'HubSpot refused the call for this credential'}${pinned ? between : ''}`,
			'credential-invalid',
		];
		hint = oauth
			? `${RECONNECT_OAUTH2} and grant ${scopes.length ? 'these scopes' : 'the scopes the object types need'} when HubSpot asks.`
			: `Add ${scopes.length ? 'these scopes' : 'the write scopes of both object types'} to the private app in HubSpot (Settings → Integrations → Private Apps), then use its token.`;
		if (pinned && types)
			hint += ` Until then nothing more is sent between ${types.fromObjectType} and ${types.toObjectType}; items of other object types are sent as usual.`;
	} else if (refusedByValidationRule(exchange)) {
		message = "HubSpot refused the write under one of the account's validation rules";
		hint =
			"API version 2026-09 applies the account's validation rules to API writes. HubSpot's message names the rule or property; a HubSpot admin can change the rule (Settings → Data Management → Objects → the object → Rules), or the records can be completed first. The API Version option 2026-03 does not apply them.";
	} else if (unknownObjectType(exchange)) {
		message = `HubSpot does not know the object type "${redactText(unknownObjectType(exchange) ?? '', secrets)}"${between}`;
		hint = ACCOUNT_OBJECT_TYPE_HINT;
	} else if (status === 404) {
		message = `HubSpot could not find what the node asked for${between}`;
		hint = `Check the From and To object types. ${ACCOUNT_OBJECT_TYPE_HINT}`;
	} else {
		message = `HubSpot refused the request (${status})`;
		hint =
			"Check the object types and ids of the items named; HubSpot's message says what it objected to.";
	}
	if (gaveUp === 'maxWait') message += ' (gave up: waiting longer would pass the wait limit)';

	const correlationId = typeof body.correlationId === 'string' ? body.correlationId : undefined;
	const category = typeof body.category === 'string' ? body.category : body.errorType;
	const details = [
		typeof body.message === 'string' && body.message
			? `HubSpot: ${redactText(body.message, secrets)}`
			: exchange.networkMessage
				? redactText(exchange.networkMessage, secrets)
				: undefined,
		category ? `category ${category}` : undefined,
		body.policyName ? `policy ${body.policyName}` : undefined,
		correlationId ? `correlationId ${correlationId}` : undefined,
	].filter(Boolean);
	return {
		message,
		description: `${details.join('; ')}${details.length ? '. ' : ''}${hint}`,
		httpCode: status ? String(status) : undefined,
		category,
		correlationId,
		hint,
		attempts,
		body:
			exchange.body && typeof exchange.body === 'object'
				? redactValue(exchange.body as JsonObject, secrets)
				: undefined,
		failure: { cause },
	};
}

/**
 * The NodeApiError n8n shows, carrying HubSpot's category and correlationId and the item it
 * concerns.
 */
export function toNodeApiError(
	node: INode,
	report: FailureReport,
	itemIndex: number,
	prefix?: string,
	note?: string,
): NodeApiError {
	const error = new NodeApiError(node, report.body ?? { message: report.message }, {
		message: prefix ? `${prefix}: ${report.message}` : report.message,
		description: note ? `${report.description} ${note}` : report.description,
		httpCode: report.httpCode,
		itemIndex,
		failure: report.failure,
	});
	Object.assign(error.context, {
		category: report.category,
		correlationId: report.correlationId,
		hint: report.hint,
		attempts: report.attempts,
	});
	return error;
}

/**
 * Scrubs secrets from anything the node lets out (output items, error messages, descriptions).
 * Known secrets are replaced literally; Bearer headers and HubSpot token shapes are caught by
 * pattern as well, because a refreshed OAuth token is never seen by the node itself.
 */
const PATTERNS: Array<[RegExp, string]> = [
	[/(Bearer\s+)[A-Za-z0-9._~+/=-]{8,}/gi, '$1[redacted]'],
	[/\bpat-[a-z0-9]{2,5}-[A-Za-z0-9-]{8,}/g, '[redacted]'],
	[
		/((?:access_token|refresh_token|client_secret)["']?\s*[:=]\s*["']?)[^"'&\s,}]+/gi,
		'$1[redacted]',
	],
];

export function redactText(text: string, secrets: readonly string[]): string {
	let out = text;
	for (const secret of secrets)
		if (secret && out.includes(secret)) out = out.split(secret).join('[redacted]');
	for (const [pattern, replacement] of PATTERNS) out = out.replace(pattern, replacement);
	return out;
}

/**
 * `redactValue` for answers that can be large (a batch/read of 1,000 records): one look at the
 * whole text first, and a scrubbed copy only when something in it must go. Nearly every answer
 * holds nothing to scrub, and copying it would cost more than reading it.
 */
export function redactAnswer<T>(value: T, secrets: readonly string[]): T {
	const text = JSON.stringify(value);
	return text !== undefined && redactText(text, secrets) !== text
		? redactValue(value, secrets)
		: value;
}

/** Deep copy of JSON-like data with every string scrubbed. */
export function redactValue<T>(value: T, secrets: readonly string[]): T {
	if (typeof value === 'string') return redactText(value, secrets) as unknown as T;
	if (Array.isArray(value)) return value.map((v) => redactValue(v, secrets)) as unknown as T;
	if (value && typeof value === 'object')
		return Object.fromEntries(
			Object.entries(value).map(([k, v]) => [k, redactValue(v, secrets)]),
		) as T;
	return value;
}
