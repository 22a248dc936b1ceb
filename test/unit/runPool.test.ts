import { runPool } from '../../nodes/HubSpotAssociations/helpers/runPool';

/** A promise and the functions that settle it, so a test decides the order in which jobs end. */
function deferred() {
	let resolve!: () => void;
	let reject!: (error: Error) => void;
	const promise = new Promise<void>((res, rej) => ((resolve = res), (reject = rej)));
	return { promise, resolve, reject };
}

describe('runPool', () => {
	it('starts no new job once one has thrown, lets those under way finish, then throws that error', async () => {
		const jobs = Array.from({ length: 10 }, deferred);
		const started: number[] = [];
		const finished: number[] = [];
		const pool = runPool(10, 3, async (i) => {
			started.push(i);
			await jobs[i].promise;
			finished.push(i);
		});
		let settled = false;
		const outcome = pool.then(
			() => 'resolved',
			(error: Error) => error.message,
		);
		void outcome.finally(() => (settled = true));
		const ticks = async () => {
			for (let tick = 0; tick < 20; tick++) await Promise.resolve();
		};
		expect(started).toEqual([0, 1, 2]);
		jobs[0].reject(new Error('job 0 failed'));
		await ticks();
		// Jobs 1 and 2 are still under way: the pool has not given up on them.
		expect(settled).toBe(false);
		jobs[1].resolve();
		jobs[2].resolve();
		await ticks();
		expect(await outcome).toBe('job 0 failed');
		expect(started).toEqual([0, 1, 2]);
		expect(finished).toEqual([1, 2]);
	});

	it('asks shouldStop before each start and runs every job when it never says stop', async () => {
		const started: number[] = [];
		await runPool(5, 2, async (i) => {
			started.push(i);
		});
		expect(started).toEqual([0, 1, 2, 3, 4]);
		const stopped: number[] = [];
		await runPool(
			5,
			1,
			async (i) => void stopped.push(i),
			() => stopped.length === 2,
		);
		expect(stopped).toEqual([0, 1]);
	});
});
