/**
 * The credentials' buttons, in the real n8n application: `n8n start`, the owner account set up through
 * n8n's REST API as on a new instance's first page, then the calls the editor makes:
 * - the private app token's Test button (`POST /rest/credentials/test`): n8n runs the credential's test
 *   request (`GET /account-info/v3/details`) signed by the credential's own `authenticate`;
 * - the OAuth2 credential's Connect button (`GET /rest/oauth2-credential/auth`) and HubSpot's redirect
 *   back to n8n (`GET /rest/oauth2-credential/callback`), where n8n exchanges the code at the token URL.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { HubSpotEmulator, TEST_AUTH_CODE } from '../emulator';
import {
	APP_TOKEN,
	emulatorOAuthUrls,
	OAUTH_CLIENT_ID,
	OAUTH_CLIENT_SECRET,
	OAUTH_REFRESH_TOKEN,
} from '../helpers/setup';
import { CREDENTIAL_TYPES } from './examples';
import {
	freePort,
	locateN8nApp,
	N8nInstance,
	packPackage,
	pinsOAuth2Endpoints,
	stopAll,
	waitUntilAnswering,
	type LongRunning,
} from './n8nCli';

jest.setTimeout(600_000);

const OWNER = { email: 'owner@example.com', password: `Pw1-${randomBytes(8).toString('hex')}` };
/** n8n ties its login cookie to the browser that logged in; the same header goes with every call. */
const BROWSER_ID = randomBytes(8).toString('hex');

const emulator = new HubSpotEmulator();
let n8n: N8nInstance;
let server: LongRunning | undefined;
let baseUrl = '';
let cookie = '';
let tarballDir = '';
let credentialId = '';
const CREDENTIAL_NAME = 'HubSpot (e2e)';

/**
 * One call to n8n's REST API as the editor makes it: POST with a JSON body when one is given, else GET.
 * Redirects are not followed: what n8n answers is what is checked.
 */
async function rest(
	path: string,
	body?: unknown,
): Promise<{ status: number; text: string; json: Record<string, unknown>; setCookie: string[] }> {
	const response = await fetch(`${baseUrl}/rest${path}`, {
		method: body === undefined ? 'GET' : 'POST',
		headers: {
			...(body === undefined ? {} : { 'content-type': 'application/json' }),
			'browser-id': BROWSER_ID,
			...(cookie ? { cookie } : {}),
		},
		...(body === undefined ? {} : { body: JSON.stringify(body) }),
		redirect: 'manual',
		signal: AbortSignal.timeout(60_000),
	});
	const text = await response.text();
	let json: Record<string, unknown>;
	try {
		json = text ? (JSON.parse(text) as Record<string, unknown>) : {};
	} catch {
		json = { notJson: text.slice(0, 300) };
	}
	return { status: response.status, text, json, setCookie: response.headers.getSetCookie() };
}

/**
 * What n8n's editor gets back from the Test button of the saved credential, with this token typed in
 * (n8n tests the form's values over the stored ones).
 */
async function testAppToken(accessToken: string): Promise<{ status?: string; message?: string }> {
	const { status, json } = await rest('/credentials/test', {
		credentials: {
			id: credentialId,
			name: CREDENTIAL_NAME,
			type: CREDENTIAL_TYPES.appToken,
			data: { accessToken, baseUrl: emulator.baseUrl },
		},
	});
	const result = json.data as { status?: string; message?: string } | undefined;
	if (status !== 200 || !result?.status)
		throw new Error(`credentials/test answered ${status}: ${JSON.stringify(json).slice(0, 500)}`);
	return result;
}

