/**
 * The HubSpot emulator, exercised over real HTTP (global fetch) the way the node and the benchmarks use it.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import type { Config } from '@jest/types';

import { HubSpotEmulator } from './emulator';

const TOKEN = 'test-token';
const ASSOC = '/crm/v4/associations';

let emu: HubSpotEmulator;

beforeAll(async () => {
	emu = new HubSpotEmulator();
	await emu.start();
});

afterAll(async () => {
	await emu.stop();
});

beforeEach(() => {
	emu.reset();
	emu.addToken(TOKEN);
});

interface Answer {
	status: number;
	headers: Headers;
	body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

async function call(
	method: string,
	urlPath: string,
	body?: unknown,
	token: string | null = TOKEN,
	headers: Record<string, string> = {},
): Promise<Answer> {
	const res = await fetch(emu.baseUrl + urlPath, {
		method,
		headers: {
			...(token ? { Authorization: `Bearer ${token}` } : {}),
			...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
			...headers,
		},
		body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
	});
	const text = await res.text();
	return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
}

const archive = (
	inputs: unknown,
	from = 'contacts',
	to = 'companies',
	token: string | null = TOKEN,
): Promise<Answer> => call('POST', `${ASSOC}/${from}/${to}/batch/archive`, { inputs }, token);
const read = (inputs: unknown, from = 'contacts', to = 'companies'): Promise<Answer> =>
	call('POST', `${ASSOC}/${from}/${to}/batch/read`, { inputs });

type FakeableApi = Config.FakeableAPI;
const FAKEABLE: FakeableApi[] = [
	'Date',
	'hrtime',
	'nextTick',
	'performance',
	'queueMicrotask',
	'requestAnimationFrame',
	'cancelAnimationFrame',
	'requestIdleCallback',
	'cancelIdleCallback',
	'setImmediate',
	'clearImmediate',
	'setInterval',
	'clearInterval',
	'setTimeout',
	'clearTimeout',
];

/**
 * Jest's fake timers for `apis` only, until the test ends: the emulator's clock moves when the test says, however
 * slow the machine. The HTTP client and server keep their own (real) timers and I/O.
 */
function fakeOnly(...apis: FakeableApi[]): void {
	jest.useFakeTimers({ doNotFake: FAKEABLE.filter((api) => !apis.includes(api)) });
}

afterEach(() => {
	jest.useRealTimers();
});

/** Lets real I/O run until `done()` holds (the test's timeout ends a wait that never does). */
async function until(done: () => boolean): Promise<void> {
	while (!done()) await new Promise((resolve) => setImmediate(resolve));
}

/** Numbers of the API requests answered so far, in the order their answers went out. */
function answeredOrder(): number[] {
	const order: number[] = [];
	emu.events.on('answered', (entry) => order.push(entry.n));
	return order;
}

function expectHubSpotError(a: Answer, status: number, category: string): void {
	expect(a.status).toBe(status);
	expect(a.body).toMatchObject({ status: 'error', category });
	expect(a.body.correlationId).toMatch(/^[0-9a-f-]{36}$/);
	expect(a.headers.get('x-hubspot-correlation-id')).toBe(a.body.correlationId);
	expect(a.headers.get('content-type')).toBe('application/json');
}

