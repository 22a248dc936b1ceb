/**
 * The Docker Compose examples in examples/: valid against the Compose specification's schema and clean
 * under dclint (from npm, with the schema it ships), and saying what n8n needs to install this package at
 * start-up. Docker does not run here; the e2e test starts n8n with the single-instance example's
 * environment (test/e2e/install.e2e.ts).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { parse } from 'yaml';

const ROOT = join(__dirname, '..');
const EXAMPLES = ['docker-compose.yml', 'docker-compose.queue.yml'].map((file) =>
	join(ROOT, 'examples', file),
);
const PACKAGE = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
	name: string;
	version: string;
};
const DCLINT = join(ROOT, 'node_modules', 'dclint', 'bin', 'dclint.cjs');

interface Service {
	image?: string;
	command?: string;
	environment?: Record<string, string>;
	volumes?: string[];
}

function services(file: string): Record<string, Service> {
	return (parse(readFileSync(file, 'utf8')) as { services: Record<string, Service> }).services;
}

function n8nServices(file: string): Array<[string, Service]> {
	return Object.entries(services(file)).filter(([, service]) =>
		service.image?.startsWith('docker.n8n.io/n8nio/n8n:'),
	);
}

/** dclint's exit code and report for these files (every rule on, warnings counted as failures). */
function dclint(files: string[]): { code: number; report: string } {
	try {
		return {
			code: 0,
			report: execFileSync(
				process.execPath,
				[DCLINT, ...files, '--max-warnings', '0', '--no-color'],
				{ encoding: 'utf8' },
			),
		};
	} catch (error) {
		const e = error as { status?: number; stdout?: string; stderr?: string };
		return { code: e.status ?? -1, report: `${e.stdout ?? ''}${e.stderr ?? ''}` };
	}
}

describe('the Docker Compose examples', () => {
	it("are valid Compose files: the schema of the Compose specification and dclint's rules pass", () => {
		const { code, report } = dclint(EXAMPLES);
		expect(report.trim()).toBe('');
		expect(code).toBe(0);
	});

	it('a misspelt key or a wrong type fails the same check', () => {
		const dir = mkdtempSync(join(tmpdir(), 'compose-check-'));
		try {
			const source = readFileSync(EXAMPLES[0], 'utf8');
			const misspelt = join(dir, 'misspelt.yml');
			writeFileSync(misspelt, source.replace('    environment:\n', '    enviroment:\n'));
			const wrongType = join(dir, 'wrong-type.yml');
			writeFileSync(
				wrongType,
				source.replace(
					'    volumes:\n      - n8n_data:/home/node/.n8n\n',
					'    volumes: n8n_data:/home/node/.n8n\n',
				),
			);
			for (const file of [misspelt, wrongType]) {
				expect(readFileSync(file, 'utf8')).not.toBe(source);
				const { code, report } = dclint([file]);
				expect(code).not.toBe(0);
				expect(report).toContain('invalid-schema');
			}
		} finally {
			rmSync(dir, { recursive: true, force: true });
		}
	});

	it.each(EXAMPLES.map((file) => [file.split('/').pop()!, file]))(
		'%s: every n8n service installs this release at start-up',
		(_name, file) => {
			const n8n = n8nServices(file);
			expect(n8n.length).toBeGreaterThan(0);
			for (const [, service] of n8n) {
				const env = service.environment ?? {};
				expect(env.N8N_COMMUNITY_PACKAGES_MANAGED_BY_ENV).toBe('true');
				expect(env.N8N_UNVERIFIED_PACKAGES_ENABLED).toBe('true');
				// The shape n8n's start-up loader accepts (a JSON list of { name, version?, checksum? }), pinned
				// to the version in package.json.
				expect(JSON.parse(env.N8N_COMMUNITY_PACKAGES)).toEqual([
					{ name: PACKAGE.name, version: PACKAGE.version },
				]);
				expect(env.N8N_ENCRYPTION_KEY).toMatch(/^\$\{N8N_ENCRYPTION_KEY:\?/);
			}
		},
	);

	it('queue mode: the workers get the package too, and one database, Redis and encryption key with main', () => {
		const all = services(EXAMPLES[1]);
		const n8n = n8nServices(EXAMPLES[1]);
		const workers = n8n.filter(([, service]) => service.command === 'worker');
		const main = n8n.filter(([, service]) => service.command === undefined);
		expect(workers).toHaveLength(1);
		expect(main).toHaveLength(1);
		const [[, worker]] = workers;
		expect(worker.environment).toEqual(main[0][1].environment);
		expect(worker.environment).toMatchObject({
			EXECUTIONS_MODE: 'queue',
			DB_TYPE: 'postgresdb',
			N8N_REINSTALL_MISSING_PACKAGES: 'true',
		});
		expect(Object.keys(all)).toEqual(
			expect.arrayContaining([
				worker.environment!.QUEUE_BULL_REDIS_HOST,
				worker.environment!.DB_POSTGRESDB_HOST,
			]),
		);
	});
});
