/**
 * Executions of one n8n process that use one credential share requests: their pairs wait in one
 * line, a request carries what waits when the pace has a place, and every execution gets back
 * exactly its own outcomes. Each test runs real executions at once through n8n's engine against the
 * emulator.
 */
import type { IDataObject } from 'n8n-workflow';

import type { HubSpotEmulator } from './emulator';
import { APP_TOKEN, archiveParameters, credentialsFor, run, useEmulator } from './helpers/setup';

const OTHER_TOKEN = 'pat-na1-99999999-8888-7777-6666-555555555555';

/** One one-pair item per execution: contact `start + k` → company `start + 100,000 + k`, seeded. */
function onePairEach(emu: HubSpotEmulator, executions: number, start: number): IDataObject[][] {
	return Array.from({ length: executions }, (_, k) => {
		emu.seed('contacts', String(start + k), 'companies', String(start + 100_000 + k));
		return [{ id: start + k, to: start + 100_000 + k }];
	});
}

const archiveRequests = (emu: HubSpotEmulator) =>
	emu.stats.log.filter((entry) => entry.route === 'batch/archive');

/** The from ids in a recorded batch/archive body. */
const fromIdsOf = (body: unknown): string[] =>
	((body as { inputs?: Array<{ from: { id: string } }> }).inputs ?? []).map((i) =>
		String(i.from.id),
	);

