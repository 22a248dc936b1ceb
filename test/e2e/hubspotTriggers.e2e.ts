/**
 * The two ways HubSpot starts these workflows, live in the real n8n application (`n8n start`):
 *   1. n8n's own HubSpot Trigger (examples/archive-after-hubspot-trigger.json, only its credentials picked):
 *      activating the workflow makes n8n subscribe at HubSpot's Webhooks API, HubSpot delivers the events
 *      in signed POSTs of 1, 10 and 100 events, several at once, and retries a POST that failed;
 *      deactivating removes the subscriptions.
 *   2. A HubSpot workflow's "Send a webhook" action (examples/archive-after-hubspot-workflow-webhook.json):
 *      one POST per enrolled record, with the secret header the action is set up with, a burst of them
 *      (E2E_WORKFLOW_WEBHOOKS, 1,000 by default) into a Webhook node → the node; its figures are printed.
 * The HubSpot emulator plays HubSpot on both sides. n8n runs in a mount namespace where api.hubapi.com
 * leads to the emulator through a TLS front with a test CA (hostNamespace.ts), so n8n's HubSpot Trigger,
 * the HTTP Request node and the package's node all call HubSpot's own URLs, unchanged. HubSpot reaches n8n
 * through a gate (a plain forwarding proxy, as n8n usually sits behind one) that can refuse the next POSTs.
 * Every process started here is stopped by its own id.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { HubSpotEmulator, type CrmChange, type DeliveryReport } from '../emulator';
import { APP_TOKEN, SECRETS } from '../helpers/setup';
import { CREDENTIAL_TYPES, loadExample } from './examples';
import { startHubSpotFront, withHosts, type HubSpotFront } from './hostNamespace';
import {
	freePort,
	locateN8nApp,
	N8nInstance,
	packPackage,
	startLongRunning,
	stopAll,
	waitUntilAnswering,
	type LongRunning,
	type WorkflowJson,
} from './n8nCli';

jest.setTimeout(900_000);

/**
 * The executions share requests (the node's batch queue), so journey 2's burst costs at most a tenth as many
 * archive requests as records. E2E_SHARED_QUEUE_TARGETS=1 holds it to the queue's target instead, 50 pairs per
 * request, which the queue reaches here only now and then: n8n starts the burst's first executions one by one,
 * and each of those goes alone (see docs/scaling.md). The figures print either way.
 */
const HOLD_SHARED_QUEUE_TARGETS = process.env.E2E_SHARED_QUEUE_TARGETS === '1';
const MIN_PAIRS_PER_REQUEST = HOLD_SHARED_QUEUE_TARGETS ? 50 : 10;
/** Journey 2's burst: how many records HubSpot's workflow enrols, and whether it sends them at its pace. */
const WORKFLOW_WEBHOOKS = Number(process.env.E2E_WORKFLOW_WEBHOOKS || 1000);
const WORKFLOW_PACE = process.env.E2E_WORKFLOW_WEBHOOK_PACE === 'burst' ? 'burst' : 'hubspot';

const APP = {
	appId: '3001',
	developerApiKey: 'dev-api-key-e2e-0000-1111',
	clientSecret: 'app-client-secret-e2e-2222',
};
const HEADER_KEY = {
	name: 'X-HubSpot-Workflow-Key',
	value: `wk-${randomBytes(12).toString('hex')}`,
};
const CREDS = {
	developer: { id: 'e2eHubspotDevApp', name: 'HubSpot developer app (emulator)' },
	appToken: { id: 'e2eTrigAppToken1', name: 'HubSpot private app (emulator)' },
	headerKey: { id: 'e2eWorkflowKey01', name: 'HubSpot workflow webhook key' },
};
const TRIGGER_WORKFLOW = 'e2eHubspotTrigger';
const WEBHOOK_WORKFLOW = 'e2eWorkflowWebhook';
const TRIGGER_WEBHOOK_ID = '8d7e2b10-3c4f-4a6e-9b1d-5e2f7c3a9b0a';
const WORKFLOW_WEBHOOK_PATH = 'hubspot-workflow-detach-company';

