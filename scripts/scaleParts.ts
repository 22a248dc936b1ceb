/**
 * What the scale tests share (scripts/scale.ts: queue mode; scripts/scaleRegular.ts: regular mode): the
 * workflows they publish, the credential and ids they seed the HubSpot emulator with, the burst of webhook
 * calls fired at once, waiting for n8n and reading what it said about failed executions.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import type { CredentialRef } from '../test/e2e/examples';
import { CREDENTIAL_TYPES } from '../test/e2e/examples';
import { NODE_TYPE, stopAll, type LongRunning, type WorkflowJson } from '../test/e2e/n8nCli';
import { archiveParameters } from '../test/helpers/archiveParameters';

export const TOKEN = 'pat-na1-scale-0000-0000-000000000000';
export const CREDENTIAL: CredentialRef = {
	id: 'scaleAppToken001',
	name: 'HubSpot (scale emulator)',
};
export const WORKFLOW_ID = 'scaleWebhookArch';
export const WEBHOOK_PATH = 'hubspot-associations-archive';
export const FIRST_CONTACT = 1_000_000;
export const FIRST_COMPANY = 5_000_000;

export function webhookWorkflow(
	batchSize: number,
	which: {
		id: string;
		name: string;
		path: string;
		webhookId: string;
		timeoutS?: number;
		responseMode?: 'onReceived';
	} = {
		id: WORKFLOW_ID,
		name: 'Scale: HubSpot webhook → remove associations',
		path: WEBHOOK_PATH,
		webhookId: '0f6b4a52-2d55-4f0e-8c8e-5b1a6c0d9e01',
	},
): WorkflowJson {
	return {
		id: which.id,
		name: which.name,
		nodes: [
			// Answers each call when its execution has finished, with the node's output items (the stop
			// case's answers at once: see runStopCase in scale.ts).
			webhookNode(
				which.webhookId,
				which.responseMode === 'onReceived'
					? { path: which.path, responseMode: 'onReceived' }
					: { path: which.path, responseMode: 'lastNode', responseData: 'allEntries' },
			),
			{
				id: 'h',
				name: 'HubSpot Associations',
				type: NODE_TYPE,
				typeVersion: 1,
				position: [220, 0],
				parameters: archiveParameters({
					fromId: '={{ $json.body.contactId }}',
					toIds: '={{ $json.body.companyIds }}',
					options: { batchSize },
				}),
				credentials: { [CREDENTIAL_TYPES.appToken]: CREDENTIAL },
			},
		],
		connections: {
			Webhook: { main: [[{ node: 'HubSpot Associations', type: 'main', index: 0 }]] },
		},
		settings: {
			executionOrder: 'v1',
			...(which.timeoutS ? { executionTimeout: which.timeoutS } : {}),
		},
		active: false,
	};
}

export const WARMUP_ID = 'scaleWebhookPing';
export const WARMUP_PATH = 'scale-warm-up';

/** An n8n Webhook node (POST) at the start of a workflow. */
export function webhookNode(
	webhookId: string,
	parameters: Record<string, unknown>,
): WorkflowJson['nodes'][number] {
	return {
		id: 'w',
		name: 'Webhook',
		type: 'n8n-nodes-base.webhook',
		typeVersion: 2,
		position: [0, 0],
		webhookId,
		parameters: { httpMethod: 'POST', ...parameters, options: {} },
	};
}

/**
 * A second webhook workflow, called before the burst until it answers: it tells when n8n main has
 * registered the published webhooks (some time after /healthz/readiness), and its first call takes the
 * first use of the Webhook node type. Without it, n8n 2.40 main answered 404 ("not registered for POST
 * requests") to the first one or two of 40 simultaneous calls, before any execution existed.
 */
export function warmUpWorkflow(): WorkflowJson {
	return {
		id: WARMUP_ID,
		name: 'Scale: warm-up webhook',
		nodes: [
			webhookNode('0f6b4a52-2d55-4f0e-8c8e-5b1a6c0d9e02', {
				path: WARMUP_PATH,
				responseMode: 'onReceived',
			}),
			{
				id: 'n',
				name: 'Done',
				type: 'n8n-nodes-base.noOp',
				typeVersion: 1,
				position: [220, 0],
				parameters: {},
			},
		],
		connections: { Webhook: { main: [[{ node: 'Done', type: 'main', index: 0 }]] } },
		settings: { executionOrder: 'v1' },
		active: false,
	};
}

