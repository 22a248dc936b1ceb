/**
 * One pace per HubSpot credential in an n8n process. n8n runs many executions at once in one
 * process (regular mode: all of them; queue mode: up to a worker's concurrency) and loads a node's
 * modules once per process, as its own Postgres node's connection pools rely on. Executions that
 * use one credential share its throttle: its picture of HubSpot's window then holds every request
 * the process sent, exactly, and HubSpot's headers only have to tell it about other processes and
 * apps. A pace holds no credential and no item, only timings; once no execution uses it and HubSpot
 * counts none of its requests any more, it is dropped.
 */
import { RateLimitThrottle } from './throttle';

const paces = new Map<string, { throttle: RateLimitThrottle; users: number }>();

export interface Pace {
	throttle: RateLimitThrottle;
	/** The execution is done with it; called once, further calls do nothing. */
	release(): void;
}

/**
 * The pace for `key` (credential type, id and base URL), or one of its own when there is no key (a
 * dropdown).
 */
export function usePace(key: string | undefined): Pace {
	if (key === undefined) return { throttle: new RateLimitThrottle(), release: () => undefined };
	// A pace outlives its last execution while HubSpot may still count its requests: an execution
	// starting just after must know of them. Paces nobody uses and nothing is left in are dropped
	// here, with no timer of their own.
	for (const [other, pace] of paces)
		if (pace.users === 0 && pace.throttle.isIdle()) paces.delete(other);
	const pace = paces.get(key) ?? { throttle: new RateLimitThrottle(), users: 0 };
	paces.set(key, pace);
	pace.users++;
	let released = false;
	return {
		throttle: pace.throttle,
		release: () => {
			if (released) return;
			released = true;
			pace.users--;
		},
	};
}