const emulator = new HubSpotEmulator();
let front: HubSpotFront;
let gate: Gate;
let n8n: N8nInstance;
let server: LongRunning;
let workDir = '';
let cookie = '';
const printed: string[] = [];

/** The example with the credentials a user picks after importing it, and nothing else changed. */
function withCredentials(file: string, id: string): WorkflowJson {
	const workflow = loadExample(file);
	workflow.id = id;
	for (const node of workflow.nodes) {
		if (!node.credentials) continue;
		const [type] = Object.keys(node.credentials);
		const ref =
			type === 'hubspotDeveloperApi'
				? CREDS.developer
				: type === 'httpHeaderAuth'
					? CREDS.headerKey
					: CREDS.appToken;
		node.credentials = { [type]: ref };
	}
	return workflow;
}

/** A forwarding proxy in front of n8n that can answer the next POSTs itself, with a failure. */
interface Gate {
	url: string;
	refuseNext(count: number, status: number): void;
	close(): Promise<void>;
}

async function startGate(targetPort: number): Promise<Gate> {
	let refusals: number[] = [];
	const gateServer: Server = createServer((req, res) => {
		const refusal = req.method === 'POST' ? refusals.shift() : undefined;
		if (refusal !== undefined) {
			req.resume();
			res.writeHead(refusal).end();
			return;
		}
		const upstream = request(
			{
				host: '127.0.0.1',
				port: targetPort,
				method: req.method,
				path: req.url,
				headers: req.headers,
			},
			(answer) => {
				res.writeHead(answer.statusCode ?? 502, answer.headers);
				answer.pipe(res);
			},
		);
		upstream.on('error', () => res.writeHead(502).end());
		req.pipe(upstream);
	});
	await new Promise<void>((resolve) => gateServer.listen(0, '127.0.0.1', resolve));
	const { port } = gateServer.address() as AddressInfo;
	return {
		url: `http://127.0.0.1:${port}`,
		refuseNext(count, status) {
			refusals = [...refusals, ...Array<number>(count).fill(status)];
		},
		close: () =>
			new Promise<void>((resolve) => {
				gateServer.close(() => resolve());
				gateServer.closeAllConnections();
			}),
	};
}

async function rest(method: 'GET' | 'POST', path: string, body?: unknown) {
	const response = await fetch(`http://127.0.0.1:${n8n.env.N8N_PORT}/rest${path}`, {
		method,
		headers: {
			...(body === undefined ? {} : { 'content-type': 'application/json' }),
			'browser-id': 'e2e-hubspot-triggers',
			...(cookie ? { cookie } : {}),
		},
		...(body === undefined ? {} : { body: JSON.stringify(body) }),
		signal: AbortSignal.timeout(120_000),
	});
	const text = await response.text();
	printed.push(text);
	let json: Record<string, unknown> = {};
	try {
		json = text ? (JSON.parse(text) as Record<string, unknown>) : {};
	} catch {
		json = { notJson: text.slice(0, 300) };
	}
	return { status: response.status, json, text, setCookie: response.headers.getSetCookie() };
}

/** Polls `done` until it holds (n8n 2.40 answers the editor's (de)activation before it has registered or removed the trigger). */
async function until(what: string, done: () => boolean | Promise<boolean>): Promise<void> {
	const deadline = Date.now() + 60_000;
	while (!(await done())) {
		if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
		await new Promise((resolve) => setTimeout(resolve, 200));
	}
}

/** Activates (publishes) a workflow as the editor does. */
async function activate(id: string): Promise<void> {
	const saved = await rest('GET', `/workflows/${id}`);
	const versionId = (saved.json.data as { versionId?: string } | undefined)?.versionId;
	const activated = await rest('POST', `/workflows/${id}/activate`, { versionId });
	if (activated.status !== 200)
		throw new Error(
			`activating ${id} failed (${activated.status}): ${activated.text.slice(0, 1000)}`,
		);
}

async function deactivate(id: string): Promise<void> {
	const deactivated = await rest('POST', `/workflows/${id}/deactivate`, {});
	if (deactivated.status !== 200)
		throw new Error(
			`deactivating ${id} failed (${deactivated.status}): ${deactivated.text.slice(0, 1000)}`,
		);
}

