/**
 * One HTTP call to HubSpot through n8n's authenticated request helper, and whatever came of it as an exchange (status, headers,
 * body, network fault) with nothing secret in it.
 */
import type { IAdditionalCredentialOptions, IExecuteFunctions, IHttpRequestMethods, ILoadOptionsFunctions } from 'n8n-workflow';

import type { Connection } from './credentials';

export interface HubSpotExchange {
	/** 0 when no HTTP answer arrived (connection reset, timeout, DNS). */
	statusCode: number;
	headers: Record<string, string>; body: unknown;
	/** Network error code (ECONNRESET, ETIMEDOUT, …) and its description, when there was no answer. */
	networkCode?: string; networkMessage?: string;
	/** Only a status is known, no HubSpot answer: n8n's helper failed outside the API call (an OAuth2 refresh refused). */
	answerUnread?: boolean;
	sentAt: Date; receivedAt: Date;
}

/** `timeoutMs`: milliseconds before the request is given up as a socket timeout. */
export type HubSpotRequest = { method: IHttpRequestMethods; path: string; body?: object; timeoutMs?: number };

function lowerCaseHeaders(raw: unknown): Record<string, string> {
	const headers: Record<string, string> = {};
	if (!raw || typeof raw !== 'object') return headers;
	const source = typeof (raw as { toJSON?: unknown }).toJSON === 'function' ? (raw as { toJSON: () => object }).toJSON() : raw;
	for (const [key, value] of Object.entries(source)) if (value != null) headers[key.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
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
	response?: { status?: number; statusCode?: number; headers?: unknown; data?: unknown; body?: unknown };
	cause?: unknown; code?: string; httpCode?: string | null; message?: string; context?: { data?: unknown };
	/** The token endpoint's answer, on the OAuth2 client's AuthError. */
	body?: unknown;
	/** n8n's own classification, on its errors. */
	failure?: { cause?: string };
}

/**
 * A refused OAuth2 refresh comes back without an HTTP status when the token endpoint answers the RFC 6749 way (`{"error":
 * "invalid_grant", …}`, as HubSpot's token endpoints do): n8n's OAuth2 client throws an AuthError (code EAUTH) holding that
 * answer. n8n 1.x wraps it in a NodeApiError that keeps only the code, as `httpCode: 'EAUTH'`; n8n 2.x turns it into its own
 * "needs to be reconnected" error, classed `credential-invalid`. None of these is a network fault worth retrying.
 */
function refusedRefresh(layer: ErrorShape): { body: unknown } | undefined {
	const body = layer.body as { error?: unknown } | undefined;
	if (layer.code === 'EAUTH') return { body: body && typeof body === 'object' && typeof body.error === 'string' ? body : undefined };
	if (layer.httpCode === 'EAUTH' || layer.failure?.cause === 'credential-invalid') return { body: undefined };
	return undefined;
}

/**
 * n8n wraps a failed call in a NodeApiError whose `cause` is the HTTP client's error. The answer (status, headers, body) is dug
 * out of whichever layer has it; request config, which holds the Authorization header, is never looked at or kept.
 */
function exchangeFromError(error: unknown, sentAt: Date): HubSpotExchange {
	const receivedAt = new Date();
	const layers: ErrorShape[] = [];
	for (let current = error, depth = 0; depth < 5 && current && typeof current === 'object'; depth++, current = (current as ErrorShape).cause) layers.push(current as ErrorShape);
	for (const { response } of layers) {
		const status = response?.status ?? response?.statusCode;
		if (response && typeof status === 'number') return { statusCode: status, headers: lowerCaseHeaders(response.headers), body: parseBody(response.data ?? response.body), sentAt, receivedAt };
	}
	const refusals = layers.map(refusedRefresh).filter((r) => r !== undefined);
	// HubSpot answers a bad refresh token or client with 400; its answer, where some layer kept it.
	if (refusals.length > 0) return { statusCode: 400, headers: {}, body: refusals.find((r) => r.body !== undefined)?.body, answerUnread: true, sentAt, receivedAt };
	for (const layer of layers) {
		const status = Number(layer.httpCode);
		if (Number.isInteger(status) && status >= 100) return { statusCode: status, headers: {}, body: layer.context?.data, answerUnread: true, sentAt, receivedAt };
	}
	const networkCode = layers.find((l) => typeof l.code === 'string' && /^E[A-Z_]+$/.test(l.code))?.code ?? 'ECONNRESET';
	const message = layers[layers.length - 1]?.message;
	return { statusCode: 0, headers: {}, body: undefined, networkCode, networkMessage: typeof message === 'string' ? message : 'The connection to HubSpot failed', sentAt, receivedAt };
}

/**
 * One HTTP call through n8n's authenticated request helper, so OAuth2 tokens are signed, and refreshed on a 401, by n8n itself.
 * Never throws: every outcome comes back as an exchange for the retry policy to judge.
 */
export async function sendRequest(ctx: IExecuteFunctions | ILoadOptionsFunctions, connection: Connection, request: HubSpotRequest): Promise<HubSpotExchange> {
	const sentAt = new Date();
	const { credentialType, appTokenCredential: data } = connection;
	// A private app token cannot be refreshed: n8n's generic "refresh and resend on 401" would only send the same refused request
	// twice. OAuth2 refreshes go their own way and are kept. n8n reads only `data` of the credential handed over; the id and name
	// are the node's own reference to it.
	const appTokenOptions: IAdditionalCredentialOptions = { preAuthenticationRetryStatusCode: [], ...(data && { credentialsDecrypted: { id: '', name: '', type: credentialType, data } }) };
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
				// No abortSignal: n8n's helper puts the execution's cancel signal on every request itself (n8n 1.x and 2.x), so a
				// stopped execution's requests under way are cut off. HubSpot's API does not redirect. A redirect from the Base
				// URL (a mistyped host, a proxy) would carry the Authorization header to another address, and turn a POST into a
				// GET on 301/302: it comes back as an error naming where it pointed. Leaving follow-redirects out of every
				// request also saves some CPU.
				disableFollowRedirect: true,
			},
			connection.authentication === 'appToken' ? appTokenOptions : undefined,
		)) as { statusCode?: number; status?: number; headers?: unknown; body?: unknown };
		return { statusCode: response.statusCode ?? response.status ?? 200, headers: lowerCaseHeaders(response.headers), body: parseBody(response.body), sentAt, receivedAt: new Date() };
	} catch (error) {
		return exchangeFromError(error, sentAt);
	}
}