describe('auth and scopes', () => {
	test('401 without, or with an unknown, token', async () => {
		emu.seed('contacts', '1', 'companies', '10');
		expectHubSpotError(
			await archive([{ from: { id: '1' }, to: [{ id: '10' }] }], 'contacts', 'companies', null),
			401,
			'INVALID_AUTHENTICATION',
		);
		const bad = await archive(
			[{ from: { id: '1' }, to: [{ id: '10' }] }],
			'contacts',
			'companies',
			'nope',
		);
		expectHubSpotError(bad, 401, 'INVALID_AUTHENTICATION');
		expect(bad.body.message).toMatch(/^Authentication credentials not found/);
		expect(emu.has('contacts', '1', 'companies', '10')).toBe(true);
		expect(emu.stats.tokensSeen.get('nope')).toBe(1);
	});

	test('401 EXPIRED_AUTHENTICATION for an expired token', async () => {
		emu.addToken('old', { kind: 'oauth' });
		expect((await call('GET', '/account-info/v3/details', undefined, 'old')).status).toBe(200);
		emu.expireToken('old');
		const a = await call('GET', '/account-info/v3/details', undefined, 'old');
		expectHubSpotError(a, 401, 'EXPIRED_AUTHENTICATION');
		expect(a.body.message).toMatch(/^The OAuth token used to make this call expired/);
	});

	test('403 MISSING_SCOPES names the required scope', async () => {
		emu.addToken('narrow', { scopes: ['crm.objects.contacts.write'] });
		const a = await archive(
			[{ from: { id: '1' }, to: [{ id: '10' }] }],
			'contacts',
			'companies',
			'narrow',
		);
		expectHubSpotError(a, 403, 'MISSING_SCOPES');
		expect(a.body.errors[0].context.requiredGranularScopes).toEqual([
			'crm.objects.companies.write',
		]);
		expect(a.body.links.scopes).toBe('https://developers.hubspot.com/scopes');
		emu.addToken('tickets-only', { scopes: ['crm.objects.contacts.write'] });
		const t = await archive(
			[{ from: { id: '1' }, to: [{ id: '10' }] }],
			'contacts',
			'tickets',
			'tickets-only',
		);
		expect(t.body.errors[0].context.requiredGranularScopes).toEqual(['tickets']);
		const r = await call(
			'POST',
			`${ASSOC}/contacts/contacts/batch/read`,
			{ inputs: [{ id: '1' }] },
			'narrow',
		);
		expect(r.body.errors[0].context.requiredGranularScopes).toEqual(['crm.objects.contacts.read']);
		expectHubSpotError(
			await call('GET', '/crm/v3/schemas', undefined, 'narrow'),
			403,
			'MISSING_SCOPES',
		);
		emu.settings.missingScopes = true;
		expectHubSpotError(
			await call('GET', `${ASSOC}/contacts/companies/labels`),
			403,
			'MISSING_SCOPES',
		);
	});

	test('object types: names, ids, singular, custom; unknown → 400', async () => {
		emu.addCustomObject({
			objectTypeId: '2-1234567',
			fullyQualifiedName: 'p1234_cars',
			name: 'cars',
			labels: { singular: 'Car', plural: 'Cars' },
		});
		emu.seed('0-1', 1, 'company', 10);
		emu.seed('p1234_cars', '5', 'contacts', '1');
		expect(emu.toIds('contacts', '1', '0-2')).toEqual(['10']);
		expect(emu.toIds('contact', '1', '2-1234567')).toEqual(['5']);
		const a = await archive([{ from: { id: '5' }, to: [{ id: '1' }] }], '2-1234567', '0-1');
		expect(a.status).toBe(204);
		expect(emu.has('contacts', '1', 'p1234_cars', '5')).toBe(false);
		const bad = await archive([], 'widgets', 'companies');
		expectHubSpotError(bad, 400, 'VALIDATION_ERROR');
		expect(bad.body.message).toBe('Unable to infer object type from: widgets');
	});
});

