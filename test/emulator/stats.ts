/**
 * Counters for assertions and benchmarks. Only API requests are counted (not the OAuth token endpoint,
 * which has its own counters, and never the /__emulator control API). Request bodies are not kept unless
 * settings.recordBodies is on, so a 100k-pair benchmark does not hold every body in memory.
 */

export interface LogEntry {
	/** 1-based number of the API request (the n of faults.at). */
	n: number;
	method: string;
	path: string;
	/** Route name, e.g. 'batch/archive'; 'not-found' for unknown paths. */
	route: string;
	/** 0 when the connection was dropped by a fault. */
	status: number;
	/** Date.now() at arrival. */
	at: number;
	/** Milliseconds from arrival to answer. */
	ms?: number;
	/** Entries of `inputs` in the body. */
	inputs?: number;
	/** Pairs in the body (total `to` entries for archive). */
	pairs?: number;
	/** The bearer token presented. */
	authorization?: string;
	/** Set when a fault was injected: 'drop', 'drop-after', 'status', 'hold' (answerAfter), 'delay'. */
	fault?: string;
	/** Parsed body, only with settings.recordBodies. */
	body?: unknown;
}

export class EmulatorStats {
	/** API requests (everything but the token endpoint and the control API). */
	requests = 0;
	byStatus: Record<number, number> = {};
	/** 429 TEN_SECONDLY_ROLLING answers from the emulator's own limiter (injected 429s are not counted here). */
	rateLimited = 0;
	/** 429 DAILY answers. */
	dailyLimited = 0;
	/** Successful refresh_token grants. */
	refreshes = 0;
	/** Successful authorization_code grants (a credential connected). */
	codeGrants = 0;
	/** All calls to a token endpoint (POST /oauth/v1/token or /oauth/2026-03/token). */
	tokenRequests = 0;
	byRoute: Record<string, number> = {};
	/** Requests whose body held at least one invalid object id. */
	invalidIdRequests = 0;
	/** Most requests in flight at once (API + token endpoint). */
	maxConcurrent = 0;
	/** Requests in flight now. */
	inFlight = 0;
	/** Pairs actually removed (archive, labels archive removing the last/unlabeled type, single DELETE). */
	archivedPairs = 0;
	/** Connections destroyed by 'drop' / 'drop-after' faults. */
	dropped = 0;
	/** Faults applied (any kind). */
	faultsInjected = 0;
	/** Bearer token → number of API requests that presented it (known or not). */
	tokensSeen = new Map<string, number>();
	/** Most recent API requests, bounded by settings.logLimit. */
	log: LogEntry[] = [];

	reset(): void {
		this.requests = 0;
		this.byStatus = {};
		this.rateLimited = 0;
		this.dailyLimited = 0;
		this.refreshes = 0;
		this.codeGrants = 0;
		this.tokenRequests = 0;
		this.byRoute = {};
		this.invalidIdRequests = 0;
		this.maxConcurrent = this.inFlight;
		this.archivedPairs = 0;
		this.dropped = 0;
		this.faultsInjected = 0;
		this.tokensSeen = new Map();
		this.log = [];
	}

	/** Appends to the log; trims in chunks (amortised O(1)) once it is 10% over the limit. */
	record(entry: LogEntry, limit: number): void {
		this.log.push(entry);
		if (this.log.length > limit * 1.1 + 1) this.log.splice(0, this.log.length - limit);
	}

	/** Plain JSON (Map → object); `logTail` most recent log entries (default 1000, Infinity for all). */
	toJSON(logTail = 1000): Record<string, unknown> {
		return {
			requests: this.requests,
			byStatus: this.byStatus,
			rateLimited: this.rateLimited,
			dailyLimited: this.dailyLimited,
			refreshes: this.refreshes,
			codeGrants: this.codeGrants,
			tokenRequests: this.tokenRequests,
			byRoute: this.byRoute,
			invalidIdRequests: this.invalidIdRequests,
			maxConcurrent: this.maxConcurrent,
			inFlight: this.inFlight,
			archivedPairs: this.archivedPairs,
			dropped: this.dropped,
			faultsInjected: this.faultsInjected,
			tokensSeen: Object.fromEntries(this.tokensSeen),
			log: logTail >= this.log.length ? this.log : this.log.slice(this.log.length - logTail),
		};
	}
}
