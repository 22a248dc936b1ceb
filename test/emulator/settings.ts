/** Behaviour switches, mutable per test (emu.settings.x = ...); reset() puts the defaults back in place. */
import { RateLimitSettings } from './rateLimit';

export interface EmulatorSettings {
	/** Success status of batch/archive and batch/labels/archive: 204 (no body, the spec) or 200 (BatchResponse, the reference page). */
	archiveResponse: '204' | '200';
	/** Success status of batch/create: 201 (documented) or 200 (what HubSpot switched a sibling to in 2025). */
	createResponse: '201' | '200';
	/** Largest archive batch accepted; bigger ones get HubSpot's 400 "The maximum number of inputs supported in a batch is M. …". */
	maxArchiveInputs: number;
	/** What maxArchiveInputs counts: 'pairs' (total `to` entries) or 'inputs' (entries of `inputs`). */
	limitCounts: 'inputs' | 'pairs';
	/** Largest batch/read accepted (HubSpot: 1000 since 2025-02-10). */
	maxReadInputs: number;
	/** Targets per from id per page in batch/read. */
	readPageSize: number;
	/** A from id with no associations in batch/read: '207' (an OBJECT_NOT_FOUND error) or 'empty' (a result with to: []). */
	readMissingAs: '207' | 'empty';
	/** Rolling window per account; null turns rate limiting off (and drops the headers). */
	rateLimit: RateLimitSettings | null;
	/** Accepted requests allowed before 429 DAILY (never clears until reset); null = no daily budget. */
	dailyLimit: number | null;
	/** Add Retry-After (seconds) to rolling-window 429s. HubSpot does not document one. */
	retryAfter: boolean;
	/** Fixed delay before every answer (async timer: concurrent requests are not serialised). */
	latencyMs: number;
	/** true: every API call answers 403 MISSING_SCOPES; a list: those scopes are reported as required. */
	missingScopes: boolean | string[];
	/** Keep parsed request bodies in stats.log (off by default: 100k-pair benchmarks). */
	recordBodies: boolean;
	/** stats.log keeps about this many most recent entries. */
	logLimit: number;
	/** portalId answered by /account-info/v3/details. */
	portalId: number;
	/** Answer every numbered path (/crm/v4/…, /…/v3/…) with 404, as HubSpot will once it stops supporting them (September 2027). */
	refuseLegacyPaths: boolean;
	/**
	 * Version 2026-09 enforces users' association permissions on API writes of user-level OAuth
	 * connections: every OAuth token's user lacks "Edit Associations", so 2026-09 (and later) writes fail.
	 */
	oauthUserLacksEditAssociations: boolean;
}

export function defaultSettings(): EmulatorSettings {
	return {
		archiveResponse: '204',
		createResponse: '201',
		maxArchiveInputs: 1000,
		limitCounts: 'pairs',
		maxReadInputs: 1000,
		readPageSize: 500,
		readMissingAs: '207',
		rateLimit: { max: 100, intervalMs: 10000 },
		dailyLimit: null,
		retryAfter: false,
		latencyMs: 0,
		missingScopes: false,
		recordBodies: false,
		logLimit: 100000,
		portalId: 12345678,
		refuseLegacyPaths: false,
		oauthUserLacksEditAssociations: false,
	};
}

/** Puts defaults back into the same object, so references held by tests stay live. */
export function resetSettings(settings: EmulatorSettings): void {
	for (const key of Object.keys(settings))
		delete (settings as unknown as Record<string, unknown>)[key];
	Object.assign(settings, defaultSettings());
}

/**
 * Merges a partial settings object (from the control API); unknown keys are refused so typos surface.
 * Object values (rateLimit) are merged one level deep; null replaces.
 */
export function mergeSettings(
	settings: EmulatorSettings,
	patch: Record<string, unknown>,
): string[] {
	const defaults = defaultSettings() as unknown as Record<string, unknown>;
	const target = settings as unknown as Record<string, unknown>;
	const unknownKeys = Object.keys(patch).filter((k) => !(k in defaults));
	if (unknownKeys.length) return unknownKeys;
	for (const [key, value] of Object.entries(patch)) {
		const current = target[key];
		if (
			value &&
			typeof value === 'object' &&
			!Array.isArray(value) &&
			current &&
			typeof current === 'object' &&
			!Array.isArray(current)
		) {
			target[key] = { ...current, ...value };
		} else if (key === 'archiveResponse' || key === 'createResponse') {
			target[key] = String(value);
		} else {
			target[key] = value;
		}
	}
	return [];
}
