/**
 * The package installed the two ways self-hosters install it, from an npm registry, in the real n8n
 * application (`n8n start`):
 *   1. Settings → Community Nodes → Install: the editor's call `POST /rest/community-packages` as the owner;
 *      a workflow with the node then runs (a production webhook, against the HubSpot emulator); the next
 *      published version is offered and installed with the editor's Update call (`PATCH`); Uninstall
 *      (`DELETE`) takes the node away;
 *   2. `N8N_COMMUNITY_PACKAGES` (with `N8N_COMMUNITY_PACKAGES_MANAGED_BY_ENV=true`, n8n 2.21+), as
 *      examples/docker-compose.yml sets them: n8n installs the pinned version while it starts, and a
 *      workflow with the node runs.
 * And n8n's own setting for another registry, N8N_COMMUNITY_PACKAGES_REGISTRY, is refused without n8n's
 * licence, which is why the two routes above reach the local registry as described next.
 *
 * The registry is Verdaccio on loopback (localRegistry.ts), which receives `npm publish` of the packed
 * package and of a copy whose version is one patch higher. n8n keeps its default registry setting
 * (https://registry.npmjs.org) and reaches Verdaccio under that name. What this proves: n8n's own install,
 * update and uninstall code with this package (its `npm pack` from the registry, unpacking, `npm install`
 * of the package's dependencies with peer dependencies left out, loading the node and the credential type
 * the workflow uses without a restart, its record in n8n's database), and that nothing else from the
 * registry is needed. What it bypasses: the real registry.npmjs.org (DNS and its certificate), npm
 * provenance (n8n 2.40/2.41 does not check it), n8n's list of verified packages (unreachable here; an
 * unverified install goes ahead without it), its api.n8n.io package-status check (n8n treats an
 * unreachable api.n8n.io as "allowed"), and an install through the licensed setting
 * N8N_COMMUNITY_PACKAGES_REGISTRY. docs/install-routes.md lists the routes tested and not tested.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { parse } from 'yaml';

import { HubSpotEmulator, seedDemo } from '../emulator';
import { APP_TOKEN, archiveParameters, SECRETS } from '../helpers/setup';
import { CREDENTIAL_TYPES } from './examples';
import { withHosts } from './hostNamespace';
import { startLocalRegistry, type LocalRegistry } from './localRegistry';
import {
	freePort,
	locateN8nApp,
	N8nInstance,
	NODE_TYPE,
	PACKAGE_NAME,
	packPackage,
	REPO_ROOT,
	startLongRunning,
	stopAll,
	waitUntilAnswering,
	type LongRunning,
	type WorkflowJson,
} from './n8nCli';

jest.setTimeout(600_000);

const VERSION = (
	JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }
).version;
/** The next release: the same build, its version one patch higher (set in the packed copy only). */
const NEXT_VERSION = VERSION.replace(
	/^(\d+)\.(\d+)\.(\d+).*$/,
	(_, major: string, minor: string, patch: string) => `${major}.${minor}.${Number(patch) + 1}`,
);
const TARBALL_PATH = (version: string) => `/${PACKAGE_NAME}/-/${PACKAGE_NAME}-${version}.tgz`;

/**
 * The community-package settings of the n8n service in examples/docker-compose.yml, as n8n gets them there
 * (the rest of that environment is Docker's and this test's own business: encryption key, time zone).
 */
function composeExamplePackageSettings(): NodeJS.ProcessEnv {
	const compose = parse(
		readFileSync(join(REPO_ROOT, 'examples', 'docker-compose.yml'), 'utf8'),
	) as { services: { n8n: { environment: Record<string, string> } } };
	const env = compose.services.n8n.environment;
	return Object.fromEntries(
		Object.entries(env).filter(
			([key]) =>
				key.startsWith('N8N_COMMUNITY_PACKAGES') || key === 'N8N_UNVERIFIED_PACKAGES_ENABLED',
		),
	);
}

const emulator = new HubSpotEmulator();
let registry: LocalRegistry;
let workDir = '';
const instances: N8nInstance[] = [];
const printed: string[] = [];

interface Answer {
	status: number;
	text: string;
	json: Record<string, unknown>;
}

interface InstalledPackage {
	packageName: string;
	installedVersion: string;
	installedNodes: Array<{ name: string; type: string; latestVersion: number }>;
	updateAvailable?: string;
	failedLoading?: boolean;
}