type ExecutionRow = { id: string; status: string };

/** The executions n8n saved for a workflow, from its SQLite database (Node's own SQLite module, read-only). */
function executionsOf(workflowId: string): ExecutionRow[] {
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const { DatabaseSync } = require('node:sqlite') as typeof import('node:sqlite');
	const db = new DatabaseSync(join(n8n.userFolder, '.n8n', 'database.sqlite'), { readOnly: true });
	try {
		return db
			.prepare('SELECT id, status FROM execution_entity WHERE "workflowId" = ? ORDER BY id')
			.all(workflowId) as ExecutionRow[];
	} finally {
		db.close();
	}
}

/**
 * Waits until at least `count` executions of the workflow exist and none is still going (n8n answers
 * HubSpot before they run, and a POST HubSpot sent again makes one more).
 */
async function executionsEnded(workflowId: string, count: number, timeoutMs: number) {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const rows = executionsOf(workflowId);
		const going = rows.filter((r) => ['new', 'running', 'waiting'].includes(r.status));
		if ((rows.length >= count && going.length === 0) || Date.now() > deadline) return rows;
		await new Promise((resolve) => setTimeout(resolve, 500));
	}
}

const statusCount = (rows: ExecutionRow[]) =>
	rows.reduce<Record<string, number>>((n, r) => ({ ...n, [r.status]: (n[r.status] ?? 0) + 1 }), {});

beforeAll(async () => {
	await emulator.start();
	front = await startHubSpotFront(emulator.port);
	workDir = mkdtempSync(join(tmpdir(), 'hubspot-assoc-triggers-'));
	const port = await freePort();
	gate = await startGate(port);
	n8n = await N8nInstance.create(locateN8nApp(), {
		env: {
			N8N_PORT: String(port),
			N8N_LISTEN_ADDRESS: '127.0.0.1',
			// The URL n8n gives HubSpot for its trigger: the gate in front of it.
			WEBHOOK_URL: `${gate.url}/`,
			EXECUTIONS_MODE: 'regular',
		},
	});
	await n8n.installPackage(packPackage(workDir), { omitPeers: true });
	await n8n.importCredentials([
		{
			...CREDS.developer,
			type: 'hubspotDeveloperApi',
			data: {
				clientId: 'e2e-client-id',
				clientSecret: APP.clientSecret,
				apiKey: APP.developerApiKey,
				appId: APP.appId,
			},
		},
		// No Base URL: the credential's default, https://api.hubapi.com, which leads to the emulator here.
		{ ...CREDS.appToken, type: CREDENTIAL_TYPES.appToken, data: { accessToken: APP_TOKEN } },
		{
			...CREDS.headerKey,
			type: 'httpHeaderAuth',
			data: { name: HEADER_KEY.name, value: HEADER_KEY.value },
		},
	]);
	await n8n.importWorkflows([
		withCredentials('archive-after-hubspot-trigger.json', TRIGGER_WORKFLOW),
		withCredentials('archive-after-hubspot-workflow-webhook.json', WEBHOOK_WORKFLOW),
	]);

	const env: NodeJS.ProcessEnv = { ...n8n.env, NODE_EXTRA_CA_CERTS: front.caBundle };
	const [command, args] = withHosts(front.hostsFile, n8n.app.bin, ['start'], env);
	server = startLongRunning(command, args, { cwd: n8n.userFolder, env });
	await waitUntilAnswering(server, `http://127.0.0.1:${port}/rest/settings`, 240_000);
	const setup = await rest('POST', '/owner/setup', {
		email: 'owner@example.com',
		password: `Pw1-${randomBytes(8).toString('hex')}`,
		firstName: 'E2E',
		lastName: 'Owner',
	});
	if (setup.status !== 200) throw new Error(`owner set-up failed (${setup.status}): ${setup.text}`);
	cookie = setup.setCookie.map((c) => c.split(';')[0]).join('; ');
});