describe('batch/archive', () => {
	beforeEach(() => {
		emu.seed('contacts', '1', 'companies', '10');
		emu.seed('contacts', '1', 'companies', '11');
		emu.seed('contacts', '2', 'companies', '10');
		emu.seed('contacts', '1', 'deals', '100');
	});

	test('204 by default; removes both directions, leaves the rest; idempotent', async () => {
		const a = await archive([{ from: { id: '1' }, to: [{ id: '10' }, { id: '999' }] }]);
		expect(a.status).toBe(204);
		expect(a.body).toBeUndefined();
		expect(emu.toIds('contacts', '1', 'companies')).toEqual(['11']);
		expect(emu.toIds('companies', '10', 'contacts')).toEqual(['2']);
		expect(emu.has('contacts', '1', 'deals', '100')).toBe(true);
		expect(emu.count()).toBe(3);
		expect(emu.stats.archivedPairs).toBe(1);
		expect((await archive([{ from: { id: '1' }, to: [{ id: '10' }] }])).status).toBe(204);
		expect(emu.stats.log[0]).toMatchObject({
			n: 1,
			method: 'POST',
			route: 'batch/archive',
			status: 204,
			inputs: 1,
			pairs: 2,
			authorization: TOKEN,
		});
	});

	test('200 BatchResponse when settings.archiveResponse = 200; reverse direction works too', async () => {
		emu.settings.archiveResponse = '200';
		const a = await archive(
			[{ from: { id: '10' }, to: [{ id: 1 }, { id: '2' }] }],
			'companies',
			'contacts',
		);
		expect(a.status).toBe(200);
		expect(a.body).toMatchObject({ status: 'COMPLETE', results: [] });
		for (const k of ['startedAt', 'completedAt', 'requestedAt'])
			expect(typeof a.body[k]).toBe('string');
		expect(emu.toIds('contacts', '1', 'companies')).toEqual(['11']);
		expect(emu.toIds('contacts', '2', 'companies')).toEqual([]);
	});

	test('400 when the batch is too large (pairs by default, inputs when configured)', async () => {
		emu.settings.maxArchiveInputs = 2;
		const a = await archive([
			{ from: { id: '1' }, to: [{ id: '10' }, { id: '11' }, { id: '12' }] },
		]);
		expectHubSpotError(a, 400, 'VALIDATION_ERROR');
		expect(a.body.message).toBe(
			'The maximum number of inputs supported in a batch is 2. Please reduce the number of items and try again',
		);
		expect(emu.has('contacts', '1', 'companies', '10')).toBe(true);
		emu.settings.limitCounts = 'inputs';
		expect(
			(await archive([{ from: { id: '1' }, to: [{ id: '10' }, { id: '11' }, { id: '12' }] }]))
				.status,
		).toBe(204);
	});

	test('400 naming invalid ids; nothing archived; counted', async () => {
		for (const bad of ['abc', '1 2', '-5', '0', '', 1.5, null]) {
			const a = await archive([{ from: { id: '1' }, to: [{ id: '10' }, { id: bad }] }]);
			expectHubSpotError(a, 400, 'VALIDATION_ERROR');
			expect(a.body.message).toContain(JSON.stringify(bad));
		}
		expect(emu.stats.invalidIdRequests).toBe(7);
		expect(emu.has('contacts', '1', 'companies', '10')).toBe(true);
		expectHubSpotError(
			await call('POST', `${ASSOC}/contacts/companies/batch/archive`, { inputs: 'x' }),
			400,
			'VALIDATION_ERROR',
		);
		expectHubSpotError(
			await call('POST', `${ASSOC}/contacts/companies/batch/archive`, '{not json'),
			400,
			'VALIDATION_ERROR',
		);
	});

	test("207 with HubSpot's invalid-object error for faults.errorIds, the rest archived", async () => {
		emu.faults.errorIds.add('11');
		const a = await archive([
			{ from: { id: '1' }, to: [{ id: '10' }, { id: '11' }] },
			{ from: { id: '2' }, to: [{ id: '10' }] },
		]);
		expect(a.status).toBe(207);
		expect(a.body).toMatchObject({
			status: 'COMPLETE',
			numErrors: 1,
			errors: [
				{
					status: 'error',
					category: 'VALIDATION_ERROR',
					context: {
						INVALID_OBJECT_IDS: ['COMPANY=11 is not valid'],
						objectId: ['11'],
						objectType: ['COMPANY'],
					},
				},
			],
		});
		expect(a.body.errors[0].message).toBe('One or more associations are invalid');
		expect(emu.toIds('contacts', '1', 'companies')).toEqual(['11']);
		expect(emu.toIds('contacts', '2', 'companies')).toEqual([]);
	});
});

describe('labels', () => {
	beforeEach(() => {
		emu.addLabel('contacts', 'companies', {
			typeId: 41,
			inverseTypeId: 42,
			label: 'Decision maker',
		});
		emu.seed('contacts', '1', 'companies', '10', [{ category: 'USER_DEFINED', typeId: 41 }]);
	});

	test('GET labels lists the unlabeled type first, then labels, per direction', async () => {
		const a = await call('GET', `${ASSOC}/contacts/companies/labels`);
		expect(a.status).toBe(200);
		expect(a.body.results).toEqual([
			{ category: 'HUBSPOT_DEFINED', typeId: 279, label: null },
			{ category: 'HUBSPOT_DEFINED', typeId: 1, label: 'Primary' },
			{ category: 'USER_DEFINED', typeId: 41, label: 'Decision maker' },
		]);
		const back = await call('GET', `${ASSOC}/companies/contacts/labels`);
		expect(back.body.results.map((r: { typeId: number }) => r.typeId)).toEqual([280, 2, 42]);
		const deals = await call('GET', `${ASSOC}/deals/contacts/labels`);
		expect(deals.body.results[0]).toEqual({ category: 'HUBSPOT_DEFINED', typeId: 3, label: null });
	});

	test('removing one label keeps the pair; removing the unlabeled type removes it', async () => {
		const url = `${ASSOC}/contacts/companies/batch/labels/archive`;
		const one = await call('POST', url, {
			inputs: [
				{
					from: { id: '1' },
					to: { id: '10' },
					types: [{ associationCategory: 'USER_DEFINED', associationTypeId: 41 }],
				},
			],
		});
		expect(one.status).toBe(204);
		expect(emu.typesOf('contacts', '1', 'companies', '10')).toEqual([
			{ category: 'HUBSPOT_DEFINED', typeId: 279 },
		]);
		expect(emu.typesOf('companies', '10', 'contacts', '1')).toEqual([
			{ category: 'HUBSPOT_DEFINED', typeId: 280 },
		]);
		emu.settings.archiveResponse = '200';
		const all = await call('POST', url, {
			inputs: [
				{
					from: { id: '1' },
					to: { id: '10' },
					types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 279 }],
				},
			],
		});
		expect(all.status).toBe(200);
		expect(emu.has('companies', '10', 'contacts', '1')).toBe(false);
		expect(emu.stats.archivedPairs).toBe(1);
	});

	test('batch/create adds types, visible from both sides', async () => {
		const a = await call('POST', `${ASSOC}/companies/contacts/batch/create`, {
			inputs: [
				{
					from: { id: '20' },
					to: { id: '2' },
					types: [{ associationCategory: 'USER_DEFINED', associationTypeId: 42 }],
				},
			],
		});
		expect(a.status).toBe(201);
		expect(a.body.results[0]).toMatchObject({
			fromObjectTypeId: '0-2',
			fromObjectId: 20,
			toObjectTypeId: '0-1',
			toObjectId: 2,
			labels: ['Decision maker'],
		});
		expect(emu.typesOf('contacts', '2', 'companies', '20')).toEqual(
			expect.arrayContaining([
				{ category: 'HUBSPOT_DEFINED', typeId: 279 },
				{ category: 'USER_DEFINED', typeId: 41 },
			]),
		);
	});
});

