/**
 * The node as a tool of n8n's MCP Server Trigger, in the real n8n application: `n8n start` serves three published
 * workflows, each an MCP Server Trigger (v2.1, Bearer Auth) with the node's tool variant on its Tools input, set up with
 * no more than a credential and the object types (the ids are the tool variant's $fromAI defaults). A real MCP client,
 * the official `@modelcontextprotocol/sdk`, connects to each workflow's production MCP URL over Streamable HTTP (and
 * once over SSE, the trigger's other transport), lists the tool and calls it. Asserted on what the client gets (the
 * tool's name, description and input schema; each call's result, a refusal as an MCP tool error) and on the emulator.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';

import { HubSpotEmulator } from '../emulator';
import { addTestCredentials, APP_TOKEN, SECRETS } from '../helpers/setup';
import { CREDENTIAL_TYPES, type CredentialRef } from './examples';
import {
	freePort,
	locateN8nApp,
	N8nInstance,
	packPackage,
	PACKAGE_NAME,
	stopAll,
	type LongRunning,
	type WorkflowJson,
} from './n8nCli';

jest.setTimeout(900_000);

const REVOKED_TOKEN = 'pat-na1-99999999-8888-7777-6666-555555555555';
const SCOPED_TOKEN = 'pat-na1-12121212-3434-5656-7878-909090909090';
/** The Bearer token MCP clients must send (the MCP Server Trigger's Bearer Auth credential). */
const MCP_TOKEN = `mcp-e2e-${randomUUID()}`;
const CREDS = {
	appToken: { id: 'mcpAppToken00001', name: 'HubSpot private app (emulator)' },
	revoked: { id: 'mcpRevoked000001', name: 'HubSpot private app, revoked token (emulator)' },
	scoped: { id: 'mcpScoped0000001', name: 'HubSpot private app, contacts scope only (emulator)' },
	bearer: { id: 'mcpBearer0000001', name: 'MCP clients' },
} satisfies Record<string, CredentialRef>;

/** One MCP server (workflow) per HubSpot credential. */
const SERVERS = {
	appToken: { id: 'mcp1HubSpotAssociations', path: 'hubspot-associations' },
	revoked: { id: 'mcp2HubSpotRevoked', path: 'hubspot-associations-revoked' },
	scoped: { id: 'mcp3HubSpotScoped', path: 'hubspot-associations-scoped' },
} as const;
type ServerKey = keyof typeof SERVERS;

const TOOL_NAME = 'HubSpot_Associations';

const emulator = new HubSpotEmulator();
let n8n: N8nInstance;
let server: LongRunning;
let baseUrl = '';
let tarballDir: string;
const clients: Client[] = [];
/** Every text an MCP client received, for the secrets check. */
const received: string[] = [];

function mcpWorkflow(key: ServerKey): WorkflowJson {
	const { id, path } = SERVERS[key];
	return {
		id,
		name: `MCP: HubSpot Associations (${key})`,
		nodes: [
			{
				name: 'MCP Server Trigger',
				type: '@n8n/n8n-nodes-langchain.mcpTrigger',
				typeVersion: 2.1,
				position: [0, 0],
				webhookId: randomUUID(),
				parameters: { authentication: 'bearerAuth', path },
				credentials: { httpBearerAuth: CREDS.bearer },
			},
			{
				name: 'HubSpot Associations',
				type: `${PACKAGE_NAME}.hubSpotAssociationsTool`,
				typeVersion: 2,
				position: [0, 200],
				// As a user sets it up: the credential and the object types; the ids are left to the client's model.
				parameters: {
					authentication: 'appToken',
					operation: 'archive',
					fromObjectType: { __rl: true, mode: 'list', value: 'contacts' },
					toObjectType: { __rl: true, mode: 'list', value: 'companies' },
				},
				credentials: { [CREDENTIAL_TYPES.appToken]: CREDS[key] },
			},
		],
		connections: {
			'HubSpot Associations': {
				ai_tool: [[{ node: 'MCP Server Trigger', type: 'ai_tool', index: 0 }]],
			},
		} as unknown as WorkflowJson['connections'],
		settings: { executionOrder: 'v1' },
		active: false,
	};
}

const mcpUrl = (key: ServerKey) => new URL(`${baseUrl}/mcp/${SERVERS[key].path}`);
const bearer = { headers: { authorization: `Bearer ${MCP_TOKEN}` } };

async function connect(transport: Transport): Promise<Client> {
	const client = new Client({ name: 'hubspot-associations-e2e', version: '1.0.0' });
	await client.connect(transport);
	clients.push(client);
	return client;
}

const streamable = (key: ServerKey) =>
	connect(new StreamableHTTPClientTransport(mcpUrl(key), { requestInit: bearer }));

