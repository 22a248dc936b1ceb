/**
 * Runs `work` over `count` jobs with at most `concurrency` under way, starting them in order.
 * `shouldStop` is asked before each start: once it says yes no new job starts, and the ones under
 * way finish (a request already sent is never abandoned, so no item is left in an unknown state). A
 * job that throws stops the pool the same way: once the node is going to fail nothing new is sent,
 * and the error is thrown when the jobs under way have finished.
 */
export async function runPool(
	count: number,
	concurrency: number,
	work: (index: number) => Promise<void>,
	shouldStop: () => boolean = () => false,
): Promise<void> {
	let next = 0;
	let thrown: { error: unknown } | undefined;
	const lane = async () => {
		while (next < count && !thrown && !shouldStop()) {
			try {
				await work(next++);
			} catch (error) {
				thrown ??= { error };
			}
		}
	};
	await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, count)) }, lane));
	if (thrown) throw thrown.error;
}
