/**
 * npm run demo: the example workflows run by the real n8n application against the HubSpot emulator,
 * seeded with a small CRM. No HubSpot account needed. Prints the associations before, each workflow's
 * output items and the associations after it; exits 0 when every workflow succeeded.
 *   (npm run demo installs n8n first when it is not in the cache, and builds the package.)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { HubSpotEmulator, seedDemo } from '../test/emulator';
import {
	adaptWorkflow,
	CREDENTIAL_TYPES,
	loadExample,
	type CredentialRef,
} from '../test/e2e/examples';
import {
	locateN8nApp,
	N8nInstance,
	nodeOutput,
	packPackage,
	parseExecution,
	stopAll,
	type OutputItem,
} from '../test/e2e/n8nCli';

const TOKEN = 'pat-na1-demo-0000-0000-000000000000';
const CREDENTIAL: CredentialRef = { id: 'demoAppToken0001', name: 'HubSpot (demo emulator)' };

/** The workflows the demo runs: example file, the node whose output is shown, a one-line story. */
const DEMOS = [
	{
		id: 'demoRemoveOneLabel',
		file: 'remove-one-label.json',
		node: 'Remove the Decision maker label',
		story:
			'Contacts 101 and 104 are no longer decision makers; they stay associated with their companies.',
	},
	{
		id: 'demoSheetCleanup',
		file: 'clean-up-pairs-from-a-sheet.json',
		node: 'Remove associations',
		story: 'Three sheet rows name a contact and the companies to detach it from.',
	},
	{
		id: 'demoTriggerDeals',
		file: 'archive-after-hubspot-trigger.json',
		node: 'Detach from deals',
		story: 'Pinned HubSpot Trigger events: contacts 101 and 103 became Unqualified, 102 did not.',
	},
];

const CONTACTS = ['101', '102', '103', '104'];

function table(rows: string[][]): string {
	const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
	return rows
		.map((r, i) => {
			const line = `  ${r.map((cell, c) => (cell ?? '').padEnd(widths[c])).join('   ')}`.trimEnd();
			return i === 0 ? `${line}\n  ${widths.map((w) => '-'.repeat(w)).join('   ')}` : line;
		})
		.join('\n');
}

function associations(emu: HubSpotEmulator): string {
	const contacts = emu.objectType('contacts');
	const companies = emu.objectType('companies');
	const describe = (id: string, to: 'companies' | 'deals') =>
		emu
			.toIds('contacts', id, to)
			.map((toId) => {
				if (to !== 'companies') return toId;
				const labels = emu
					.typesOf('contacts', id, to, toId)
					.map((t) => emu.types.labelOf(contacts, companies, t))
					.filter((l): l is string => Boolean(l));
				return labels.length ? `${toId} (${labels.join(', ')})` : toId;
			})
			.join(', ') || '-';
	const rows = [['contact', 'companies', 'deals']];
	for (const id of CONTACTS) rows.push([id, describe(id, 'companies'), describe(id, 'deals')]);
	return table(rows);
}

function itemsTable(items: OutputItem[]): string {
	const withLabels = items.some((i) => Array.isArray(i.json.types));
	const rows = [
		['item', 'fromId', 'toIds', ...(withLabels ? ['labels removed'] : []), 'status', 'error'],
	];
	for (const item of items) {
		const j = item.json;
		const paired = (item.pairedItem as { item?: number } | undefined)?.item;
		const labels = Array.isArray(j.types)
			? (j.types as Array<{ associationCategory: string; associationTypeId: number }>)
					.map((t) => `${t.associationCategory}:${t.associationTypeId}`)
					.join(', ')
			: '';
		rows.push([
			String(paired ?? ''),
			String(j.fromId ?? ''),
			Array.isArray(j.toIds) ? j.toIds.join(', ') : String(j.toIds ?? ''),
			...(withLabels ? [labels] : []),
			String(j.status ?? (j.error ? 'ERROR' : '')),
			j.error ? String(j.error) : '',
		]);
	}
	return table(rows);
}

async function main(): Promise<number> {
	const started = Date.now();
	const app = locateN8nApp();
	const emu = new HubSpotEmulator();
	await emu.start();
	emu.addToken(TOKEN, { kind: 'private' });
	seedDemo(emu);
	const packDir = mkdtempSync(join(tmpdir(), 'hubspot-assoc-demo-'));
	let n8n: N8nInstance | undefined;
	let failures = 0;
	try {
		console.log(
			`HubSpot Associations demo: n8n ${app.version} runs the example workflows against the HubSpot emulator at ${emu.baseUrl}\n`,
		);
		console.log(
			'Setting up: npm pack, install into a temporary n8n user folder, import credential and workflows …',
		);
		n8n = await N8nInstance.create(app);
		await n8n.installPackage(packPackage(packDir));
		await n8n.importCredentials([
			{
				...CREDENTIAL,
				type: CREDENTIAL_TYPES.appToken,
				data: { accessToken: TOKEN, baseUrl: emu.baseUrl },
			},
		]);
		const credentials = { appToken: CREDENTIAL, oAuth2: CREDENTIAL };
		await n8n.importWorkflows(
			DEMOS.map((d) =>
				adaptWorkflow(loadExample(d.file), {
					id: d.id,
					baseUrl: emu.baseUrl,
					credentials,
					authentication: 'appToken',
					forCli: true,
				}),
			),
		);

		console.log('\nAssociations before\n');
		console.log(associations(emu));

		for (const demo of DEMOS) {
			const workflow = loadExample(demo.file);
			console.log(`\n▶ ${workflow.name}\n  examples/${demo.file}\n  ${demo.story}\n`);
			const before = emu.stats.requests;
			const result = await n8n.cli(['execute', `--id=${demo.id}`, '--rawOutput']);
			let items: OutputItem[] = [];
			try {
				items = nodeOutput(parseExecution(result), demo.node);
			} catch {
				// reported below
			}
			if (result.code !== 0 || items.length === 0) {
				failures++;
				console.log(
					`  FAILED (n8n exit ${result.code})\n${result.stdout.slice(-3000)}\n${result.stderr.slice(-3000)}`,
				);
				continue;
			}
			console.log(itemsTable(items));
			console.log(
				`\n  n8n ran it in ${(result.ms / 1000).toFixed(1)} s; HubSpot requests: ${emu.stats.requests - before}. Associations now:\n`,
			);
			console.log(associations(emu));
			if (items.some((i) => i.json.error)) failures++;
		}

		console.log('\nAssociations after\n');
		console.log(associations(emu));
		const s = emu.stats;
		console.log(
			`\nHubSpot emulator: ${s.requests} requests (${s.byRoute['batch/archive'] ?? 0} batch archive, ${s.byRoute['batch/labels/archive'] ?? 0} labels archive, ${s.byRoute['batch/read'] ?? 0} batch read), ` +
				`${s.archivedPairs} pairs removed, ${s.rateLimited} rate-limited. Demo took ${((Date.now() - started) / 1000).toFixed(0)} s.`,
		);
		console.log(
			failures === 0
				? 'Demo finished: every workflow succeeded.'
				: `Demo finished with ${failures} failed workflow(s).`,
		);
	} finally {
		await stopAll();
		await emu.stop();
		n8n?.dispose();
		rmSync(packDir, { recursive: true, force: true });
	}
	return failures === 0 ? 0 : 1;
}

main().then(
	(code) => process.exit(code),
	(error: unknown) => {
		console.error(error instanceof Error ? error.message : String(error));
		process.exit(1);
	},
);
