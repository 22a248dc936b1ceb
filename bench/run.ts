/**
 * npm run bench [-- --quick | --sweep | --sizes 1000,10000 | --no-parallel | --concurrency N | --repeats N | --rate-max N | --rate-interval-ms MS | --latency-ms MS]
 * npm run bench -- --alone [--rate-max 10,20,100,190 --rate-interval-ms 1000,10000 --latency-ms 30 --repeats N]
 *
 * Runs the node through n8n's engine, and its peers, against the HubSpot emulator (its own process,
 * on loopback) with a scaled rate-limit window, prints a table with every target next to its figure,
 * and writes the figures as JSON and the table as Markdown (bench/markdown.ts) to bench/results/.
 * `--alone` runs one execution alone across windows instead (bench/alone.ts).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

import { DEFAULT_CONCURRENCY } from '../nodes/HubSpotAssociations/helpers/options';
import {
	ALONE_DEFAULTS,
	aloneCells,
	aloneFailures,
	aloneNotes,
	aloneTable,
	runAlone,
} from './alone';
import { startEmulatorProcess, type EmulatorProcess } from './emulator';
import { currentContext, headerLine, resultsMarkdown, writeResults } from './markdown';
import { DEFAULT_SETTINGS, FULL_PLAN, QUICK_PLAN, planRows, SWEEP, type PlanOptions } from './plan';
import { combineRuns } from './repeats';
import { checkTargets, table, targetsText } from './report';
import { KIND_LABEL, runRow, timeScale, type BenchSettings, type RowResult } from './rows';
import { runNode, runOfficialClient } from './runners';
import { makeWorkload, SHAPE_LABEL } from './workloads';

const ROOT = join(__dirname, '..');

interface AloneOptions {
	rateMaxes: number[];
	intervalsMs: number[];
	latencyMs: number;
	repeats: number;
	concurrency?: number;
}

function options(): {
	plan: PlanOptions;
	settings: BenchSettings;
	out: string;
	command: string;
	alone?: AloneOptions;
} {
	const { values } = parseArgs({
		options: {
			alone: { type: 'boolean' },
			quick: { type: 'boolean' },
			sizes: { type: 'string' },
			sweep: { type: 'boolean' },
			'no-parallel': { type: 'boolean' },
			'per-item-max': { type: 'string' },
			'official-max': { type: 'string' },
			'rate-max': { type: 'string' },
			'rate-interval-ms': { type: 'string' },
			'latency-ms': { type: 'string' },
			concurrency: { type: 'string' },
			repeats: { type: 'string' },
			out: { type: 'string' },
		},
	});
	const plan: PlanOptions = structuredClone(values.quick ? QUICK_PLAN : FULL_PLAN);
	const numbers = (text: string) =>
		text
			.split(',')
			.map((x) => Number(x.trim()))
			.filter((x) => Number.isInteger(x) && x > 0);
	if (values.sizes) plan.sizes = numbers(values.sizes);
	if (values.sweep) plan.sweep = SWEEP;
	if (values['no-parallel']) plan.parallel = undefined;
	if (values['per-item-max']) plan.perItemMaxSize = Number(values['per-item-max']);
	if (values['official-max']) plan.officialMaxSize = Number(values['official-max']);
	if (values.concurrency) plan.concurrency = Number(values.concurrency);
	if (values.repeats) plan.repeats = Math.max(1, Number(values.repeats));
	const settings: BenchSettings = { ...DEFAULT_SETTINGS };
	if (values['rate-max']) settings.rateMax = Number(values['rate-max']);
	if (values['rate-interval-ms']) settings.rateIntervalMs = Number(values['rate-interval-ms']);
	if (values['latency-ms']) settings.latencyMs = Number(values['latency-ms']);
	const args = process.argv.slice(2);
	const alone: AloneOptions | undefined = values.alone
		? {
				rateMaxes: values['rate-max'] ? numbers(values['rate-max']) : ALONE_DEFAULTS.rateMaxes,
				intervalsMs: values['rate-interval-ms']
					? numbers(values['rate-interval-ms'])
					: ALONE_DEFAULTS.intervalsMs,
				latencyMs: values['latency-ms'] ? Number(values['latency-ms']) : ALONE_DEFAULTS.latencyMs,
				repeats: values.repeats ? Math.max(1, Number(values.repeats)) : 1,
				concurrency: plan.concurrency,
			}
		: undefined;
	return {
		plan,
		settings,
		out: values.out ?? join(ROOT, 'bench', 'results'),
		command: `npm run bench${args.length ? ` -- ${args.join(' ')}` : ''}`,
		alone,
	};
}

/** `--alone`: the one-execution grid, its table and verdicts; exits 1 when a cell misses the target. */
async function mainAlone(
	emulator: EmulatorProcess,
	alone: AloneOptions,
	settings: BenchSettings,
	out: string,
	command: string,
): Promise<void> {
	const cells = aloneCells(alone.rateMaxes, alone.intervalsMs);
	process.stdout.write(
		`HubSpot Associations benchmark, one execution alone: emulator pid ${emulator.pid}; latency ${alone.latencyMs} ms, ${settings.batchSize} pairs per request, node concurrency ${alone.concurrency ?? `${DEFAULT_CONCURRENCY} (its default)`}; ${cells.length} cells\n`,
	);
	const results = await runAlone(emulator.control, cells, {
		latencyMs: alone.latencyMs,
		batchSize: settings.batchSize,
		repeats: alone.repeats,
		concurrency: alone.concurrency,
	});
	const context = currentContext(command, `n8n-core ${n8nCoreVersion()}`);
	const markdownTable = aloneTable(results);
	const notes = aloneNotes(results, alone.latencyMs);
	process.stdout.write(`\n${markdownTable}\n\n${notes.join('\n')}\n\n${headerLine(context)}\n`);
	mkdirSync(out, { recursive: true });
	const markdown = writeResults(
		out,
		'alone',
		context.date,
		resultsMarkdown('npm run bench -- --alone', context, markdownTable, notes),
	);
	process.stdout.write(`The table written to ${markdown}\n`);
	if (aloneFailures(results) > 0) process.exitCode = 1;
}