describe('Executions share requests through one queue per credential', () => {
	const emulator = useEmulator();
	// Each test's executions share one credential of their own: a pace outlives a test by two windows.
	let account = '';
	beforeEach(() => void (account = expect.getState().currentTestName ?? ''));

	it('twenty one-pair executions at once go in a few requests; each gets its own pair, COMPLETE', async () => {
		const emu = emulator();
		const inputs = onePairEach(emu, 20, 1);
		const results = await Promise.all(
			inputs.map((items) => run(emu, items, archiveParameters(), { credentialId: account })),
		);
		results.forEach((result, k) => {
			expect(result.error).toBeUndefined();
			expect(result.items).toHaveLength(1);
			expect(result.items[0].json).toMatchObject({
				fromId: String(1 + k),
				toIds: [String(100_001 + k)],
				status: 'COMPLETE',
			});
			expect(result.items[0].pairedItem).toEqual({ item: 0 });
		});
		expect(emu.count()).toBe(0);
		// One request learns the window alone; what waited meanwhile goes together.
		expect(archiveRequests(emu).length).toBeLessThanOrEqual(3);
	});

	it('with Share Requests With Other Executions off, each execution sends its own request', async () => {
		const emu = emulator();
		const inputs = onePairEach(emu, 8, 1);
		const parameters = archiveParameters({ options: { shareRequests: false } });
		const results = await Promise.all(
			inputs.map((items) => run(emu, items, parameters, { credentialId: account })),
		);
		for (const result of results) expect(result.error).toBeUndefined();
		expect(emu.count()).toBe(0);
		expect(archiveRequests(emu)).toHaveLength(8);
	});

	it('two credentials interleaved: every request carries the pairs of one credential, with its token', async () => {
		const emu = emulator();
		emu.settings.recordBodies = true;
		emu.addToken(OTHER_TOKEN, { kind: 'private' });
		const mine = onePairEach(emu, 10, 1);
		const theirs = onePairEach(emu, 10, 5_001);
		const other = {
			...credentialsFor(emu),
			hubSpotAssociationsAppTokenApi: { accessToken: OTHER_TOKEN, baseUrl: emu.baseUrl },
		};
		const runs = mine.flatMap((items, k) => [
			run(emu, items, archiveParameters(), { credentialId: `${account} a` }),
			run(emu, theirs[k], archiveParameters(), {
				credentialId: `${account} b`,
				credentials: other,
			}),
		]);
		for (const result of await Promise.all(runs)) expect(result.error).toBeUndefined();
		expect(emu.count()).toBe(0);
		const requests = archiveRequests(emu);
		expect(requests.length).toBeLessThan(20);
		for (const request of requests) {
			const owners = new Set(fromIdsOf(request.body).map((id) => (Number(id) > 5_000 ? 'b' : 'a')));
			expect([...owners]).toEqual([request.authorization === APP_TOKEN ? 'a' : 'b']);
		}
	});

	it("one execution's bad id among 50: only its item fails, and no other execution hears of it", async () => {
		const emu = emulator();
		const inputs = onePairEach(emu, 50, 1);
		const bad = 37;
		emu.faults.errorIds.add(String(1 + bad));
		const results = await Promise.all(
			inputs.map((items) =>
				run(emu, items, archiveParameters({ options: { outputMode: 'perBatch' } }), {
					credentialId: account,
					continueOnFail: true,
				}),
			),
		);
		expect(archiveRequests(emu).length).toBeLessThan(50);
		results.forEach((result, k) => {
			expect(result.error).toBeUndefined();
			const text = JSON.stringify(result.items);
			if (k === bad) {
				expect(result.items[0].json.error).toMatch(/HubSpot reported an error/);
				return;
			}
			expect(result.items).toHaveLength(1);
			expect(result.items[0].json).toMatchObject({
				status: 'COMPLETE',
				numErrors: 0,
				pairCount: 1,
			});
			// Its own pair only: neither the bad id nor any other execution's pair.
			expect(text).not.toContain(`"${1 + bad}"`);
			expect(result.items[0].json.inputs).toEqual([
				{ from: { id: String(1 + k) }, to: [{ id: String(100_001 + k) }] },
			]);
		});
		expect(emu.count()).toBe(1);
	});

	/**
	 * One execution, then, once its request reached HubSpot (which holds the answer `delayMs`), the
	 * others: they wait in the queue meanwhile, as the pace lets one request learn the window alone.
	 */
	async function inWaves(
		emu: HubSpotEmulator,
		inputs: IDataObject[][],
		extra: (k: number) => Parameters<typeof run>[3] = () => ({}),
	) {
		const parameters = archiveParameters();
		const started: Array<ReturnType<typeof run>> = [];
		const startOne = (k: number) =>
			started.push(run(emu, inputs[k], parameters, { credentialId: account, ...extra(k) }));
		const wave = new Promise<void>((resolve) =>
			emu.events.on('request', (entry) => {
				if (entry.n !== 1) return;
				for (let k = 1; k < inputs.length; k++) startOne(k);
				resolve();
			}),
		);
		startOne(0);
		await wave;
		return await Promise.all(started);
	}

	it("a refusal naming no id of a request shared by several executions: each execution's pairs go again on their own, none fails for another's", async () => {
		const emu = emulator();
		emu.settings.recordBodies = true;
		const inputs = onePairEach(emu, 12, 1);
		emu.faults.at(1, { delayMs: 200 });
		emu.faults.at(2, { status: 400 });
		const results = await inWaves(emu, inputs);
		const second = archiveRequests(emu)[1];
		expect(second.status).toBe(400);
		expect(fromIdsOf(second.body).length).toBeGreaterThan(1);
		for (const result of results) expect(result.error).toBeUndefined();
		expect(emu.count()).toBe(0);
	});

	it('an execution stopped while its pair waits: the pair is never sent, the others complete', async () => {
		const emu = emulator();
		emu.settings.recordBodies = true;
		// One request a window: the second wave waits for the window after the first answer.
		emu.settings.rateLimit = { max: 1, intervalMs: 1500 };
		emu.faults.at(1, { delayMs: 300 });
		const inputs = onePairEach(emu, 20, 1);
		const stopped = 19;
		const results = await inWaves(emu, inputs, (k) =>
			k === stopped
				? {
						cancelOn: (cancel) => emu.events.on('answered', (entry) => entry.n === 1 && cancel()),
					}
				: {},
		);
		results.forEach((result, k) => {
			if (k === stopped) expect(result.cancelledAt).toBeDefined();
			else expect(result.error).toBeUndefined();
		});
		// Requests HubSpot took (a 429 is sent again).
		const sent = archiveRequests(emu)
			.filter((entry) => entry.status !== 429)
			.flatMap((entry) => fromIdsOf(entry.body));
		expect(sent).toHaveLength(19);
		expect(sent).not.toContain(String(1 + stopped));
		expect(emu.count()).toBe(1);
	});

	it("Remove All in twenty executions at once: shared reads and writes, each execution lists and removes only its own record's associations", async () => {
		const emu = emulator();
		for (let k = 0; k < 20; k++)
			for (let j = 0; j < 3; j++)
				emu.seed('contacts', String(1 + k), 'companies', String(1000 * (k + 1) + j));
		const { toIds: _unused, ...parameters } = archiveParameters({ operation: 'archiveAll' });
		const results = await Promise.all(
			Array.from({ length: 20 }, (_, k) =>
				run(emu, [{ id: 1 + k }], parameters, { credentialId: account }),
			),
		);
		results.forEach((result, k) => {
			expect(result.error).toBeUndefined();
			expect(result.items).toHaveLength(1);
			expect(result.items[0].json).toMatchObject({
				fromId: String(1 + k),
				toIds: [0, 1, 2].map((j) => String(1000 * (k + 1) + j)),
				status: 'COMPLETE',
			});
		});
		expect(emu.count()).toBe(0);
		const routes = emu.stats.log.map((entry) => entry.route);
		expect(routes.filter((route) => route === 'batch/read').length).toBeLessThan(20);
		expect(routes.filter((route) => route === 'batch/archive').length).toBeLessThan(20);
	});

	it('a 401 while executions wait: every one of them ends with the cause and nothing more is sent', async () => {
		const emu = emulator();
		const inputs = onePairEach(emu, 15, 1);
		emu.faults.at(1, { status: 401, delayMs: 200 });
		const results = await Promise.all(
			inputs.map((items) => run(emu, items, archiveParameters(), { credentialId: account })),
		);
		for (const result of results)
			expect(result.error?.message).toMatch(/HubSpot did not accept the credential/);
		expect(emu.stats.requests).toBe(1);
		expect(emu.count()).toBe(15);
	});

	/** One one-pair execution per start time (ms from now), at 100 requests per 10 s; its requests' sizes. */
	async function staggered(starts: number[]): Promise<number[]> {
		const emu = emulator();
		// At 100 per 10 s a request waits for more while executions come faster than one per 200 ms.
		emu.settings.rateLimit = { max: 100, intervalMs: 10_000 };
		const inputs = onePairEach(emu, starts.length, 1);
		const results = await Promise.all(
			inputs.map(async (items, k) => {
				await new Promise((resolve) => setTimeout(resolve, starts[k]));
				return await run(emu, items, archiveParameters(), { credentialId: account });
			}),
		);
		for (const result of results) expect(result.error).toBeUndefined();
		expect(emu.count()).toBe(0);
		return archiveRequests(emu).map((entry) => entry.pairs ?? 0);
	}

	it('one-pair executions arriving one by one from the first: after the two that learn the window, the rest wait for each other', async () => {
		// 150 ms apart: each execution's request is answered before the next one arrives, so the line
		// is empty in between, also before HubSpot's first answer told the window.
		const sizes = await staggered([0, 150, 300, 450, 600, 750, 900, 1050]);
		// The first request goes alone and learns the window; the second goes at once too (two arrivals
		// make no rate); from the third on, the arrivals so far say a burst is on, and the rest wait for
		// each other. An idle line that forgot the first arrivals would send the third alone as well.
		expect(sizes[0]).toBe(1);
		expect(sizes.length).toBeLessThanOrEqual(3);
	});

	it("a burst whose first two executions come before n8n's pause: the pause does not count as the rate", async () => {
		// As n8n starts a burst in regular mode: two executions, a pause of 0.6 s as they finish, then
		// the rest 100 ms apart. Counted with the pause, the arrivals would come at one per 200 ms or
		// slower until the sixth, and the third to the fifth would each go alone.
		const sizes = await staggered([0, 30, 630, 730, 830, 930, 1030, 1130]);
		expect(sizes[0]).toBe(1);
		expect(sizes.length).toBeLessThanOrEqual(3);
	});

	it("a pause taken for a worker's ceiling of one execution is dropped again: the burst after it still shares requests", async () => {
		// The third execution waits alone for others until arrivals pause (0.4 s): in a queue-mode
		// worker that would be all the executions it runs. Then 16 more come 50 ms apart.
		const later = Array.from({ length: 16 }, (_, k) => 900 + 50 * k);
		const sizes = await staggered([0, 50, 100, ...later]);
		// A few go alone at the supposed ceiling, until one waits two gaps longer and sees another
		// come; then they wait for each other. Kept for good, all 16 would go alone.
		expect(sizes.length).toBeLessThanOrEqual(10);
	});
});
