/**
 * npm run test:scale: many executions on n8n queue-mode workers sharing one HubSpot rate limit.
 * Starts PostgreSQL (n8n's database), Redis, one n8n main (EXECUTIONS_MODE=queue, takes the webhooks),
 * N `n8n worker` processes and the HubSpot emulator with one rolling limit for everyone; imports and publishes Webhook → HubSpot
 * Associations (archive); fires all webhook calls at once; waits for every execution (the webhook answers
 * when its execution finished, with the node's output); prints the figures and checks the targets:
 * 0 pairs lost, 0 executions failed, 429s ≤ 2 % of requests, total time ≤ 1.15 × perfect pacing on the run's own
 * timeline and ≤ 1.5 × the shared rate-limit bound. It also prints the same run in the queue-mode simulator
 * behind `npm run bench:throttle` (bench/throttleSim.ts), real ÷ simulated: the simulator's calibration.
 * Then the stop case: one more call to a workflow that times out (3 s) with 300 requests still to send;
 * the worker cancels the execution, which must end at once with no request following (see runStopCase).
 * Every process it starts is stopped by its own process id (group), also on failure or Ctrl+C.
 *   Options (npm run test:scale -- --calls 40 ...): --calls N (40) --pairs N (250 per call) --workers N (2)
 *   --worker-concurrency N (5) --batch-size N (100) --rate-max N (100) --rate-interval-ms MS (10000)
 *   --latency-ms MS (0) --timeline FILE (writes every HubSpot request's time, status and from id, and
 *   every call's duration, as JSON: what to look at when the time is off) --logs DIR (each process's
 *   output, written when the test ends) --db postgres|sqlite (n8n's database; postgres by default:
 *   n8n does not officially support queue mode on SQLite, and there a worker now and then fails an
 *   execution with SQLITE_BUSY. Debian 12's PostgreSQL is 15, which n8n 2.40 warns about, wanting 17;
 *   it works). The defaults (HubSpot's own 100 requests per 10 s) are what CI runs, about 1.5 minutes.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

import { currentContext, markdownTable, resultsMarkdown, writeResults } from '../bench/markdown';
import { HubSpotEmulator } from '../test/emulator';
import type { LogEntry } from '../test/emulator/stats';
import { CREDENTIAL_TYPES } from '../test/e2e/examples';
import {
	freePort,
	locateN8nApp,
	N8nInstance,
	packPackage,
	startLongRunning,
	type LongRunning,
} from '../test/e2e/n8nCli';

import { QUEUE_DEFAULTS, simulate, type Outcome, type Scenario } from '../bench/throttleSim';

import { describeWindowGaps, perfectPacing, windowGaps, type PacedCall } from './perfectPacing';
import { locatePostgresBin, startPostgres, type PostgresServer } from './postgres';
import {
	CREDENTIAL,
	failedExecutions,
	fireCalls,
	FIRST_COMPANY,
	FIRST_CONTACT,
	fromOf,
	httpOk,
	linesMatching,
	printErrorLines,
	rateLimitBoundMs,
	sqliteRows,
	TOKEN,
	waitFor,
	waitForWebhooks,
	warmUpWorkflow,
	WARMUP_ID,
	webhookWorkflow,
	WEBHOOK_PATH,
	WORKFLOW_ID,
	type CallResult,
	type RowsQuery,
	processHarness,
} from './scaleParts';

interface Options {
	calls: number;
	pairs: number;
	workers: number;
	workerConcurrency: number;
	batchSize: number;
	rateMax: number;
	rateIntervalMs: number;
	latencyMs: number;
	/** Report the time target without failing on it. */
	timeAdvisory: boolean;
	/** Where to write the request and call timeline (JSON), if anywhere. */
	timeline?: string;
	/** A folder to write each process's output to (redis-server.log, n8n-main.log, n8n-worker-1.log …). */
	logs?: string;
	/** n8n's database: PostgreSQL (what n8n supports in queue mode) or SQLite (SQLITE_BUSY under load). */
	db: 'postgres' | 'sqlite';
}