/** One small run of each approach first, so that no measured row pays for loading and compiling code. */
async function warmUp(baseUrl: string): Promise<void> {
	const workload = makeWorkload(300, 'onePair', 900_000_000);
	await runNode(baseUrl, workload, { batchSize: 100 });
	await runNode(baseUrl, makeWorkload(300, 'tenPerFrom', 910_000_000), { batchSize: 100 });
	await runOfficialClient(baseUrl, workload, { timeScale: 10 });
}

async function main(): Promise<void> {
	const { plan, settings, out, command, alone } = options();
	const rows = planRows(plan);
	const started = Date.now();
	const emulator = await startEmulatorProcess(ROOT);
	if (alone) {
		try {
			await emulator.control.reset();
			await emulator.control.settings({ rateLimit: null, latencyMs: 0 });
			await warmUp(emulator.control.baseUrl);
			await mainAlone(emulator, alone, settings, out, command);
		} finally {
			await emulator.stop();
		}
		return;
	}
	const results: RowResult[] = [];
	try {
		process.stdout.write(
			`HubSpot Associations benchmark: emulator pid ${emulator.pid} at ${emulator.control.baseUrl}; window ${settings.rateMax} requests / ${settings.rateIntervalMs} ms ` +
				`(HubSpot's: 100 / 10 s, so time runs ×${timeScale(settings)}), latency ${settings.latencyMs} ms, ${settings.batchSize} pairs per request, ` +
				`node concurrency ${plan.concurrency ?? `${DEFAULT_CONCURRENCY} (its default)`}; ${rows.length} rows\n`,
		);
		await emulator.control.reset();
		await emulator.control.settings({ rateLimit: null, latencyMs: 0 });
		await warmUp(emulator.control.baseUrl);
		for (const [i, spec] of rows.entries()) {
			const runs = [];
			for (let r = 0; r < (spec.repeats ?? 1); r++)
				runs.push(await runRow(emulator.control, spec, settings));
			const row = runs.length > 1 ? combineRuns(runs) : runs[0];
			results.push(row);
			process.stdout.write(
				`[${i + 1}/${rows.length}] ${KIND_LABEL[row.kind]}${row.concurrency ? ` c=${row.concurrency}` : ''} · ${row.executions && row.executions > 1 ? `${row.executions} × ` : ''}${row.size} · ${SHAPE_LABEL[row.shape]}: ` +
					`${runs.length > 1 ? `median of ${runs.length}: ` : ''}${(row.wallMs / 1000).toFixed(2)} s, ${row.requests} requests, ${row.rateLimited} × 429, lost ${row.lost}, dup ${row.duplicated}, failed ${row.failed}${row.error ? ` (${row.error.split('\n')[0]})` : ''}\n`,
			);
		}
	} finally {
		await emulator.stop();
	}
	const checks = checkTargets(results, settings);
	const totalS = (Date.now() - started) / 1000;
	const context = currentContext(command, `n8n-core ${n8nCoreVersion()}`);
	const markdownTable = table(results);
	process.stdout.write(
		`\n${markdownTable}\n\nTargets:\n${targetsText(checks)}\n\n${headerLine(context)}, ${totalS.toFixed(0)} s\n`,
	);
	mkdirSync(out, { recursive: true });
	const report = {
		command,
		finishedAt: context.date.toISOString(),
		totalSeconds: totalS,
		context,
		settings,
		defaultConcurrency: DEFAULT_CONCURRENCY,
		plan,
		rows: results,
		targets: checks,
	};
	const file = join(out, `bench-${context.date.toISOString().replace(/[:.]/g, '-')}.json`);
	writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
	writeFileSync(join(out, 'latest.json'), `${JSON.stringify(report, null, 2)}\n`);
	const notes = checks.map(
		(c) =>
			`${c.pass === null ? 'n/a' : c.pass ? 'pass' : '**fail**'}: ${c.target} · ${c.subject}: ${c.value}`,
	);
	const markdown = writeResults(
		out,
		'bench',
		context.date,
		resultsMarkdown('npm run bench', context, markdownTable, notes),
	);
	process.stdout.write(`Figures written to ${file}, the table to ${markdown}\n`);
}

/** The version of n8n's engine the rows ran in (this checkout's n8n-core). */
function n8nCoreVersion(): string {
	return (
		JSON.parse(readFileSync(require.resolve('n8n-core/package.json'), 'utf8')) as {
			version: string;
		}
	).version;
}

main().catch((error: unknown) => {
	process.stderr.write(
		`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
	);
	process.exitCode = 1;
});