describe('batch/read', () => {
	test('answers toObjectId as a bare JSON number with all its digits, also past 2^53', async () => {
		emu
			.seed('contacts', '1', 'companies', '9007199254740993')
			.seed('contacts', '1', 'companies', '9223372036854775807');
		const res = await fetch(`${emu.baseUrl}${ASSOC}/contacts/companies/batch/read`, {
			method: 'POST',
			headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' },
			body: JSON.stringify({ inputs: [{ id: '1' }] }),
		});
		const text = await res.text();
		expect(text).toContain('"toObjectId":9007199254740993,');
		expect(text).toContain('"toObjectId":9223372036854775807,');
	});

	test('refuses, with the whole request, an id past the largest int64', async () => {
		const a = await read([{ id: '1' }, { id: '9223372036854775808' }]);
		expectHubSpotError(a, 400, 'VALIDATION_ERROR');
		expect(a.body.message).toContain('"9223372036854775808" at inputs[1].id');
		expect(emu.stats.invalidIdRequests).toBe(1);
	});

	test('pages across a from id, 207 for ids without associations, empty mode', async () => {
		emu.settings.readPageSize = 2;
		for (const id of ['10', '11', '12', '13', '14']) emu.seed('contacts', '1', 'companies', id);
		const seen: number[] = [];
		let after: string | undefined;
		let pages = 0;
		do {
			const a = await read([{ id: '1', ...(after ? { after } : {}) }, { id: '2' }]);
			expect(a.status).toBe(207);
			expect(a.body.errors).toEqual([
				expect.objectContaining({
					category: 'OBJECT_NOT_FOUND',
					context: { fromObjectId: ['2'], fromObjectType: ['contact'], toObjectType: ['company'] },
				}),
			]);
			const r = a.body.results[0];
			expect(r.from).toEqual({ id: '1' });
			seen.push(...r.to.map((t: { toObjectId: number }) => t.toObjectId));
			expect(r.to[0].associationTypes).toEqual([
				{ category: 'HUBSPOT_DEFINED', typeId: 279, label: null },
			]);
			after = r.paging?.next?.after;
			pages++;
		} while (after);
		expect(pages).toBe(3);
		expect(seen).toEqual([10, 11, 12, 13, 14]);
		emu.settings.readMissingAs = 'empty';
		const empty = await read([{ id: '2' }]);
		expect(empty.status).toBe(200);
		expect(empty.body.results).toEqual([{ from: { id: '2' }, to: [] }]);
		expectHubSpotError(await read([{ id: '1', after: '!!' }]), 400, 'VALIDATION_ERROR');
	});

	test('at most 1000 inputs', async () => {
		const ok = await read(Array.from({ length: 1000 }, (_, i) => ({ id: String(i + 1) })));
		expect(ok.status).toBe(207);
		const tooMany = await read(Array.from({ length: 1001 }, (_, i) => ({ id: String(i + 1) })));
		expectHubSpotError(tooMany, 400, 'VALIDATION_ERROR');
		expect(tooMany.body.message).toBe(
			'The maximum number of inputs supported in a batch is 1000. Please reduce the number of items and try again',
		);
	});
});

