/**
 * Requests under way at once unless the user says otherwise, chosen from `npm run bench` (README,
 * "Performance"). The throttle, not this number, keeps the node inside HubSpot's rate limit; this only
 * bounds how many requests are in the air. HubSpot's first window is a burst of 100 to 250 requests,
 * each taking 100 to 500 ms: 20 under way send that burst in a fraction of the window (at 500 ms,
 * 5 at once take the whole 10 s window for 100 requests, 10 at once half of it), and keep a
 * 190-per-10-s account busy even at 500 ms a request.
 */
export const DEFAULT_CONCURRENCY = 20;

/**
 * Runs `work` over `count` jobs with at most `concurrency` under way, starting them in order.
 * `shouldStop` is asked before each start: once it says yes no new job starts, and the ones under way
 * finish (a request already sent is never abandoned, so no item is left in an unknown state).
 */
export async function runPool(
	count: number,
	concurrency: number,
	work: (index: number) => Promise<void>,
	shouldStop: () => boolean = () => false,
): Promise<void> {
	let next = 0;
	const lane = async () => {
		while (next < count && !shouldStop()) {
			const index = next++;
			await work(index);
		}
	};
	const lanes: Array<Promise<void>> = [];
	for (let i = 0; i < Math.max(1, Math.min(concurrency, count)); i++) lanes.push(lane());
	await Promise.all(lanes);
}