export async function waitFor(
	what: string,
	check: () => Promise<boolean>,
	timeoutMs: number,
	alive: () => string | undefined,
): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (Date.now() < deadline) {
		const dead = alive();
		if (dead) throw new Error(`${dead} exited while waiting for ${what}`);
		if (await check()) return;
		await new Promise((resolve) => setTimeout(resolve, 300));
	}
	throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
}

export async function httpOk(url: string): Promise<boolean> {
	try {
		const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
		return response.ok;
	} catch {
		return false;
	}
}

export interface CallResult {
	call: number;
	httpStatus: number;
	ms: number;
	items: Array<Record<string, unknown>>;
	error?: string;
}

/** Lower bound the shared rolling window puts on N requests: the last one cannot go before this. */
export function rateLimitBoundMs(requests: number, max: number, intervalMs: number): number {
	return Math.max(0, Math.ceil(requests / max) - 1) * intervalMs;
}

/** How often a process has printed what `pattern` (global) matches so far. */
export function linesMatching(proc: LongRunning, pattern: RegExp): number {
	return (proc.output().match(pattern) ?? []).length;
}

export type Row = { id: string; status: string; data: string };
export type RowsQuery = (sql: string) => Row[];

/** Rows from n8n's SQLite database, with Node's own SQLite module (read-only). */
export function sqliteRows(databaseFile: string): RowsQuery {
	return (sql) => {
		// eslint-disable-next-line @typescript-eslint/no-require-imports
		const { DatabaseSync } = require('node:sqlite') as typeof import('node:sqlite');
		const db = new DatabaseSync(databaseFile, { readOnly: true });
		try {
			return (db.prepare(sql).all() as Array<Record<string, unknown>>).map((r) => ({
				id: String(r.id),
				status: String(r.status),
				data: String(r.data ?? ''),
			}));
		} finally {
			db.close();
		}
	};
}

/**
 * When n8n began to run the last node of each of a workflow's executions, in ms since the epoch, from
 * its database: the latest `startTime` in the execution's run data (n8n's flatted JSON keeps numbers in
 * place). For Webhook → HubSpot Associations, when the node got the execution's pairs. The execution's
 * own `startedAt` comes earlier: in regular mode n8n marks a burst's executions as started well before
 * its one event loop gets to their nodes.
 */
export function lastNodeStartsMs(query: RowsQuery, workflowId: string): number[] {
	// The id goes into the SQL text (the query takes no parameters): a workflow id of the scale tests.
	if (!/^\w+$/.test(workflowId)) throw new RangeError(`not a workflow id: ${workflowId}`);
	return query(
		`SELECT e.id AS id, e.status AS status, d.data AS data FROM execution_entity e JOIN execution_data d ON d."executionId" = e.id WHERE e."workflowId" = '${workflowId}'`,
	)
		.map(({ data }) =>
			Math.max(...[...data.matchAll(/"startTime":(\d+)/g)].map((m) => Number(m[1]))),
		)
		.filter((ms) => Number.isFinite(ms));
}

/**
 * The failed executions as n8n's database holds them (the webhook answers only "Error in workflow"):
 * id, status and the error messages in their run data.
 */
export function failedExecutions(query: RowsQuery): string[] {
	try {
		const rows = query(
			`SELECT e.id AS id, e.status AS status, d.data AS data FROM execution_entity e LEFT JOIN execution_data d ON d."executionId" = e.id WHERE e.status NOT IN ('success', 'new', 'running', 'waiting')`,
		);
		return rows.slice(0, 5).map(({ id, status, data }) => {
			const messages = [...new Set(data.match(/"[^"]*(?:Error|error)[^"]{0,300}"/g) ?? [])].slice(
				0,
				6,
			);
			return `n8n execution ${id}: ${status}; ${messages.join(' · ') || '(no message in its data)'}`;
		});
	} catch (error) {
		return [
			`(could not read n8n's database: ${error instanceof Error ? error.message : String(error)})`,
		];
	}
}

/** The from id (the call's contact) of a logged batch/archive request. */
export function fromOf(body: unknown): string | undefined {
	const inputs = (body as { inputs?: Array<{ from?: { id?: string } }> } | undefined)?.inputs;
	return inputs?.[0]?.from?.id;
}

