/**
 * Runs `work` over `count` jobs with at most `concurrency` under way, starting them in order. `shouldStop` is asked before each
 * start: once it says yes no new job starts, and the ones under way finish (a request already sent is never abandoned, so no item
 * is left in an unknown state).
 */
export async function runPool(count: number, concurrency: number, work: (index: number) => Promise<void>, shouldStop: () => boolean = () => false): Promise<void> {
	let next = 0;
	const lane = async () => {
		while (next < count && !shouldStop()) await work(next++);
	};
	await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, count)) }, lane));
}