beforeAll(async () => {
	const app = locateN8nApp();
	await emulator.start();
	emulator.addToken(APP_TOKEN, { kind: 'private' });

	tarballDir = mkdtempSync(join(tmpdir(), 'hubspot-assoc-pack-'));
	const port = await freePort();
	baseUrl = `http://127.0.0.1:${port}`;
	n8n = await N8nInstance.create(app, {
		env: { N8N_PORT: String(port), N8N_LISTEN_ADDRESS: '127.0.0.1' },
	});
	await n8n.installPackage(packPackage(tarballDir));
	server = n8n.startProcess(['start']);
	// n8n 1.x says it is ready (`/healthz/readiness`) before its REST API is mounted: wait for the API itself.
	await waitUntilAnswering(server, `${baseUrl}/rest/settings`, 180_000);

	// A new instance's first page: the owner account, which logs the owner in.
	const setup = await rest('/owner/setup', { ...OWNER, firstName: 'E2E', lastName: 'Owner' });
	if (setup.status !== 200 || setup.setCookie.length === 0)
		throw new Error(
			`owner set-up failed (${setup.status}): ${JSON.stringify(setup.json).slice(0, 500)}`,
		);
	cookie = setup.setCookie.map((c) => c.split(';')[0]).join('; ');

	// Saved first, as the editor does before its first test (n8n 1.x tests saved credentials only).
	const created = await rest('/credentials', {
		name: CREDENTIAL_NAME,
		type: CREDENTIAL_TYPES.appToken,
		data: { accessToken: APP_TOKEN, baseUrl: emulator.baseUrl },
	});
	credentialId = String((created.json.data as { id?: unknown } | undefined)?.id ?? '');
	if (created.status !== 200 || !credentialId)
		throw new Error(
			`saving the credential failed (${created.status}): ${JSON.stringify(created.json).slice(0, 500)}`,
		);
});

afterAll(async () => {
	await server?.stop();
	await stopAll();
	await emulator.stop();
	n8n?.dispose();
	if (tarballDir) rmSync(tarballDir, { recursive: true, force: true });
});

describe("the private app token credential's Test button in n8n", () => {
	it('passes with a token HubSpot accepts, also with a line break pasted after it', async () => {
		expect(await testAppToken(APP_TOKEN)).toMatchObject({ status: 'OK' });
		expect(await testAppToken(`${APP_TOKEN}\n`)).toMatchObject({ status: 'OK' });
	});

	it('fails with a token HubSpot refuses, without showing the token', async () => {
		const wrong = 'pat-na1-00000000-0000-0000-0000-000000000000';
		const result = await testAppToken(wrong);
		expect(result.status).toBe('Error');
		expect(JSON.stringify(result)).not.toContain(wrong);
		expect(server?.output()).not.toContain(APP_TOKEN);
	});
});

