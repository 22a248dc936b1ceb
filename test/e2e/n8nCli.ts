/**
 * Drives the real n8n application (its CLI, installed from the npm registry by scripts/install-n8n.sh)
 * the way a self-hosted user does: a user folder of its own, the packed package installed with
 * `npm install <tarball>` in `<user folder>/.n8n/nodes`, credentials and workflows imported with
 * `n8n import:*`, workflows run with `n8n execute --id … --rawOutput`. Used by the e2e test, the demo, the
 * dev editor and the scale test. Every process started here is stopped by its own process id.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export const DEFAULT_N8N_VERSION = '2.40.7';
export const PACKAGE_NAME = 'n8n-nodes-hubspot-associations';
export const NODE_TYPE = `${PACKAGE_NAME}.hubSpotAssociations`;

export interface N8nApp {
	version: string;
	/** The folder holding node_modules/.bin/n8n. */
	dir: string;
	bin: string;
}

/** Where scripts/install-n8n.sh put the application (same rules: N8N_VERSION, N8N_CACHE_DIR). */
export function locateN8nApp(): N8nApp {
	const version = process.env.N8N_VERSION || DEFAULT_N8N_VERSION;
	const cache =
		process.env.N8N_CACHE_DIR ||
		join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), PACKAGE_NAME);
	const dir = process.env.N8N_APP_DIR || join(cache, `n8n-${version}`);
	const bin = join(dir, 'node_modules', '.bin', 'n8n');
	if (!existsSync(join(dir, '.install-complete')) || !existsSync(bin)) {
		throw new Error(
			`n8n ${version} is not installed in ${dir}: run "bash scripts/install-n8n.sh" first`,
		);
	}
	return { version, dir, bin };
}

/**
 * From n8n 2.41 on, n8n ignores what a credential stores in its hidden OAuth2 fields (authorization and
 * token URL among them) and uses the credential type's defaults: HubSpot's own endpoints. Credential
 * overwrites (CREDENTIALS_OVERWRITE_DATA) could still change them, but `n8n execute` does not load
 * them (only `n8n start` and `n8n worker` do). So there OAuth2 cannot be pointed at the emulator.
 */
export function pinsOAuth2Endpoints(version: string): boolean {
	const [major, minor] = version.split('.').map(Number);
	return major > 2 || (major === 2 && minor >= 41);
}

export const REPO_ROOT = join(__dirname, '..', '..');

