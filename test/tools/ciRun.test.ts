/**
 * .ci/run's steps and the GitHub workflows that run them: CI runs every check, a release publishes after
 * the fast checks and the end-to-end tests but not after the timing-sensitive scale runs. .ci/run runs
 * here in a copy of the repository's layout whose `npm` and install scripts only record their calls.
 */
import { spawnSync } from 'node:child_process';
import {
	chmodSync,
	copyFileSync,
	mkdirSync,
	mkdtempSync,
	readFileSync,
	rmSync,
	writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { parse } from 'yaml';

const ROOT = join(__dirname, '..', '..');

/** Runs a copy of .ci/run with `args`; returns its exit status, output and the npm commands it ran. */
function runCi(args: string[]): { status: number | null; output: string; npm: string[] } {
	const work = mkdtempSync(join(tmpdir(), 'ci-run-test-'));
	try {
		mkdirSync(join(work, '.ci'));
		mkdirSync(join(work, 'scripts'));
		mkdirSync(join(work, 'bin'));
		for (const file of ['run', 'steps.sh'])
			copyFileSync(join(ROOT, '.ci', file), join(work, '.ci', file));
		const log = join(work, 'npm.log');
		writeFileSync(join(work, 'scripts', 'install-node24.sh'), 'echo "node 24 in place"\n');
		writeFileSync(join(work, 'scripts', 'install-n8n.sh'), 'echo "/cache/n8n"\n');
		const npm = join(work, 'bin', 'npm');
		writeFileSync(
			npm,
			`#!/usr/bin/env bash\nif [ "$1" = --version ]; then echo 10.0.0; exit 0; fi\necho "$*" >> ${JSON.stringify(log)}\n`,
		);
		chmodSync(npm, 0o755);
		const result = spawnSync('bash', [join(work, '.ci', 'run'), ...args], {
			encoding: 'utf8',
			timeout: 30_000,
			env: { ...process.env, PATH: `${join(work, 'bin')}:${process.env.PATH}`, TMPDIR: work },
		});
		let calls: string[] = [];
		try {
			calls = readFileSync(log, 'utf8').trimEnd().split('\n');
		} catch {
			// No npm call at all.
		}
		return { status: result.status, output: `${result.stdout}${result.stderr}`, npm: calls };
	} finally {
		rmSync(work, { recursive: true, force: true });
	}
}

const FAST_AND_END_TO_END = [
	'ci --ignore-scripts --no-audit --no-fund',
	'test',
	'run test:tools',
	'run bench:throttle -- --reduced',
	'run lint',
	'run lint:package',
	'run test:e2e',
	'run test:ui',
];

describe('.ci/run', () => {
	it('runs every check, the scale runs last: queue mode, then a regular-mode burst as a gate', () => {
		const { status, npm } = runCi([]);
		expect(status).toBe(0);
		expect(npm).toEqual([
			...FAST_AND_END_TO_END,
			'run test:scale',
			'run test:scale -- --calls 120',
			'run test:scale -- --mode regular --calls 300 --pairs 1 --gate',
		]);
	});

	it('--without-scale: the fast checks and the end-to-end tests, not the timing-sensitive scale runs', () => {
		const { status, npm } = runCi(['--without-scale']);
		expect(status).toBe(0);
		expect(npm).toEqual(FAST_AND_END_TO_END);
	});

	it('refuses an argument it does not know, before any step', () => {
		const { status, output, npm } = runCi(['--without-scael']);
		expect(status).toBe(2);
		expect(output).toContain('--without-scael');
		expect(npm).toEqual([]);
	});
});

interface Step {
	name?: string;
	uses?: string;
	run?: string;
	with?: Record<string, unknown>;
	env?: Record<string, string>;
}
interface Workflow {
	permissions?: Record<string, string>;
	env?: Record<string, string>;
	jobs: Record<string, { 'runs-on': string; steps: Step[]; env?: Record<string, string> }>;
}

function workflow(file: string): Workflow {
	return parse(readFileSync(join(ROOT, '.github', 'workflows', file), 'utf8')) as Workflow;
}

/** The one job of a workflow. */
function onlyJob(file: string) {
	const jobs = Object.values(workflow(file).jobs);
	expect(jobs).toHaveLength(1);
	return jobs[0];
}

describe('the GitHub workflows', () => {
	it('CI runs every check of .ci/run', () => {
		const runs = onlyJob('ci.yml').steps.map((s) => s.run ?? '');
		expect(runs).toContain('bash .ci/run');
	});

	it('publish runs the fast checks and the end-to-end tests, then publishes with provenance; no scale run', () => {
		const { steps } = onlyJob('publish.yml');
		const runs = steps.map((s) => s.run ?? '');
		const checks = runs.indexOf('bash .ci/run --without-scale');
		const publish = runs.findIndex((r) => r.startsWith('npm publish'));
		expect(checks).toBeGreaterThanOrEqual(0);
		expect(publish).toBe(runs.length - 1);
		expect(checks).toBeLessThan(publish);
		expect(runs[publish]).toBe('npm publish --provenance --access public');
		expect(runs.filter((r) => /\.ci\/run|test:scale/.test(r))).toEqual([
			'bash .ci/run --without-scale',
		]);
		expect(workflow('publish.yml').permissions).toMatchObject({ 'id-token': 'write' });
	});

	it.each(['ci.yml', 'publish.yml'])(
		"%s: on GitHub's ubuntu-latest, Node.js 24 from setup-node and the Chrome the runner image ships",
		(file) => {
			const job = onlyJob(file);
			expect(job['runs-on']).toBe('ubuntu-latest');
			const setupNode = job.steps.find((s) => s.uses?.startsWith('actions/setup-node@'));
			expect(setupNode?.with?.['node-version']).toBe(24);
			// Ubuntu has no chromium package (only a snap placeholder); the image installs Google Chrome
			// at /usr/bin/google-chrome (actions/runner-images, install-google-chrome.sh).
			const env = { ...workflow(file).env, ...job.env };
			expect(env.CHROMIUM_PATH).toBe('/usr/bin/google-chrome');
		},
	);
});