/** A tool call's result: its text (one text block) and whether the server marked it an MCP tool error. */
async function callTool(
	key: ServerKey,
	args: Record<string, unknown>,
): Promise<{ isError: boolean; text: string }> {
	const client = await streamable(key);
	const result = await client.callTool({ name: TOOL_NAME, arguments: args });
	const content = result.content as Array<{ type: string; text?: string }>;
	expect(content.map((c) => c.type)).toEqual(['text']);
	const text = content[0].text ?? '';
	received.push(text);
	return { isError: result.isError === true, text };
}

/** n8n registers published workflows' webhooks some time after it says it is ready: connect until it answers. */
async function waitForMcpServer(key: ServerKey): Promise<void> {
	const deadline = Date.now() + 180_000;
	let last: unknown;
	while (Date.now() < deadline) {
		if (server.process.exitCode !== null)
			throw new Error(`n8n exited during start-up:\n${server.output().slice(-3000)}`);
		try {
			const client = await streamable(key);
			await client.close();
			return;
		} catch (error) {
			last = error;
			await new Promise((resolve) => setTimeout(resolve, 500));
		}
	}
	throw new Error(
		`The MCP server at ${mcpUrl(key).href} did not answer: ${String(last)}\n${server.output().slice(-3000)}`,
	);
}

beforeAll(async () => {
	const app = locateN8nApp();
	await emulator.start();
	emulator.reset();
	addTestCredentials(emulator);
	emulator.addToken(SCOPED_TOKEN, { kind: 'private', scopes: ['crm.objects.contacts.write'] });
	emulator.seed('contacts', '301', 'companies', '401').seed('contacts', '301', 'companies', '402');
	for (const [from, to] of [
		['302', '403'],
		['303', '404'],
		['304', '405'],
		['305', '406'],
	])
		emulator.seed('contacts', from, 'companies', to);

	tarballDir = mkdtempSync(join(tmpdir(), 'hubspot-assoc-pack-'));
	const port = await freePort();
	baseUrl = `http://127.0.0.1:${port}`;
	n8n = await N8nInstance.create(app, {
		env: {
			EXECUTIONS_MODE: 'regular',
			N8N_LISTEN_ADDRESS: '127.0.0.1',
			N8N_HOST: '127.0.0.1',
			N8N_PORT: String(port),
			WEBHOOK_URL: `${baseUrl}/`,
		},
	});
	await n8n.installPackage(packPackage(tarballDir), { omitPeers: true });
	await n8n.importCredentials([
		{
			...CREDS.appToken,
			type: CREDENTIAL_TYPES.appToken,
			data: { accessToken: APP_TOKEN, baseUrl: emulator.baseUrl },
		},
		{
			...CREDS.revoked,
			type: CREDENTIAL_TYPES.appToken,
			data: { accessToken: REVOKED_TOKEN, baseUrl: emulator.baseUrl },
		},
		{
			...CREDS.scoped,
			type: CREDENTIAL_TYPES.appToken,
			data: { accessToken: SCOPED_TOKEN, baseUrl: emulator.baseUrl },
		},
		{ ...CREDS.bearer, type: 'httpBearerAuth', data: { token: MCP_TOKEN } },
	]);
	const keys = Object.keys(SERVERS) as ServerKey[];
	await n8n.importWorkflows(keys.map(mcpWorkflow));
	for (const key of keys) {
		const published = await n8n.cli(['publish:workflow', `--id=${SERVERS[key].id}`]);
		if (published.code !== 0 || /error/i.test(published.stdout))
			throw new Error(`publish:workflow failed:\n${published.stdout}\n${published.stderr}`);
	}
	server = n8n.startProcess(['start']);
	for (const key of keys) await waitForMcpServer(key);
});

afterAll(async () => {
	await Promise.all(clients.map(async (client) => await client.close().catch(() => undefined)));
	await server?.stop();
	await stopAll();
	await emulator.stop();
	n8n?.dispose();
	if (tarballDir) rmSync(tarballDir, { recursive: true, force: true });
});

