/**
 * npm run bench:n8n [-- --against <git rev> --items 3000 --batch-size 1 --rounds 3 --auth appToken|oAuth2]
 *
 * The node's cost per request inside the real n8n application, this working tree against another
 * revision. `npm run bench` runs the node in n8n-core's engine with the test harness's credentials
 * helper, which fills a credential's declarative header with a string replace; the real n8n evaluates it
 * as an expression, per request. What n8n itself does around each request (signing it, reading the
 * credential, its request helper) shows only here.
 *
 * Both packages are packed and installed into an n8n user folder each (as test:e2e does), and the same
 * workflow (a Code node making `--items` items, each its own pair, then the node with `--batch-size`
 * (default 1: one request per item) and Concurrency 1) runs in them by turns, `--rounds` times each,
 * against one in-process emulator without a rate limit. The figure is the node's own execution time
 * (n8n's runData) per request and per item: wall time, with the emulator answering at once. The ratio
 * of the medians is what to read; the absolute figures move with the machine.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';

import { HubSpotEmulator } from '../test/emulator';
import { codeToHubSpot, CREDENTIAL_TYPES, type Authentication } from '../test/e2e/examples';
import { locateN8nApp, N8nInstance, packPackage, stopAll } from '../test/e2e/n8nCli';
import {
	addTestCredentials,
	APP_TOKEN,
	archiveParameters,
	OAUTH_ACCESS_TOKEN,
	oAuth2CredentialData,
} from '../test/helpers/setup';

import { medianBy } from './repeats';

const ROOT = join(__dirname, '..');
const WORKFLOW_ID = 'benchN8nRequests';
const NODE_NAME = 'HubSpot Associations';
const CREDENTIAL = { id: 'benchN8nCred0001', name: 'HubSpot (emulator)' };

interface Variant {
	label: string;
	dir: string;
	n8n?: N8nInstance;
	/** The node's execution time of each round, in ms. */
	ms: number[];
}