/** `n8n start` in the namespace where registry.npmjs.org is the local registry, with an owner logged in. */
class RunningN8n {
	private cookie = '';
	private readonly browserId = randomBytes(8).toString('hex');

	private constructor(
		readonly n8n: N8nInstance,
		readonly server: LongRunning,
		readonly baseUrl: string,
	) {}

	static async start(env: NodeJS.ProcessEnv = {}): Promise<RunningN8n> {
		const port = await freePort();
		const n8n = await N8nInstance.create(locateN8nApp(), {
			env: { N8N_PORT: String(port), N8N_LISTEN_ADDRESS: '127.0.0.1', ...env },
		});
		instances.push(n8n);
		const serverEnv: NodeJS.ProcessEnv = { ...n8n.env };
		// As on a server: no settings of an `npm run` around it; npm's cache of its own, so nothing cached
		// from another registry stands in for what this one serves.
		for (const key of Object.keys(serverEnv)) if (/^npm_/i.test(key)) delete serverEnv[key];
		serverEnv.npm_config_cache = join(n8n.userFolder, 'npm-cache');
		serverEnv.NODE_EXTRA_CA_CERTS = registry.caBundle;
		const [command, args] = withHosts(registry.hostsFile, n8n.app.bin, ['start'], serverEnv);
		const server = startLongRunning(command, args, { cwd: n8n.userFolder, env: serverEnv });
		const running = new RunningN8n(n8n, server, `http://127.0.0.1:${port}`);
		await waitUntilAnswering(server, `${running.baseUrl}/rest/settings`, 240_000);
		const setup = await running.rest('POST', '/owner/setup', {
			email: 'owner@example.com',
			password: `Pw1-${randomBytes(8).toString('hex')}`,
			firstName: 'E2E',
			lastName: 'Owner',
		});
		const setCookie = setup.setCookie;
		if (setup.status !== 200 || setCookie.length === 0)
			throw new Error(`owner set-up failed (${setup.status}): ${setup.text.slice(0, 500)}`);
		running.cookie = setCookie.map((c) => c.split(';')[0]).join('; ');
		return running;
	}

	/** One call to n8n's REST API as the editor makes it (a DELETE's fields go in the query string). */
	async rest(
		method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
		path: string,
		body?: unknown,
	): Promise<Answer & { setCookie: string[] }> {
		const response = await fetch(`${this.baseUrl}/rest${path}`, {
			method,
			headers: {
				...(body === undefined ? {} : { 'content-type': 'application/json' }),
				'browser-id': this.browserId,
				...(this.cookie ? { cookie: this.cookie } : {}),
			},
			...(body === undefined ? {} : { body: JSON.stringify(body) }),
			redirect: 'manual',
			signal: AbortSignal.timeout(300_000),
		});
		return { ...(await answer(response)), setCookie: response.headers.getSetCookie() };
	}

	/** The saved private app token credential, Base URL at the emulator; returns its id. */
	async saveCredential(): Promise<{ id: string; name: string }> {
		const name = 'HubSpot (e2e install)';
		const saved = await this.rest('POST', '/credentials', {
			name,
			type: CREDENTIAL_TYPES.appToken,
			data: { accessToken: APP_TOKEN, baseUrl: emulator.baseUrl },
		});
		const id = String((saved.json.data as { id?: unknown } | undefined)?.id ?? '');
		if (saved.status !== 200 || !id)
			throw new Error(
				`saving the credential failed (${saved.status}): ${saved.text.slice(0, 500)}`,
			);
		return { id, name };
	}

