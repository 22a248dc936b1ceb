/**
 * HubSpot's rate-limit model: a rolling window per account ("TEN_SECONDLY_ROLLING", default 100 per 10 s)
 * and an optional daily budget ("DAILY") that never clears until reset.
 *
 * A request is refused when `max` requests were ACCEPTED in the last `intervalMs`. Timestamps of accepted
 * requests sit in a ring buffer: push and prune are amortised O(1), so 100k-pair benchmarks with hundreds
 * of concurrent requests never scan anything larger than the window. The clock is the global `performance`
 * (not node:perf_hooks' own), so that a test's fake clock (jest's fake timers) moves the window.
 */
export interface RateLimitSettings {
	max: number;
	intervalMs: number;
	/** When true, refused requests also occupy the window (a harsher model). Default false. */
	countRejected?: boolean;
	/** Optional `groupName` echoed in 429 bodies. */
	groupName?: string;
}

export type RateDecision =
	| { ok: true }
	| { ok: false; policy: 'TEN_SECONDLY_ROLLING'; retryAfterMs: number }
	| { ok: false; policy: 'DAILY' };

/** Growable ring buffer of timestamps, oldest first. */
class TimestampRing {
	private buf: number[] = new Array<number>(64).fill(0);
	private head = 0;
	size = 0;

	push(t: number): void {
		if (this.size === this.buf.length) {
			const grown = new Array<number>(this.buf.length * 2).fill(0);
			for (let i = 0; i < this.size; i++) grown[i] = this.buf[(this.head + i) % this.buf.length];
			this.buf = grown;
			this.head = 0;
		}
		this.buf[(this.head + this.size) % this.buf.length] = t;
		this.size++;
	}

	/** Drops timestamps at or before `cutoff`. */
	prune(cutoff: number): void {
		while (this.size > 0 && this.buf[this.head] <= cutoff) {
			this.head = (this.head + 1) % this.buf.length;
			this.size--;
		}
	}

	oldest(): number | undefined {
		return this.size > 0 ? this.buf[this.head] : undefined;
	}

	clear(): void {
		this.head = 0;
		this.size = 0;
	}
}

export class RateLimiter {
	private readonly window = new TimestampRing();
	/** Accepted requests since reset (the daily budget never clears by itself). */
	dailyUsed = 0;

	/** Decides and, when accepted, records the request. */
	decide(cfg: RateLimitSettings | null, dailyLimit: number | null): RateDecision {
		const now = performance.now();
		if (cfg) this.window.prune(now - cfg.intervalMs);
		if (dailyLimit !== null && this.dailyUsed >= dailyLimit) {
			if (cfg?.countRejected) this.window.push(now);
			return { ok: false, policy: 'DAILY' };
		}
		if (cfg && this.window.size >= cfg.max) {
			const oldest = this.window.oldest() ?? now;
			if (cfg.countRejected) this.window.push(now);
			return {
				ok: false,
				policy: 'TEN_SECONDLY_ROLLING',
				retryAfterMs: Math.max(0, oldest + cfg.intervalMs - now),
			};
		}
		if (cfg) this.window.push(now);
		this.dailyUsed++;
		return { ok: true };
	}

	/** X-HubSpot-RateLimit-* headers describing the state now. */
	headers(
		cfg: RateLimitSettings | null,
		dailyLimit: number | null,
		includeDaily: boolean,
	): Record<string, string> {
		const h: Record<string, string> = {};
		if (cfg) {
			this.window.prune(performance.now() - cfg.intervalMs);
			h['X-HubSpot-RateLimit-Max'] = String(cfg.max);
			h['X-HubSpot-RateLimit-Remaining'] = String(Math.max(0, cfg.max - this.window.size));
			h['X-HubSpot-RateLimit-Interval-Milliseconds'] = String(cfg.intervalMs);
		}
		if (includeDaily && dailyLimit !== null) {
			h['X-HubSpot-RateLimit-Daily'] = String(dailyLimit);
			h['X-HubSpot-RateLimit-Daily-Remaining'] = String(Math.max(0, dailyLimit - this.dailyUsed));
		}
		return h;
	}

	reset(): void {
		this.window.clear();
		this.dailyUsed = 0;
	}
}
