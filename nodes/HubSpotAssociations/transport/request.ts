/**
 * One HTTP call to HubSpot through n8n's authenticated request helper, and whatever came of it as
 * an exchange (status, headers, body, network fault) with nothing secret in it.
 */
import type {
	IAdditionalCredentialOptions,
	IExecuteFunctions,
	IHttpRequestMethods,
	ILoadOptionsFunctions,
} from 'n8n-workflow';

import type { Connection } from './credentials';

export interface HubSpotExchange {
	/** 0 when no HTTP answer arrived (connection reset, timeout, DNS). */
	statusCode: number;
	headers: Record<string, string>;
	body: unknown;
	/**
	 * Network error code (ECONNRESET, ETIMEDOUT, …) and its description, when there was no answer.
	 */
	networkCode?: string;
	networkMessage?: string;
	/**
	 * No answer to the API call: n8n's helper failed before it, HubSpot's token endpoint having
	 * refused the OAuth2 refresh.
	 */
	answerUnread?: boolean;
	sentAt: Date;
	receivedAt: Date;
}

/** `timeoutMs`: milliseconds before the request is given up as a socket timeout. */
export type HubSpotRequest = {
	method: IHttpRequestMethods;
	path: string;
	body?: object;
	timeoutMs?: number;
};

function lowerCaseHeaders(raw: unknown): Record<string, string> {
	const headers: Record<string, string> = {};
	if (!raw || typeof raw !== 'object') return headers;
	const source =
		typeof (raw as { toJSON?: unknown }).toJSON === 'function'
			? (raw as { toJSON: () => object }).toJSON()
			: raw;
	for (const [key, value] of Object.entries(source))
		if (value != null)
			headers[key.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
	return headers;
}

function parseBody(body: unknown): unknown {
	if (typeof body !== 'string') return body;
	try {
		return body.trim() === '' ? undefined : JSON.parse(body);
	} catch {
		return body;
	}
}

interface ErrorShape {
	response?: {
		status?: number;
		statusCode?: number;
		headers?: unknown;
		data?: unknown;
		body?: unknown;
	};
	cause?: unknown;
	code?: string;
	httpCode?: string | null;
	message?: string;
	context?: { data?: unknown };
	/** The token endpoint's answer, on the OAuth2 client's AuthError and ResponseError. */
	body?: unknown;
	/** The token endpoint's HTTP status, on the OAuth2 client's ResponseError. */
	status?: unknown;
	/** n8n's own classification, on its errors. */
	failure?: { cause?: string };
}

/**
 * What n8n's OAuth2 path throws when HubSpot's token endpoint refuses the refresh after a 401
 * (n8n-core 2.40.3, in the n8n 2.40.7 application, and 2.41.1 alike: `requestOAuth2` and
 * `refreshOrFetchToken`), each inside the NodeApiError that `httpRequestWithAuthentication` wraps
 * everything in, and never with a `response` of its own:
 * - an RFC 6749 answer `{"error": "invalid_grant", …}` (HubSpot's dated token endpoint): the OAuth2
 *   client's AuthError (code EAUTH, the answer as `body`), which n8n 2.x replaces by its own "needs
 *   to be reconnected" error, classed `credential-invalid`; n8n 1.x wraps the AuthError itself in a
 *   NodeApiError that keeps only its code, as `httpCode: 'EAUTH'`. Another RFC 6749 error
 *   (`invalid_client`, …) stays an AuthError in every version.
 * - an answer without RFC 6749's `error` (HubSpot's v1 token endpoint: `{"status":
 *   "BAD_REFRESH_TOKEN", "message": …}`): the OAuth2 client's ResponseError (code ESTATUS) with the
 *   token endpoint's HTTP status and raw answer; the NodeApiError around it copies that status as
 *   its `httpCode`.
 * A 5xx from the token endpoint is an HTTP client error with a `response`, read as any other
 * answer. An answer to the API call itself always has its `response` (n8n's HTTP client error)
 * under the NodeApiError: nothing here matches it.
 */
function refusedRefresh(layer: ErrorShape): { status: number; body: unknown } | undefined {
	// A 429 there is a rate limit, not a refusal: judged by its status (the NodeApiError's httpCode)
	// and retried.
	if (
		layer.code === 'ESTATUS' &&
		typeof layer.status === 'number' &&
		layer.status >= 400 &&
		layer.status < 500 &&
		layer.status !== 429
	)
		return { status: layer.status, body: parseBody(layer.body) };
	// HubSpot answers a bad refresh token or client with 400.
	const body = layer.body as { error?: unknown } | undefined;
	if (layer.code === 'EAUTH')
		return {
			status: 400,
			body: body && typeof body === 'object' && typeof body.error === 'string' ? body : undefined,
		};
	if (layer.httpCode === 'EAUTH' || layer.failure?.cause === 'credential-invalid')
		return { status: 400, body: undefined };
	return undefined;
}

/**
 * n8n wraps a failed call in a NodeApiError whose `cause` is the HTTP client's error. The answer
 * (status, headers, body) is dug out of whichever layer has it; request config, which holds the
 * Authorization header, is never looked at or kept.
 */
function exchangeFromError(error: unknown, sentAt: Date): HubSpotExchange {
	const receivedAt = new Date();
	const layers: ErrorShape[] = [];
	for (
		let current = error, depth = 0;
		depth < 5 && current && typeof current === 'object';
		depth++, current = (current as ErrorShape).cause
	)
		layers.push(current as ErrorShape);
	for (const { response } of layers) {
		const status = response?.status ?? response?.statusCode;
		if (response && typeof status === 'number')
			return {
				statusCode: status,
				headers: lowerCaseHeaders(response.headers),
				body: parseBody(response.data ?? response.body),
				sentAt,
				receivedAt,
			};
	}
	const refusals = layers.map(refusedRefresh).filter((r) => r !== undefined);
	// The token endpoint's answer, where some layer kept it.
	if (refusals.length > 0)
		return {
			statusCode: refusals[0].status,
			headers: {},
			body: refusals.find((r) => r.body !== undefined)?.body,
			answerUnread: true,
			sentAt,
			receivedAt,
		};
	// Only a status and maybe the answer's data kept, by a NodeApiError whose layer with the response
	// is gone: still HubSpot's answer to the API call, judged by its status like any other.
	for (const layer of layers) {
		const status = Number(layer.httpCode);
		if (Number.isInteger(status) && status >= 100)
			return { statusCode: status, headers: {}, body: layer.context?.data, sentAt, receivedAt };
	}
	const networkCode =
		layers.find((l) => typeof l.code === 'string' && /^E[A-Z_]+$/.test(l.code))?.code ??
		'ECONNRESET';
	const message = layers[layers.length - 1]?.message;
	return {
		statusCode: 0,
		headers: {},
		body: undefined,
		networkCode,
		networkMessage: typeof message === 'string' ? message : 'The connection to HubSpot failed',
		sentAt,
		receivedAt,
	};
}

/**
 * One HTTP call through n8n's authenticated request helper, so OAuth2 tokens are signed, and
 * refreshed on a 401, by n8n itself. Never throws: every outcome comes back as an exchange for the
 * retry policy to judge.
 */
export async function sendRequest(
	ctx: IExecuteFunctions | ILoadOptionsFunctions,
	connection: Connection,
	request: HubSpotRequest,
): Promise<HubSpotExchange> {
	const sentAt = new Date();
	const { credentialType, appTokenCredential: data } = connection;
	// A private app token cannot be refreshed: n8n's generic "refresh and resend on 401" would only
	// send the same refused request twice. OAuth2 refreshes go their own way and are kept. n8n reads
	// only `data` of the credential handed over; the id and name are the node's own reference to it.
	const appTokenOptions: IAdditionalCredentialOptions = {
		preAuthenticationRetryStatusCode: [],
		...(data && { credentialsDecrypted: { id: '', name: '', type: credentialType, data } }),
	};
	try {
		const response = (await ctx.helpers.httpRequestWithAuthentication.call(
			ctx,
			credentialType,
			{
				method: request.method,
				url: `${connection.baseUrl}${request.path}`,
				body: request.body,
				json: true,
				returnFullResponse: true,
				timeout: request.timeoutMs ?? 60_000,
				// No abortSignal: n8n's helper puts the execution's cancel signal on every request itself
				// (n8n 1.x and 2.x), so a stopped execution's requests under way are cut off. HubSpot's API
				// does not redirect. A redirect from the Base URL (a mistyped host, a proxy) would carry
				// the Authorization header to another address, and turn a POST into a GET on 301/302: it
				// comes back as an error naming where it pointed. Leaving follow-redirects out of every
				// request also saves some CPU.
				disableFollowRedirect: true,
			},
			connection.authentication === 'appToken' ? appTokenOptions : undefined,
		)) as { statusCode?: number; status?: number; headers?: unknown; body?: unknown };
		return {
			statusCode: response.statusCode ?? response.status ?? 200,
			headers: lowerCaseHeaders(response.headers),
			body: parseBody(response.body),
			sentAt,
			receivedAt: new Date(),
		};
	} catch (error) {
		return exchangeFromError(error, sentAt);
	}
}
