/** Bearer tokens the emulator accepts: private-app tokens and OAuth access tokens (which expire). */
import { randomBytes } from 'node:crypto';

export type TokenKind = 'private' | 'oauth';

export interface TokenOptions {
	/** Granted scopes; omitted = every scope. */
	scopes?: string[];
	kind?: TokenKind;
	/** Expires this many ms from now (default: never for private, oauth tokens get it from configureOAuth). */
	expiresInMs?: number;
}

export interface TokenInfo {
	token: string;
	kind: TokenKind;
	/** undefined = every scope. */
	scopes?: ReadonlySet<string>;
	/** Date.now() after which the token is expired. */
	expiresAt?: number;
}

export interface OAuthConfig {
	clientId: string;
	clientSecret: string;
	refreshToken: string;
	/** Lifetime of issued access tokens; default 30 minutes like HubSpot. */
	accessTokenTtlMs?: number;
	/** Scopes of issued access tokens; default every scope. */
	scopes?: string[];
}

export class TokenRegistry {
	private readonly tokens = new Map<string, TokenInfo>();

	add(token: string, options: TokenOptions = {}): TokenInfo {
		const info: TokenInfo = {
			token,
			kind: options.kind ?? 'private',
			scopes: options.scopes ? new Set(options.scopes) : undefined,
			expiresAt: options.expiresInMs === undefined ? undefined : Date.now() + options.expiresInMs,
		};
		this.tokens.set(token, info);
		return info;
	}

	get(token: string): TokenInfo | undefined {
		return this.tokens.get(token);
	}

	/** Marks a token expired (it stays known, so calls get EXPIRED_AUTHENTICATION rather than INVALID). */
	expire(token: string): boolean {
		const info = this.tokens.get(token);
		if (!info) return false;
		info.expiresAt = Date.now() - 1;
		return true;
	}

	issueOAuth(ttlMs: number, scopes?: string[]): TokenInfo {
		return this.add(`oauth-${randomBytes(18).toString('base64url')}`, {
			kind: 'oauth',
			scopes,
			expiresInMs: ttlMs,
		});
	}

	clear(): void {
		this.tokens.clear();
	}
}
