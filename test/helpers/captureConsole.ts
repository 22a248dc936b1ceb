/**
 * Runs before every test file (jest `setupFiles`), before n8n-core creates its logger:
 * - n8n's own logger (winston) is sent to a file at debug level, which the engine tests search for
 *   secrets like outputs and errors (see helpers/setup.ts);
 * - everything printed to the console is kept in `globalThis.__consoleLines` for the same search.
 * Set SHOW_CONSOLE=1 to see console output printed as well.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';

process.env.N8N_LOG_OUTPUT = 'file';
process.env.N8N_LOG_LEVEL = 'debug';
process.env.N8N_LOG_FILE_LOCATION = join(
	tmpdir(),
	`n8n-nodes-hubspot-associations-test-${process.pid}-${Date.now()}.log`,
);

const lines: string[] = [];
(globalThis as unknown as { __consoleLines: string[] }).__consoleLines = lines;
const show = process.env.SHOW_CONSOLE === '1';
for (const level of ['log', 'info', 'warn', 'error', 'debug'] as const) {
	const original = console[level].bind(console);
	console[level] = (...args: unknown[]) => {
		lines.push(
			`console.${level} ${args.map((a) => (typeof a === 'string' ? a : String(a))).join(' ')}`,
		);
		if (show) original(...args);
	};
}