function readOptions(): Options {
	const { values } = parseArgs({
		options: {
			calls: { type: 'string' },
			pairs: { type: 'string' },
			workers: { type: 'string' },
			'worker-concurrency': { type: 'string' },
			'batch-size': { type: 'string' },
			'rate-max': { type: 'string' },
			'rate-interval-ms': { type: 'string' },
			'latency-ms': { type: 'string' },
			'time-target-advisory': { type: 'boolean' },
			timeline: { type: 'string' },
			logs: { type: 'string' },
			db: { type: 'string' },
		},
	});
	const base: Omit<Options, 'timeAdvisory' | 'timeline' | 'logs' | 'db'> = {
		calls: 40,
		pairs: 250,
		workers: 2,
		workerConcurrency: 5,
		batchSize: 100,
		rateMax: 100,
		rateIntervalMs: 10_000,
		latencyMs: 0,
	};
	const num = (name: string, value: string | undefined, fallback: number, min: number) => {
		if (value === undefined) return fallback;
		const n = Number(value);
		if (!Number.isInteger(n) || n < min)
			throw new Error(`--${name} must be a whole number ≥ ${min}, got ${value}`);
		return n;
	};
	return {
		calls: num('calls', values.calls, base.calls, 1),
		pairs: num('pairs', values.pairs, base.pairs, 1),
		workers: num('workers', values.workers, base.workers, 1),
		workerConcurrency: num(
			'worker-concurrency',
			values['worker-concurrency'],
			base.workerConcurrency,
			1,
		),
		batchSize: num('batch-size', values['batch-size'], base.batchSize, 1),
		rateMax: num('rate-max', values['rate-max'], base.rateMax, 1),
		rateIntervalMs: num('rate-interval-ms', values['rate-interval-ms'], base.rateIntervalMs, 1),
		latencyMs: num('latency-ms', values['latency-ms'], base.latencyMs, 0),
		timeAdvisory: values['time-target-advisory'] === true,
		timeline: values.timeline,
		logs: values.logs,
		db: readDb(values.db),
	};
}

function readDb(value: string | undefined): Options['db'] {
	if (value === undefined || value === 'postgres' || value === 'sqlite') return value ?? 'postgres';
	throw new Error(`--db must be postgres or sqlite, got ${value}`);
}

/**
 * The stop case: one execution whose workflow times out (n8n's Timeout Workflow setting) while the
 * node still has most of its requests to send; the worker cancels it and the node must end at once.
 */
const STOP_CASE = {
	id: 'scaleTimeoutStops',
	path: 'hubspot-associations-timeout',
	webhookId: '0f6b4a52-2d55-4f0e-8c8e-5b1a6c0d9e03',
	timeoutS: 3,
	pairs: 300,
};

async function redisPing(port: number): Promise<boolean> {
	return await new Promise((resolve) => {
		const socket = createConnection({ host: '127.0.0.1', port });
		const done = (ok: boolean) => {
			socket.destroy();
			resolve(ok);
		};
		socket.setTimeout(1000, () => done(false));
		socket.once('error', () => done(false));
		socket.once('connect', () => socket.write('PING\r\n'));
		socket.once('data', (data) => done(data.toString().startsWith('+PONG')));
	});
}

type QueueModel = Omit<Scenario, 'calls' | 'pairsPerCall' | 'rateMax' | 'rateIntervalMs' | 'seed'>;

/**
 * n8n's side of a real run as the simulator models it, read off the run: start-up is the median time
 * from a worker slot freeing to the first request of the execution that took it (the (slots + j)-th
 * execution to start took the slot of the j-th to end, as in scripts/perfectPacing.ts); the spacing of
 * the first requests of the executions that got a slot at once (n8n main taking the webhooks one after
 * another); the delay before the first of them, less start-up; and the median time from an execution's
 * last request to its webhook's answer (finish).
 */
function queueModelOf(calls: readonly PacedCall[], slots: number, latencyMs: number): QueueModel {
	const median = (values: number[], fallback: number) => {
		const sorted = [...values].sort((a, b) => a - b);
		return sorted.length > 0 ? Math.round(sorted[Math.floor(sorted.length / 2)]) : fallback;
	};
	const ready = calls.map((c) => c.readyAt).sort((a, b) => a - b);
	const ends = calls.map((c) => c.endAt).sort((a, b) => a - b);
	const first = ready.slice(0, Math.min(slots, ready.length));
	const startupMs = median(
		ready
			.slice(slots)
			.map((at, j) => at - ends[j])
			.filter((ms) => ms > 0),
		QUEUE_DEFAULTS.startupMs,
	);
	return {
		...QUEUE_DEFAULTS,
		slots,
		latencyMs: Math.max(1, latencyMs),
		startupMs,
		initialDelayMs: Math.max(0, Math.round(first[0] ?? 0) - startupMs),
		enqueueGapMs:
			first.length > 1
				? Math.round((first[first.length - 1] - first[0]) / (first.length - 1))
				: QUEUE_DEFAULTS.enqueueGapMs,
		finishMs: median(
			calls.map((c) => c.endAt - c.lastRequestAt),
			QUEUE_DEFAULTS.finishMs,
		),
	};
}

