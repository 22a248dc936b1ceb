import type { IDataObject } from 'n8n-workflow';

import {
	OAUTH_ACCESS_TOKEN,
	archiveParameters,
	run,
	seedPairs,
	useEmulator,
} from './helpers/setup';

const rateLimitBody = (policyName: string) => ({
	status: 'error',
	message: `You have reached your ${policyName.toLowerCase()} limit.`,
	errorType: 'RATE_LIMIT',
	correlationId: '11111111-2222-3333-4444-555555555555',
	policyName,
});

describe('Rate limits', () => {
	const emulator = useEmulator();

	it('waits out TEN_SECONDLY_ROLLING 429s and archives everything, one output per item', async () => {
		const emu = emulator();
		emu.settings.rateLimit = { max: 3, intervalMs: 400 };
		const items = seedPairs(emu, 12);
		const result = await run(
			emu,
			items,
			archiveParameters({ options: { batchSize: 1, concurrency: 4 } }),
		);
		expect(result.error).toBeUndefined();
		expect(emu.count()).toBe(0);
		expect(result.items).toHaveLength(12);
		expect(result.items.every((i) => i.json.status === 'COMPLETE')).toBe(true);
		// Every pair went once in a request HubSpot accepted; refused requests were the only extra ones.
		expect(emu.stats.byStatus[204]).toBe(12);
		expect(emu.stats.requests).toBe(12 + emu.stats.rateLimited);
	});

	it('honours Retry-After when HubSpot sends it', async () => {
		const emu = emulator();
		const items = seedPairs(emu, 2);
		emu.faults.at(1, {
			status: 429,
			body: rateLimitBody('TEN_SECONDLY_ROLLING'),
			headers: { 'Retry-After': '1' },
		});
		const started = Date.now();
		const result = await run(emu, items, archiveParameters());
		expect(result.error).toBeUndefined();
		expect(Date.now() - started).toBeGreaterThanOrEqual(950);
		expect(emu.stats.requests).toBe(2);
		expect(emu.count()).toBe(0);
	});

	it('gives up after Max Retries and says the rate limit was hit and how many tries were made', async () => {
		const emu = emulator();
		const items = seedPairs(emu, 3);
		emu.faults.onPath('batch/archive', {
			status: 429,
			body: rateLimitBody('TEN_SECONDLY_ROLLING'),
			headers: { 'Retry-After': '0' },
		});
		const result = await run(emu, items, archiveParameters({ options: { maxRetries: 2 } }));
		expect(result.error?.message).toMatch(/rate limit was still hit after 3 tries/);
		expect(result.error?.message).toContain('Item 0 (and 2 more items: 1, 2)');
		expect(emu.stats.requests).toBe(3);
		expect(emu.count()).toBe(3);
	});

	it('treats a 429 without policyName as the rolling limit', async () => {
		const emu = emulator();
		const items = seedPairs(emu, 1);
		emu.faults.at(1, {
			status: 429,
			body: { status: 'error', message: 'slow down' },
			headers: { 'Retry-After': '0' },
		});
		const result = await run(emu, items, archiveParameters());
		expect(result.error).toBeUndefined();
		expect(emu.stats.requests).toBe(2);
	});

	it('on a DAILY 429 stops sending, keeps what was archived, and names the daily limit (Continue On Fail: one error item each)', async () => {
		const emu = emulator();
		emu.settings.dailyLimit = 2;
		const items = seedPairs(emu, 5);
		const result = await run(
			emu,
			items,
			archiveParameters({ options: { batchSize: 1, concurrency: 1 } }),
			{ continueOnFail: true },
		);
		expect(result.error).toBeUndefined();
		expect(result.items).toHaveLength(5);
		expect(result.items.slice(0, 2).map((i) => i.json.status)).toEqual(['COMPLETE', 'COMPLETE']);
		for (const item of result.items.slice(2))
			expect(String(item.json.error)).toMatch(/daily API limit/);
		// Exactly one refused request: nothing more was sent after HubSpot said DAILY.
		expect(emu.stats.requests).toBe(3);
		expect(emu.stats.dailyLimited).toBe(1);
		expect(emu.count()).toBe(3);
	});

	it('on a DAILY 429 without Continue On Fail throws, naming the daily limit and how many items were done', async () => {
		const emu = emulator();
		emu.settings.dailyLimit = 2;
		const items = seedPairs(emu, 5);
		const result = await run(
			emu,
			items,
			archiveParameters({ options: { batchSize: 1, concurrency: 1 } }),
		);
		expect(result.error?.message).toMatch(/Item 2 .*daily API limit/);
		expect(result.error?.description).toContain('2 of 5 items were archived before this failure');
		expect(emu.stats.requests).toBe(3);
	});
});

