/**
 * Answers after which no request of the run can succeed (the credential refused, scopes or permission
 * missing, a redirect, the daily limit) stop the run at once: nothing more is sent, requests waiting in
 * the throttle included, and every item not sent says so, with the cause.
 */
import type { IDataObject } from 'n8n-workflow';

import type { HubSpotEmulator } from './emulator';
import {
	archiveParameters,
	credentialsFor,
	OAUTH_ACCESS_TOKEN,
	run,
	seedPairs,
	useEmulator,
} from './helpers/setup';

/** n items with one pair each, none seeded: the run must stop before it matters. */
function items(n: number): IDataObject[] {
	return Array.from({ length: n }, (_, i) => ({ id: i + 1, to: 1_000_000 + i }));
}

/** The test credentials, with the OAuth2 one refreshing at `tokenPath` of the emulator. */
function refreshingAt(emu: HubSpotEmulator, tokenPath: string) {
	const base = credentialsFor(emu);
	return {
		...base,
		hubSpotAssociationsOAuth2Api: {
			...base.hubSpotAssociationsOAuth2Api,
			accessTokenUrl: `${emu.baseUrl}${tokenPath}`,
		},
	};
}

describe('A refusal that no retry can cure stops the run', () => {
	const emulator = useEmulator();

	it('a revoked token with Continue On Fail: 100,000 items cost a handful of requests, every item accounted for', async () => {
		const emu = emulator();
		emu.faults.onPath('batch/archive', { status: 401 });
		const result = await run(emu, items(100_000), archiveParameters(), { continueOnFail: true });
		expect(result.error).toBeUndefined();
		expect(emu.stats.requests).toBeLessThanOrEqual(5);
		expect(result.items).toHaveLength(100_000);
		const messages = new Map<string, number>();
		for (const item of result.items) {
			const message = String(item.json.error);
			messages.set(message, (messages.get(message) ?? 0) + 1);
		}
		expect(messages.get('HubSpot did not accept the credential')).toBe(100 * emu.stats.requests);
		expect(messages.get('Not sent: HubSpot did not accept the credential')).toBe(
			100_000 - 100 * emu.stats.requests,
		);
		expect(result.items[99_999].json.details).toMatchObject({
			category: 'INVALID_AUTHENTICATION',
			hint: expect.stringMatching(/private app token/),
		});
	});

	it.each([
		[
			'a 403 for missing scopes',
			{ status: 403 },
			/^Not sent: The HubSpot credential is missing scopes/,
		],
		[
			'a redirect from the Base URL',
			{ status: 301, headers: { Location: 'https://elsewhere.example/x' } },
			/^Not sent: HubSpot answered with a redirect \(301\)/,
		],
	])(
		'%s stops the run: requests waiting in the throttle are never sent',
		async (_name, fault, notSent) => {
			const emu = emulator();
			emu.faults.onPath('batch/archive', fault);
			const result = await run(
				emu,
				items(2_000),
				archiveParameters({ options: { batchSize: 10, concurrency: 20 } }),
				{ continueOnFail: true },
			);
			expect(emu.stats.requests).toBeLessThanOrEqual(5);
			const unsent = result.items.filter((i) => notSent.test(String(i.json.error)));
			expect(unsent.length).toBe(2_000 - 10 * emu.stats.requests);
		},
	);

	// n8n-core 2.40/2.41 throw a different error for each: the dated endpoint answers RFC 6749's `invalid_grant`, which n8n turns
	// into its own "needs to be reconnected" error; the v1 endpoint's `{status, message}` comes back as the OAuth2 client's
	// ResponseError holding HTTP status 400.
	it.each(['/oauth/2026-03/token', '/oauth/v1/token'])(
		'a refused OAuth2 refresh at %s: one refresh asked for, a handful of requests, every other item not sent',
		async (tokenPath) => {
			const emu = emulator();
			emu.expireToken(OAUTH_ACCESS_TOKEN);
			emu.configureOAuth({
				clientId: 'another-client',
				clientSecret: 'another-secret-xxxxxxxx',
				refreshToken: 'other',
			});
			const result = await run(
				emu,
				items(5_000),
				archiveParameters({ authentication: 'oAuth2', options: { batchSize: 10 } }),
				{ continueOnFail: true, credentials: refreshingAt(emu, tokenPath) },
			);
			expect(emu.stats.tokenRequests).toBeLessThanOrEqual(2);
			expect(emu.stats.requests).toBeLessThanOrEqual(5);
			expect(result.items).toHaveLength(5_000);
			expect(result.items[0].json.error).toBe('HubSpot refused to refresh the OAuth2 access token');
			expect(result.items[4_999].json.error).toBe(
				'Not sent: HubSpot refused to refresh the OAuth2 access token',
			);
			expect((result.items[4_999].json.details as { hint: string }).hint).toMatch(
				/Reconnect the "HubSpot Associations OAuth2 API" credential/,
			);
		},
	);

	it('without Continue On Fail the node fails with the cause, not with an item that was never sent', async () => {
		const emu = emulator();
		emu.faults.onPath('batch/archive', { status: 401 });
		const result = await run(emu, items(1_000), archiveParameters({ options: { batchSize: 10 } }));
		expect(result.error?.message).toMatch(
			/^Item 0 \(and 999 more items: .*\): HubSpot did not accept the credential$/,
		);
		expect(emu.stats.requests).toBeLessThanOrEqual(5);
	});

	it('Remove All Associations of Records: a refused read stops the reads too', async () => {
		const emu = emulator();
		emu.faults.onPath('batch/read', { status: 403 });
		const result = await run(
			emu,
			items(5_000),
			archiveParameters({ operation: 'archiveAll', options: { concurrency: 5 } }),
			{ continueOnFail: true },
		);
		expect(emu.stats.requests).toBeLessThanOrEqual(5);
		expect(result.items).toHaveLength(5_000);
		expect(result.items.every((i) => /missing scopes/.test(String(i.json.error)))).toBe(true);
		expect(
			result.items.filter((i) => /^Not sent: /.test(String(i.json.error))).length,
		).toBeGreaterThan(0);
	});
});

