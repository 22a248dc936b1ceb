/**
 * Fault switchboard: lets a test make the N-th API request (or requests whose URL contains a substring)
 * fail, hang or lose its connection, without touching the emulator's real behaviour for other requests.
 */

/** An HTTP error, a late answer, or a dropped connection. */
export type Fault =
	/** Destroy the socket before doing anything (connection reset; nothing was processed). */
	| 'drop'
	/** Process the request (state changes!) and then destroy the socket: "HubSpot did it but the answer was lost". */
	| 'drop-after'
	| {
			/** Answer this status instead of processing. Omit to process normally (useful with delayMs). */
			status?: number;
			/** Body for `status`; default a HubSpot-shaped error for that status. A string is sent verbatim. */
			body?: unknown;
			headers?: Record<string, string>;
			/** Extra delay before the answer (on top of settings.latencyMs), e.g. to trigger client timeouts. */
			delayMs?: number;
			/**
			 * Hold the answer until the answer to API request number `answerAfter` has gone out: a later request
			 * finishes first whatever the machine's speed (the client must send that one meanwhile, or this waits).
			 */
			answerAfter?: number;
	  };

interface PathFault {
	substring: string;
	fault: Fault;
	remaining: number;
}

export class FaultSwitchboard {
	/** Ids (from or to) that make batch archive/create/labels-archive answer 207 with an invalid-object error for their pairs. */
	readonly errorIds = new Set<string>();
	private readonly byNumber = new Map<number, Fault>();
	private readonly byPath: PathFault[] = [];

	/** Fault for the n-th API request (1-based, counted like stats.requests: since the last reset). */
	at(n: number, fault: Fault): this {
		this.byNumber.set(n, fault);
		return this;
	}

	/** Fault for requests whose path+query contains `substring`, the next `times` times (default: always). */
	onPath(substring: string, fault: Fault, times = Infinity): this {
		this.byPath.push({ substring, fault, remaining: times });
		return this;
	}

	/** Faults not yet consumed (numbered + path faults with uses left). */
	get pending(): number {
		return this.byNumber.size + this.byPath.length;
	}

	clear(): void {
		this.errorIds.clear();
		this.byNumber.clear();
		this.byPath.length = 0;
	}

	/** Consumes and returns the fault for this request, numbered faults first. */
	take(n: number, url: string): Fault | undefined {
		const numbered = this.byNumber.get(n);
		if (numbered !== undefined) {
			this.byNumber.delete(n);
			return numbered;
		}
		const i = this.byPath.findIndex((p) => url.includes(p.substring));
		if (i < 0) return undefined;
		const p = this.byPath[i];
		if (--p.remaining <= 0) this.byPath.splice(i, 1);
		return p.fault;
	}
}
