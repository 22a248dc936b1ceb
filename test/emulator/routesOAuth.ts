/**
 * HubSpot's token endpoints: refresh_token and authorization_code grants. Client id/secret come in the
 * form body (HubSpot's documented way) or as HTTP Basic auth (what generic OAuth clients often send).
 *
 * - `POST /oauth/v1/token`: the legacy endpoint, retired on 2027-02-16. Errors are HubSpot's own
 *   `{status, message}`.
 * - `POST /oauth/2026-03/token`: its successor. HubSpot's migration guide: every parameter in the
 *   request body, none in the query string (the point of the new version: secrets out of URLs and logs);
 *   errors are RFC 6749's `{error, error_description}`, with v1's `status` and `message` kept beside them.
 */
import type { IncomingMessage } from 'node:http';
import type { HubSpotEmulator } from './emulator';
import type { Reply } from './http';

/** The authorization code the emulator accepts for grant_type=authorization_code. */
export const TEST_AUTH_CODE = 'test-code';
const DEFAULT_TTL_MS = 30 * 60 * 1000;

function formParams(req: IncomingMessage, raw: Buffer): Record<string, string> {
	const text = raw.toString('utf8');
	if ((req.headers['content-type'] ?? '').includes('json')) {
		try {
			const parsed: unknown = JSON.parse(text);
			if (parsed && typeof parsed === 'object') {
				return Object.fromEntries(
					Object.entries(parsed as Record<string, unknown>).map(([k, v]) => [k, String(v)]),
				);
			}
		} catch {
			return {};
		}
		return {};
	}
	return Object.fromEntries(new URLSearchParams(text));
}

function basicAuth(req: IncomingMessage): { id?: string; secret?: string } {
	const m = /^Basic\s+(.+)$/i.exec(req.headers.authorization ?? '');
	if (!m) return {};
	const decoded = Buffer.from(m[1], 'base64').toString('utf8');
	const i = decoded.indexOf(':');
	if (i < 0) return {};
	// RFC 6749 2.3.1: both parts are form-url-encoded before base64.
	const dec = (s: string): string => {
		try {
			return decodeURIComponent(s.replace(/\+/g, ' '));
		} catch {
			return s;
		}
	};
	return { id: dec(decoded.slice(0, i)), secret: dec(decoded.slice(i + 1)) };
}

const TOKEN_PATHS = { v1: '/oauth/v1/token', dated: '/oauth/2026-03/token' } as const;
export type TokenVersion = keyof typeof TOKEN_PATHS;

/** Which token endpoint a path is, if any. */
export function tokenVersionOf(pathname: string): TokenVersion | undefined {
	if (pathname === TOKEN_PATHS.v1) return 'v1';
	if (pathname === TOKEN_PATHS.dated) return 'dated';
	return undefined;
}

/** RFC 6749 5.2's error code for each of HubSpot's v1 statuses. */
const RFC_ERROR: Record<string, string> = {
	BAD_REFRESH_TOKEN: 'invalid_grant',
	BAD_AUTH_CODE: 'invalid_grant',
	BAD_CLIENT_ID: 'invalid_client',
	BAD_GRANT_TYPE: 'unsupported_grant_type',
	PARAMETERS_IN_QUERY: 'invalid_request',
};

export function tokenEndpoint(
	emu: HubSpotEmulator,
	req: IncomingMessage,
	raw: Buffer,
	correlationId: string,
	version: TokenVersion = 'v1',
): Reply {
	if (req.method !== 'POST') {
		return {
			status: 405,
			body: { status: 'error', message: 'Use POST', correlationId, category: 'METHOD_NOT_ALLOWED' },
		};
	}
	const bad = (status: string, message: string): Reply =>
		version === 'v1'
			? { status: 400, body: { status, message, correlationId } }
			: {
					status: 400,
					body: {
						error: RFC_ERROR[status] ?? 'invalid_request',
						error_description: message,
						status,
						message,
						correlationId,
					},
				};
	if (version === 'dated' && new URL(req.url ?? '/', 'http://127.0.0.1').search !== '') {
		return bad(
			'PARAMETERS_IN_QUERY',
			'parameters must be sent in the request body, not in the query string',
		);
	}
	const params = formParams(req, raw);
	const basic = basicAuth(req);
	const clientId = params.client_id ?? basic.id;
	const clientSecret = params.client_secret ?? basic.secret;
	const cfg = emu.oauth;
	const clientOk = !!cfg && clientId === cfg.clientId && clientSecret === cfg.clientSecret;

	const issue = (): Reply => {
		const ttl = cfg!.accessTokenTtlMs ?? DEFAULT_TTL_MS;
		const info = emu.tokens.issueOAuth(ttl, cfg!.scopes);
		return {
			status: 200,
			body: {
				access_token: info.token,
				refresh_token: cfg!.refreshToken,
				expires_in: Math.round(ttl / 1000),
				token_type: 'bearer',
			},
		};
	};

	switch (params.grant_type) {
		case 'refresh_token':
			if (!clientOk || !params.refresh_token || params.refresh_token !== cfg!.refreshToken) {
				return bad('BAD_REFRESH_TOKEN', 'missing or unknown refresh token');
			}
			emu.stats.refreshes++;
			return issue();
		case 'authorization_code':
			if (!clientOk) return bad('BAD_CLIENT_ID', 'missing or unknown client id or secret');
			if (params.code !== TEST_AUTH_CODE)
				return bad('BAD_AUTH_CODE', 'missing or unknown auth code');
			emu.stats.codeGrants++;
			return issue();
		default:
			return bad(
				'BAD_GRANT_TYPE',
				`missing or unknown grant_type ${JSON.stringify(params.grant_type ?? null)}`,
			);
	}
}

