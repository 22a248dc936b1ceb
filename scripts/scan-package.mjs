#!/usr/bin/env node
/**
 * What n8n's community package scanner (`@n8n/scan-community-package`) checks before it lists a package,
 * minus the parts that need the public registry (provenance, download) and the YARA malware rules:
 *  1. the packed tarball holds only what n8n needs: dist/ node and credential code, icons, codex,
 *     package.json, README and licence (no tests, emulator, source maps or TypeScript sources);
 *  2. the scanner's ESLint pass, with the scanner's own configuration and inline disables ignored, on both
 *     legs it lints: the source (`package.json`, `{nodes,credentials}/**` `*.{js,ts,json}`) and the
 *     tarball (every `.js` and its package.json).
 * Usage: npm run build && node scripts/scan-package.mjs [path/to/package.tgz]   (packs one when not given)
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { n8nCommunityNodesPlugin } from '@n8n/eslint-plugin-community-nodes';
import tsParser from '@typescript-eslint/parser';
import { ESLint } from 'eslint';
import { defineConfig } from 'eslint/config';
import n8nNodesPlugin from 'eslint-plugin-n8n-nodes-base';

const root = resolve(fileURLToPath(import.meta.url), '..', '..');

/** Files the tarball may hold, and nothing else. */
const ALLOWED = [
	/^package\.json$/,
	/^README\.md$/,
	/^LICENSE(\.md)?$/,
	/^index\.js$/,
	/^dist\/(nodes|credentials)\/.+\.(js|svg|png)$/,
	/^dist\/nodes\/.+\.node\.json$/,
];
const FORBIDDEN = [/(^|\/)test/i, /emulator/i, /\.map$/, /\.ts$/, /\.test\./, /bench/i];

/** The scanner's flat config (scanner/scanner.mjs, buildScanConfig), rule for rule. */
function scanConfig() {
	return defineConfig(
		n8nCommunityNodesPlugin.configs.recommended,
		{ rules: { 'no-console': 'error' } },
		{ plugins: { 'n8n-nodes-base': n8nNodesPlugin } },
		{ files: ['package.json'], rules: { ...n8nNodesPlugin.configs.community.rules } },
		{
			files: ['**/credentials/**/*.ts'],
			rules: {
				...n8nNodesPlugin.configs.credentials.rules,
				'n8n-nodes-base/cred-class-field-documentation-url-miscased': 'off',
				'n8n-nodes-base/cred-class-field-type-options-password-missing': 'off',
			},
		},
		{
			files: ['**/nodes/**/*.ts'],
			rules: {
				...n8nNodesPlugin.configs.nodes.rules,
				'n8n-nodes-base/node-class-description-inputs-wrong-regular-node': 'off',
				'n8n-nodes-base/node-class-description-outputs-wrong': 'off',
				'n8n-nodes-base/node-param-type-options-max-value-present': 'off',
			},
		},
		{ files: ['**/*.json'], languageOptions: { parser: tsParser } },
		{ files: ['**/*.ts'], languageOptions: { parser: tsParser } },
	);
}

function walk(dir, base = dir) {
	return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
		const full = join(dir, entry.name);
		return entry.isDirectory() ? walk(full, base) : [relative(base, full)];
	});
}

async function lint(cwd, patterns) {
	const eslint = new ESLint({
		cwd,
		allowInlineConfig: false,
		overrideConfigFile: true,
		overrideConfig: scanConfig(),
	});
	const results = await eslint.lintFiles(patterns);
	const errors = results.reduce((n, r) => n + r.errorCount, 0);
	const warnings = results.reduce((n, r) => n + r.warningCount, 0);
	const text =
		errors + warnings > 0 ? await (await eslint.loadFormatter('stylish')).format(results) : '';
	return { files: results.length, errors, warnings, text };
}

async function main() {
	const work = mkdtempSync(join(tmpdir(), 'scan-package-'));
	try {
		let tarball = process.argv[2] ? resolve(process.argv[2]) : undefined;
		if (!tarball) {
			// --dry-run=false: as prepublishOnly of `npm publish --dry-run`, this script inherits
			// npm_config_dry_run=true, and a dry-run pack writes no tarball to scan.
			const out = execFileSync(
				'npm',
				['pack', '--silent', '--dry-run=false', '--pack-destination', work],
				{ cwd: root, encoding: 'utf8' },
			);
			tarball = join(work, out.trim().split('\n').pop());
		}
		const unpacked = join(work, 'package');
		execFileSync('tar', ['-xzf', tarball, '-C', work]);
		const files = walk(unpacked).sort();

		let failed = false;
		const unexpected = files.filter(
			(f) => !ALLOWED.some((re) => re.test(f)) || FORBIDDEN.some((re) => re.test(f)),
		);
		console.log(`tarball: ${files.length} files`);
		for (const f of files) console.log(`  ${f}`);
		if (unexpected.length > 0) {
			failed = true;
			console.error(`not allowed in the tarball:\n  ${unexpected.join('\n  ')}`);
		}
		for (const needed of [
			'package.json',
			'README.md',
			'index.js',
			'dist/nodes/HubSpotAssociations/HubSpotAssociations.node.js',
		]) {
			if (!files.includes(needed)) {
				failed = true;
				console.error(`missing from the tarball: ${needed}`);
			}
		}
		if (!files.some((f) => /^LICENSE/.test(f))) {
			failed = true;
			console.error('missing from the tarball: LICENSE');
		}

		const source = await lint(root, ['package.json', '{nodes,credentials}/**/*.{js,ts,json}']);
		const packed = await lint(unpacked, ['**/*.js', 'package.json']);
		for (const [leg, result] of [
			['source', source],
			['tarball', packed],
		]) {
			console.log(
				`scanner lint, ${leg}: ${result.files} files, ${result.errors} errors, ${result.warnings} warnings`,
			);
			if (result.text) console.log(result.text);
			if (result.errors > 0) failed = true;
		}
		console.log(failed ? 'scan: FAILED' : 'scan: passed');
		process.exitCode = failed ? 1 : 0;
	} finally {
		rmSync(work, { recursive: true, force: true });
	}
}

await main();
