/**
 * A local npm registry (Verdaccio, from the npm registry) that n8n installs community packages from, for the
 * install tests in the real n8n application.
 *
 * How n8n is pointed at it. n8n 2.40/2.41 runs every install as `npm pack <name>@<version>
 * --registry=<N8N_COMMUNITY_PACKAGES_REGISTRY>` and first asks `<registry>/<name>/<version>` itself over
 * HTTPS (modules/community-packages: community-packages.service, npm-utils). The registry flag is always on
 * the command line, so npm's own configuration (`npm_config_registry`, .npmrc) cannot redirect it, and
 * n8n refuses any registry other than https://registry.npmjs.org unless its licence has the feature
 * `feat:communityNodes:customRegistry` (FeatureNotLicensedError). So n8n keeps its default setting here and
 * the name registry.npmjs.org is made to lead to this registry, for the n8n process and its npm children
 * only: they run in a mount namespace of their own (`unshare --mount`) where /etc/hosts is a copy with one
 * more line mapping registry.npmjs.org to a loopback address; Verdaccio listens there on port 443 with a
 * certificate for registry.npmjs.org from a test certificate authority made for the run, which those
 * processes trust through NODE_EXTRA_CA_CERTS. Nothing outside the namespace sees the change (the
 * mechanism, shared with the HubSpot trigger journeys, is in hostNamespace.ts).
 *
 * Needs root (unshare, mount, port 443), or passwordless sudo when not root (as GitHub's runners have):
 * then sudo makes the namespace and binds the port, and n8n and Verdaccio run as the caller's user.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

import {
	caBundleWith,
	hostsFileWith,
	isRoot,
	makeCertificates,
	randomLoopbackAddress,
	viaSudo,
} from './hostNamespace';
import { REPO_ROOT, startLongRunning, type LongRunning } from './n8nCli';

export const PUBLIC_REGISTRY_HOST = 'registry.npmjs.org';

export interface RegistryRequest {
	method: string;
	url: string;
	/** The npm command that sent it (npm's `npm-command` header); undefined for any other client. */
	npmCommand?: string;
	userAgent: string;
}

export interface LocalRegistry {
	/** The loopback address registry.npmjs.org leads to inside the namespace. */
	address: string;
	/** Test CA certificates and the system ones the caller already trusted, for NODE_EXTRA_CA_CERTS. */
	caBundle: string;
	/** The copy of /etc/hosts the namespace sees. */
	hostsFile: string;
	server: LongRunning;
	/** `npm publish` of a tarball or package folder to this registry; returns npm's output. */
	publish(target: string): Promise<string>;
	/** The package document this registry serves (its versions, dist-tags and tarballs). */
	packument(name: string): Promise<{
		'dist-tags': Record<string, string>;
		versions: Record<string, { dist: { integrity: string } }>;
	}>;
	/** Every request the registry received, in order (from Verdaccio's log). */
	requests(): RegistryRequest[];
	stop(): Promise<void>;
}

/** One HTTPS call to the registry at its loopback address, trusting the test CA. */
function call(
	address: string,
	ca: string,
	method: string,
	path: string,
	body?: unknown,
	token?: string,
): Promise<{ status: number; json: Record<string, unknown> }> {
	return new Promise((resolve, reject) => {
		const payload = body === undefined ? undefined : JSON.stringify(body);
		const req = request(
			{
				host: address,
				servername: PUBLIC_REGISTRY_HOST,
				port: 443,
				method,
				path,
				ca: readFileSync(ca),
				headers: {
					host: PUBLIC_REGISTRY_HOST,
					accept: 'application/json',
					...(payload
						? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }
						: {}),
					...(token ? { authorization: `Bearer ${token}` } : {}),
				},
				timeout: 30_000,
			},
			(res) => {
				let text = '';
				res.on('data', (c: Buffer) => (text += c.toString()));
				res.on('end', () => {
					let json: Record<string, unknown> = {};
					try {
						json = text ? (JSON.parse(text) as Record<string, unknown>) : {};
					} catch {
						json = { notJson: text.slice(0, 300) };
					}
					resolve({ status: res.statusCode ?? 0, json });
				});
			},
		);
		req.on('error', reject);
		req.on('timeout', () =>
			req.destroy(new Error(`${method} ${path}: no answer from the local registry`)),
		);
		req.end(payload);
	});
}

/**
 * Starts Verdaccio on a free loopback address, port 443, with its storage in a temporary folder and no
 * uplink (nothing it serves comes from elsewhere), and a publishing account; stop() ends it by its process
 * id and removes the folder.
 */