	/** Saves and publishes Webhook → Code (one item per pair) → HubSpot Associations, as the editor does. */
	async publishWebhookWorkflow(
		path: string,
		credential: { id: string; name: string },
	): Promise<void> {
		const workflow: WorkflowJson = {
			name: `e2e install: ${path}`,
			nodes: [
				{
					id: 'w',
					name: 'Webhook',
					type: 'n8n-nodes-base.webhook',
					typeVersion: 2,
					position: [0, 0],
					webhookId: randomUUID(),
					parameters: {
						httpMethod: 'POST',
						path,
						responseMode: 'lastNode',
						responseData: 'allEntries',
						options: {},
					},
				},
				{
					id: 'c',
					name: 'Pairs',
					type: 'n8n-nodes-base.code',
					typeVersion: 2,
					position: [220, 0],
					parameters: {
						jsCode: 'return $input.first().json.body.pairs.map((pair) => ({ json: pair }));',
					},
				},
				{
					id: 'h',
					name: 'HubSpot Associations',
					type: NODE_TYPE,
					typeVersion: 1,
					position: [440, 0],
					parameters: archiveParameters(),
					credentials: { [CREDENTIAL_TYPES.appToken]: credential },
				},
			],
			connections: {
				Webhook: { main: [[{ node: 'Pairs', type: 'main', index: 0 }]] },
				Pairs: { main: [[{ node: 'HubSpot Associations', type: 'main', index: 0 }]] },
			},
			settings: { executionOrder: 'v1' },
		};
		const saved = await this.rest('POST', '/workflows', workflow);
		const data = saved.json.data as { id?: string; versionId?: string } | undefined;
		if (saved.status !== 200 || !data?.id)
			throw new Error(`saving the workflow failed (${saved.status}): ${saved.text.slice(0, 500)}`);
		const activated = await this.rest('POST', `/workflows/${data.id}/activate`, {
			versionId: data.versionId,
		});
		if (activated.status !== 200)
			throw new Error(
				`publishing the workflow failed (${activated.status}): ${activated.text.slice(0, 1000)}`,
			);
	}

	/**
	 * Calls the production webhook with these pairs; n8n answers with the node's output items. n8n registers
	 * a published workflow's webhook shortly after the publish call returns: until then it answers 404
	 * "not registered" without running anything, and the call is repeated (for up to 60 s).
	 */
	async callWebhook(path: string, pairs: Array<{ id: string; to: string[] }>): Promise<Answer> {
		const deadline = Date.now() + 60_000;
		for (;;) {
			const response = await fetch(`${this.baseUrl}/webhook/${path}`, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify({ pairs }),
				signal: AbortSignal.timeout(120_000),
			});
			const reply = await answer(response);
			if (reply.status !== 404 || !reply.text.includes('not registered') || Date.now() > deadline)
				return reply;
			await new Promise((resolve) => setTimeout(resolve, 500));
		}
	}

	async installedPackages(): Promise<InstalledPackage[]> {
		const listed = await this.rest('GET', '/community-packages');
		if (listed.status !== 200)
			throw new Error(
				`listing community packages failed (${listed.status}): ${listed.text.slice(0, 500)}`,
			);
		return listed.json.data as InstalledPackage[];
	}

	/** The version of the package in n8n's nodes folder, or undefined when it is not there. */
	versionOnDisk(): string | undefined {
		const file = join(this.n8n.nodesDir, 'node_modules', PACKAGE_NAME, 'package.json');
		return existsSync(file)
			? (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version
			: undefined;
	}

	async stop(): Promise<void> {
		await this.server.stop();
		printed.push(this.server.output());
	}
}

async function answer(response: Response): Promise<Answer> {
	const text = await response.text();
	printed.push(text);
	let json: Record<string, unknown>;
	try {
		json = text ? (JSON.parse(text) as Record<string, unknown>) : {};
	} catch {
		json = { notJson: text.slice(0, 300) };
	}
	return { status: response.status, text, json };
}

/** The items HubSpot Associations returned through the webhook, as [fromId, toIds, status]. */
function outcome(reply: Answer): unknown[] {
	const items = (Array.isArray(reply.json) ? reply.json : JSON.parse(reply.text)) as Array<
		Record<string, unknown>
	>;
	return items.map((item) => [item.fromId, item.toIds, item.status]);
}

/** The package's tarballs n8n's npm fetched from the registry (npm sends `npm-command: pack`). */
function tarballsPacked(): string[] {
	return registry
		.requests()
		.filter((r) => r.npmCommand === 'pack' && r.url.endsWith('.tgz'))
		.map((r) => r.url);
}

beforeAll(async () => {
	await emulator.start();
	registry = await startLocalRegistry();
	workDir = mkdtempSync(join(tmpdir(), 'hubspot-assoc-install-'));

	// The release as `npm publish` sends it: the packed tarball. The next release is the same tree with the
	// version raised in an unpacked copy (published later, as a maintainer would).
	const tarball = packPackage(workDir);
	await registry.publish(tarball);
	execFileSync('tar', ['-xzf', tarball, '-C', workDir]);
	const manifest = join(workDir, 'package', 'package.json');
	writeFileSync(
		manifest,
		JSON.stringify(
			{ ...(JSON.parse(readFileSync(manifest, 'utf8')) as object), version: NEXT_VERSION },
			null,
			2,
		),
	);
});