describe('Faults', () => {
	const emulator = useEmulator();

	it.each([
		['a 500', { status: 500 }],
		['a 502', { status: 502 }],
		['a 503', { status: 503 }],
		['a dropped connection', 'drop' as const],
		['an answer lost after HubSpot did the work', 'drop-after' as const],
	])('retries %s and archives everything', async (_name, fault) => {
		const emu = emulator();
		const items = seedPairs(emu, 4);
		emu.faults.at(1, fault);
		const result = await run(
			emu,
			items,
			archiveParameters({ options: { batchSize: 2, concurrency: 1 } }),
		);
		expect(result.error).toBeUndefined();
		expect(result.items.map((i) => i.json.status)).toEqual([
			'COMPLETE',
			'COMPLETE',
			'COMPLETE',
			'COMPLETE',
		]);
		expect(emu.stats.requests).toBe(3);
		expect(emu.count()).toBe(0);
	});

	it('retries a socket timeout', async () => {
		const emu = emulator();
		const items = seedPairs(emu, 2);
		// The first answer is held until the retry's went out: it comes too late, however fast or slow the machine.
		emu.faults.at(1, { answerAfter: 2 });
		const result = await run(emu, items, archiveParameters({ options: { timeout: 1000 } }));
		expect(result.error).toBeUndefined();
		expect(emu.stats.requests).toBe(2);
		expect(emu.count()).toBe(0);
	});

	it('gives up on a lasting 5xx after Max Retries with a NodeApiError for the items', async () => {
		const emu = emulator();
		const items = seedPairs(emu, 2);
		emu.faults.onPath('batch/archive', { status: 503 });
		const result = await run(emu, items, archiveParameters({ options: { maxRetries: 1 } }));
		expect(result.error?.name).toBe('NodeApiError');
		expect(result.error?.message).toMatch(/HubSpot answered 503 after 2 tries/);
		expect(emu.stats.requests).toBe(2);
		expect(emu.count()).toBe(2);
	});

	it('sends a batch HubSpot calls too large again in parts of the size HubSpot names, and later batches in that size at once', async () => {
		const emu = emulator();
		emu.settings.maxArchiveInputs = 30;
		const items = seedPairs(emu, 200);
		const result = await run(
			emu,
			items,
			archiveParameters({ options: { batchSize: 100, concurrency: 1 } }),
		);
		expect(result.error).toBeUndefined();
		expect(emu.count()).toBe(0);
		// 100 → 400 naming 30; then 30 + 30 + 30 + 10, and the second batch of 100 likewise without asking again.
		expect(emu.stats.byStatus[400]).toBe(1);
		expect(emu.stats.byStatus[204]).toBe(8);
		expect(result.items).toHaveLength(200);
	});

	it('halves a batch refused as too large without a size (413), at most log2(pairs) refusals for the run', async () => {
		const emu = emulator();
		const items = seedPairs(emu, 128);
		emu.faults.onPath('batch/archive', { status: 413, body: '' }, 3);
		const result = await run(
			emu,
			items,
			archiveParameters({ options: { batchSize: 128, concurrency: 1 } }),
		);
		expect(result.error).toBeUndefined();
		expect(emu.count()).toBe(0);
		// 128, 64 and 32 refused, each refusal halving the size the run sends: 16 pairs a request from then on.
		expect(emu.stats.byStatus[413]).toBe(3);
		expect(emu.stats.byStatus[204]).toBe(128 / 16);
		expect(emu.stats.requests - emu.stats.byStatus[204]).toBeLessThanOrEqual(Math.log2(128));
	});

	it('never splits on a validation error that is not about the size', async () => {
		const emu = emulator();
		const items = seedPairs(emu, 10);
		// Words that a looser reading took for "too large": they are about the inputs.
		const body = {
			status: 'error',
			message: 'Property value exceeds the maximum length of 10 at most',
			category: 'VALIDATION_ERROR',
			correlationId: 'c-9',
		};
		emu.faults.onPath('batch/archive', { status: 400, body });
		const result = await run(emu, items, archiveParameters(), { continueOnFail: true });
		expect(emu.stats.requests).toBe(1);
		expect(
			result.items.every((i) => /HubSpot refused the request \(400\)/.test(String(i.json.error))),
		).toBe(true);
	});

	it('fails only the items whose ids a 400 names and resends the rest', async () => {
		const emu = emulator();
		const items = seedPairs(emu, 4);
		emu.faults.at(1, {
			status: 400,
			body: {
				status: 'error',
				message: 'Invalid id 1003',
				category: 'VALIDATION_ERROR',
				correlationId: 'c-1',
				context: { ids: ['1003'] },
			},
		});
		const result = await run(emu, items, archiveParameters(), { continueOnFail: true });
		expect(result.error).toBeUndefined();
		expect(result.items.map((i) => (i.json.error ? 'error' : i.json.status))).toEqual([
			'COMPLETE',
			'COMPLETE',
			'error',
			'COMPLETE',
		]);
		expect(result.items[2].json.details).toMatchObject({
			category: 'VALIDATION_ERROR',
			correlationId: 'c-1',
			fromId: '3',
		});
		expect(emu.stats.requests).toBe(2);
		expect(emu.toIds('contacts', '3', 'companies')).toEqual(['1003']);
		expect(emu.count()).toBe(1);
	});

	describe('an id HubSpot names concerns the side of the pair it names, by object type', () => {
		// HubSpot's recorded shape for an association naming an object it does not accept (v4, VALIDATION_ERROR).
		const invalidContact5 = {
			status: 'error',
			message: 'One or more associations are invalid',
			correlationId: 'c-5',
			category: 'VALIDATION_ERROR',
			context: {
				INVALID_OBJECT_IDS: ['CONTACT=5 is not valid'],
				objectId: ['5'],
				objectType: ['CONTACT'],
			},
		};

		it('a 400: only the pair with contact 5 is dropped; the pair with company 5 is resent and archived', async () => {
			const emu = emulator();
			emu.seed('contacts', '5', 'companies', '7').seed('contacts', '6', 'companies', '5');
			emu.faults.at(1, { status: 400, body: invalidContact5 });
			const result = await run(
				emu,
				[
					{ id: 5, to: 7 },
					{ id: 6, to: 5 },
				],
				archiveParameters(),
				{ continueOnFail: true },
			);
			expect(result.items.map((i) => (i.json.error ? 'error' : i.json.status))).toEqual([
				'error',
				'COMPLETE',
			]);
			expect(emu.has('contacts', '6', 'companies', '5')).toBe(false);
			expect(emu.has('contacts', '5', 'companies', '7')).toBe(true);
		});

		it('a 207: the error is pinned on the item with contact 5, not on the item with company 5', async () => {
			const emu = emulator();
			emu.faults.at(1, {
				status: 207,
				body: {
					status: 'COMPLETE',
					results: [],
					numErrors: 1,
					errors: [invalidContact5],
					startedAt: '2026-12-01T10:00:00Z',
					completedAt: '2026-12-01T10:00:01Z',
				},
			});
			const result = await run(
				emu,
				[
					{ id: 5, to: 7 },
					{ id: 6, to: 5 },
				],
				archiveParameters(),
				{ continueOnFail: true },
			);
			expect(result.items.map((i) => (i.json.error ? 'error' : i.json.status))).toEqual([
				'error',
				'COMPLETE',
			]);
		});
	});

	it('fails the whole batch on a 400 that names no ids', async () => {
		const emu = emulator();
		const items = seedPairs(emu, 2);
		emu.faults.at(1, {
			status: 400,
			body: {
				status: 'error',
				message: 'Something is wrong',
				category: 'VALIDATION_ERROR',
				correlationId: 'c-2',
			},
		});
		const result = await run(emu, items, archiveParameters(), { continueOnFail: true });
		expect(result.items.map((i) => (i.json.details as { category?: string }).category)).toEqual([
			'VALIDATION_ERROR',
			'VALIDATION_ERROR',
		]);
		expect(emu.stats.requests).toBe(1);
	});

	it('maps 207 errors to the items whose ids they name; the others succeed', async () => {
		const emu = emulator();
		emu.settings.archiveResponse = '200';
		const items = seedPairs(emu, 3);
		emu.faults.errorIds.add('2');
		const withCof = await run(emu, items, archiveParameters(), { continueOnFail: true });
		expect(withCof.items.map((i) => (i.json.error ? 'error' : i.json.status))).toEqual([
			'COMPLETE',
			'error',
			'COMPLETE',
		]);
		expect(withCof.items[1].json.error).toMatch(/HubSpot reported an error for this item/);
		expect(withCof.items[0].json.errors).toEqual([]);
		expect(emu.toIds('contacts', '2', 'companies')).toEqual(['1002']);
		expect(emu.stats.requests).toBe(1);

		const without = await run(emu, items, archiveParameters());
		expect(without.error?.message).toMatch(/^Item 1: HubSpot reported an error/);
	});
});

