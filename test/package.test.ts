import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';

import { Workflow, type INode } from 'n8n-workflow';

import { PASS_THROUGH_NODE_TYPE, TestNodeTypes } from './engine/nodeTypes';

const root = join(__dirname, '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

/** What n8n's loader needs from a community package, checked against the built dist/. */
describe('the package as n8n loads it', () => {
	it('is a community node package with no runtime dependencies and n8n-workflow as its only peer', () => {
		expect(pkg.name).toBe('n8n-nodes-hubspot-associations');
		expect(pkg.keywords).toContain('n8n-community-node-package');
		expect(pkg.license).toBe('MIT');
		expect(pkg.files).toEqual(['dist', 'index.js']);
		expect(pkg.main).toBe('index.js');
		expect(pkg.dependencies ?? {}).toEqual({});
		expect(pkg.peerDependencies).toEqual({ 'n8n-workflow': '*' });
	});

	it('builds dist/ and scans the package before any npm publish, so a stale dist/ cannot ship', () => {
		// npm runs prepublishOnly before `npm publish` (also a manual one), not before `npm pack`, which
		// the scan itself calls.
		expect(pkg.scripts.prepublishOnly).toBe('npm run lint:package');
		expect(pkg.scripts['lint:package']).toBe('npm run build && node scripts/scan-package.mjs');
		expect(pkg.scripts.build).toMatch(/^npm run clean && /);
	});

	it('the package scan packs and checks a real tarball under `npm publish --dry-run` too', () => {
		// npm hands its command's flags to lifecycle scripts as npm_config_* variables: prepublishOnly of
		// a dry run gets npm_config_dry_run=true, which an inner `npm pack` would obey.
		const scan = spawnSync(process.execPath, [join(root, 'scripts', 'scan-package.mjs')], {
			cwd: root,
			encoding: 'utf8',
			timeout: 120_000,
			// NODE_ENV as outside jest: n8n's lint rules read file names differently when it is 'test'.
			env: { ...process.env, NODE_ENV: undefined, npm_config_dry_run: 'true' },
		});
		expect(`${scan.stdout}${scan.stderr}`).toContain('scan: passed');
		expect(scan.status).toBe(0);
	});

	it('names one GitHub repository in repository, bugs, homepage and author', () => {
		const repo = /^git\+(https:\/\/github\.com\/[\w.-]+\/[\w.-]+)\.git$/.exec(
			pkg.repository.url,
		)?.[1];
		expect(repo).toBeDefined();
		expect(pkg.bugs.url).toBe(`${repo}/issues`);
		expect(pkg.homepage).toBe(`${repo}#readme`);
		expect(pkg.author.url).toBe(repo);
		expect(pkg.author.email).toMatch(/^[^@\s]+@[^@\s]+$/);
	});

	const entries: string[] = [...pkg.n8n.nodes, ...pkg.n8n.credentials];
	it.each(entries)(
		'%s exists after the build and exports a class named after the file',
		(entry) => {
			const file = join(root, entry);
			expect(existsSync(file)).toBe(true);
			const className = basename(entry).split('.')[0];
			// eslint-disable-next-line @typescript-eslint/no-require-imports
			const mod = require(file) as Record<string, new () => unknown>;
			expect(typeof mod[className]).toBe('function');
			type Icon = string | { light: string; dark: string };
			const instance = new mod[className]() as {
				description?: { icon?: Icon; name: string };
				icon?: Icon;
				name?: string;
			};
			const icon = instance.description?.icon ?? instance.icon;
			// A single icon, or light and dark variants (different files); each one a file next to the code.
			const files = typeof icon === 'object' ? [icon.light, icon.dark] : [icon];
			if (typeof icon === 'object') expect(icon.light).not.toBe(icon.dark);
			for (const file of files) {
				expect(file).toMatch(/^file:.+\.svg$/);
				expect(existsSync(join(root, entry, '..', String(file).slice('file:'.length)))).toBe(true);
			}
		},
	);

	it('exports the node and credential classes from its top-level index.js, as require() finds it', () => {
		// eslint-disable-next-line @typescript-eslint/no-require-imports
		const exported = require(root) as Record<string, unknown>;
		expect(Object.keys(exported).sort()).toEqual([
			'HubSpotAssociations',
			'HubSpotAssociationsAppTokenApi',
			'HubSpotAssociationsOAuth2Api',
		]);
		for (const entry of entries) {
			const className = basename(entry).split('.')[0];
			expect(exported[className]).toBe(
				// eslint-disable-next-line @typescript-eslint/no-require-imports
				(require(join(root, entry)) as Record<string, unknown>)[className],
			);
		}
	});

	it('ships the codex beside the node, naming the package and node', () => {
		const codex = JSON.parse(
			readFileSync(
				join(root, 'dist/nodes/HubSpotAssociations/HubSpotAssociations.node.json'),
				'utf8',
			),
		);
		expect(codex.node).toBe('n8n-nodes-hubspot-associations.hubSpotAssociations');
	});
});

describe('the private app token credential as n8n calls it', () => {
	// n8n calls a function `authenticate` for every request; a declarative one it would evaluate as an
	// expression each time (see docs/performance.md).
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const { HubSpotAssociationsAppTokenApi } = require(
		join(root, 'dist/credentials/HubSpotAssociationsAppTokenApi.credentials.js'),
	) as {
		HubSpotAssociationsAppTokenApi: new () => { authenticate: unknown };
	};
	const authenticate = new HubSpotAssociationsAppTokenApi().authenticate as (
		credentials: Record<string, unknown>,
		options: { url: string; headers?: Record<string, string> },
	) => Promise<{ url: string; headers?: Record<string, string> }>;

	it('signs a request with the token as a Bearer header, keeping its other headers and leaving the given options as they were', async () => {
		expect(typeof authenticate).toBe('function');
		const options = { url: 'https://api.hubapi.com/x', headers: { Accept: 'application/json' } };
		const signed = await authenticate(
			{ accessToken: 'pat-na1-abc', baseUrl: 'https://api.hubapi.com' },
			options,
		);
		expect(signed).toEqual({
			url: 'https://api.hubapi.com/x',
			headers: { Accept: 'application/json', Authorization: 'Bearer pat-na1-abc' },
		});
		expect(options.headers).toEqual({ Accept: 'application/json' });
	});

	it('signs a request that has no headers yet', async () => {
		const signed = await authenticate(
			{ accessToken: 'pat-na1-def' },
			{ url: 'https://api.hubapi.com/y' },
		);
		expect(signed.headers).toEqual({ Authorization: 'Bearer pat-na1-def' });
	});

	it.each([
		['', 'https://api.hubapi.com'],
		['   ', 'https://api.hubapi.com'],
		[undefined, 'https://api.hubapi.com'],
		['http://127.0.0.1:9999/', 'http://127.0.0.1:9999'],
	])(
		'its Test button calls %p as %p, as the node does with a blank Base URL',
		(baseUrl, expected) => {
			// eslint-disable-next-line @typescript-eslint/no-require-imports
			const { HubSpotAssociationsAppTokenApi: Credential } = require(
				join(root, 'dist/credentials/HubSpotAssociationsAppTokenApi.credentials.js'),
			) as {
				HubSpotAssociationsAppTokenApi: new () => { test: { request: { baseURL: string } } };
			};
			const node: INode = {
				id: 't',
				name: 'Temp-Node',
				type: PASS_THROUGH_NODE_TYPE,
				typeVersion: 1,
				position: [0, 0],
				parameters: {},
			};
			const workflow = new Workflow({
				nodes: [node],
				connections: {},
				active: false,
				nodeTypes: new TestNodeTypes(),
			});
			// n8n's credential test resolves the request's expressions with the credential's data as $credentials.
			const resolved = workflow.expression.getSimpleParameterValue(
				node,
				new Credential().test.request.baseURL,
				'internal',
				{
					$credentials: {
						accessToken: 'pat-na1-abc',
						...(baseUrl === undefined ? {} : { baseUrl }),
					},
				} as never,
			);
			expect(resolved).toBe(expected);
		},
	);

	it('leaves out the spaces and line breaks pasted around a token', async () => {
		const signed = await authenticate(
			{ accessToken: '  pat-na1-ghi\n' },
			{ url: 'https://api.hubapi.com/z' },
		);
		expect(signed.headers).toEqual({ Authorization: 'Bearer pat-na1-ghi' });
	});
});

describe('the OAuth2 credential as n8n reads it', () => {
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const { HubSpotAssociationsOAuth2Api } = require(
		join(root, 'dist/credentials/HubSpotAssociationsOAuth2Api.credentials.js'),
	) as {
		HubSpotAssociationsOAuth2Api: new () => {
			extends: string[];
			properties: Array<{ name: string; type: string; default: unknown }>;
		};
	};
	const credential = new HubSpotAssociationsOAuth2Api();
	const field = (name: string) => credential.properties.find((p) => p.name === name);

	it("uses HubSpot's dated token endpoint, not the v1 one HubSpot retires on 2027-02-16", () => {
		// n8n 2.41+ always uses these hidden defaults, whatever a stored credential holds: this line is
		// what every user's token refresh goes to.
		expect(field('accessTokenUrl')).toMatchObject({
			type: 'hidden',
			default: 'https://api.hubapi.com/oauth/2026-03/token',
		});
		expect(field('authUrl')).toMatchObject({
			type: 'hidden',
			default: 'https://app.hubspot.com/oauth/authorize',
		});
	});

	it('sends the client id and secret in the form body, where the dated endpoint wants every parameter', () => {
		expect(credential.extends).toEqual(['oAuth2Api']);
		expect(field('authentication')).toMatchObject({ type: 'hidden', default: 'body' });
		expect(field('grantType')).toMatchObject({ type: 'hidden', default: 'authorizationCode' });
	});
});