afterAll(async () => {
	await stopAll();
	await registry?.stop();
	await emulator.stop();
	for (const n8n of instances) n8n.dispose();
	if (workDir) rmSync(workDir, { recursive: true, force: true });
	const all = printed.join('\n');
	for (const secret of SECRETS) expect(all.includes(secret)).toBe(false);
});

beforeEach(() => {
	emulator.reset();
	emulator.addToken(APP_TOKEN, { kind: 'private' });
	seedDemo(emulator);
});

describe('Settings → Community Nodes in n8n, from an npm registry', () => {
	let app: RunningN8n;
	const path = 'hubspot-associations-installed';

	beforeAll(async () => {
		app = await RunningN8n.start();
	});

	afterAll(async () => {
		await app?.stop();
	});

	it(`Install (POST /rest/community-packages) fetches ${VERSION} from the registry and loads the node without a restart`, async () => {
		expect(await app.installedPackages()).toEqual([]);
		const installed = await app.rest('POST', '/community-packages', {
			name: PACKAGE_NAME,
			verify: false,
		});
		expect(installed.status).toBe(200);
		const record = installed.json.data as InstalledPackage;
		expect(record.packageName).toBe(PACKAGE_NAME);
		expect(record.installedVersion).toBe(VERSION);
		expect(record.installedNodes.map((n) => n.type)).toEqual([NODE_TYPE]);
		expect(app.versionOnDisk()).toBe(VERSION);
		// Peer dependencies are left out: the node uses the n8n-workflow of the n8n it runs in.
		expect(existsSync(join(app.n8n.nodesDir, 'node_modules', 'n8n-workflow'))).toBe(false);
		expect(tarballsPacked()).toEqual([TARBALL_PATH(VERSION)]);
		// n8n asked the registry itself (not through npm) whether the version exists before npm fetched it:
		// the editor named no version, so n8n asked for the one tagged latest.
		expect(
			registry
				.requests()
				.filter((r) => !r.npmCommand && r.url.startsWith(`/${PACKAGE_NAME}/`))
				.map((r) => r.url),
		).toEqual([`/${PACKAGE_NAME}/latest`]);
		// Nothing but this package came from the registry: its GETs are all for it (the registry has no uplink).
		expect(
			registry
				.requests()
				.filter(
					(r) => r.method === 'GET' && !r.url.startsWith(`/${PACKAGE_NAME}`) && r.url !== '/-/ping',
				),
		).toEqual([]);
	});

	it('a published workflow with the node runs at once, against HubSpot (the emulator)', async () => {
		await app.publishWebhookWorkflow(path, await app.saveCredential());
		const reply = await app.callWebhook(path, [
			{ id: '102', to: ['201'] },
			{ id: '103', to: ['202'] },
		]);
		expect(reply.status).toBe(200);
		expect(outcome(reply)).toEqual([
			['102', ['201'], 'COMPLETE'],
			['103', ['202'], 'COMPLETE'],
		]);
		expect(emulator.has('contacts', '102', 'companies', '201')).toBe(false);
		expect(emulator.has('contacts', '103', 'companies', '202')).toBe(false);
		expect(emulator.has('contacts', '101', 'companies', '201')).toBe(true);
		expect(emulator.stats.byRoute['batch/archive']).toBe(1);
	});

	it(`once ${NEXT_VERSION} is published, n8n offers it, and Update (PATCH) installs it; the workflow keeps running`, async () => {
		await registry.publish(join(workDir, 'package'));
		const [listed] = await app.installedPackages();
		expect(listed).toMatchObject({
			packageName: PACKAGE_NAME,
			installedVersion: VERSION,
			updateAvailable: NEXT_VERSION,
			failedLoading: false,
		});

		const updated = await app.rest('PATCH', '/community-packages', { name: PACKAGE_NAME });
		expect(updated.status).toBe(200);
		expect((updated.json.data as InstalledPackage).installedVersion).toBe(NEXT_VERSION);
		expect(app.versionOnDisk()).toBe(NEXT_VERSION);
		expect(tarballsPacked()).toEqual([TARBALL_PATH(VERSION), TARBALL_PATH(NEXT_VERSION)]);
		const [after] = await app.installedPackages();
		expect(after.installedVersion).toBe(NEXT_VERSION);
		expect(after.updateAvailable).toBeUndefined();

		const reply = await app.callWebhook(path, [{ id: '104', to: ['202'] }]);
		expect(reply.status).toBe(200);
		expect(outcome(reply)).toEqual([['104', ['202'], 'COMPLETE']]);
		expect(emulator.has('contacts', '104', 'companies', '202')).toBe(false);
	});

	it('Uninstall (DELETE) removes the package; the workflow can no longer run the node', async () => {
		const removed = await app.rest(
			'DELETE',
			`/community-packages?name=${encodeURIComponent(PACKAGE_NAME)}`,
		);
		expect(removed.status).toBe(200);
		expect(await app.installedPackages()).toEqual([]);
		expect(app.versionOnDisk()).toBeUndefined();
		const reply = await app.callWebhook(path, [{ id: '101', to: ['201'] }]);
		expect(reply.status).not.toBe(200);
		expect(reply.text).toContain(`Unrecognized node type: ${NODE_TYPE}`);
		expect(emulator.has('contacts', '101', 'companies', '201')).toBe(true);
		expect(emulator.stats.byRoute['batch/archive'] ?? 0).toBe(0);
	});
});

