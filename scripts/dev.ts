/**
 * npm run dev: the n8n editor on http://localhost:5678 with this package loaded (from this checkout, so a
 * rebuild plus a restart picks up changes), the HubSpot emulator seeded with the demo CRM on
 * http://127.0.0.1:3900, a credential pointing at it, and the example workflows imported. Ctrl+C stops both.
 * The n8n user folder is kept in the cache (~/.cache/n8n-nodes-hubspot-associations/dev-user) so the
 * owner login and your edits survive restarts; the examples and the credential are re-imported each start.
 * Ports: N8N_PORT (5678), EMULATOR_PORT (3900). Everything listens on 127.0.0.1 only.
 */
import { existsSync, lstatSync, mkdirSync, rmSync, symlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

import { HubSpotEmulator, seedDemo } from '../test/emulator';
import {
	adaptWorkflow,
	CREDENTIAL_TYPES,
	exampleFiles,
	loadExample,
	type CredentialRef,
} from '../test/e2e/examples';
import { locateN8nApp, N8nInstance, PACKAGE_NAME, REPO_ROOT, stopAll } from '../test/e2e/n8nCli';

const TOKEN = 'pat-na1-dev-0000-0000-000000000000';
const CREDENTIAL: CredentialRef = { id: 'devAppToken00001', name: 'HubSpot (dev emulator)' };
const OWNER = { email: 'dev@example.com', password: 'HubSpotDev1' };
/** Fixed so that the credentials stored in the kept user folder stay readable across restarts. */
const DEV_ENCRYPTION_KEY = 'n8n-nodes-hubspot-associations-dev-only-key';

async function waitForHealth(url: string, timeoutMs: number, alive: () => boolean): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (Date.now() < deadline) {
		if (!alive()) throw new Error('n8n exited during start-up');
		try {
			const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
			if (response.ok) return;
		} catch {
			// not listening yet
		}
		await new Promise((resolve) => setTimeout(resolve, 500));
	}
	throw new Error(`n8n did not answer ${url} within ${timeoutMs / 1000} s`);
}

async function main(): Promise<void> {
	const app = locateN8nApp();
	const n8nPort = Number(process.env.N8N_PORT || 5678);
	const emulatorPort = Number(process.env.EMULATOR_PORT || 3900);

	const emu = new HubSpotEmulator({
		port: emulatorPort,
		onReset: (e) => {
			e.addToken(TOKEN, { kind: 'private' });
			seedDemo(e);
		},
	});
	emu.addToken(TOKEN, { kind: 'private' });
	seedDemo(emu);
	await emu.start();

	// bcryptjs comes with n8n: the owner's password hash for N8N_INSTANCE_OWNER_PASSWORD_HASH.
	const bcrypt = createRequire(join(app.dir, 'package.json'))('bcryptjs') as {
		hashSync: (s: string, rounds: number) => string;
	};
	const userFolder = process.env.N8N_DEV_USER_FOLDER || join(app.dir, '..', 'dev-user');
	const n8n = await N8nInstance.create(app, {
		userFolder,
		env: {
			N8N_ENCRYPTION_KEY: DEV_ENCRYPTION_KEY,
			N8N_PORT: String(n8nPort),
			N8N_HOST: 'localhost',
			N8N_LISTEN_ADDRESS: '127.0.0.1',
			N8N_INSTANCE_OWNER_MANAGED_BY_ENV: 'true',
			N8N_INSTANCE_OWNER_EMAIL: OWNER.email,
			N8N_INSTANCE_OWNER_PASSWORD_HASH: bcrypt.hashSync(OWNER.password, 10),
		},
	});

	// The package from this checkout, linked where n8n loads installed community packages from.
	const modules = join(n8n.nodesDir, 'node_modules');
	mkdirSync(modules, { recursive: true });
	const link = join(modules, PACKAGE_NAME);
	if (existsSync(link) || lstatSync(link, { throwIfNoEntry: false }))
		rmSync(link, { recursive: true, force: true });
	symlinkSync(REPO_ROOT, link, 'dir');

	await n8n.importCredentials([
		{
			...CREDENTIAL,
			type: CREDENTIAL_TYPES.appToken,
			data: { accessToken: TOKEN, baseUrl: emu.baseUrl },
		},
	]);
	const credentials = { appToken: CREDENTIAL, oAuth2: CREDENTIAL };
	await n8n.importWorkflows(
		exampleFiles().map((file, i) =>
			adaptWorkflow(loadExample(file), {
				id: `devExample${String(i + 1).padStart(6, '0')}`,
				baseUrl: emu.baseUrl,
				credentials,
				authentication: 'appToken',
			}),
		),
	);

	const server = n8n.startProcess(['start']);
	let stopping = false;
	const stop = async (code: number) => {
		if (stopping) return;
		stopping = true;
		console.log('\nStopping n8n and the emulator …');
		await server.stop();
		await stopAll();
		await emu.stop();
		process.exit(code);
	};
	process.once('SIGINT', () => void stop(0));
	process.once('SIGTERM', () => void stop(0));
	server.process.once('exit', (code) => {
		if (!stopping) {
			console.error(`n8n exited (${code}):\n${server.output().slice(-4000)}`);
			void stop(1);
		}
	});

	await waitForHealth(
		`http://127.0.0.1:${n8nPort}/healthz`,
		120_000,
		() => server.process.exitCode === null,
	);
	console.log(`
n8n ${app.version} editor: http://localhost:${n8nPort}   (log in as ${OWNER.email} / ${OWNER.password}; loopback only)
HubSpot emulator:  ${emu.baseUrl}   (demo CRM; reset with: curl -X POST ${emu.baseUrl}/__emulator/reset)
Credential "${CREDENTIAL.name}" and the examples (${exampleFiles().join(', ')}) are imported.
After changing the node: npm run build, then restart this command. Ctrl+C stops everything.`);
}

main().catch(async (error: unknown) => {
	console.error(error instanceof Error ? error.message : String(error));
	await stopAll();
	process.exit(1);
});
