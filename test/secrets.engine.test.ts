import type { HubSpotEmulator } from './emulator';
import type { RunOptions } from './engine/runWorkflow';
import { startRecordingServer } from './helpers/recordingServer';
import {
	APP_TOKEN,
	OAUTH_ACCESS_TOKEN,
	SECRETS,
	archiveParameters,
	assertNoSecrets,
	credentialsFor,
	loggedLines,
	run,
	useEmulator,
} from './helpers/setup';

/**
 * `run()` searches every output, error and log line of every engine test for the test secrets. This
 * file proves that search can fail, and drives the paths most likely to leak: refreshes, 401s, 403s.
 */
describe('No secret in any output, error or log', () => {
	const emulator = useEmulator();

	it('the leak check catches a secret in an output item, a log line and the console', async () => {
		const emu = emulator();
		const result = await run(emu, [{ id: 1, to: 2 }], archiveParameters());
		const leaky = { ...result, items: [{ json: { note: `token ${SECRETS[0]}` } }] };
		expect(() => assertNoSecrets(leaky)).toThrow(/secret leaked/);
		loggedLines.push(`debug refreshed ${SECRETS[2]}`);
		expect(() => assertNoSecrets(result)).toThrow(/secret leaked/);
		console.error(`printed ${SECRETS[1]}`);
		expect(() => assertNoSecrets(result)).toThrow(/secret leaked/);
	});

	it('a 2xx answer that echoes a secret (a 207 error message, a result) reaches the output redacted', async () => {
		const emu = emulator();
		emu.seed('contacts', '1', 'companies', '2');
		// Not an answer HubSpot is known to give: a proxy or gateway in front of it may echo what it was sent.
		const echo = {
			status: 'COMPLETE',
			results: [{ note: `seen Authorization: Bearer ${APP_TOKEN}` }],
			numErrors: 1,
			errors: [
				{
					status: 'error',
					category: 'VALIDATION_ERROR',
					message: `token ${APP_TOKEN} is not allowed here`,
					context: {},
				},
			],
			startedAt: '2026-12-06T10:00:00.000Z',
			completedAt: '2026-12-06T10:00:00.100Z',
		};
		emu.faults.onPath('batch/archive', { status: 207, body: echo }, 1);
		const result = await run(emu, [{ id: 1, to: 2 }], archiveParameters(), {
			continueOnFail: true,
		});
		const details = result.items[0].json.details as {
			errors: Array<{ message: string }>;
			results: Array<{ note: string }>;
		};
		expect(details.errors[0].message).toBe('token [redacted] is not allowed here');
		expect(details.results[0].note).toBe('seen Authorization: Bearer [redacted]');
	});

	it('a private app token pasted with a space and a line break around it is sent without them', async () => {
		const emu = emulator();
		// The emulator forgives stray spaces in the header; a server that records it shows what HubSpot gets.
		const hubspot = await startRecordingServer();
		try {
			const credentials = {
				...credentialsFor(emu),
				hubSpotAssociationsAppTokenApi: { accessToken: ` ${APP_TOKEN}\n`, baseUrl: hubspot.url },
			};
			const result = await run(emu, [{ id: 1, to: 2 }], archiveParameters(), { credentials });
			expect(result.error).toBeUndefined();
			expect(hubspot.seen).toEqual([{ method: 'POST', authorization: `Bearer ${APP_TOKEN}` }]);
		} finally {
			await hubspot.close();
		}
	});

	it('an OAuth2 refresh leaves no token in outputs, errors or logs', async () => {
		const emu = emulator();
		emu.seed('contacts', '1', 'companies', '2');
		emu.expireToken(OAUTH_ACCESS_TOKEN);
		const result = await run(
			emu,
			[{ id: 1, to: 2 }],
			archiveParameters({ authentication: 'oAuth2' }),
		);
		expect(result.error).toBeUndefined();
		expect(emu.stats.refreshes).toBe(1);
	});

	// The dated endpoint refuses the RFC 6749 way (`error: invalid_grant`), which n8n's OAuth2 client
	// throws without a status; v1's older `{status, message}` comes back as a plain 400. Both are a refusal.
	it.each([
		{
			tokenPath: '/oauth/2026-03/token',
			message: 'HubSpot refused to refresh the OAuth2 access token',
			hint: 'Reconnect the "HubSpot Associations OAuth2 API" credential',
		},
		{
			tokenPath: '/oauth/v1/token',
			message: 'HubSpot refused to refresh the OAuth2 access token',
			hint: 'Reconnect the "HubSpot Associations OAuth2 API" credential',
		},
	])(
		'errors after a refused refresh at $tokenPath say what to do and hold no token or client secret',
		async ({ tokenPath, message, hint }) => {
			const emu = emulator();
			emu.expireToken(OAUTH_ACCESS_TOKEN);
			emu.configureOAuth({
				clientId: 'another-client',
				clientSecret: 'another-secret-xxxxxxxx',
				refreshToken: 'other',
			});
			const runOAuth2 = async (extra: Partial<RunOptions> = {}) =>
				await run(emu, [{ id: 1, to: 2 }], archiveParameters({ authentication: 'oAuth2' }), {
					credentials: withTokenPath(emu, tokenPath),
					...extra,
				});
			const failed = await runOAuth2();
			expect(failed.error?.message).toBe(`Item 0: ${message}`);
			expect(failed.error?.description).toContain(hint);
			// A refused refresh is final: not retried as if the network had failed.
			expect(emu.stats.tokenRequests).toBe(1);
			const cof = await runOAuth2({ continueOnFail: true });
			expect(cof.items[0].json.error).toBeDefined();
			expect(emu.stats.tokenRequests).toBe(2);
		},
	);
});

/** The test credentials, with the OAuth2 one refreshing at `tokenPath` of the emulator. */
function withTokenPath(emu: HubSpotEmulator, tokenPath: string) {
	const base = credentialsFor(emu);
	return {
		...base,
		hubSpotAssociationsOAuth2Api: {
			...base.hubSpotAssociationsOAuth2Api,
			accessTokenUrl: `${emu.baseUrl}${tokenPath}`,
		},
	};
}

describe('Redirects are not followed', () => {
	const emulator = useEmulator();

	it.each([301, 307, 308])(
		'a %i from the Base URL sends nothing (and no token) to the other address, and names the redirect',
		async (status) => {
			const emu = emulator();
			emu.seed('contacts', '1', 'companies', '2');
			const other = await startRecordingServer();
			try {
				emu.faults.onPath('batch/archive', {
					status,
					body: '',
					headers: {
						Location: `${other.url}/crm/v4/associations/contacts/companies/batch/archive`,
					},
				});
				const result = await run(emu, [{ id: 1, to: 2 }], archiveParameters(), {
					continueOnFail: true,
				});
				expect(other.seen).toEqual([]);
				expect(emu.toIds('contacts', '1', 'companies')).toEqual(['2']);
				const error = result.items[0].json.error as string;
				expect(error).toBe(`HubSpot answered with a redirect (${status}) to ${other.url}`);
				expect(JSON.stringify(result.items[0].json)).toContain('Base URL');
			} finally {
				await other.close();
			}
		},
	);
});
