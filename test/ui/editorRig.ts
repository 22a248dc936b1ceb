/**
 * What the browser tests run against: the emulator holding a seeded HubSpot account, `n8n start` with the
 * packed package installed as users install it, and a browser driven by playwright-core: the Chromium
 * or Chrome CHROMIUM_PATH names (scripts/ui.sh), else Debian's chromium. Every process started here is stopped by its own id in stop().
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { chromium, type Browser, type Page } from 'playwright-core';

import { HubSpotEmulator } from '../emulator';
import {
	freePort,
	locateN8nApp,
	N8nInstance,
	packPackage,
	stopAll,
	waitUntilAnswering,
	type LongRunning,
} from '../e2e/n8nCli';

/** The flags Chromium needs as root in a sandbox with no network but loopback. */
const CHROMIUM_ARGS = [
	'--no-sandbox',
	'--disable-gpu',
	'--disable-quic',
	'--no-first-run',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
];

export const GOOD_TOKEN = 'pat-na1-22222222-3333-4444-5555-666666666666';
export const WRONG_TOKEN = 'pat-na1-00000000-0000-0000-0000-000000000000';

/** The HubSpot app the OAuth2 credential connects with (the emulator's consent page and token endpoint know it). */
export const OAUTH_APP = {
	clientId: 'editor-test-app',
	clientSecret: 'editor-test-app-secret',
	refreshToken: 'editor-test-refresh-token',
};

/** How many custom objects the account has: the object type dropdowns must stay quick with this many. */
export const CUSTOM_OBJECT_COUNT = 500;

/** The account's custom objects a user picks by name; the rest fill the account up to CUSTOM_OBJECT_COUNT. */
export const CARS = {
	objectTypeId: '2-3001',
	fullyQualifiedName: 'p12345678_cars',
	name: 'cars',
	labels: { singular: 'Car', plural: 'Cars' },
};
export const SHIPMENTS = {
	objectTypeId: '2-3002',
	fullyQualifiedName: 'p12345678_shipments',
	name: 'shipments',
	labels: { singular: 'Shipment', plural: 'Shipments' },
};

/**
 * The account: custom objects, user-defined labels between contacts and companies and between contacts
 * and deals, and the associations the executed steps remove (contact 1 with companies 10 and 11, contact
 * 2 with company 12; company 11 is also the contact's billing company).
 */
export function seedAccount(emulator: HubSpotEmulator): void {
	emulator.addToken(GOOD_TOKEN, { kind: 'private' });
	emulator.configureOAuth(OAUTH_APP);
	emulator.addCustomObject(CARS).addCustomObject(SHIPMENTS);
	for (let n = 3; n <= CUSTOM_OBJECT_COUNT; n++) {
		const padded = String(n).padStart(3, '0');
		emulator.addCustomObject({
			objectTypeId: `2-${4000 + n}`,
			fullyQualifiedName: `p12345678_asset_${padded}`,
			name: `asset_${padded}`,
			labels: { singular: `Asset ${padded}`, plural: `Assets ${padded}` },
		});
	}
	emulator.addLabel('contacts', 'companies', {
		typeId: 41,
		label: 'Billing contact',
		inverseTypeId: 42,
		inverseLabel: 'Billed company',
	});
	emulator.addLabel('contacts', 'deals', {
		typeId: 51,
		label: 'Decision maker',
		inverseTypeId: 52,
	});
	emulator.seed('contacts', 1, 'companies', 10);
	emulator.seed('contacts', 1, 'companies', 11, [{ category: 'USER_DEFINED', typeId: 41 }]);
	emulator.seed('contacts', 2, 'companies', 12);
}

export interface EditorRig {
	emulator: HubSpotEmulator;
	n8n: N8nInstance;
	baseUrl: string;
	browser: Browser;
	page: Page;
	stop: () => Promise<void>;
}

export async function startEditorRig(): Promise<EditorRig> {
	const emulator = new HubSpotEmulator();
	let n8n: N8nInstance | undefined;
	let server: LongRunning | undefined;
	let browser: Browser | undefined;
	const tarballDir = mkdtempSync(join(tmpdir(), 'hubspot-assoc-ui-'));
	const stop = async () => {
		await browser?.close();
		await server?.stop();
		await stopAll();
		await emulator.stop();
		n8n?.dispose();
		rmSync(tarballDir, { recursive: true, force: true });
	};
	try {
		await emulator.start();
		seedAccount(emulator);
		const port = await freePort();
		const baseUrl = `http://127.0.0.1:${port}`;
		// The OAuth2 credential's consent page and token endpoint are HubSpot's; n8n's credential overwrites point them at the
		// emulator, as an operator points them at a proxy. The editor's address is the one the browser opens, so HubSpot's
		// redirect comes back where n8n's sign-in and OAuth cookies are.
		const overwrites = {
			hubSpotAssociationsOAuth2Api: {
				authUrl: `${emulator.baseUrl}/oauth/authorize`,
				accessTokenUrl: `${emulator.baseUrl}/oauth/2026-03/token`,
			},
		};
		n8n = await N8nInstance.create(locateN8nApp(), {
			env: {
				N8N_PORT: String(port),
				N8N_LISTEN_ADDRESS: '127.0.0.1',
				N8N_EDITOR_BASE_URL: baseUrl,
				CREDENTIALS_OVERWRITE_DATA: JSON.stringify(overwrites),
			},
		});
		const [, launched] = await Promise.all([
			n8n.installPackage(packPackage(tarballDir)),
			chromium.launch({
				executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
				args: CHROMIUM_ARGS,
			}),
		]);
		browser = launched;
		server = n8n.startProcess(['start']);
		await waitUntilAnswering(server, `${baseUrl}/rest/settings`, 180_000);
		const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
		return { emulator, n8n, baseUrl, browser, page, stop };
	} catch (error) {
		await stop();
		throw error;
	}
}