afterAll(async () => {
	await server?.stop();
	if (server) printed.push(server.output());
	await gate?.close();
	await front?.stop();
	await stopAll();
	await emulator.stop();
	n8n?.dispose();
	if (workDir) rmSync(workDir, { recursive: true, force: true });
	const all = printed.join('\n');
	for (const secret of [...SECRETS, APP.clientSecret, APP.developerApiKey, HEADER_KEY.value])
		expect(all.includes(secret)).toBe(false);
});

function resetHubSpot(): void {
	emulator.reset();
	emulator.addToken(APP_TOKEN, { kind: 'private' });
	emulator.configureWebhookApp(APP);
	emulator.webhooks.retryDelayMs = 300;
}

describe("journey 1: n8n's HubSpot Trigger, events delivered by HubSpot", () => {
	const FIRST_CONTACT = 20_001;
	const CONTACTS = 235;
	const contactId = (i: number) => FIRST_CONTACT + i;
	const dealsOf = (i: number) => [String(70_001 + 2 * i), String(70_002 + 2 * i)];
	/** Two of three contacts become Unqualified: the example detaches them from their deals. */
	const disqualified = (i: number) => i % 3 !== 2;
	const change = (i: number): CrmChange => ({
		subscriptionType: 'contact.propertyChange',
		objectId: contactId(i),
		propertyName: 'hs_lead_status',
		propertyValue: disqualified(i) ? 'UNQUALIFIED' : 'IN_PROGRESS',
	});
	const targetUrl = () => `${gate.url}/webhook/${TRIGGER_WEBHOOK_ID}/webhook`;

	beforeAll(async () => {
		resetHubSpot();
		for (let i = 0; i < CONTACTS + 20; i++) {
			for (const deal of dealsOf(i)) emulator.seed('contacts', contactId(i), 'deals', deal);
			emulator.seed('contacts', contactId(i), 'companies', String(90_001 + i));
		}
		await activate(TRIGGER_WORKFLOW);
		await until('the HubSpot Trigger to subscribe', () => emulator.webhooks.subscriptions.size > 0);
	});

	it('activating the workflow subscribes the app to lead status changes, with n8n as the target URL', () => {
		expect(emulator.webhooks.target?.targetUrl).toBe(targetUrl());
		expect([...emulator.webhooks.subscriptions.values()]).toEqual([
			expect.objectContaining({
				eventType: 'contact.propertyChange',
				propertyName: 'hs_lead_status',
				active: true,
			}),
		]);
		// n8n's calls, in order: it looks for settings (none), clears whatever the app had, then sets both.
		expect(
			emulator.webhooks.calls.map((c) => `${c.method} ${c.path.split('/').pop()} ${c.status}`),
		).toEqual([
			'GET settings 404',
			'GET subscriptions 200',
			'DELETE settings 204',
			'PUT settings 200',
			'POST subscriptions 201',
		]);
	});

	it('events in POSTs of 1, 10 and 100, several at once: the disqualified contacts lose their deals, nothing else changes', async () => {
		const all = Array.from({ length: CONTACTS }, (_, i) => i);
		const [ones, tens, hundreds] = [all.slice(0, 5), all.slice(5, 35), all.slice(35)];
		const reports: DeliveryReport[] = await Promise.all([
			emulator.webhooks.deliverEvents(ones.map(change), { perPost: 1 }),
			emulator.webhooks.deliverEvents(tens.map(change), { perPost: 10 }),
			emulator.webhooks.deliverEvents(hundreds.map(change), { perPost: 100 }),
		]);
		expect(reports.map((r) => [r.posts, r.failed])).toEqual([
			[5, 0],
			[3, 0],
			[2, 0],
		]);
		const rows = await executionsEnded(TRIGGER_WORKFLOW, 10, 180_000);
		expect(statusCount(rows)).toEqual({ success: 10 });
		for (const i of all) {
			const deals = emulator.toIds('contacts', contactId(i), 'deals');
			expect({ contact: contactId(i), deals }).toEqual({
				contact: contactId(i),
				deals: disqualified(i) ? [] : dealsOf(i),
			});
			expect(emulator.toIds('contacts', contactId(i), 'companies')).toEqual([String(90_001 + i)]);
		}
		// One read per delivered POST that held a disqualified contact (one of the five single-event POSTs
		// held none), however many events it held. The archive requests hold up to 100 pairs each: 11 if
		// each execution sent its own (the two 100-event POSTs hold 67 and 66 disqualified contacts with
		// two deals each: two requests each), fewer as the executions running at once share requests.
		expect(emulator.stats.byRoute['batch/read']).toBe(9);
		const pairs = 2 * all.filter(disqualified).length;
		expect(emulator.stats.byRoute['batch/archive']).toBeGreaterThanOrEqual(Math.ceil(pairs / 100));
		expect(emulator.stats.byRoute['batch/archive']).toBeLessThanOrEqual(11);
		expect(emulator.stats.archivedPairs).toBe(2 * all.filter(disqualified).length);
		expect(emulator.stats.byStatus[429] ?? 0).toBe(0);
	});

	it('a POST that failed is sent again by HubSpot (attemptNumber 1) and its events are handled once', async () => {
		const i = CONTACTS; // contacts after the first test's
		const before = executionsOf(TRIGGER_WORKFLOW).length;
		gate.refuseNext(1, 502);
		const report = await emulator.webhooks.deliverEvents(
			Array.from({ length: 10 }, (_, k) => change(i + k)),
		);
		expect(report.attempts.map((a) => [a.attemptNumber, a.status])).toEqual([
			[0, 502],
			[1, 200],
		]);
		const rows = await executionsEnded(TRIGGER_WORKFLOW, before + 1, 120_000);
		expect(statusCount(rows.slice(before))).toEqual({ success: 1 });
		for (let k = 0; k < 10; k++)
			expect(emulator.toIds('contacts', contactId(i + k), 'deals')).toEqual(
				disqualified(i + k) ? [] : dealsOf(i + k),
			);
	});

	it('a POST signed with another secret is acknowledged by n8n (200) and dropped: HubSpot does not retry, nothing runs', async () => {
		const i = CONTACTS + 10;
		const before = executionsOf(TRIGGER_WORKFLOW).length;
		emulator.webhooks.app = { ...APP, clientSecret: 'not-the-app-secret' };
		const report = await emulator.webhooks.deliverEvents([change(i)]);
		emulator.webhooks.app = { ...APP };
		expect(report.attempts.map((a) => a.status)).toEqual([200]);
		await new Promise((resolve) => setTimeout(resolve, 2000));
		expect(executionsOf(TRIGGER_WORKFLOW)).toHaveLength(before);
		expect(emulator.toIds('contacts', contactId(i), 'deals')).toEqual(dealsOf(i));
	});

	it('deactivating the workflow removes the subscriptions and the target URL', async () => {
		await deactivate(TRIGGER_WORKFLOW);
		await until('the HubSpot Trigger to unsubscribe', () => emulator.webhooks.target === null);
		expect([...emulator.webhooks.subscriptions.values()]).toEqual([]);
		expect(emulator.webhooks.target).toBeNull();
	});
});