export async function startLocalRegistry(): Promise<LocalRegistry> {
	const dir = mkdtempSync(join(tmpdir(), 'local-registry-'));
	const address = randomLoopbackAddress();
	const { ca, key, cert } = makeCertificates(dir, PUBLIC_REGISTRY_HOST, address);
	const caBundle = caBundleWith(dir, ca);
	const hostsFile = hostsFileWith(dir, PUBLIC_REGISTRY_HOST, address);

	const storage = join(dir, 'storage');
	mkdirSync(storage);
	const config = join(dir, 'config.yaml');
	writeFileSync(
		config,
		[
			`storage: ${JSON.stringify(storage)}`,
			'auth:',
			'  htpasswd:',
			`    file: ${JSON.stringify(join(dir, 'htpasswd'))}`,
			'    max_users: 1',
			'uplinks: {}',
			'packages:',
			"  '**':",
			'    access: $all',
			'    publish: $authenticated',
			'    unpublish: $authenticated',
			'https:',
			`  key: ${JSON.stringify(key)}`,
			`  cert: ${JSON.stringify(cert)}`,
			`  ca: ${JSON.stringify(ca)}`,
			'web:',
			'  enable: false',
			'log: { type: stdout, format: json, level: http }',
			'',
		].join('\n'),
	);

	const verdaccio = join(REPO_ROOT, 'node_modules', 'verdaccio', 'bin', 'verdaccio');
	const verdaccioArgs = [verdaccio, '--config', config, '--listen', `https://${address}:443`];
	const [command, args] = isRoot
		? [process.execPath, verdaccioArgs]
		: viaSudo(process.execPath, verdaccioArgs, process.env, {
				keepCapabilities: ['net_bind_service'],
			});
	const server = startLongRunning(command, args, {
		cwd: dir,
		env: { ...process.env, NODE_ENV: 'production' },
	});

	const deadline = Date.now() + 60_000;
	for (;;) {
		if (server.process.exitCode !== null)
			throw new Error(`Verdaccio exited during start-up:\n${server.output().slice(-3000)}`);
		try {
			if ((await call(address, ca, 'GET', '/-/ping')).status === 200) break;
		} catch {
			// not listening yet
		}
		if (Date.now() > deadline)
			throw new Error(
				`Verdaccio did not answer on ${address}:443 within 60 s:\n${server.output().slice(-3000)}`,
			);
		await new Promise((resolve) => setTimeout(resolve, 300));
	}

	// A publishing account (npm adduser's call), whose token goes to npm publish on its command line only.
	const user = `e2e-${randomBytes(4).toString('hex')}`;
	const added = await call(address, ca, 'PUT', `/-/user/org.couchdb.user:${user}`, {
		name: user,
		password: randomBytes(12).toString('hex'),
	});
	const token = typeof added.json.token === 'string' ? added.json.token : '';
	if (added.status !== 201 || !token)
		throw new Error(`Verdaccio refused the publishing account (${added.status})`);

	const npmBin = join(dirname(process.execPath), 'npm');
	const npmEnv: NodeJS.ProcessEnv = {
		...process.env,
		NODE_EXTRA_CA_CERTS: caBundle,
		npm_config_cache: join(dir, 'npm-cache'),
	};
	return {
		address,
		caBundle,
		hostsFile,
		server,
		async publish(target: string): Promise<string> {
			// Not execFileSync: a blocked event loop would miss the close of idle keep-alive connections to n8n.
			const args = [
				'publish',
				target,
				`--registry=https://${address}/`,
				`--//${address}/:_authToken=${token}`,
				'--loglevel=warn',
				// What is published is a packed release, already built and scanned: the package's
				// prepublishOnly (build and scan from the source tree) has no source tree to run in.
				'--ignore-scripts',
			];
			const child = spawn(existsSync(npmBin) ? npmBin : 'npm', args, {
				cwd: dir,
				env: npmEnv,
				stdio: ['ignore', 'pipe', 'pipe'],
			});
			let output = '';
			child.stdout.on('data', (c: Buffer) => (output += c.toString()));
			child.stderr.on('data', (c: Buffer) => (output += c.toString()));
			const code = await new Promise<number | null>((resolve, reject) => {
				child.once('error', reject);
				child.once('close', resolve);
			});
			if (code !== 0)
				throw new Error(
					`npm publish ${target} failed (${code}):\n${output.replaceAll(token, '<token>')}`,
				);
			return output;
		},
		async packument(name: string) {
			const { status, json } = await call(address, ca, 'GET', `/${encodeURIComponent(name)}`);
			if (status !== 200) throw new Error(`the local registry answered ${status} for ${name}`);
			return json as unknown as Awaited<ReturnType<LocalRegistry['packument']>>;
		},
		requests(): RegistryRequest[] {
			const requests: RegistryRequest[] = [];
			for (const line of server.output().split('\n')) {
				if (!line.startsWith('{')) continue;
				try {
					const { req } = JSON.parse(line) as {
						req?: { method: string; url: string; headers: Record<string, string> };
					};
					if (req)
						requests.push({
							method: req.method,
							url: req.url,
							npmCommand: req.headers['npm-command'],
							userAgent: req.headers['user-agent'] ?? '',
						});
				} catch {
					// a line of Verdaccio's start-up text
				}
			}
			return requests;
		},
		async stop(): Promise<void> {
			await server.stop();
			rmSync(dir, { recursive: true, force: true });
		},
	};
}
