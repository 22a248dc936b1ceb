import { existsSync, readFileSync } from 'node:fs';

import { LoggerProxy } from 'n8n-workflow';
import type { IDataObject, INodeParameters, Logger } from 'n8n-workflow';

import { HUBSPOT_TOKEN_URL } from '../../credentials/HubSpotAssociationsOAuth2Api.credentials';
import { HubSpotEmulator } from '../emulator';
import { runHubSpotNode, type RunOptions, type RunResult } from '../engine/runWorkflow';

export const APP_TOKEN = 'pat-na1-11111111-2222-3333-4444-555555555555';
export const OAUTH_ACCESS_TOKEN = 'oauth-access-token-aaaaaaaaaaaaaaaa';
export const OAUTH_REFRESH_TOKEN = 'oauth-refresh-token-bbbbbbbbbbbbbbbb';
export const OAUTH_CLIENT_ID = 'client-id-1234';
export const OAUTH_CLIENT_SECRET = 'client-secret-cccccccccccccccc';
/** Every secret a test uses: no output, error or log may contain any of them. */
export const SECRETS = [APP_TOKEN, OAUTH_ACCESS_TOKEN, OAUTH_REFRESH_TOKEN, OAUTH_CLIENT_SECRET];

/** Every line n8n (engine and node) logs during the tests, searched for secrets like outputs are. */
export const loggedLines: string[] = [];
const capture =
	(level: string) =>
	(message: string, meta?: object): void => {
		let metaText = '';
		try {
			metaText = meta ? JSON.stringify(meta) : '';
		} catch {
			metaText = String(meta);
		}
		loggedLines.push(`${level} ${message} ${metaText}`);
	};
const captureLogger = {
	error: capture('error'),
	warn: capture('warn'),
	info: capture('info'),
	debug: capture('debug'),
	scoped: () => captureLogger,
} as unknown as Logger;
LoggerProxy.init(captureLogger);
/** n8n-core's own log (winston, debug level), written to a file by captureConsole.ts. */
export function n8nLogFile(): string {
	const file = process.env.N8N_LOG_FILE_LOCATION;
	return file && existsSync(file) ? readFileSync(file, 'utf8') : '';
}

/** What reached the console: kept by captureConsole.ts. */
const consoleLines = (globalThis as unknown as { __consoleLines?: string[] }).__consoleLines ?? [];

/** Credential data for both types, pointed at the emulator. */
export function credentialsFor(emulator: HubSpotEmulator) {
	return {
		hubSpotAssociationsAppTokenApi: { accessToken: APP_TOKEN, baseUrl: emulator.baseUrl },
		hubSpotAssociationsOAuth2Api: oAuth2CredentialData(emulator.baseUrl, OAUTH_ACCESS_TOKEN),
	};
}

/**
 * The OAuth2 credential's hidden endpoint fields pointed at the emulator. The token URL keeps the
 * credential's own path, so a refresh or code exchange reaches the emulator's copy of the very endpoint
 * users get.
 */
export function emulatorOAuthUrls(baseUrl: string): { authUrl: string; accessTokenUrl: string } {
	return {
		authUrl: `${baseUrl}/oauth/authorize`,
		accessTokenUrl: `${baseUrl}${new URL(HUBSPOT_TOKEN_URL).pathname}`,
	};
}

/** A connected OAuth2 credential whose API and token URLs point at the emulator. */
export function oAuth2CredentialData(baseUrl: string, accessToken: string) {
	return {
		baseUrl,
		grantType: 'authorizationCode',
		...emulatorOAuthUrls(baseUrl),
		clientId: OAUTH_CLIENT_ID,
		clientSecret: OAUTH_CLIENT_SECRET,
		scope: 'oauth',
		authQueryParameters: '',
		authentication: 'body',
		oauthTokenData: {
			access_token: accessToken,
			refresh_token: OAUTH_REFRESH_TOKEN,
			token_type: 'bearer',
		},
	};
}

/** Makes the test credentials known to the emulator: the private app token, the OAuth2 access token and OAuth2 client. */
export function addTestCredentials(emu: HubSpotEmulator): void {
	emu.addToken(APP_TOKEN, { kind: 'private' });
	emu.addToken(OAUTH_ACCESS_TOKEN, { kind: 'oauth' });
	emu.configureOAuth({
		clientId: OAUTH_CLIENT_ID,
		clientSecret: OAUTH_CLIENT_SECRET,
		refreshToken: OAUTH_REFRESH_TOKEN,
	});
}

/** A started emulator with both credentials' tokens known to it; reset before each test. */
export function useEmulator(): () => HubSpotEmulator {
	let emulator: HubSpotEmulator | undefined;
	beforeAll(async () => {
		emulator = new HubSpotEmulator();
		await emulator.start();
	});
	beforeEach(() => {
		emulator!.reset();
		addTestCredentials(emulator!);
	});
	afterAll(async () => {
		await emulator?.stop();
		// n8n's file logger writes asynchronously: one last look once the file's tests are over.
		const log = n8nLogFile();
		for (const secret of SECRETS)
			if (log.includes(secret)) throw new Error("A secret leaked into n8n's log");
	});
	return () => emulator!;
}

export { archiveParameters } from './archiveParameters';

/** n items, each one pair contact i → company 1000+i, seeded in the emulator. */
export function seedPairs(emu: HubSpotEmulator, n: number, start = 1): IDataObject[] {
	const items: IDataObject[] = [];
	for (let i = start; i < start + n; i++) {
		emu.seed('contacts', String(i), 'companies', String(1000 + i));
		items.push({ id: i, to: 1000 + i });
	}
	return items;
}

export async function run(
	emulator: HubSpotEmulator,
	items: IDataObject[],
	parameters: INodeParameters,
	extra: Partial<RunOptions> = {},
): Promise<RunResult> {
	const result = await runHubSpotNode({
		credentials: credentialsFor(emulator),
		items,
		parameters,
		...extra,
	});
	assertNoSecrets(result);
	return result;
}

/** Every string reachable from the run (outputs, errors with their causes) is searched for secrets. */
export function assertNoSecrets(result: RunResult): void {
	const seen = new WeakSet<object>();
	const texts: string[] = [];
	const walk = (value: unknown, depth: number) => {
		if (depth > 12 || value === null || value === undefined) return;
		if (typeof value === 'string') {
			texts.push(value);
			return;
		}
		if (typeof value !== 'object') return;
		if (seen.has(value as object)) return;
		seen.add(value as object);
		if (value instanceof Error) {
			texts.push(value.message, String(value.stack ?? ''));
			walk((value as { cause?: unknown }).cause, depth + 1);
		}
		for (const key of Object.getOwnPropertyNames(value)) {
			walk((value as Record<string, unknown>)[key], depth + 1);
		}
	};
	walk(result.items, 0);
	walk(result.error, 0);
	walk(result.run.data.resultData, 0);
	texts.push(...loggedLines.splice(0), ...consoleLines.splice(0), n8nLogFile());
	const all = texts.join('\n');
	for (const secret of SECRETS) {
		if (all.includes(secret))
			throw new Error(`A secret leaked into the run's output or errors: ${secret.slice(0, 8)}…`);
	}
}