/**
 * Waits until n8n has registered the published webhooks, which comes some time after /healthz/readiness:
 * the warm-up webhook answers, and each of `paths` is known for POST (a GET says "did you mean POST").
 */
export async function waitForWebhooks(
	base: string,
	paths: readonly string[],
	alive: () => string | undefined,
): Promise<void> {
	await waitFor(
		'the webhooks to be registered',
		async () => {
			try {
				const warm = await fetch(`${base}/${WARMUP_PATH}`, {
					method: 'POST',
					body: '{}',
					headers: { 'content-type': 'application/json' },
					signal: AbortSignal.timeout(5000),
				});
				if (!warm.ok) return false;
				for (const path of paths) {
					const probe = await fetch(`${base}/${path}`, { signal: AbortSignal.timeout(5000) });
					if (!(await probe.text()).includes('Did you mean to make a POST request')) return false;
				}
				return true;
			} catch {
				return false;
			}
		},
		180_000,
		alive,
	);
}

/**
 * Fires `calls` POSTs to `url` at once, the body of each from `bodyOf`; each answers when its execution
 * has finished, with the last node's output items. `fireStart` is when the first went, `totalMs` until the
 * last answer.
 */
export async function fireCalls(
	url: string,
	calls: number,
	bodyOf: (call: number) => unknown,
): Promise<{ results: CallResult[]; fireStart: number; totalMs: number }> {
	const bodies = Array.from({ length: calls }, (_, call) => JSON.stringify(bodyOf(call)));
	const fireStart = Date.now();
	const results = await Promise.all(
		bodies.map(async (body, call): Promise<CallResult> => {
			const t0 = Date.now();
			try {
				const response = await fetch(url, {
					method: 'POST',
					headers: { 'content-type': 'application/json' },
					body,
					signal: AbortSignal.timeout(20 * 60_000),
				});
				const text = await response.text();
				let items: Array<Record<string, unknown>> = [];
				try {
					const parsed = JSON.parse(text) as unknown;
					items = Array.isArray(parsed)
						? (parsed as Array<Record<string, unknown>>)
						: [parsed as Record<string, unknown>];
				} catch {
					return {
						call,
						httpStatus: response.status,
						ms: Date.now() - t0,
						items,
						error: text.slice(0, 300),
					};
				}
				return { call, httpStatus: response.status, ms: Date.now() - t0, items };
			} catch (error) {
				return {
					call,
					httpStatus: 0,
					ms: Date.now() - t0,
					items: [],
					error: error instanceof Error ? error.message : String(error),
				};
			}
		}),
	);
	return { results, fireStart, totalMs: Date.now() - fireStart };
}

/** What n8n's processes logged about errors (the webhook answers a failed execution only "Error in workflow"). */
export function printErrorLines(
	processes: ReadonlyArray<{ name: string; proc: LongRunning }>,
): void {
	for (const { name, proc } of processes) {
		const lines = proc
			.output()
			.split('\n')
			.filter(
				(line) =>
					/error|fail|problem|exception/i.test(line) &&
					!/^\s+at |api\.n8n\.io|strapi|system task|python task runner|license|telemetry/i.test(
						line,
					),
			);
		if (lines.length > 0) console.log(`  ${name} said:\n    ${lines.slice(-15).join('\n    ')}`);
	}
}

/** A process a scale run started, by the name its log and failure read-outs give it. */
export type Started = { name: string; proc: LongRunning };

/**
 * The processes a scale run starts, and how they end: each stopped by its own id, last started first, its output written to
 * `logs` when asked, then whatever `cleanUp` removes (the emulator, databases, folders); on Ctrl+C or SIGTERM too.
 */
export function processHarness(
	logs: string | undefined,
	cleanUp: () => Promise<void>,
): { processes: Started[]; stopEverything(): Promise<void> } {
	const processes: Started[] = [];
	const stopEverything = async () => {
		for (const { proc } of [...processes].reverse()) await proc.stop();
		if (logs) {
			mkdirSync(logs, { recursive: true });
			for (const { name, proc } of processes)
				writeFileSync(join(logs, `${name.replace(/\s+/g, '-')}.log`), proc.output());
		}
		await stopAll();
		await cleanUp();
	};
	const onSignal = () => {
		console.log('\nInterrupted: stopping every process started here …');
		void stopEverything().then(() => process.exit(130));
	};
	process.once('SIGINT', onSignal);
	process.once('SIGTERM', onSignal);
	return { processes, stopEverything };
}