function run(command: string, args: string[], cwd: string): string {
	return execFileSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** A build of `rev` in a temporary git worktree, sharing this checkout's node_modules. */
function buildRevision(rev: string): string {
	const dir = join(mkdtempSync(join(tmpdir(), 'bench-n8n-')), 'package');
	run('git', ['worktree', 'add', '--detach', '--quiet', dir, rev], ROOT);
	symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
	run(
		process.execPath,
		[join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'],
		dir,
	);
	run(process.execPath, [join(ROOT, 'node_modules/gulp/bin/gulp.js'), 'build:icons'], dir);
	return dir;
}

function credentialData(auth: Authentication, baseUrl: string): Record<string, unknown> {
	return auth === 'appToken'
		? { accessToken: APP_TOKEN, baseUrl }
		: oAuth2CredentialData(baseUrl, OAUTH_ACCESS_TOKEN);
}

async function install(
	variant: Variant,
	packs: string,
	auth: Authentication,
	baseUrl: string,
	items: number,
	batchSize: number,
): Promise<void> {
	const n8n = await N8nInstance.create(locateN8nApp());
	variant.n8n = n8n;
	await n8n.installPackage(packPackage(mkdtempSync(join(packs, 'pack-')), variant.dir));
	await n8n.importCredentials([
		{ ...CREDENTIAL, type: CREDENTIAL_TYPES[auth], data: credentialData(auth, baseUrl) },
	]);
	await n8n.importWorkflows([
		codeToHubSpot({
			id: WORKFLOW_ID,
			name: 'bench:n8n',
			jsCode: `return Array.from({ length: ${items} }, (_, i) => ({ json: { id: String(1000 + i), to: [String(5000 + (i % 4))] } }));`,
			parameters: archiveParameters({
				authentication: auth,
				options: { batchSize, concurrency: 1 },
			}),
			credential: { type: CREDENTIAL_TYPES[auth], ref: CREDENTIAL },
		}),
	]);
}

/** One execution; the node's execution time, after checking that every item came out. */
async function measure(variant: Variant, items: number): Promise<number> {
	const { execution } = await variant.n8n!.execute(WORKFLOW_ID, 600_000);
	const nodeRun = execution.data.resultData.runData[NODE_NAME]?.[0] as
		| { executionTime?: number; data?: { main: unknown[][] }; error?: unknown }
		| undefined;
	const out = nodeRun?.data?.main[0]?.length ?? 0;
	if (!nodeRun?.executionTime || out !== items) {
		throw new Error(
			`${variant.label}: the node did not put out ${items} items (${out}): ${JSON.stringify(nodeRun?.error ?? execution.data.resultData.error ?? {}).slice(0, 400)}`,
		);
	}
	return nodeRun.executionTime;
}

async function main(): Promise<void> {
	const { values } = parseArgs({
		options: {
			against: { type: 'string', default: 'HEAD' },
			items: { type: 'string', default: '3000' },
			'batch-size': { type: 'string', default: '1' },
			rounds: { type: 'string', default: '3' },
			auth: { type: 'string', default: 'appToken' },
		},
	});
	const items = Number(values.items);
	const batchSize = Number(values['batch-size']);
	const requests = Math.ceil(items / batchSize);
	const rounds = Number(values.rounds);
	const auth = values.auth as Authentication;
	if (
		!(items >= 1) ||
		!(batchSize >= 1 && batchSize <= 1000) ||
		!(rounds >= 1) ||
		!(auth in CREDENTIAL_TYPES)
	) {
		throw new Error('usage: --items N --batch-size 1..1000 --rounds N --auth appToken|oAuth2');
	}

	const emulator = new HubSpotEmulator();
	await emulator.start();
	emulator.settings.rateLimit = null;
	addTestCredentials(emulator);

	const baseline: Variant = { label: `${values.against} (baseline)`, dir: '', ms: [] };
	const current: Variant = { label: 'working tree', dir: ROOT, ms: [] };
	const packs = mkdtempSync(join(tmpdir(), 'bench-n8n-packs-'));
	const figures = (ms: number) =>
		`${((ms * 1000) / requests).toFixed(0).padStart(6)} µs per request, ${((ms * 1000) / items).toFixed(1).padStart(6)} µs per item`;
	try {
		console.log(`Building ${values.against} in a git worktree …`);
		baseline.dir = buildRevision(values.against);
		const app = locateN8nApp();
		console.log(
			`n8n ${app.version}; ${items} items, ${requests} requests per execution (Batch Size ${batchSize}), ${auth}, ${rounds} rounds, by turns`,
		);
		for (const variant of [baseline, current])
			await install(variant, packs, auth, emulator.baseUrl, items, batchSize);
		for (let round = 1; round <= rounds; round++) {
			for (const variant of round % 2 === 1 ? [baseline, current] : [current, baseline]) {
				const ms = await measure(variant, items);
				variant.ms.push(ms);
				console.log(`  round ${round}  ${variant.label.padEnd(24)} ${figures(ms)}`);
			}
		}
		const [b, c] = [medianBy(baseline.ms, (ms) => ms), medianBy(current.ms, (ms) => ms)];
		console.log(
			`\nmedians: ${baseline.label} ${figures(b).trim()}; ${current.label} ${figures(c).trim()}  → × ${(c / b).toFixed(2)}`,
		);
	} finally {
		await stopAll();
		await emulator.stop();
		for (const variant of [baseline, current]) variant.n8n?.dispose();
		rmSync(packs, { recursive: true, force: true });
		if (baseline.dir) {
			run('git', ['worktree', 'remove', '--force', baseline.dir], ROOT);
			rmSync(dirname(baseline.dir), { recursive: true, force: true });
		}
	}
}

main().catch((error: unknown) => {
	console.error(error instanceof Error ? error.message : error);
	process.exit(1);
});