describe('other endpoints', () => {
	test('schemas on both paths, account info, 404', async () => {
		emu.addCustomObject({
			objectTypeId: '2-1234567',
			fullyQualifiedName: 'p1234_cars',
			name: 'cars',
			labels: { singular: 'Car', plural: 'Cars' },
		});
		for (const p of ['/crm-object-schemas/v3/schemas', '/crm/v3/schemas']) {
			const a = await call('GET', p);
			expect(a.status).toBe(200);
			expect(a.body.results).toEqual([
				expect.objectContaining({
					objectTypeId: '2-1234567',
					fullyQualifiedName: 'p1234_cars',
					name: 'cars',
					labels: { singular: 'Car', plural: 'Cars' },
				}),
			]);
		}
		const info = await call('GET', '/account-info/v3/details');
		expect(info.body).toMatchObject({
			portalId: 12345678,
			accountType: 'STANDARD',
			timeZone: 'US/Eastern',
			companyCurrency: 'USD',
			uiDomain: 'app.hubspot.com',
			dataHostingLocation: 'na1',
		});
		expectHubSpotError(await call('GET', '/crm/v3/nothing-here'), 404, 'NOT_FOUND');
	});

	test.each(['/oauth/v1/token', '/oauth/2026-03/token'])(
		'OAuth refresh at %s (form body and Basic auth), bad refresh token, authorization_code',
		async (path) => {
			emu.configureOAuth({
				clientId: 'cid',
				clientSecret: 'secret',
				refreshToken: 'rt',
				accessTokenTtlMs: 60000,
			});
			const form = async (
				params: Record<string, string>,
				headers: Record<string, string> = {},
			): Promise<Answer> => {
				const res = await fetch(`${emu.baseUrl}${path}`, {
					method: 'POST',
					headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...headers },
					body: new URLSearchParams(params).toString(),
				});
				return { status: res.status, headers: res.headers, body: await res.json() };
			};
			const a = await form({
				grant_type: 'refresh_token',
				refresh_token: 'rt',
				client_id: 'cid',
				client_secret: 'secret',
			});
			expect(a.status).toBe(200);
			expect(a.body).toMatchObject({ refresh_token: 'rt', expires_in: 60, token_type: 'bearer' });
			expect(
				(await call('GET', '/account-info/v3/details', undefined, a.body.access_token)).status,
			).toBe(200);
			emu.expireToken(a.body.access_token);
			expect(
				(await call('GET', '/account-info/v3/details', undefined, a.body.access_token)).body
					.category,
			).toBe('EXPIRED_AUTHENTICATION');
			const basic = await form(
				{ grant_type: 'refresh_token', refresh_token: 'rt' },
				{ Authorization: `Basic ${Buffer.from('cid:secret').toString('base64')}` },
			);
			expect(basic.status).toBe(200);
			expect(basic.body.access_token).not.toBe(a.body.access_token);
			const bad = await form({
				grant_type: 'refresh_token',
				refresh_token: 'wrong',
				client_id: 'cid',
				client_secret: 'secret',
			});
			expect(bad.status).toBe(400);
			expect(bad.body).toMatchObject({
				status: 'BAD_REFRESH_TOKEN',
				message: 'missing or unknown refresh token',
			});
			expect(
				(
					await form({
						grant_type: 'refresh_token',
						refresh_token: 'rt',
						client_id: 'cid',
						client_secret: 'x',
					})
				).status,
			).toBe(400);
			const code = await form({
				grant_type: 'authorization_code',
				code: 'test-code',
				client_id: 'cid',
				client_secret: 'secret',
				redirect_uri: 'http://x',
			});
			expect(code.status).toBe(200);
			expect(emu.stats.codeGrants).toBe(1);
			expect(emu.stats.refreshes).toBe(2);
			expect(emu.stats.requests).toBe(2); // the token endpoint is not an API request
		},
	);

	test('the dated token endpoint answers errors the RFC 6749 way and refuses parameters in the query string', async () => {
		emu.configureOAuth({ clientId: 'cid', clientSecret: 'secret', refreshToken: 'rt' });
		const post = async (query: string, params: Record<string, string>): Promise<Answer> => {
			const res = await fetch(`${emu.baseUrl}/oauth/2026-03/token${query}`, {
				method: 'POST',
				headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
				body: new URLSearchParams(params).toString(),
			});
			return { status: res.status, headers: res.headers, body: await res.json() };
		};
		const bad = await post('', {
			grant_type: 'refresh_token',
			refresh_token: 'wrong',
			client_id: 'cid',
			client_secret: 'secret',
		});
		expect(bad.status).toBe(400);
		expect(bad.body).toMatchObject({
			error: 'invalid_grant',
			error_description: 'missing or unknown refresh token',
			status: 'BAD_REFRESH_TOKEN',
		});
		const inQuery = await post('?client_id=cid&client_secret=secret', {
			grant_type: 'refresh_token',
			refresh_token: 'rt',
		});
		expect(inQuery.status).toBe(400);
		expect(inQuery.body).toMatchObject({ error: 'invalid_request' });
		expect(emu.stats.refreshes).toBe(0);
		expect(
			(
				await post('', {
					grant_type: 'refresh_token',
					refresh_token: 'rt',
					client_id: 'cid',
					client_secret: 'secret',
				})
			).status,
		).toBe(200);
		expect(emu.stats.refreshes).toBe(1);
		expect(emu.stats.tokenRequests).toBe(3);
	});

	test('the consent page: shows the app and its scopes, sends the browser back with a code or with access_denied, and refuses an unknown app without redirecting', async () => {
		emu.configureOAuth({ clientId: 'cid', clientSecret: 'secret', refreshToken: 'rt' });
		const back = 'http://127.0.0.1:5678/rest/oauth2-credential/callback';
		const query = new URLSearchParams({
			client_id: 'cid',
			redirect_uri: back,
			scope: 'oauth crm.objects.contacts.write',
			optional_scope: 'tickets',
			state: 's<1>',
		});
		const shown = await fetch(`${emu.baseUrl}/oauth/authorize?${query.toString()}`);
		expect(shown.status).toBe(200);
		const html = await shown.text();
		expect(html).toContain('oauth, crm.objects.contacts.write');
		expect(html).toContain('value="s&#60;1&#62;"');
		const decide = async (decision: string) => {
			const res = await fetch(`${emu.baseUrl}/oauth/authorize`, {
				method: 'POST',
				redirect: 'manual',
				headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
				body: new URLSearchParams({
					client_id: 'cid',
					redirect_uri: back,
					state: 's<1>',
					decision,
				}).toString(),
			});
			expect(res.status).toBe(302);
			const to = new URL(res.headers.get('location') ?? '');
			expect(`${to.origin}${to.pathname}`).toBe(back);
			return Object.fromEntries(to.searchParams);
		};
		expect(await decide('approve')).toEqual({ code: 'test-code', state: 's<1>' });
		expect(await decide('deny')).toEqual({
			error: 'access_denied',
			error_description: 'The user declined to connect the app',
			state: 's<1>',
		});
		const unknown = await fetch(
			`${emu.baseUrl}/oauth/authorize?${new URLSearchParams({ client_id: 'other', redirect_uri: back }).toString()}`,
			{ redirect: 'manual' },
		);
		expect(unknown.status).toBe(400);
		expect(unknown.headers.get('location')).toBeNull();
	});
});

