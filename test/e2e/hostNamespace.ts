/**
 * A public host name made to lead to a local server, for n8n and its children only: they run in a mount
 * namespace of their own (`unshare --mount`) where /etc/hosts is a copy with one more line mapping the name
 * to a loopback address; the local server listens there on port 443 with a certificate for that name from a
 * test certificate authority made for the run, which those processes trust through NODE_EXTRA_CA_CERTS.
 * Nothing outside the namespace sees the change. Used for registry.npmjs.org (localRegistry.ts) and for
 * api.hubapi.com (startHubSpotFront below: n8n's own HubSpot nodes reach the emulator unchanged).
 *
 * Needs root (unshare, mount, port 443), or passwordless sudo when not root (as GitHub's runners have):
 * then sudo makes the namespace and binds the port, and the processes run as the caller's user.
 */
import { execFileSync } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { startLongRunning, type LongRunning } from './n8nCli';

export const isRoot = process.getuid?.() === 0;

/**
 * `command args` with root's powers, for a caller that is not root: through passwordless sudo (environment
 * kept), then back to the caller's user and groups with only the capabilities given, and to `env`'s PATH
 * and HOME (sudo may reset both; n8n finds npm on PATH).
 */
export function viaSudo(
	command: string,
	args: string[],
	env: NodeJS.ProcessEnv,
	options: { keepCapabilities?: string[]; before?: string[] } = {},
): [string, string[]] {
	const caps = (options.keepCapabilities ?? []).map((c) => `+${c}`).join(',');
	const setpriv = [
		'setpriv',
		`--reuid=${process.getuid?.()}`,
		`--regid=${process.getgid?.()}`,
		'--init-groups',
		...(caps ? [`--inh-caps=${caps}`, `--ambient-caps=${caps}`] : []),
		'--',
	];
	return [
		'sudo',
		[
			'-n',
			'-E',
			...(options.before ?? []),
			...setpriv,
			'env',
			`PATH=${env.PATH ?? ''}`,
			`HOME=${env.HOME ?? ''}`,
			command,
			...args,
		],
	];
}

/** A certificate authority and a certificate for `host` (and the loopback address) signed by it. */
export function makeCertificates(
	dir: string,
	host: string,
	address: string,
): { ca: string; key: string; cert: string } {
	const ca = join(dir, 'ca.pem');
	const caKey = join(dir, 'ca-key.pem');
	const key = join(dir, 'key.pem');
	const csr = join(dir, 'server.csr');
	const cert = join(dir, 'cert.pem');
	const ext = join(dir, 'server.ext');
	const openssl = (args: string[]) =>
		execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });
	openssl([
		'req',
		'-x509',
		'-newkey',
		'rsa:2048',
		'-nodes',
		'-keyout',
		caKey,
		'-out',
		ca,
		'-days',
		'2',
		'-subj',
		'/CN=n8n-nodes-hubspot-associations test CA',
	]);
	openssl([
		'req',
		'-newkey',
		'rsa:2048',
		'-nodes',
		'-keyout',
		key,
		'-out',
		csr,
		'-subj',
		`/CN=${host}`,
	]);
	writeFileSync(ext, `subjectAltName=DNS:${host},IP:${address}\nextendedKeyUsage=serverAuth\n`);
	openssl([
		'x509',
		'-req',
		'-in',
		csr,
		'-CA',
		ca,
		'-CAkey',
		caKey,
		'-CAcreateserial',
		'-out',
		cert,
		'-days',
		'2',
		'-extfile',
		ext,
	]);
	return { ca, key, cert };
}

/** A loopback address of its own for one run (127.x.y.z), so that port 443 there is free. */
export function randomLoopbackAddress(): string {
	return `127.${randomInt(16, 250)}.${randomInt(1, 250)}.${randomInt(2, 250)}`;
}

/** The test CA after the CAs the caller already trusted through NODE_EXTRA_CA_CERTS, as one file. */
export function caBundleWith(dir: string, ca: string): string {
	const inherited =
		process.env.NODE_EXTRA_CA_CERTS && existsSync(process.env.NODE_EXTRA_CA_CERTS)
			? readFileSync(process.env.NODE_EXTRA_CA_CERTS, 'utf8')
			: '';
	const bundle = join(dir, 'ca-bundle.pem');
	writeFileSync(bundle, `${inherited}\n${readFileSync(ca, 'utf8')}`);
	return bundle;
}

