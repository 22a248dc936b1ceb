/**
 * The Markdown file `npm run bench` and `npm run test:scale` write under bench/results/: one table with a
 * header line saying how it was made (command, date in UTC, machine, Node.js and n8n versions), so that a
 * document can quote it whole. `<kind>-<date>.md` keeps every run; `<kind>-latest.md` is the newest.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';

export interface RunContext {
	/** The command as typed, e.g. `npm run bench -- --quick`. */
	command: string;
	/** When the run finished. */
	date: Date;
	cpuModel: string;
	cores: number;
	memoryBytes: number;
	nodeVersion: string;
	/** What ran the node, e.g. `n8n 2.40.7` or `n8n-core 2.41.1`. */
	n8n: string;
}

/** This machine and process, for a run that has just finished. */
export function currentContext(command: string, n8n: string, date = new Date()): RunContext {
	const cpu = cpus();
	return {
		command,
		date,
		cpuModel: cpu[0]?.model.trim() ?? 'unknown CPU',
		cores: cpu.length,
		memoryBytes: totalmem(),
		nodeVersion: process.version,
		n8n,
	};
}

/** `2026-12-06 05:12 UTC`. */
export function utcMinute(date: Date): string {
	return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** The header line: `` `npm run bench` · 2026-12-06 05:12 UTC · 2 × AMD EPYC, 23.5 GiB · Node.js v24.22.0 · n8n-core 2.41.1 ``. */
export function headerLine(context: RunContext): string {
	const gib = (context.memoryBytes / 1024 ** 3).toFixed(1);
	return `\`${context.command}\` · ${utcMinute(context.date)} · ${context.cores} × ${context.cpuModel}, ${gib} GiB · Node.js ${context.nodeVersion} · ${context.n8n}`;
}

/** A cell's text with what would break a Markdown table row escaped. */
function cell(text: string): string {
	return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

/** A Markdown table; columns listed in `right` are right-aligned (numbers). */
export function markdownTable(
	header: string[],
	rows: string[][],
	right: ReadonlySet<number> = new Set(),
): string {
	for (const row of rows) {
		if (row.length !== header.length)
			throw new Error(
				`a row has ${row.length} cells, the header ${header.length}: ${row.join(' | ')}`,
			);
	}
	const line = (cells: string[]) => `| ${cells.map(cell).join(' | ')} |`;
	const rule = `|${header.map((_, i) => (right.has(i) ? '---:' : '---')).join('|')}|`;
	return [line(header), rule, ...rows.map(line)].join('\n');
}

/** The whole file: a title, the header line, the table, and notes (targets, say) under it. */
export function resultsMarkdown(
	title: string,
	context: RunContext,
	table: string,
	notes: string[] = [],
): string {
	const parts = [`# ${title}`, headerLine(context), table];
	if (notes.length > 0) parts.push(notes.map((note) => `- ${note}`).join('\n'));
	return `${parts.join('\n\n')}\n`;
}

/** `bench-2026-12-06T05-12-00Z.md` and `bench-latest.md`. */
export function resultFileNames(kind: string, date: Date): { dated: string; latest: string } {
	const stamp = date
		.toISOString()
		.replace(/\.\d{3}Z$/, 'Z')
		.replace(/:/g, '-');
	return { dated: `${kind}-${stamp}.md`, latest: `${kind}-latest.md` };
}

/** Writes the dated file and the latest copy into `dir`; returns the dated file's path. */
export function writeResults(dir: string, kind: string, date: Date, markdown: string): string {
	mkdirSync(dir, { recursive: true });
	const names = resultFileNames(kind, date);
	const dated = join(dir, names.dated);
	writeFileSync(dated, markdown);
	writeFileSync(join(dir, names.latest), markdown);
	return dated;
}