describe('rate limits', () => {
	test('headers on every answer; 429 after max accepted; clears after the window', async () => {
		// The window's clock stands still until the test moves it: the four calls fall in one window however slow the machine.
		fakeOnly('performance');
		emu.settings.rateLimit = { max: 3, intervalMs: 10_000 };
		emu.settings.retryAfter = true;
		const first = await call('GET', '/account-info/v3/details');
		expect(first.headers.get('x-hubspot-ratelimit-max')).toBe('3');
		expect(first.headers.get('x-hubspot-ratelimit-remaining')).toBe('2');
		expect(first.headers.get('x-hubspot-ratelimit-interval-milliseconds')).toBe('10000');
		await call('GET', '/account-info/v3/details');
		await call('GET', '/account-info/v3/details');
		const limited = await call('GET', '/account-info/v3/details');
		expect(limited.status).toBe(429);
		expect(limited.body).toMatchObject({
			status: 'error',
			message: 'You have reached your ten_secondly_rolling limit.',
			errorType: 'RATE_LIMIT',
			policyName: 'TEN_SECONDLY_ROLLING',
		});
		expect(limited.headers.get('x-hubspot-ratelimit-remaining')).toBe('0');
		expect(limited.headers.get('retry-after')).toBe('10');
		expect(emu.stats.rateLimited).toBe(1);
		// Refused up to the last millisecond of the window, accepted once the first three have left it.
		jest.advanceTimersByTime(9_999);
		expect((await call('GET', '/account-info/v3/details')).status).toBe(429);
		jest.advanceTimersByTime(1);
		expect((await call('GET', '/account-info/v3/details')).status).toBe(200);
		// a 401 carries the headers too
		expect(
			(await call('GET', '/account-info/v3/details', undefined, 'nope')).headers.get(
				'x-hubspot-ratelimit-max',
			),
		).toBe('3');
	});

	test('daily limit: 429 DAILY that never clears; daily headers for private tokens', async () => {
		emu.settings.rateLimit = null;
		emu.settings.dailyLimit = 2;
		const a = await call('GET', '/account-info/v3/details');
		expect(a.headers.get('x-hubspot-ratelimit-daily')).toBe('2');
		expect(a.headers.get('x-hubspot-ratelimit-daily-remaining')).toBe('1');
		expect(a.headers.get('x-hubspot-ratelimit-max')).toBeNull();
		await call('GET', '/account-info/v3/details');
		for (let i = 0; i < 2; i++) {
			const d = await call('GET', '/account-info/v3/details');
			expect(d.status).toBe(429);
			expect(d.body).toMatchObject({
				policyName: 'DAILY',
				message: 'You have reached your daily limit.',
				errorType: 'RATE_LIMIT',
			});
		}
		expect(emu.stats.dailyLimited).toBe(2);
	});
});