describe('N8N_COMMUNITY_PACKAGES (the settings of examples/docker-compose.yml): n8n installs the package while it starts', () => {
	let app: RunningN8n;
	const path = 'hubspot-associations-from-env';

	beforeAll(async () => {
		const settings = composeExamplePackageSettings();
		expect(Object.keys(settings).sort()).toEqual([
			'N8N_COMMUNITY_PACKAGES',
			'N8N_COMMUNITY_PACKAGES_MANAGED_BY_ENV',
			'N8N_UNVERIFIED_PACKAGES_ENABLED',
		]);
		const before = tarballsPacked().length;
		app = await RunningN8n.start(settings);
		expect(tarballsPacked().slice(before)).toEqual([TARBALL_PATH(VERSION)]);
	});

	afterAll(async () => {
		await app?.stop();
	});

	it(`the pinned version (${VERSION}, not the newer ${NEXT_VERSION}) is installed and listed once n8n answers`, async () => {
		expect(await app.installedPackages()).toEqual([
			expect.objectContaining({
				packageName: PACKAGE_NAME,
				installedVersion: VERSION,
				failedLoading: false,
			}),
		]);
		expect(app.versionOnDisk()).toBe(VERSION);
	});

	it('the editor cannot change packages n8n manages from its environment', async () => {
		const refused = await app.rest('PATCH', '/community-packages', { name: PACKAGE_NAME });
		expect(refused.status).toBe(400);
		expect(refused.text).toContain('managed via environment variables');
	});

	it('a published workflow with the node runs', async () => {
		await app.publishWebhookWorkflow(path, await app.saveCredential());
		const reply = await app.callWebhook(path, [{ id: '102', to: ['201'] }]);
		expect(reply.status).toBe(200);
		expect(outcome(reply)).toEqual([['102', ['201'], 'COMPLETE']]);
		expect(emulator.has('contacts', '102', 'companies', '201')).toBe(false);
	});
});

describe("N8N_COMMUNITY_PACKAGES_REGISTRY, n8n's own setting for another registry", () => {
	let app: RunningN8n;

	beforeAll(async () => {
		app = await RunningN8n.start({
			N8N_COMMUNITY_PACKAGES_REGISTRY: `https://${registry.address}`,
		});
	});

	afterAll(async () => {
		await app?.stop();
	});

	it("needs n8n's licence: without it Install is refused before anything is asked of that registry (why these tests reach the local registry under the public registry's name)", async () => {
		const before = registry.requests().length;
		const refused = await app.rest('POST', '/community-packages', {
			name: PACKAGE_NAME,
			verify: false,
		});
		expect(refused.status).not.toBe(200);
		expect(refused.text).toContain(
			'Your license does not allow for feat:communityNodes:customRegistry',
		);
		expect(await app.installedPackages()).toEqual([]);
		expect(registry.requests().slice(before)).toEqual([]);
	});
});
