import { sleep } from 'n8n-workflow';

import type { HubSpotExchange } from './request';

/**
 * Paces requests from what HubSpot's rate-limit headers say is left, so that a long run slows down
 * before HubSpot has to refuse it. HubSpot counts per app and account, not per execution: other
 * executions, workers and apps draw on the same budget, and only the headers tell about them. So the
 * throttle trusts `X-HubSpot-RateLimit-Remaining` over its own count, and when the budget runs low it
 * spaces requests at the window's steady rate, stretched (additive-increase/multiplicative-decrease)
 * while others are seen competing, with jitter so that executions do not fall into step.
 *
 * One instance per execution of the node: nothing is shared between executions but HubSpot's answers.
 */
export interface ThrottleOptions {
	/** Keep this share of the window in hand for other callers before pacing starts. */
	reserveShare?: number;
	random?: () => number;
	now?: () => number;
}

export class RateLimitThrottle {
	private max = 0;

	private intervalMs = 0;

	private remaining = Number.POSITIVE_INFINITY;

	/** Requests this throttle let through since `remaining` was last read. */
	private sentSinceReading = 0;

	/** Multiplier on the steady spacing; grows when HubSpot refuses or others compete. */
	private stretch = 1;

	private nextSlotAt = 0;

	private dailyLimitHit = false;

	private readonly reserveShare: number;

	private readonly random: () => number;

	private readonly now: () => number;

	constructor(options: ThrottleOptions = {}) {
		this.reserveShare = options.reserveShare ?? 0.1;
		this.random = options.random ?? Math.random;
		this.now = options.now ?? Date.now;
	}

	get stoppedByDailyLimit(): boolean {
		return this.dailyLimitHit;
	}

	markDailyLimit(): void {
		this.dailyLimitHit = true;
	}

	/** Time between two requests that keeps a rolling window exactly full, stretched when contended. */
	private spacingMs(): number {
		if (this.max <= 0 || this.intervalMs <= 0) return 0;
		return (this.intervalMs / this.max) * this.stretch;
	}

	private reserve(): number {
		return Math.max(1, Math.ceil(this.max * this.reserveShare));
	}

	/** Waits, if need be, until one more request may go. */
	async acquire(): Promise<void> {
		const estimate = this.remaining - this.sentSinceReading;
		const now = this.now();
		if (estimate > this.reserve() && now >= this.nextSlotAt) {
			this.sentSinceReading++;
			return;
		}
		const spacing = this.spacingMs();
		const at = Math.max(now, this.nextSlotAt);
		// ±25 % jitter keeps concurrent executions from settling into the same beat.
		this.nextSlotAt = at + spacing * (0.75 + this.random() * 0.5);
		this.sentSinceReading++;
		if (at > now) await sleep(at - now);
	}

	/** Reads HubSpot's rate-limit headers from any answer, success or not. */
	observe(exchange: HubSpotExchange): void {
		const h = exchange.headers;
		const max = Number(h['x-hubspot-ratelimit-max']);
		const interval = Number(h['x-hubspot-ratelimit-interval-milliseconds']);
		const remaining = Number(h['x-hubspot-ratelimit-remaining']);
		if (Number.isFinite(max) && max > 0) this.max = max;
		if (Number.isFinite(interval) && interval > 0) this.intervalMs = interval;
		if (Number.isFinite(remaining) && h['x-hubspot-ratelimit-remaining'] !== undefined) {
			this.remaining = remaining;
			this.sentSinceReading = 0;
			if (this.max > 0) {
				if (remaining <= this.reserve() / 2) this.stretch = Math.min(8, this.stretch * 1.05);
				else if (remaining > this.reserve()) this.stretch = Math.max(1, this.stretch - 0.05);
			}
		}
	}

	/**
	 * A TEN_SECONDLY 429: everyone in this execution holds back for `waitMs`, and the spacing widens,
	 * because a refusal means more callers share the window than the headers let us see.
	 */
	penalize(waitMs: number): void {
		this.stretch = Math.min(8, this.stretch * 1.5);
		this.remaining = 0;
		this.sentSinceReading = 0;
		this.nextSlotAt = Math.max(this.nextSlotAt, this.now() + waitMs);
	}

	/** The steady spacing, for callers that need a fallback wait. */
	steadySpacingMs(): number {
		return this.spacingMs();
	}

	windowMs(): number {
		return this.intervalMs;
	}
}
