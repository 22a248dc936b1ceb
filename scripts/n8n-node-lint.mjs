// npm run lint:n8n — n8n's own `n8n-node lint` (@n8n/node-cli), in its strict mode, on what the package ships.
//
// Strict mode wants the repository's eslint.config.mjs to be n8n-node's template, which applies n8n's rules
// for node code (no `process`, no file or child-process access, no timers, no console) to every .ts file.
// This repository also holds tests, benchmarks and scripts that must start processes and read files, so
// its own eslint.config.mjs keeps those rules to nodes/ and credentials/. Here the package's sources
// (package.json with `"strict": true`, tsconfig.json, nodes/, credentials/) are copied into a temporary
// folder next to the template's eslint.config.mjs, taken from the installed @n8n/node-cli, and
// `n8n-node lint` runs there, exactly as it would in a project made with `n8n-node new`.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
// The package's exports do not include package.json: it is found where npm installs it.
const cli = join(root, 'node_modules/@n8n/node-cli');
const template = join(cli, 'dist/template/templates/shared/default/eslint.config.mjs');

const stage = mkdtempSync(join(tmpdir(), 'n8n-node-lint-'));
try {
	const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
	pkg.n8n = { ...pkg.n8n, strict: true };
	writeFileSync(join(stage, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);
	for (const entry of ['tsconfig.json', 'nodes', 'credentials'])
		cpSync(join(root, entry), join(stage, entry), { recursive: true });
	cpSync(template, join(stage, 'eslint.config.mjs'));
	symlinkSync(join(root, 'node_modules'), join(stage, 'node_modules'), 'dir');
	const bin = join(
		cli,
		JSON.parse(readFileSync(join(cli, 'package.json'), 'utf8')).bin['n8n-node'],
	);
	const result = spawnSync(process.execPath, [bin, 'lint'], {
		cwd: stage,
		stdio: 'inherit',
		env: { ...process.env, CI: 'true' },
	});
	process.exitCode = result.status ?? 1;
	if (process.exitCode === 0)
		console.log('n8n-node lint, strict mode: no problems in package.json, nodes/ and credentials/');
} finally {
	rmSync(stage, { recursive: true, force: true });
}