describe("as a tool of n8n's MCP Server Trigger, called by an MCP client", () => {
	it('the client is offered the tool by its name, with a description and an input schema a call can be built from', async () => {
		const client = await streamable('appToken');
		const { tools } = await client.listTools();
		expect(tools.map((t) => t.name)).toEqual([TOOL_NAME]);
		const [tool] = tools;
		expect(tool.description).toMatch(
			/^Removes associations between HubSpot CRM records: every association, with all its labels, between one record on the from side and each given record on the to side\./,
		);
		expect(tool.description).toContain(
			'Answers with a short summary: what was removed, what was not and why, and what the user can do.',
		);
		expect(tool.inputSchema.type).toBe('object');
		const properties = tool.inputSchema.properties as Record<
			string,
			{ type?: string; description?: string }
		>;
		expect(Object.keys(properties).sort()).toEqual(['fromId', 'toIds']);
		expect(properties.fromId).toMatchObject({
			type: 'string',
			description: expect.stringContaining('HubSpot record id of the record on the from side'),
		});
		expect(properties.toIds).toMatchObject({
			type: 'string',
			description: expect.stringContaining('one id or several separated by commas'),
		});
		expect([...(tool.inputSchema.required ?? [])].sort()).toEqual(['fromId', 'toIds']);
	});

	it("an SSE client (the trigger's other transport, at the same URL) is offered the same tool", async () => {
		const client = await connect(
			new SSEClientTransport(mcpUrl('appToken'), { requestInit: bearer }),
		);
		const { tools } = await client.listTools();
		expect(tools.map((t) => t.name)).toEqual([TOOL_NAME]);
	});

	it('a client without the Bearer token is refused', async () => {
		const client = new Client({ name: 'no-token', version: '1.0.0' });
		await expect(
			client.connect(new StreamableHTTPClientTransport(mcpUrl('appToken'))),
		).rejects.toThrow(/Authorization data is wrong/);
	});

	it('a call removes the pairs and the client is told so (not an error)', async () => {
		const { isError, text } = await callTool('appToken', { fromId: '301', toIds: '401,402' });
		expect({ isError, answer: JSON.parse(text) as unknown }).toEqual({
			isError: false,
			answer: [
				{
					summary: 'Removed the associations between contacts 301 and companies 401, 402.',
					removed: 2,
					notRemoved: 0,
				},
			],
		});
		expect(emulator.toIds('contacts', '301', 'companies')).toEqual([]);
	});

	it("a revoked token: an MCP tool error with HubSpot's reason and what the user can do; nothing removed", async () => {
		const { isError, text } = await callTool('revoked', { fromId: '302', toIds: '403' });
		expect({ isError, text }).toMatchObject({
			isError: true,
			text: expect.stringMatching(
				// n8n's words for a thrown error (MessageFormatter.formatError): `${name}: ${message}`.
				/^NodeOperationError: Nothing was removed\. Not removed: contacts 302 → companies 403: HubSpot did not accept the credential \(HTTP 401\)/,
			),
		});
		expect(text).toContain('What the user can do: Check the private app token');
		expect(emulator.toIds('contacts', '302', 'companies')).toEqual(['403']);
	});

	it('a missing scope (403): an MCP tool error naming the scope; nothing removed', async () => {
		const { isError, text } = await callTool('scoped', { fromId: '303', toIds: '404' });
		expect(isError).toBe(true);
		expect(text).toContain(
			'Not removed: contacts 303 → companies 404: The HubSpot credential is missing scopes: crm.objects.companies.write',
		);
		expect(text).toContain('What the user can do: Add these scopes to the private app in HubSpot');
		expect(emulator.toIds('contacts', '303', 'companies')).toEqual(['404']);
	});

	it('a bad id: an MCP tool error saying which value is not an id and what an id looks like; nothing sent', async () => {
		const before = emulator.stats.requests;
		const { isError, text } = await callTool('appToken', { fromId: '304', toIds: 'Acme Corp' });
		expect(isError).toBe(true);
		expect(text).toMatch(
			/Nothing was removed\. Refused: To IDs are not valid: "Acme Corp" is not a HubSpot record id/,
		);
		expect(text).toContain('HubSpot record ids are positive whole numbers');
		expect(emulator.stats.requests).toBe(before);
		expect(emulator.toIds('contacts', '304', 'companies')).toEqual(['405']);
	});

	it('the daily limit spent (429 DAILY): an MCP tool error saying so and when it resets; nothing removed', async () => {
		emulator.settings.dailyLimit = 0;
		try {
			const { isError, text } = await callTool('appToken', { fromId: '305', toIds: '406' });
			expect(isError).toBe(true);
			expect(text).toContain("HubSpot's daily API limit for this account is used up (HTTP 429)");
			expect(text).toContain('The daily limit resets at midnight');
		} finally {
			emulator.settings.dailyLimit = null;
		}
		expect(emulator.toIds('contacts', '305', 'companies')).toEqual(['406']);
	});

	it("no token reaches the MCP client or n8n's log", () => {
		const all = `${received.join('\n')}\n${server.output()}`;
		for (const secret of [...SECRETS, REVOKED_TOKEN, SCOPED_TOKEN, MCP_TOKEN])
			expect(all.includes(secret)).toBe(false);
	});
});
