/**
 * POST /oauth/v1/token: refresh_token and authorization_code grants. Client id/secret come in the form
 * body (HubSpot's documented way) or as HTTP Basic auth (what generic OAuth clients often send).
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

export function tokenEndpoint(emu: HubSpotEmulator, req: IncomingMessage, raw: Buffer, correlationId: string): Reply {
	if (req.method !== 'POST') {
		return { status: 405, body: { status: 'error', message: 'Use POST', correlationId, category: 'METHOD_NOT_ALLOWED' } };
	}
	const params = formParams(req, raw);
	const basic = basicAuth(req);
	const clientId = params.client_id ?? basic.id;
	const clientSecret = params.client_secret ?? basic.secret;
	const cfg = emu.oauth;
	const clientOk = !!cfg && clientId === cfg.clientId && clientSecret === cfg.clientSecret;
	const bad = (status: string, message: string): Reply => ({ status: 400, body: { status, message, correlationId } });

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
			return issue();
		default:
			return bad('BAD_GRANT_TYPE', `missing or unknown grant_type ${JSON.stringify(params.grant_type ?? null)}`);
	}
}