async function simulateScale(options: Options, model: QueueModel): Promise<Outcome> {
	return await simulate({
		...model,
		calls: options.calls,
		pairsPerCall: options.pairs,
		batchSize: options.batchSize,
		// Each worker has its own pace and batch queue, in the simulator as in n8n.
		workers: options.workers,
		rateMax: options.rateMax,
		rateIntervalMs: options.rateIntervalMs,
		seed: 1,
	});
}

async function main(): Promise<number> {
	const options = readOptions();
	const app = locateN8nApp();
	const emu = new HubSpotEmulator();
	const work = mkdtempSync(join(tmpdir(), 'hubspot-assoc-scale-'));
	let n8n: N8nInstance | undefined;
	let postgres: PostgresServer | undefined;
	let exitCode = 1;

	const { processes, stopEverything } = processHarness(options.logs, async () => {
		await emu.stop().catch(() => undefined);
		n8n?.dispose();
		postgres?.remove();
		rmSync(work, { recursive: true, force: true });
	});

	try {
		const totalPairs = options.calls * options.pairs;
		console.log(
			`Scale test: n8n ${app.version} in queue mode, ${options.workers} workers × concurrency ${options.workerConcurrency}; ` +
				`${options.calls} webhook calls × ${options.pairs} pairs = ${totalPairs} pairs; batch size ${options.batchSize}; ` +
				`shared HubSpot limit ${options.rateMax} requests per ${options.rateIntervalMs} ms`,
		);

		// The emulator: one account, one rolling window for every worker.
		emu.settings.rateLimit = { max: options.rateMax, intervalMs: options.rateIntervalMs };
		emu.settings.latencyMs = options.latencyMs;
		// Bodies name the from id (the call) of each request, which perfect pacing and the timeline need
		// (a few hundred small bodies).
		emu.settings.recordBodies = true;
		emu.addToken(TOKEN, { kind: 'private' });
		for (let c = 0; c < options.calls; c++) {
			for (let p = 0; p < options.pairs; p++)
				emu.seed('contacts', String(FIRST_CONTACT + c), 'companies', String(FIRST_COMPANY + p));
		}
		const stopContact = String(FIRST_CONTACT + options.calls);
		for (let p = 0; p < STOP_CASE.pairs; p++)
			emu.seed('contacts', stopContact, 'companies', String(FIRST_COMPANY + p));
		await emu.start();

		// n8n's database first: importing and publishing the workflows already use it.
		let dbEnv: Record<string, string> = {};
		if (options.db === 'postgres') {
			const bin = locatePostgresBin();
			if (!bin)
				throw new Error(
					"PostgreSQL's server is not installed (scripts/scale.sh installs Debian's postgresql); or run with --db sqlite",
				);
			postgres = startPostgres(bin, await freePort());
			processes.push({ name: 'postgres', proc: postgres.proc });
			const server = postgres;
			await waitFor(
				'PostgreSQL',
				async () => server.ready(),
				30_000,
				() => (server.proc.process.exitCode !== null ? 'postgres' : undefined),
			);
			dbEnv = server.n8nEnv;
		}

		const redisPort = await freePort();
		const mainPort = await freePort();
		n8n = await N8nInstance.create(app, {
			env: {
				...dbEnv,
				EXECUTIONS_MODE: 'queue',
				QUEUE_BULL_REDIS_HOST: '127.0.0.1',
				QUEUE_BULL_REDIS_PORT: String(redisPort),
				QUEUE_HEALTH_CHECK_ACTIVE: 'true',
				N8N_LISTEN_ADDRESS: '127.0.0.1',
				N8N_HOST: '127.0.0.1',
				N8N_PORT: String(mainPort),
				WEBHOOK_URL: `http://127.0.0.1:${mainPort}/`,
			},
		});
		// Redis before any n8n command: in queue mode the CLI commands connect to it too, and give up after 10 s.
		const aliveCheck = () =>
			processes.find(
				({ proc }) => proc.process.exitCode !== null || proc.process.signalCode !== null,
			)?.name;
		const redis = startLongRunning(
			'redis-server',
			[
				'--port',
				String(redisPort),
				'--bind',
				'127.0.0.1',
				'--save',
				'',
				'--appendonly',
				'no',
				'--dir',
				work,
			],
			{
				cwd: work,
				env: process.env,
			},
		);
		processes.push({ name: 'redis-server', proc: redis });
		await waitFor('Redis', () => redisPing(redisPort), 20_000, aliveCheck);
		console.log(
			'Setting up: npm pack, install into the n8n user folder shared by main and workers, import, publish …',
		);
		await n8n.installPackage(packPackage(work), { omitPeers: true });
		await n8n.importCredentials([
			{
				...CREDENTIAL,
				type: CREDENTIAL_TYPES.appToken,
				data: { accessToken: TOKEN, baseUrl: emu.baseUrl },
			},
		]);
		await n8n.importWorkflows([
			webhookWorkflow(options.batchSize),
			warmUpWorkflow(),
			webhookWorkflow(1, {
				...STOP_CASE,
				name: 'Scale: a timed-out execution stops sending',
				responseMode: 'onReceived',
			}),
		]);
		for (const id of [WORKFLOW_ID, WARMUP_ID, STOP_CASE.id]) {
			const published = await n8n.cli(['publish:workflow', `--id=${id}`]);
			if (published.code !== 0 || /error/i.test(published.stdout)) {
				throw new Error(
					`publish:workflow --id=${id} failed:\n${published.stdout}\n${published.stderr}`,
				);
			}
		}

		const mainProcess = n8n.startProcess(['start'], {
			N8N_RUNNERS_BROKER_PORT: String(await freePort()),
			QUEUE_HEALTH_CHECK_PORT: String(await freePort()),
		});
		processes.push({ name: 'n8n main', proc: mainProcess });
		const workerHealth: number[] = [];
		for (let w = 0; w < options.workers; w++) {
			const healthPort = await freePort();
			workerHealth.push(healthPort);
			const worker = n8n.startProcess(['worker', `--concurrency=${options.workerConcurrency}`], {
				N8N_RUNNERS_BROKER_PORT: String(await freePort()),
				QUEUE_HEALTH_CHECK_PORT: String(healthPort),
			});
			processes.push({ name: `n8n worker ${w + 1}`, proc: worker });
		}
		const startedAt = Date.now();
		await waitFor(
			'n8n main',
			() => httpOk(`http://127.0.0.1:${mainPort}/healthz/readiness`),
			180_000,
			aliveCheck,
		);
		// Readiness comes before the published workflows' webhooks are registered: wait for the warm-up
		// webhook to answer, and for the real one to be known for POST (a GET says "did you mean POST").
		await waitForWebhooks(`http://127.0.0.1:${mainPort}/webhook`, [WEBHOOK_PATH], aliveCheck);
		for (const port of workerHealth)
			await waitFor(
				'an n8n worker',
				() => httpOk(`http://127.0.0.1:${port}/healthz/readiness`),
				180_000,
				aliveCheck,
			);
		console.log(
			`Redis, main and ${options.workers} workers ready after ${((Date.now() - startedAt) / 1000).toFixed(1)} s; firing ${options.calls} webhook calls at once …`,
		);

		// All calls at once; each answers when its execution has finished, with the node's output items.
		const startedBefore = (proc: LongRunning) => linesMatching(proc, /Worker started execution/g);
		const before = new Map(processes.map(({ name, proc }) => [name, startedBefore(proc)]));
		emu.stats.reset();
		const url = `http://127.0.0.1:${mainPort}/webhook/${WEBHOOK_PATH}`;
		const { results, fireStart, totalMs } = await fireCalls(url, options.calls, (call) => ({
			contactId: String(FIRST_CONTACT + call),
			companyIds: Array.from({ length: options.pairs }, (_, p) => String(FIRST_COMPANY + p)),
		}));

		// Figures.
		const okCalls = results.filter(
			(r) =>
				r.httpStatus === 200 &&
				r.items.length === 1 &&
				r.items[0].status === 'COMPLETE' &&
				!r.items[0].error &&
				Array.isArray(r.items[0].toIds) &&
				(r.items[0].toIds as unknown[]).length === options.pairs,
		);
		const failed = results.filter((r) => !okCalls.includes(r));
		let left = 0;
		for (let c = 0; c < options.calls; c++)
			left += emu.toIds('contacts', String(FIRST_CONTACT + c), 'companies').length;
		const archived = totalPairs - left;
		const s = emu.stats;
		// Read now: the stop case below removes pairs of its own.
		const emulatorRemoved = s.archivedPairs;
		const accepted = s.byStatus[204] ?? 0;
		const boundMs = rateLimitBoundMs(accepted, options.rateMax, options.rateIntervalMs);
		const ratio = boundMs > 0 ? totalMs / boundMs : Number.NaN;
		const steadyMs = (accepted / options.rateMax) * options.rateIntervalMs;
		const paced = pacedCalls(s.log, results, fireStart);
		// Every call must be matched to its requests, else the figure would leave some out.
		const slots = options.workers * options.workerConcurrency;
		const perfectMs =
			paced.length === options.calls
				? perfectPacing(paced, options.rateMax, options.rateIntervalMs, slots).totalMs
				: Number.NaN;
		// n8n's own part before the node can do anything: webhook, queue, worker, engine.
		const firstRequestMs = s.log.length > 0 ? Math.max(0, s.log[0].at - fireStart) : 0;
		// How long the first window took to fill: the executions that came later find it full and wait
		// for its turn, which a burst of executions cannot see coming (see docs/scaling.md).
		const acceptedAt = s.log.filter((e) => e.status >= 200 && e.status < 300).map((e) => e.at);
		const firstWindow = acceptedAt.filter((t) => t < acceptedAt[0] + options.rateIntervalMs);
		const fillMs =
			firstWindow.length > 0 ? firstWindow[firstWindow.length - 1] - firstWindow[0] : 0;
		// What each place of the window stood unused once it had filled: two workers guessing at each
		// other's requests leave gaps over the window where one pace for all would leave none.
		const gaps = windowGaps(acceptedAt, options.rateMax);
		// Read now, as the archived pairs: the stop case below adds requests of its own.
		const requests = s.requests;
		const rateLimited = s.rateLimited;
		const rate429 = requests > 0 ? rateLimited / requests : 0;
		const ran = (name: string, proc: LongRunning) => startedBefore(proc) - (before.get(name) ?? 0);
		const workerProcesses = processes.filter(({ name }) => name.startsWith('n8n worker'));
		const workerRuns = workerProcesses.map(({ name, proc }) => ({ name, runs: ran(name, proc) }));
		const perWorker = workerRuns.map(({ name, runs }) => `${name}: ${runs}`);
		const mainRan = ran('n8n main', mainProcess);

		console.log(`
Results (${options.calls} calls × ${options.pairs} pairs, ${options.workers} workers × ${options.workerConcurrency})
  executions ok / failed     ${okCalls.length} / ${failed.length}
  executions started         ${perWorker.join(', ')}; main: ${mainRan}
  pairs archived / sent      ${archived} / ${totalPairs} (emulator removed ${emulatorRemoved}; ${left} left)
  HubSpot requests           ${requests} (${accepted} accepted, ${rateLimited} answered 429 = ${(rate429 * 100).toFixed(2)} %; at most ${s.maxConcurrent} at once)
  total time                 ${(totalMs / 1000).toFixed(1)} s from the first call to the last answer (the first HubSpot request came ${(firstRequestMs / 1000).toFixed(1)} s after the first call)
  shared rate-limit bound    ${(boundMs / 1000).toFixed(1)} s for ${accepted} requests at ${options.rateMax} per ${options.rateIntervalMs / 1000} s (a full window at once, then one per freed slot)  → ${Number.isNaN(ratio) ? 'n/a (under one window)' : `${ratio.toFixed(2)} × the bound`}
  with perfect pacing        ${Number.isNaN(perfectMs) ? `n/a (${paced.length} of ${options.calls} calls matched to their requests)` : `${(perfectMs / 1000).toFixed(1)} s  → ${boundMs > 0 ? `${(perfectMs / boundMs).toFixed(2)} × the bound` : 'n/a'}; total time ÷ perfect pacing ${(totalMs / perfectMs).toFixed(2)}`} (a throttle that knew when every place in the window frees, which HubSpot's headers do not say; n8n's own timing of this run kept, see scripts/perfectPacing.ts)
  first window               ${firstWindow.length} requests accepted, the last ${(fillMs / 1000).toFixed(1)} s after the first (n8n starting the executions)
  window use                 ${describeWindowGaps(gaps, options.rateMax, options.rateIntervalMs)}
  at the steady rate         ${(steadyMs / 1000).toFixed(1)} s (${accepted} requests ÷ ${options.rateMax} per ${options.rateIntervalMs / 1000} s)  → ${(totalMs / steadyMs).toFixed(2)} ×
  per call                   fastest ${Math.min(...results.map((r) => r.ms))} ms, slowest ${Math.max(...results.map((r) => r.ms))} ms`);
		if (options.timeline) {
			writeTimeline(options.timeline, fireStart, s.log, results);
			console.log(`  timeline                   ${options.timeline}`);
		}
		for (const f of failed.slice(0, 5))
			console.log(
				`  failed call ${f.call}: HTTP ${f.httpStatus} ${f.error ?? JSON.stringify(f.items).slice(0, 300)}`,
			);
		if (failed.length > 0) {
			// What n8n said about it: the webhook answers only "Error in workflow".
			printErrorLines(processes);
			const query = postgres
				? postgresRows(postgres.port)
				: sqliteRows(join(n8n.userFolder, '.n8n', 'database.sqlite'));
			for (const line of failedExecutions(query)) console.log(`  ${line}`);
		}

		// The same run in the simulator behind `npm run bench:throttle`, with n8n's side read off this run.
		if (paced.length === options.calls) {
			const model = queueModelOf(paced, slots, options.latencyMs);
			const simulated = await simulateScale(options, model);
			console.log(
				`  simulated                  ${(simulated.totalMs / 1000).toFixed(1)} s, perfect pacing ${(simulated.perfectMs / 1000).toFixed(1)} s, ${simulated.rateLimited} × 429 of ${simulated.requests} (bench/throttleSim.ts, seed 1, ` +
					`n8n's side of this run: first execution queued after ${model.initialDelayMs} ms, ${model.enqueueGapMs} ms between executions, start-up ${model.startupMs} ms, ${model.finishMs} ms to finish)  → real ÷ simulated ${(totalMs / simulated.totalMs).toFixed(2)}`,
			);
		}

		const workers = workerProcesses.map(({ proc }) => proc);
		const stop = await runStopCase(
			`http://127.0.0.1:${mainPort}/webhook/${STOP_CASE.path}`,
			stopContact,
			emu,
			workers,
		);

		const timeTarget = 'total time ≤ 1.15 × perfect pacing and ≤ 1.5 × the shared bound';
		const perfectRatio = totalMs / perfectMs;
		const targets: Array<[string, boolean]> = [
			['0 pairs lost', archived === totalPairs && emulatorRemoved === totalPairs],
			['0 executions failed', failed.length === 0],
			['every output item reported once', okCalls.length === options.calls],
			['429s ≤ 2 % of requests', rate429 <= 0.02],
			[timeTarget, (Number.isNaN(ratio) || ratio <= 1.5) && perfectRatio <= 1.15],
			// ≥: a warm-up execution may log its start after the count was taken.
			[
				'executions ran on the workers',
				mainRan === 0 && workerRuns.reduce((n, w) => n + w.runs, 0) >= options.calls,
			],
			['a timed-out execution lets go of its worker at once and sends nothing more', stop.ok],
		];
		console.log('\nTargets');
		const advisory = (name: string) => options.timeAdvisory && name === timeTarget;
		for (const [name, ok] of targets)
			console.log(
				`  ${ok ? 'PASS' : advisory(name) ? 'MISS (advisory: --time-target-advisory)' : 'FAIL'}  ${name}`,
			);
		exitCode = targets.every(([name, ok]) => ok || advisory(name)) ? 0 : 1;
		const x = (value: number) => (Number.isNaN(value) ? 'n/a' : `${value.toFixed(2)} ×`);
		const sec = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
		const verdict = (name: string) => {
			const ok = targets.find(([n]) => n === name)?.[1];
			return ok ? 'pass' : advisory(name) ? 'miss (advisory)' : '**fail**';
		};
		const table = markdownTable(
			['figure', 'result', 'target', 'verdict'],
			[
				[
					'executions ok / failed',
					`${okCalls.length} / ${failed.length}`,
					'0 failed',
					verdict('0 executions failed'),
				],
				[
					'executions on main / workers',
					`${mainRan} / ${workerRuns.map((w) => w.runs).join(' + ')}`,
					'all on the workers',
					verdict('executions ran on the workers'),
				],
				['pairs archived / sent', `${archived} / ${totalPairs}`, '0 lost', verdict('0 pairs lost')],
				[
					'429s / requests',
					`${rateLimited} / ${requests} (${(rate429 * 100).toFixed(1)} %)`,
					'≤ 2 %',
					verdict('429s ≤ 2 % of requests'),
				],
				[
					'total time / bound',
					`${sec(totalMs)} / ${sec(boundMs)} (${x(ratio)})`,
					'≤ 1.5 ×',
					verdict(timeTarget),
				],
				[
					'total time / perfect pacing',
					Number.isNaN(perfectMs)
						? 'n/a'
						: `${sec(totalMs)} / ${sec(perfectMs)} (${x(perfectRatio)})`,
					'≤ 1.15 ×',
					verdict(timeTarget),
				],
				['first HubSpot request after the first call', sec(firstRequestMs), '', ''],
				[
					'first window',
					`${firstWindow.length} requests, the last ${sec(fillMs)} after the first`,
					'',
					'',
				],
				[
					'window gap (each request after the one a window of places before it)',
					gaps === undefined
						? 'n/a'
						: `median ${gaps.medianMs} ms (${gaps.minMs}–${gaps.maxMs} ms)`,
					'',
					'',
				],
				[
					`stop case (timeout ${STOP_CASE.timeoutS} s)`,
					`over ${Number.isNaN(stop.endedAfterS) ? 'not within 120 s' : `${stop.endedAfterS.toFixed(1)} s`} after the call, last request at ${stop.lastRequestS.toFixed(1)} s`,
					`over within ${STOP_CASE.timeoutS + 3} s of the call, nothing sent after`,
					verdict('a timed-out execution lets go of its worker at once and sends nothing more'),
				],
			],
		);
		const title = `npm run test:scale: ${options.calls} webhook calls × ${options.pairs} pairs, ${options.workers} workers × ${options.workerConcurrency}, ${options.rateMax} requests per ${options.rateIntervalMs / 1000} s, ${options.db === 'postgres' ? 'PostgreSQL' : 'SQLite'}`;
		const context = currentContext(
			`npm run test:scale${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`,
			`n8n ${app.version}`,
		);
		console.log(
			`\nTable written to ${writeResults(join(__dirname, '..', 'bench', 'results'), 'scale', context.date, resultsMarkdown(title, context, table))}`,
		);
		console.log(exitCode === 0 ? '\nscale test: passed' : '\nscale test: FAILED');
	} catch (error) {
		console.error(`scale test failed: ${error instanceof Error ? error.message : String(error)}`);
		for (const { name, proc } of processes)
			console.error(`--- ${name} (pid ${proc.pid}), last output:\n${proc.output().slice(-2500)}`);
		exitCode = 1;
	} finally {
		await stopEverything();
	}
	return exitCode;
}

