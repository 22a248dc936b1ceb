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
				return Object.fromEntries(Object.entries(parsed as Record<string, unknown>).map(([k, v]) => [k, String(v)]));
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
		return { status: 405, body: { status: 'error', message: 'Use POST', correlationId, category: 'METHOD_NOT_ALLOWED' } };
	}
	const bad = (status: string, message: string): Reply =>
		version === 'v1'
			? { status: 400, body: { status, message, correlationId } }
			: { status: 400, body: { error: RFC_ERROR[status] ?? 'invalid_request', error_description: message, status, message, correlationId } };
	if (version === 'dated' && new URL(req.url ?? '/', 'http://127.0.0.1').search !== '') {
		return bad('PARAMETERS_IN_QUERY', 'parameters must be sent in the request body, not in the query string');
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
			body: { access_token: info.token, refresh_token: cfg!.refreshToken, expires_in: Math.round(ttl / 1000), token_type: 'bearer' },
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
			if (params.code !== TEST_AUTH_CODE) return bad('BAD_AUTH_CODE', 'missing or unknown auth code');
			emu.stats.codeGrants++;
			return issue();
		default:
			return bad('BAD_GRANT_TYPE', `missing or unknown grant_type ${JSON.stringify(params.grant_type ?? null)}`);
	}
}