describe("the OAuth2 credential's Connect button in n8n", () => {
	/** Saves an OAuth2 credential with these fields and returns the consent address n8n's Connect button opens. */
	async function consentFor(fields: Record<string, string>): Promise<URL> {
		const created = await rest('/credentials', {
			name: `HubSpot OAuth2 (e2e, ${Object.keys(fields).join(', ') || 'defaults'})`,
			type: CREDENTIAL_TYPES.oAuth2,
			data: {
				clientId: OAUTH_CLIENT_ID,
				clientSecret: OAUTH_CLIENT_SECRET,
				baseUrl: emulator.baseUrl,
				...emulatorOAuthUrls(emulator.baseUrl),
				...fields,
			},
		});
		const id = String((created.json.data as { id?: unknown } | undefined)?.id ?? '');
		if (created.status !== 200 || !id)
			throw new Error(
				`saving the OAuth2 credential failed (${created.status}): ${JSON.stringify(created.json).slice(0, 500)}`,
			);
		const auth = await rest(`/oauth2-credential/auth?id=${id}`);
		if (auth.status !== 200 || typeof auth.json.data !== 'string')
			throw new Error(`oauth2-credential/auth answered ${auth.status}: ${auth.text.slice(0, 500)}`);
		return new URL(auth.json.data);
	}

	it('asks for the scopes the user set, to match their HubSpot app', async () => {
		const leads = await consentFor({
			scope: 'oauth crm.objects.contacts.write crm.objects.leads.write',
			optionalScopes: 'crm.objects.custom.write',
		});
		expect(leads.searchParams.get('scope')).toBe(
			'oauth crm.objects.contacts.write crm.objects.leads.write',
		);
		expect(leads.searchParams.get('optional_scope')).toBe('crm.objects.custom.write');
		const none = await consentFor({ scope: 'oauth crm.objects.deals.write', optionalScopes: '' });
		expect(none.searchParams.get('scope')).toBe('oauth crm.objects.deals.write');
		expect(none.searchParams.has('optional_scope')).toBe(false);
	});

	it("asks HubSpot for the scopes (optional ones apart) and exchanges the code at the token URL, all in the form body (n8n 2.41+: at HubSpot's own URLs, so only the request for consent is checked)", async () => {
		emulator.configureOAuth({
			clientId: OAUTH_CLIENT_ID,
			clientSecret: OAUTH_CLIENT_SECRET,
			refreshToken: OAUTH_REFRESH_TOKEN,
		});
		emulator.stats.reset();
		// The hidden endpoint fields point at the emulator; n8n before 2.41 keeps what a credential stores.
		const created = await rest('/credentials', {
			name: 'HubSpot OAuth2 (e2e)',
			type: CREDENTIAL_TYPES.oAuth2,
			data: {
				clientId: OAUTH_CLIENT_ID,
				clientSecret: OAUTH_CLIENT_SECRET,
				baseUrl: emulator.baseUrl,
				...emulatorOAuthUrls(emulator.baseUrl),
			},
		});
		const id = String((created.json.data as { id?: unknown } | undefined)?.id ?? '');
		if (created.status !== 200 || !id)
			throw new Error(
				`saving the OAuth2 credential failed (${created.status}): ${JSON.stringify(created.json).slice(0, 500)}`,
			);

		// The Connect button: n8n answers with the address of HubSpot's consent page.
		const auth = await rest(`/oauth2-credential/auth?id=${id}`);
		if (auth.status !== 200 || typeof auth.json.data !== 'string')
			throw new Error(`oauth2-credential/auth answered ${auth.status}: ${auth.text.slice(0, 500)}`);
		const consent = new URL(auth.json.data);
		const pinned = pinsOAuth2Endpoints(locateN8nApp().version);
		expect(`${consent.origin}${consent.pathname}`).toBe(
			pinned ? 'https://app.hubspot.com/oauth/authorize' : `${emulator.baseUrl}/oauth/authorize`,
		);
		expect(consent.searchParams.get('client_id')).toBe(OAUTH_CLIENT_ID);
		expect(consent.searchParams.get('scope')?.split(' ')).toEqual(
			expect.arrayContaining([
				'oauth',
				'crm.objects.contacts.write',
				'crm.objects.companies.write',
			]),
		);
		expect(consent.searchParams.get('optional_scope')?.split(' ')).toEqual(
			expect.arrayContaining(['crm.objects.custom.write', 'crm.schemas.custom.read', 'tickets']),
		);
		expect(consent.searchParams.get('scope')).not.toContain('crm.objects.custom.write');
		const state = consent.searchParams.get('state');
		expect(state).toEqual(expect.any(String));
		if (pinned) return;

		// HubSpot sends the user back to n8n with a code; n8n exchanges it at the credential's token URL
		// (the emulator's copy of the dated endpoint, which refuses any parameter in the query string).
		const callback = await rest(
			`/oauth2-credential/callback?code=${TEST_AUTH_CODE}&state=${encodeURIComponent(state!)}`,
		);
		expect(callback.status).toBe(200);
		expect(emulator.stats.tokenRequests).toBe(1);
		expect(emulator.stats.codeGrants).toBe(1);
		expect(callback.text).not.toContain(OAUTH_CLIENT_SECRET);
		expect(server?.output()).not.toContain(OAUTH_CLIENT_SECRET);
	});
});