/**
 * One call to the stop case's webhook: its execution has 300 requests to send (Batch Size 1, about
 * 30 s at HubSpot's pace) and the workflow times out after 3 s, when the worker cancels it. n8n's
 * request helper refuses every request of a canceled execution, so nothing more reaches HubSpot
 * either way; what the node decides is how soon it lets go of the worker: a node that took those
 * refusals for network faults and retried them would hold the worker's slot for as long as its retry
 * bounds allowed (seconds to minutes). The worker must
 * report the execution over within 3 s of its timeout (it starts up to a second after the call), and
 * no request may reach HubSpot from 2.5 s after the timeout for 7.5 s. The webhook answers at once
 * (n8n never answers a "last node" webhook whose queued execution timed out). `ok` when it held.
 */
async function runStopCase(
	url: string,
	contactId: string,
	emu: HubSpotEmulator,
	workers: LongRunning[],
): Promise<{ ok: boolean; endedAfterS: number; lastRequestS: number }> {
	const ended = () =>
		workers.reduce(
			(n, w) => n + linesMatching(w, /Worker (?:finished|errored while running) execution/g),
			0,
		);
	const endedBefore = ended();
	const companyIds = Array.from({ length: STOP_CASE.pairs }, (_, p) => String(FIRST_COMPANY + p));
	const fired = Date.now();
	const response = await fetch(url, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ contactId, companyIds }),
		signal: AbortSignal.timeout(60_000),
	});
	await response.text();
	const giveUpAt = fired + 120_000;
	while (ended() === endedBefore && Date.now() < giveUpAt)
		await new Promise((resolve) => setTimeout(resolve, 100));
	const endedAfterS = ended() > endedBefore ? (Date.now() - fired) / 1000 : Number.NaN;
	const quietFrom = fired + (STOP_CASE.timeoutS + 2.5) * 1000;
	const quietUntil = fired + (STOP_CASE.timeoutS + 10) * 1000;
	await new Promise((resolve) => setTimeout(resolve, Math.max(0, quietUntil - Date.now())));
	const mine = emu.stats.log.filter((e) => e.at >= fired);
	const late = mine.filter((e) => e.at > quietFrom && e.at <= quietUntil).length;
	const last = mine.length > 0 ? (Math.max(...mine.map((e) => e.at)) - fired) / 1000 : Number.NaN;
	const removed = STOP_CASE.pairs - emu.toIds('contacts', contactId, 'companies').length;
	console.log(`
Stop case (workflow timeout ${STOP_CASE.timeoutS} s; ${STOP_CASE.pairs} pairs at one per request, about 30 s of requests)
  execution over             ${Number.isNaN(endedAfterS) ? 'not within 120 s' : `${endedAfterS.toFixed(1)} s after the call`} (the worker's log)
  requests                   ${mine.length}, the last ${last.toFixed(1)} s after the call; ${late} between ${STOP_CASE.timeoutS + 2.5} and ${STOP_CASE.timeoutS + 10} s after it
  pairs removed              ${removed} of ${STOP_CASE.pairs}`);
	return {
		ok:
			endedAfterS <= STOP_CASE.timeoutS + 3 &&
			mine.length > 0 &&
			late === 0 &&
			removed < STOP_CASE.pairs,
		endedAfterS,
		lastRequestS: last,
	};
}