describe('faults, latency, stats', () => {
	test('faults.at: 500 then normal; drop resets the connection; onPath', async () => {
		emu.seed('contacts', '1', 'companies', '10');
		emu.faults.at(1, { status: 500 }).at(2, 'drop');
		const e = await archive([{ from: { id: '1' }, to: [{ id: '10' }] }]);
		expectHubSpotError(e, 500, 'INTERNAL_ERROR');
		await expect(archive([{ from: { id: '1' }, to: [{ id: '10' }] }])).rejects.toThrow();
		expect(emu.has('contacts', '1', 'companies', '10')).toBe(true);
		expect((await archive([{ from: { id: '1' }, to: [{ id: '10' }] }])).status).toBe(204);
		expect(emu.stats.dropped).toBe(1);
		expect(emu.stats.inFlight).toBe(0);
		emu.faults.onPath(
			'/batch/read',
			{ status: 503, body: { custom: true }, headers: { 'X-Test': 'yes' } },
			1,
		);
		const r = await read([{ id: '1' }]);
		expect(r.status).toBe(503);
		expect(r.body).toEqual({ custom: true });
		expect(r.headers.get('x-test')).toBe('yes');
		expect((await read([{ id: '1' }])).status).toBe(207);
		expect(emu.stats.byStatus).toMatchObject({ 500: 1, 204: 1, 503: 1, 207: 1 });
	});

	test('drop-after processes the request, then loses the answer', async () => {
		emu.seed('contacts', '1', 'companies', '10');
		emu.faults.at(1, 'drop-after');
		await expect(archive([{ from: { id: '1' }, to: [{ id: '10' }] }])).rejects.toThrow();
		expect(emu.has('contacts', '1', 'companies', '10')).toBe(false);
	});

	// The latency timers are fake: the test moves their clock, so no answer can come early or late by the machine's speed.
	test('latency does not serialise concurrent requests: ten at once are all answered when the latency has passed once', async () => {
		fakeOnly('setTimeout', 'clearTimeout');
		emu.settings.latencyMs = 100;
		const answered = answeredOrder();
		const calls = Array.from({ length: 10 }, () => call('GET', '/account-info/v3/details'));
		await until(() => emu.stats.requests === 10);
		jest.advanceTimersByTime(99);
		await new Promise((resolve) => setImmediate(resolve));
		expect(answered).toEqual([]);
		jest.advanceTimersByTime(1);
		const answers = await Promise.all(calls);
		expect(answers.every((a) => a.status === 200)).toBe(true);
		expect(answered).toHaveLength(10);
		expect(emu.stats.maxConcurrent).toBe(10);
	});

	test('delayMs fault answers late: a later request without it is answered first', async () => {
		fakeOnly('setTimeout', 'clearTimeout');
		emu.faults.at(1, { delayMs: 150 });
		const answered = answeredOrder();
		const late = call('GET', '/account-info/v3/details');
		await until(() => emu.stats.requests === 1);
		expect((await call('GET', '/account-info/v3/details')).status).toBe(200);
		jest.advanceTimersByTime(149);
		await new Promise((resolve) => setImmediate(resolve));
		expect(answered).toEqual([2]);
		jest.advanceTimersByTime(1);
		expect((await late).status).toBe(200);
		expect(answered).toEqual([2, 1]);
	});

	test("answerAfter fault: the answer waits for a later request's", async () => {
		emu.faults.at(1, { answerAfter: 3 });
		const answered = answeredOrder();
		const held = call('GET', '/account-info/v3/details');
		await until(() => emu.stats.requests === 1);
		expect((await call('GET', '/account-info/v3/details')).status).toBe(200);
		expect(answered).toEqual([2]);
		expect((await call('GET', '/account-info/v3/details')).status).toBe(200);
		expect((await held).status).toBe(200);
		expect(answered).toEqual([2, 3, 1]);
		expect(emu.stats.log[0].fault).toBe('hold');
	});

	test('recordBodies keeps parsed bodies in the log', async () => {
		emu.settings.recordBodies = true;
		await archive([{ from: { id: '1' }, to: [{ id: '10' }] }]);
		expect(emu.stats.log[0].body).toEqual({ inputs: [{ from: { id: '1' }, to: [{ id: '10' }] }] });
	});
});