/** A copy of /etc/hosts with `host` leading to `address`. */
export function hostsFileWith(dir: string, host: string, address: string): string {
	const file = join(dir, 'hosts');
	writeFileSync(file, `${readFileSync('/etc/hosts', 'utf8').trimEnd()}\n${address} ${host}\n`);
	return file;
}

/**
 * `command args` started in a mount namespace of its own in which /etc/hosts is `hostsFile`; the process
 * and its children keep the caller's user, and `env`'s PATH and HOME (which sudo may reset) when the
 * namespace is made through sudo.
 */
export function withHosts(
	hostsFile: string,
	command: string,
	args: string[],
	env: NodeJS.ProcessEnv,
): [string, string[]] {
	const inNamespace = [
		'unshare',
		'--mount',
		'--',
		'sh',
		'-c',
		'mount --bind "$1" /etc/hosts || exit 97; shift; exec "$@"',
		'sh',
		hostsFile,
	];
	if (isRoot) return [inNamespace[0], [...inNamespace.slice(1), command, ...args]];
	return viaSudo(command, args, env, { before: inNamespace });
}

export const HUBSPOT_API_HOST = 'api.hubapi.com';

export interface HubSpotFront {
	/** The loopback address api.hubapi.com leads to inside the namespace. */
	address: string;
	/** For NODE_EXTRA_CA_CERTS of the processes in the namespace. */
	caBundle: string;
	/** The copy of /etc/hosts the namespace sees. */
	hostsFile: string;
	proxy: LongRunning;
	stop(): Promise<void>;
}

/**
 * TLS for api.hubapi.com on `<address>:443`, each connection passed on as it is to the emulator's plain HTTP
 * port on 127.0.0.1: a process of its own (it binds port 443, through sudo when not root), stopped by its
 * process id. n8n's HubSpot nodes, started with withHosts(front.hostsFile, …), call HubSpot's own URLs and
 * reach the emulator.
 */
export async function startHubSpotFront(emulatorPort: number): Promise<HubSpotFront> {
	const dir = mkdtempSync(join(tmpdir(), 'hubspot-front-'));
	const address = randomLoopbackAddress();
	const { ca, key, cert } = makeCertificates(dir, HUBSPOT_API_HOST, address);
	const script = [
		"const { readFileSync } = require('node:fs');",
		"const net = require('node:net');",
		"const tls = require('node:tls');",
		'const [key, cert, address, port] = process.argv.slice(1);',
		'tls',
		'  .createServer({ key: readFileSync(key), cert: readFileSync(cert) }, (socket) => {',
		"    const upstream = net.connect(Number(port), '127.0.0.1');",
		'    socket.pipe(upstream).pipe(socket);',
		"    socket.on('error', () => upstream.destroy());",
		"    upstream.on('error', () => socket.destroy());",
		'  })',
		"  .listen(443, address, () => console.log('listening'));",
	].join('\n');
	const args = ['-e', script, key, cert, address, String(emulatorPort)];
	const [command, commandArgs] = isRoot
		? [process.execPath, args]
		: viaSudo(process.execPath, args, process.env, { keepCapabilities: ['net_bind_service'] });
	const proxy = startLongRunning(command, commandArgs, { cwd: dir, env: process.env });
	const deadline = Date.now() + 30_000;
	while (!(await accepts(address, 443))) {
		if (proxy.process.exitCode !== null || Date.now() > deadline)
			throw new Error(`the TLS front for ${HUBSPOT_API_HOST} did not start:\n${proxy.output()}`);
		await new Promise((resolve) => setTimeout(resolve, 100));
	}
	return {
		address,
		caBundle: caBundleWith(dir, ca),
		hostsFile: hostsFileWith(dir, HUBSPOT_API_HOST, address),
		proxy,
		async stop() {
			await proxy.stop();
			rmSync(dir, { recursive: true, force: true });
		},
	};
}

function accepts(host: string, port: number): Promise<boolean> {
	return new Promise((resolve) => {
		const socket = connect(port, host);
		socket.once('connect', () => {
			socket.destroy();
			resolve(true);
		});
		socket.once('error', () => resolve(false));
	});
}