describe("journey 2: a HubSpot workflow's Send a webhook action, one POST per enrolled contact", () => {
	const FIRST_CONTACT = 500_001;
	const record = (i: number) => ({
		hs_object_id: String(FIRST_CONTACT + i),
		associatedcompanyid: String(600_001 + i),
	});
	const url = () => `${gate.url}/webhook/${WORKFLOW_WEBHOOK_PATH}`;

	beforeAll(async () => {
		resetHubSpot();
		for (let i = 0; i < WORKFLOW_WEBHOOKS; i++) {
			const { hs_object_id, associatedcompanyid } = record(i);
			emulator.seed('contacts', hs_object_id, 'companies', associatedcompanyid);
			emulator.seed('contacts', hs_object_id, 'companies', String(700_001 + i));
		}
		await activate(WEBHOOK_WORKFLOW);
		// Registered once a GET to the path is told to use POST (the webhook exists, for POST only).
		await until('the webhook to be registered', async () => {
			const probe = await fetch(url(), { signal: AbortSignal.timeout(5000) });
			return (await probe.text()).includes('Did you mean to make a POST request');
		});
	});

	afterAll(async () => {
		await deactivate(WEBHOOK_WORKFLOW);
	});

	it('a POST without the secret header is refused (403, not retried by HubSpot) and runs nothing', async () => {
		const report = await emulator.webhooks.sendWorkflowWebhooks(url(), [record(0)], {
			auth: { kind: 'apiKey', header: HEADER_KEY.name, value: 'wrong-key' },
			pace: 'burst',
		});
		expect(report.attempts.map((a) => a.status)).toEqual([403]);
		expect(executionsOf(WEBHOOK_WORKFLOW)).toEqual([]);
		expect(
			emulator.has('contacts', record(0).hs_object_id, 'companies', record(0).associatedcompanyid),
		).toBe(true);
	});

	it(`${WORKFLOW_WEBHOOKS} contacts enrolled together, sent ${WORKFLOW_PACE === 'burst' ? 'all at once' : "at HubSpot's pace (20 a second)"}: every primary company detached, nothing lost, every execution succeeded`, async () => {
		emulator.stats.reset();
		// A POST with no answer in 30 s goes again a minute later, as HubSpot sends it (its first retry
		// comes a minute after the failure), not at the emulator's quick test delay: sent again at once into
		// an n8n that is already behind, each would start one more execution, and on a busy machine the
		// burst would never end.
		emulator.webhooks.retryDelayMs = 60_000;
		const started = Date.now();
		const report = await emulator.webhooks.sendWorkflowWebhooks(
			url(),
			Array.from({ length: WORKFLOW_WEBHOOKS }, (_, i) => record(i)),
			{
				auth: { kind: 'apiKey', header: HEADER_KEY.name, value: HEADER_KEY.value },
				pace: WORKFLOW_PACE,
			},
		);
		const rows = await executionsEnded(WEBHOOK_WORKFLOW, WORKFLOW_WEBHOOKS, 600_000);
		const ms = Date.now() - started;
		const archives = emulator.stats.log.filter((e) => e.route === 'batch/archive');
		const accepted = archives.filter((e) => e.status >= 200 && e.status < 300);
		const pairs = accepted.reduce((n, e) => n + (e.pairs ?? 0), 0);
		const pairsPerRequest = accepted.length ? pairs / accepted.length : 0;
		const refused = archives.filter((e) => e.status === 429).length;
		console.log(
			[
				`journey 2: ${WORKFLOW_WEBHOOKS} workflow webhooks (${WORKFLOW_PACE}), one pair each`,
				`  HubSpot's POSTs answered in ${(report.ms / 1000).toFixed(1)} s (${report.attempts.length - WORKFLOW_WEBHOOKS} sent again after no answer in 30 s or a failure); all executions ended after ${(ms / 1000).toFixed(1)} s`,
				`  archive requests ${archives.length} (${accepted.length} accepted, ${refused} answered 429 and retried by the node)`,
				`  pairs per request ${pairsPerRequest.toFixed(2)} (at least ${MIN_PAIRS_PER_REQUEST}: ${pairsPerRequest >= MIN_PAIRS_PER_REQUEST ? 'met' : 'not met'}; 50, the shared queue's target: ${pairsPerRequest >= 50 ? 'met' : 'not met'})`,
				`  executions ${JSON.stringify(statusCount(rows))}`,
			].join('\n'),
		);
		expect(report.failed).toBe(0);
		expect(report.attempts.filter((a) => a.status !== 200 && a.status !== 0)).toEqual([]);
		// Every execution succeeded: no 429 (nor anything else) reached the user. A POST HubSpot sent again
		// after 30 s without an answer makes one more execution, which finds its pair already gone.
		expect(Object.keys(statusCount(rows))).toEqual(['success']);
		expect(rows.length).toBe(report.attempts.length);
		let left = 0;
		for (let i = 0; i < WORKFLOW_WEBHOOKS; i++) {
			const { hs_object_id } = record(i);
			const companies = emulator.toIds('contacts', hs_object_id, 'companies');
			if (companies.length !== 1 || companies[0] !== String(700_001 + i)) left++;
		}
		expect(left).toBe(0);
		expect(emulator.stats.archivedPairs).toBe(WORKFLOW_WEBHOOKS);
		expect(pairsPerRequest).toBeGreaterThanOrEqual(MIN_PAIRS_PER_REQUEST);
	});
});