describe('control API', () => {
	test('seed, state, settings, stats, faults, reset; not counted as requests', async () => {
		const post = (p: string, body: unknown): Promise<Answer> =>
			call('POST', `/__emulator${p}`, body, null);
		expect(
			(
				await post('/seed', {
					pairs: [
						['contacts', '1', 'companies', '10'],
						['contacts', '1', 'companies', '11'],
					],
				})
			).body,
		).toEqual({ seeded: 2, count: 2 });
		expect(
			(await call('GET', '/__emulator/state?from=companies&id=10&to=contacts', undefined, null))
				.body.toIds,
		).toEqual(['1']);
		expect((await post('/settings', { archiveResponse: 200, rateLimit: { max: 7 } })).status).toBe(
			200,
		);
		expect(emu.settings.archiveResponse).toBe('200');
		expect(emu.settings.rateLimit).toEqual({ max: 7, intervalMs: 10000 });
		expect((await post('/settings', { nope: 1 })).status).toBe(400);
		expect((await archive([{ from: { id: '1' }, to: [{ id: '10' }] }])).status).toBe(200);
		const stats = await call('GET', '/__emulator/stats', undefined, null);
		expect(stats.body).toMatchObject({ requests: 1, archivedPairs: 1, tokensSeen: { [TOKEN]: 1 } });
		expect(
			(await call('GET', '/__emulator/state?from=contacts&id=1&to=companies', undefined, null)).body
				.toIds,
		).toEqual(['11']);
		await post('/faults', { at: [{ n: 2, fault: { status: 502 } }] });
		expect((await call('GET', '/account-info/v3/details')).status).toBe(502);
		await post('/reset', {});
		expect(emu.count()).toBe(0);
		expect(emu.stats.requests).toBe(0);
		expect(emu.settings.archiveResponse).toBe('204');
	});

	test('CLI prints its base URL, serves the demo seed, stops on SIGTERM', async () => {
		const child = spawn(
			process.execPath,
			[
				require.resolve('ts-node/dist/bin.js'),
				'--transpile-only',
				path.join(__dirname, 'emulator', 'cli.ts'),
				'--port',
				'0',
				'--token',
				'cli-token',
				'--seed',
				'demo',
				'--archive-response',
				'200',
			],
			{
				stdio: ['ignore', 'pipe', 'inherit'],
			},
		);
		try {
			const [line] = (await once(createInterface({ input: child.stdout! }), 'line')) as [string];
			const { baseUrl, token } = JSON.parse(line) as { baseUrl: string; token: string };
			expect(token).toBe('cli-token');
			const res = await fetch(`${baseUrl}/crm/v4/associations/contacts/companies/batch/archive`, {
				method: 'POST',
				headers: { Authorization: 'Bearer cli-token', 'Content-Type': 'application/json' },
				body: JSON.stringify({ inputs: [{ from: { id: '101' }, to: [{ id: '201' }] }] }),
			});
			expect(res.status).toBe(200);
			const state = (await (
				await fetch(`${baseUrl}/__emulator/state?from=companies&id=201&to=contacts`)
			).json()) as { toIds: string[] };
			expect(state.toIds).toEqual(['102']);
			await fetch(`${baseUrl}/__emulator/reset`, { method: 'POST' });
			const again = (await (
				await fetch(`${baseUrl}/__emulator/state?from=companies&id=201&to=contacts`)
			).json()) as { toIds: string[] };
			expect(again.toIds).toEqual(['101', '102']); // reset re-applies the CLI's seed
		} finally {
			child.kill('SIGTERM');
			const [code] = (await once(child, 'exit')) as [number | null];
			expect(code).toBe(0);
		}
	}, 20000);
});