describe('Credentials', () => {
	const emulator = useEmulator();

	it('refreshes an expired OAuth2 token through n8n and retries the batch once', async () => {
		const emu = emulator();
		const items = seedPairs(emu, 2);
		emu.expireToken(OAUTH_ACCESS_TOKEN);
		const result = await run(emu, items, archiveParameters({ authentication: 'oAuth2' }));
		expect(result.error).toBeUndefined();
		expect(emu.stats.refreshes).toBe(1);
		expect(emu.stats.byStatus[401]).toBe(1);
		expect(emu.stats.requests).toBe(2);
		expect(emu.count()).toBe(0);
		const stored = result.credentialsHelper.updates.at(-1)?.data.oauthTokenData as IDataObject;
		expect(stored.access_token).not.toBe(OAUTH_ACCESS_TOKEN);
	});

	it('fails at once on a 401 with a private app token, with a hint to check the token', async () => {
		const emu = emulator();
		const items = seedPairs(emu, 2);
		emu.reset(); // forgets every token: the credential's token is now unknown to HubSpot
		const result = await run(emu, items, archiveParameters());
		expect(result.error?.message).toBe(
			'Item 0 (and 1 more item: 1): HubSpot did not accept the credential',
		);
		expect(result.error?.description).toMatch(/Check the private app token/);
		expect(emu.stats.requests).toBe(1);
	});

	it("lists missing scopes from HubSpot's 403 and says which credential to reconnect, without retrying", async () => {
		const emu = emulator();
		emu.settings.missingScopes = ['crm.objects.contacts.write', 'crm.objects.companies.write'];
		const result = await run(
			emu,
			[{ id: 1, to: 2 }],
			archiveParameters({ authentication: 'oAuth2' }),
		);
		expect(result.error?.message).toContain(
			'missing scopes: crm.objects.contacts.write, crm.objects.companies.write',
		);
		expect(result.error?.description).toContain(
			'Reconnect the "HubSpot Associations OAuth2 API" credential',
		);
		expect(emu.stats.requests).toBe(1);
	});
});

describe("n8n's Retry On Fail", () => {
	const emulator = useEmulator();

	it('re-runs the whole node; the second run gives the same output shape though associations are gone', async () => {
		const emu = emulator();
		const items = seedPairs(emu, 4);
		// First run: batch 1 succeeds, batch 2 fails for good (no retries) → the node throws → n8n re-runs it.
		emu.faults.at(2, { status: 500 });
		const result = await run(
			emu,
			items,
			archiveParameters({ options: { batchSize: 2, concurrency: 1, maxRetries: 0 } }),
			{
				retryOnFail: { maxTries: 2, waitBetweenTries: 0 },
			},
		);
		expect(result.error).toBeUndefined();
		expect(result.items).toHaveLength(4);
		expect(result.items.map((i) => i.json.status)).toEqual([
			'COMPLETE',
			'COMPLETE',
			'COMPLETE',
			'COMPLETE',
		]);
		expect(emu.stats.requests).toBe(4);
		expect(emu.count()).toBe(0);
	});
});