/** Rows from the test's PostgreSQL server, with Debian's psql client. */
function postgresRows(port: number): RowsQuery {
	return (sql) =>
		execFileSync(
			'psql',
			[
				'-h',
				'127.0.0.1',
				'-p',
				String(port),
				'-U',
				'n8n',
				'-d',
				'postgres',
				'-At',
				'-F',
				'\x1f',
				'-c',
				sql,
			],
			{ encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
		)
			.split('\n')
			.filter((line) => line !== '')
			.map((line) => {
				const [id = '', status = '', data = ''] = line.split('\x1f');
				return { id, status, data };
			});
}

/**
 * Each call as the real run had it, for `perfectPacing`: when its first and last requests went, how
 * many HubSpot accepted, and when it was answered (every call is fired at `fireStart`, so a call's
 * duration is its end from then).
 */
function pacedCalls(log: LogEntry[], results: CallResult[], fireStart: number): PacedCall[] {
	const byCall = new Map<number, { first: number; last: number; accepted: number }>();
	for (const entry of log) {
		const from = fromOf(entry.body);
		if (from === undefined) continue;
		const call = Number(from) - FIRST_CONTACT;
		const at = entry.at - fireStart;
		const seen = byCall.get(call) ?? { first: at, last: at, accepted: 0 };
		seen.first = Math.min(seen.first, at);
		seen.last = Math.max(seen.last, at);
		if (entry.status >= 200 && entry.status < 300) seen.accepted++;
		byCall.set(call, seen);
	}
	return results
		.filter((r) => byCall.has(r.call))
		.map((r) => {
			const seen = byCall.get(r.call)!;
			return {
				readyAt: seen.first,
				lastRequestAt: seen.last,
				endAt: Math.max(seen.last, r.ms),
				requests: seen.accepted,
			};
		});
}

/** Times relative to the first webhook call, in ms; from id of each request (the call it belongs to). */
function writeTimeline(
	file: string,
	fireStart: number,
	log: LogEntry[],
	results: CallResult[],
): void {
	const requests = log.map((e) => ({
		at: e.at - fireStart,
		ms: e.ms,
		status: e.status,
		pairs: e.pairs,
		from: fromOf(e.body),
	}));
	const calls = results.map((r) => ({
		call: r.call,
		contactId: String(FIRST_CONTACT + r.call),
		ms: r.ms,
		httpStatus: r.httpStatus,
	}));
	writeFileSync(file, JSON.stringify({ requests, calls }, null, 1));
}

main().then(
	(code) => process.exit(code),
	(error: unknown) => {
		console.error(error instanceof Error ? error.message : String(error));
		process.exit(1);
	},
);
