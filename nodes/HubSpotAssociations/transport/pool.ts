/**
 * Requests under way at once unless the user says otherwise. Chosen from \`npm run bench\` (see the
 * README's "Performance"): enough to keep HubSpot's window busy at 500 ms latency on a 190-per-10-s
 * account, no more.
 */
export const DEFAULT_CONCURRENCY = 10;

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
