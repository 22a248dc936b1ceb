/**
 * How a simulated run split HubSpot's window between n8n's workers, window by window: the requests
 * HubSpot accepted from each worker and the executions each was running. Each worker paces itself
 * from what it sent and from HubSpot's headers alone; this shows whether their parts follow their
 * work (`npm run bench:throttle -- --shares`).
 */
import type { Outcome } from './throttleSim';

export interface WindowShare {
	/** The window's start, from the calls being fired. */
	fromMs: number;
	/** Per worker: requests HubSpot accepted within the window. */
	accepted: number[];
	/** Per worker: executions that held one of its slots at some moment of the window. */
	executions: number[];
}

export function windowShares(
	outcome: Pick<Outcome, 'timeline' | 'calls' | 'totalMs'>,
	intervalMs: number,
	workers: number,
): WindowShare[] {
	if (!(intervalMs > 0)) throw new RangeError('windowShares needs an interval above 0');
	const workerOf = (call: number) => outcome.calls[call].worker;
	const shares: WindowShare[] = [];
	for (let fromMs = 0; fromMs < outcome.totalMs; fromMs += intervalMs) {
		const toMs = fromMs + intervalMs;
		const accepted = new Array<number>(workers).fill(0);
		for (const entry of outcome.timeline)
			if (entry.ok && entry.at >= fromMs && entry.at < toMs) accepted[workerOf(entry.calls[0])]++;
		const executions = new Array<number>(workers).fill(0);
		for (const call of outcome.calls)
			if (call.startedAt < toMs && call.endAt > fromMs) executions[call.worker]++;
		shares.push({ fromMs, accepted, executions });
	}
	return shares;
}

/** One line per window: "20 s: 5 + 95 accepted (5 + 10 executions)". */
export function describeWindowShares(shares: readonly WindowShare[]): string[] {
	return shares.map(
		(share) =>
			`${share.fromMs / 1000} s: ${share.accepted.join(' + ')} accepted (${share.executions.join(' + ')} executions)`,
	);
}