/** HubSpot's consent page (app.hubspot.com/oauth/authorize), served by the emulator at the same path. */
export const AUTHORIZE_PATH = '/oauth/authorize';

const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const page = (title: string, body: string): string =>
	`<!doctype html><html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head><body><h1>${escapeHtml(title)}</h1>${body}</body></html>`;

/** The redirect back to the app, with `params` added to its query (RFC 6749 4.1.2 and 4.1.2.1). */
function redirectBack(redirectUri: string, params: Record<string, string>): Reply {
	const target = new URL(redirectUri);
	for (const [k, v] of Object.entries(params)) if (v !== '') target.searchParams.set(k, v);
	return { status: 302, headers: { Location: target.toString() }, body: undefined };
}

/**
 * The consent page a user reaches from the credential's *Connect*: GET shows the app's client id and the scopes it asks for
 * (`scope`, `optional_scope`) with *Connect app* and *Cancel*; the POST of that form sends the browser back to `redirect_uri` with
 * `code` (the one the token endpoint takes) and `state`, or, when cancelled, with `error=access_denied` and an
 * `error_description`, as RFC 6749 4.1.2.1 has it. HubSpot shows an error page of its own, never redirecting, when the client id
 * is unknown or the redirect URI is missing (RFC 6749 4.1.2.1: a bad client or redirect URI must not redirect).
 */
export function authorizePage(
	emu: HubSpotEmulator,
	req: IncomingMessage,
	url: URL,
	raw: Buffer,
): Reply {
	const html = (status: number, title: string, body: string): Reply => ({
		status,
		headers: { 'Content-Type': 'text/html; charset=utf-8' },
		body: page(title, body),
	});
	const params =
		req.method === 'POST' ? formParams(req, raw) : Object.fromEntries(url.searchParams);
	const cfg = emu.oauth;
	const redirectUri = params.redirect_uri ?? '';
	let validRedirect = false;
	try {
		validRedirect = ['http:', 'https:'].includes(new URL(redirectUri).protocol);
	} catch {
		validRedirect = false;
	}
	if (!cfg || params.client_id !== cfg.clientId)
		return html(400, 'Authorization failed', "<p>The app's client ID is not known to HubSpot.</p>");
	if (!validRedirect)
		return html(400, 'Authorization failed', '<p>The request has no valid redirect URL.</p>');
	const state = params.state ?? '';
	if (req.method === 'POST') {
		if (params.decision === 'approve')
			return redirectBack(redirectUri, { code: TEST_AUTH_CODE, state });
		return redirectBack(redirectUri, {
			error: 'access_denied',
			error_description: 'The user declined to connect the app',
			state,
		});
	}
	const hidden = ['client_id', 'redirect_uri', 'state']
		.map((name) => `<input type="hidden" name="${name}" value="${escapeHtml(params[name] ?? '')}">`)
		.join('');
	const scopes = (s: string | undefined) =>
		escapeHtml((s ?? '').split(/\s+/).filter(Boolean).join(', ') || 'none');
	return html(
		200,
		'Connect app',
		`<p>App <code>${escapeHtml(cfg.clientId)}</code> asks for access to your HubSpot account.</p>` +
			`<p>Scopes: ${scopes(params.scope)}</p><p>Optional scopes: ${scopes(params.optional_scope)}</p>` +
			`<form method="post" action="${AUTHORIZE_PATH}">${hidden}` +
			'<button type="submit" name="decision" value="approve">Connect app</button> ' +
			'<button type="submit" name="decision" value="deny">Cancel</button></form>',
	);
}