/** `npm pack` of the built package in `dir` (this checkout by default) into `destination`; returns the tarball's path. */
export function packPackage(destination: string, dir = REPO_ROOT): string {
	const npm = join(dirname(process.execPath), 'npm');
	const out = execFileSync(
		existsSync(npm) ? npm : 'npm',
		['pack', '--silent', '--pack-destination', destination],
		{
			cwd: dir,
			encoding: 'utf8',
			env: { ...process.env, PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ''}` },
		},
	);
	return join(destination, out.trim().split('\n').pop() ?? '');
}

/** A free TCP port on 127.0.0.1 (asked of the OS, then released). */
export async function freePort(): Promise<number> {
	return await new Promise((resolve, reject) => {
		const server = createServer();
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const address = server.address();
			const port = typeof address === 'object' && address ? address.port : 0;
			server.close(() => resolve(port));
		});
	});
}

export interface CliResult {
	code: number | null;
	stdout: string;
	stderr: string;
	ms: number;
}

export interface CredentialImport {
	id: string;
	name: string;
	type: string;
	data: Record<string, unknown>;
}

/** A workflow as n8n exports and imports it (only the fields used here are typed). */
export interface WorkflowJson {
	id?: string;
	name: string;
	nodes: Array<{
		id?: string;
		name: string;
		type: string;
		typeVersion: number;
		position: [number, number];
		parameters: Record<string, unknown>;
		credentials?: Record<string, { id: string; name: string }>;
		onError?: string;
		[key: string]: unknown;
	}>;
	connections: Record<
		string,
		{ main: Array<Array<{ node: string; type: string; index: number }>> }
	>;
	pinData?: Record<string, Array<{ json: Record<string, unknown> }>>;
	settings?: Record<string, unknown>;
	active?: boolean;
	[key: string]: unknown;
}

/** What `n8n execute --rawOutput` printed, parsed: the execution as n8n stored it. */
export interface ExecutionOutput {
	status?: string;
	finished?: boolean;
	data: {
		resultData: {
			runData: Record<string, Array<{ data?: { main: OutputItem[][] }; error?: unknown }>>;
			error?: { message?: string; description?: string };
			lastNodeExecuted?: string;
		};
	};
}

export interface LongRunning {
	process: ChildProcess;
	pid: number;
	output: () => string;
	stop: () => Promise<void>;
}

/**
 * Waits until `n8n start` answers `url` with JSON (n8n 1.x answers every path with 200 "n8n is starting up.
 * Please wait" as text while starting, and says it is ready before its REST API is mounted).
 */
export async function waitUntilAnswering(
	server: LongRunning,
	url: string,
	timeoutMs: number,
): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (Date.now() < deadline) {
		if (server.process.exitCode !== null)
			throw new Error(`n8n exited during start-up:\n${server.output().slice(-3000)}`);
		try {
			const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
			if (response.ok && (response.headers.get('content-type') ?? '').includes('application/json'))
				return;
		} catch {
			// not listening yet
		}
		await new Promise((resolve) => setTimeout(resolve, 500));
	}
	throw new Error(
		`n8n did not answer ${url} within ${timeoutMs / 1000} s:\n${server.output().slice(-3000)}`,
	);
}

/** Processes still running, stopped on exit so that a crash leaves none behind. */
const running = new Set<ChildProcess>();
process.once('exit', () => {
	for (const child of running) killGroup(child, 'SIGKILL');
});

/** Signals the child's process group (it was started detached, so the group id is its pid). */
function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
	if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
	try {
		process.kill(-child.pid, signal);
	} catch {
		try {
			child.kill(signal);
		} catch {
			// already gone
		}
	}
}

async function stopChild(child: ChildProcess, graceMs = 10_000): Promise<void> {
	if (child.exitCode !== null || child.signalCode !== null) {
		running.delete(child);
		return;
	}
	const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
	killGroup(child, 'SIGTERM');
	const timer = new Promise<'timeout'>((resolve) =>
		setTimeout(() => resolve('timeout'), graceMs).unref(),
	);
	if ((await Promise.race([exited, timer])) === 'timeout') {
		killGroup(child, 'SIGKILL');
		await exited;
	}
	running.delete(child);
}

/** Starts a long-running process in its own process group; stop() ends the group (SIGTERM, then SIGKILL). */
export function startLongRunning(
	command: string,
	args: string[],
	options: { cwd: string; env: NodeJS.ProcessEnv },
): LongRunning {
	const child = spawn(command, args, {
		cwd: options.cwd,
		env: options.env,
		detached: true,
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	running.add(child);
	let output = '';
	const keep = (chunk: Buffer) => {
		output += chunk.toString();
		if (output.length > 4_000_000) output = output.slice(-2_000_000);
	};
	child.stdout?.on('data', keep);
	child.stderr?.on('data', keep);
	child.once('exit', () => running.delete(child));
	return {
		process: child,
		pid: child.pid ?? -1,
		output: () => output,
		stop: () => stopChild(child),
	};
}

/** One n8n user folder with its own database, encryption key and ports. */
export class N8nInstance {
	readonly env: NodeJS.ProcessEnv;

	private constructor(
		readonly app: N8nApp,
		readonly userFolder: string,
		readonly brokerPort: number,
		private readonly ownsFolder: boolean,
		extraEnv: NodeJS.ProcessEnv,
	) {
		const nodeDir = dirname(process.execPath);
		this.env = {
			...process.env,
			PATH: `${nodeDir}:${process.env.PATH ?? ''}`,
			N8N_USER_FOLDER: userFolder,
			N8N_ENCRYPTION_KEY: extraEnv.N8N_ENCRYPTION_KEY ?? randomBytes(24).toString('hex'),
			N8N_RUNNERS_BROKER_PORT: String(brokerPort),
			N8N_DIAGNOSTICS_ENABLED: 'false',
			N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
			N8N_TEMPLATES_ENABLED: 'false',
			N8N_PERSONALIZATION_ENABLED: 'false',
			N8N_HIRING_BANNER_ENABLED: 'false',
			N8N_LICENSE_AUTO_RENEW_ENABLED: 'false',
			N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'false',
			N8N_SECURE_COOKIE: 'false',
			DB_SQLITE_POOL_SIZE: '2',
			...extraEnv,
		};
		// Jest sets NODE_ENV=test, which n8n reads as "in a unit test" and refuses to load nodes.
		delete this.env.NODE_ENV;
		delete this.env.JEST_WORKER_ID;
	}

	/** A new instance; `userFolder` given = kept (dev editor), otherwise a temporary folder removed by dispose(). */
	static async create(
		app: N8nApp,
		options: { userFolder?: string; env?: NodeJS.ProcessEnv } = {},
	): Promise<N8nInstance> {
		const folder = options.userFolder ?? mkdtempSync(join(tmpdir(), 'n8n-user-'));
		mkdirSync(folder, { recursive: true });
		return new N8nInstance(app, folder, await freePort(), !options.userFolder, options.env ?? {});
	}

	get nodesDir(): string {
		return join(this.userFolder, '.n8n', 'nodes');
	}

	/**
	 * As n8n's docs describe for a manual install: `npm install <package>` in ~/.n8n/nodes. npm 7+ then also
	 * installs the peer dependency n8n-workflow (its newest release) beside it, and the node uses that copy.
	 * `omitPeers` installs as n8n's own Community Nodes installer does (peer dependencies left out), so the
	 * node uses the n8n-workflow of the n8n it runs in.
	 */
	async installPackage(
		tarball: string,
		options: { omitPeers?: boolean; timeoutMs?: number } = {},
	): Promise<CliResult> {
		mkdirSync(this.nodesDir, { recursive: true });
		const npm = join(dirname(process.execPath), 'npm');
		const args = [
			'install',
			'--no-audit',
			'--no-fund',
			'--loglevel=error',
			...(options.omitPeers ? ['--omit=peer'] : []),
			tarball,
		];
		const timeoutMs = options.timeoutMs ?? 300_000;
		const result = await this.run(existsSync(npm) ? npm : 'npm', args, {
			cwd: this.nodesDir,
			timeoutMs,
		});
		if (result.code !== 0)
			throw new Error(`npm install ${tarball} failed (${result.code}):\n${result.stderr}`);
		return result;
	}

	/** Runs one n8n CLI command to completion (bounded by timeoutMs; then its process group is killed). */
	async cli(args: string[], timeoutMs = 180_000): Promise<CliResult> {
		return await this.run(this.app.bin, args, { cwd: this.userFolder, timeoutMs });
	}

	async importCredentials(credentials: CredentialImport[]): Promise<void> {
		const file = join(this.userFolder, `credentials-${Date.now()}.json`);
		writeFileSync(file, JSON.stringify(credentials));
		try {
			const result = await this.cli(['import:credentials', `--input=${file}`]);
			if (result.code !== 0)
				throw new Error(
					`import:credentials failed (${result.code}):\n${result.stdout}\n${result.stderr}`,
				);
		} finally {
			rmSync(file, { force: true });
		}
	}

	async importWorkflows(workflows: WorkflowJson[]): Promise<void> {
		const dir = mkdtempSync(join(this.userFolder, 'workflows-'));
		workflows.forEach((workflow, i) =>
			writeFileSync(join(dir, `${i}.json`), JSON.stringify(workflow)),
		);
		try {
			const result = await this.cli(['import:workflow', '--separate', `--input=${dir}`]);
			if (result.code !== 0)
				throw new Error(
					`import:workflow failed (${result.code}):\n${result.stdout}\n${result.stderr}`,
				);
		} finally {
			rmSync(dir, { recursive: true, force: true });
		}
	}

	/** `n8n execute --id=… --rawOutput`: the execution n8n printed, whether it succeeded or not. */
	async execute(
		id: string,
		timeoutMs = 180_000,
	): Promise<{ result: CliResult; execution: ExecutionOutput }> {
		const result = await this.cli(['execute', `--id=${id}`, '--rawOutput'], timeoutMs);
		return { result, execution: parseExecution(result) };
	}

	/** Starts a long-running n8n command (`start`, `worker`, …); stop() ends its process group. */
	startProcess(args: string[], env: NodeJS.ProcessEnv = {}): LongRunning {
		return startLongRunning(this.app.bin, args, {
			cwd: this.userFolder,
			env: { ...this.env, ...env },
		});
	}

	dispose(): void {
		if (this.ownsFolder && !process.env.KEEP_N8N_USER_FOLDER)
			rmSync(this.userFolder, { recursive: true, force: true });
	}

	private async run(
		command: string,
		args: string[],
		options: { cwd: string; timeoutMs: number },
	): Promise<CliResult> {
		const started = Date.now();
		const child = spawn(command, args, {
			cwd: options.cwd,
			env: this.env,
			detached: true,
			stdio: ['ignore', 'pipe', 'pipe'],
		});
		running.add(child);
		let stdout = '';
		let stderr = '';
		child.stdout?.on('data', (c: Buffer) => (stdout += c.toString()));
		child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
		let timedOut = false;
		const timer = setTimeout(() => {
			timedOut = true;
			void stopChild(child, 5_000);
		}, options.timeoutMs);
		const code = await new Promise<number | null>((resolve, reject) => {
			child.once('error', reject);
			child.once('close', (c) => resolve(c));
		}).finally(() => {
			clearTimeout(timer);
			running.delete(child);
		});
		// The CLI's own children (the task runner) go with it.
		killGroup(child, 'SIGKILL');
		if (timedOut)
			throw new Error(
				`${command} ${args.join(' ')} timed out after ${options.timeoutMs} ms\n${stdout.slice(-4000)}\n${stderr.slice(-4000)}`,
			);
		return { code, stdout, stderr, ms: Date.now() - started };
	}
}

/** The execution JSON n8n prints after its log lines (on success and, after a header, on failure). */
export function parseExecution(result: CliResult): ExecutionOutput {
	const text = result.stdout;
	const candidates: number[] = [];
	for (let i = text.indexOf('{\n'); i !== -1; i = text.indexOf('{\n', i + 1)) {
		if (i === 0 || text[i - 1] === '\n') candidates.push(i);
	}
	for (const start of candidates) {
		const end = text.lastIndexOf('\n}');
		if (end < start) continue;
		try {
			const parsed = JSON.parse(text.slice(start, end + 2)) as ExecutionOutput;
			if (parsed && typeof parsed === 'object' && 'data' in parsed) return parsed;
		} catch {
			// log text that merely looks like JSON; try the next candidate
		}
	}
	throw new Error(
		`n8n printed no execution (exit ${result.code}):\n${text.slice(-4000)}\n${result.stderr.slice(-4000)}`,
	);
}

export interface OutputItem {
	json: Record<string, unknown>;
	pairedItem?: unknown;
}

/** The items a node put on its first main output in its last run. */
export function nodeOutput(execution: ExecutionOutput, nodeName: string): OutputItem[] {
	const runs = execution.data.resultData.runData[nodeName];
	if (!runs?.length) return [];
	return runs[runs.length - 1].data?.main?.[0] ?? [];
}

/** Stops every process this module started that is still running (for a trap). */
export async function stopAll(): Promise<void> {
	await Promise.all([...running].map((child) => stopChild(child)));
}
