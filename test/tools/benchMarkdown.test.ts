import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import {
	headerLine,
	markdownTable,
	resultFileNames,
	resultsMarkdown,
	writeResults,
	type RunContext,
} from '../../bench/markdown';

const context: RunContext = {
	command: 'npm run bench -- --quick',
	date: new Date('2026-12-06T05:07:09.123Z'),
	cpuModel: 'AMD EPYC 7B13',
	cores: 2,
	memoryBytes: 8 * 1024 ** 3,
	nodeVersion: 'v24.22.0',
	n8n: 'n8n-core 2.41.1',
};

describe('the Markdown results file of npm run bench and npm run test:scale', () => {
	it('says in one line which command made the table, when (UTC), on what machine, with which Node.js and n8n', () => {
		expect(headerLine(context)).toBe(
			'`npm run bench -- --quick` · 2026-12-06 05:07 UTC · 2 × AMD EPYC 7B13, 8.0 GiB · Node.js v24.22.0 · n8n-core 2.41.1',
		);
	});

	it('writes a table with the header, an alignment rule and one line per row', () => {
		const table = markdownTable(
			['workload', 'time s', 'verdict'],
			[
				['1k', '0.14', 'pass'],
				['10k', '0.46', 'fail'],
			],
			new Set([1]),
		);
		expect(table.split('\n')).toEqual([
			'| workload | time s | verdict |',
			'|---|---:|---|',
			'| 1k | 0.14 | pass |',
			'| 10k | 0.46 | fail |',
		]);
	});

	it('escapes what would break a row: a pipe or a line break inside a cell', () => {
		const table = markdownTable(['a', 'b'], [['x | y', 'one\ntwo']]);
		expect(table.split('\n')[2]).toBe('| x \\| y | one two |');
	});

	it('refuses a row whose cell count differs from the header', () => {
		expect(() => markdownTable(['a', 'b'], [['only one']])).toThrow(/1 cells, the header 2/);
	});

	it('puts title, header line, table and notes in that order, separated by blank lines', () => {
		const table = markdownTable(['a'], [['1']]);
		const text = resultsMarkdown('npm run bench', context, table, ['pass: 0 items lost']);
		expect(text).toBe(
			`# npm run bench\n\n${headerLine(context)}\n\n| a |\n|---|\n| 1 |\n\n- pass: 0 items lost\n`,
		);
		expect(resultsMarkdown('t', context, table)).not.toContain('\n- ');
	});

	it('names the file by kind and UTC time, with a latest copy, and writes both', () => {
		expect(resultFileNames('scale', context.date)).toEqual({
			dated: 'scale-2026-12-06T05-07-09Z.md',
			latest: 'scale-latest.md',
		});
		const dir = mkdtempSync(join(tmpdir(), 'bench-markdown-'));
		try {
			const written = writeResults(join(dir, 'results'), 'scale', context.date, '# x\n');
			expect(written).toBe(join(dir, 'results', 'scale-2026-12-06T05-07-09Z.md'));
			expect(readdirSync(join(dir, 'results')).sort()).toEqual([
				'scale-2026-12-06T05-07-09Z.md',
				'scale-latest.md',
			]);
			expect(readFileSync(join(dir, 'results', 'scale-latest.md'), 'utf8')).toBe('# x\n');
		} finally {
			rmSync(dir, { recursive: true, force: true });
		}
	});
});