describe("An OAuth2 request's own answer is judged by its status, not taken for a refused refresh", () => {
	const emulator = useEmulator();
	const oAuth2 = (options: IDataObject = {}) =>
		archiveParameters({
			authentication: 'oAuth2',
			options: { batchSize: 2, concurrency: 1, ...options },
		});

	it('a 400 to one batch fails that batch only and does not say to reconnect', async () => {
		const emu = emulator();
		const pairs = seedPairs(emu, 6);
		emu.faults.onPath('batch/archive', { status: 400 }, 1);
		const result = await run(emu, pairs, oAuth2(), { continueOnFail: true });
		expect(result.error).toBeUndefined();
		expect(result.items.map((i) => i.json.error ?? i.json.status)).toEqual([
			'HubSpot refused the request (400)',
			'HubSpot refused the request (400)',
			'COMPLETE',
			'COMPLETE',
			'COMPLETE',
			'COMPLETE',
		]);
		expect(JSON.stringify(result.items)).not.toMatch(/reconnect/i);
		expect(emu.stats.tokenRequests).toBe(0);
		expect(emu.stats.requests).toBe(3);
		expect(emu.count()).toBe(2);
	});

	it('a lasting 5xx is retried, then reported as a temporary fault of HubSpot', async () => {
		const emu = emulator();
		const pairs = seedPairs(emu, 2);
		emu.faults.onPath('batch/archive', { status: 503 });
		const result = await run(emu, pairs, oAuth2({ maxRetries: 1 }), { continueOnFail: true });
		expect(result.items.map((i) => i.json.error)).toEqual([
			'HubSpot answered 503 after 2 tries',
			'HubSpot answered 503 after 2 tries',
		]);
		expect((result.items[0].json.details as { hint: string }).hint).toMatch(/temporary fault/);
		expect(JSON.stringify(result.items)).not.toMatch(/reconnect/i);
		expect(emu.stats.requests).toBe(2);
		expect(emu.stats.tokenRequests).toBe(0);
	});
});
