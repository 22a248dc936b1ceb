import { ExecutionLifecycleHooks, SupplyDataContext, WorkflowExecute } from 'n8n-core';
import { createRunExecutionData, NodeConnectionTypes, Workflow } from 'n8n-workflow';
import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	IExecuteFunctions,
	INode,
	INodeExecutionData,
	INodeParameters,
	IRun,
	IWorkflowExecuteAdditionalData,
	ExecutionError,
} from 'n8n-workflow';

import { TestCredentialsHelper } from './credentialsHelper';
import {
	AGENT_V3_CALLER_NODE_TYPE,
	HUBSPOT_NODE_TYPE,
	HUBSPOT_TOOL_NODE_TYPE,
	MCP_SERVER_TRIGGER_NODE_TYPE,
	TestNodeTypes,
	TOOL_CALLER_NODE_TYPE,
} from './nodeTypes';
import { emittedItems } from './testNodes';

export const HUBSPOT_NODE_NAME = 'HubSpot Associations';

export interface RunOptions {
	/** The HubSpot Associations node's parameters, as a workflow JSON would hold them. */
	parameters: INodeParameters;
	/** The items the node receives. */
	items: IDataObject[];
	/** Credential data by type name. */
	credentials: Record<string, ICredentialDataDecryptedObject>;
	/** Continue On Fail: the same as `onError: 'continueRegularOutput'`. */
	continueOnFail?: boolean;
	/** The node's version in the workflow; 1 unless said. */
	typeVersion?: number;
	/** The node's Settings → On Error; default Stop Workflow. */
	onError?: 'stopWorkflow' | 'continueRegularOutput' | 'continueErrorOutput';
	retryOnFail?: { maxTries: number; waitBetweenTries: number };
	/**
	 * The credential id the node's credentials carry. Each run gets ids of its own unless told: executions with one credential
	 * share its pace in the node (transport/pace.ts), and the tests' runs stand for separate accounts unless a test says so.
	 */
	credentialId?: string;
	/** Another node type in the HubSpot node's place (the benchmark's pass-through baseline). */
	nodeType?: string;
	/**
	 * Called once the execution has started, with a function that cancels it as n8n's Stop button or execution timeout
	 * does: a test calls it on an event (an emulator request or answer) rather than at a time. Once the run is over it does nothing.
	 */
	cancelOn?: (cancel: () => void) => void;
}

export interface RunResult {
	/** What the HubSpot Associations node output (main output 0 of its last run). */
	items: INodeExecutionData[];
	/** What n8n put on the node's error output (main output 1), with On Error → Continue (using error output). */
	errorItems: INodeExecutionData[];
	/** The node's error when it failed. */
	error?: ExecutionError;
	run: IRun;
	credentialsHelper: TestCredentialsHelper;
	/** How many times n8n ran the node (more than 1 with Retry On Fail). */
	tries: number;
	/** The execution's id, as the node's `getExecutionId()` gives it. */
	executionId: string;
	/** Date.now() when the execution was canceled (through `cancelOn`), and when it was over. */
	cancelledAt?: number;
	finishedAt: number;
}

/** What n8n hands an execution besides the workflow: lifecycle hooks, credentials and the instance's base URLs. */
function additionalDataFor(
	executionId: string,
	workflow: Workflow,
	nodes: INode[],
	credentialsHelper: TestCredentialsHelper,
): IWorkflowExecuteAdditionalData {
	const hooks = new ExecutionLifecycleHooks('manual', executionId, {
		id: 'test-workflow',
		name: 'test',
		nodes,
		connections: workflow.connectionsBySourceNode,
		active: false,
		activeVersionId: null,
		isArchived: false,
		settings: {},
		createdAt: new Date(),
		updatedAt: new Date(),
	});
	return {
		hooks,
		credentialsHelper,
		executionId,
		currentNodeExecutionIndex: 0,
		restApiUrl: 'http://localhost:5678/rest',
		instanceBaseUrl: 'http://localhost:5678/',
		formBaseUrl: 'http://localhost:5678/form',
		formWaitingBaseUrl: 'http://localhost:5678/form-waiting',
		formTestBaseUrl: 'http://localhost:5678/form-test',
		webhookBaseUrl: 'http://localhost:5678/webhook',
		webhookWaitingBaseUrl: 'http://localhost:5678/webhook-waiting',
		webhookTestBaseUrl: 'http://localhost:5678/webhook-test',
		mcpBaseUrl: 'http://localhost:5678/mcp',
		mcpTestBaseUrl: 'http://localhost:5678/mcp-test',
		variables: {},
		executeWorkflow: async () => {
			throw new Error('not used in tests');
		},
		getRunExecutionData: async () => undefined,
		getRuntimeCredential: async () => undefined,
		logAiEvent: () => undefined,
		startRunnerTask: async () => {
			throw new Error('not used in tests');
		},
	} as unknown as IWorkflowExecuteAdditionalData;
}

const nodeTypes = new TestNodeTypes();
let runCounter = 0;

/**
 * Runs Manual Trigger → Emit Items → HubSpot Associations through n8n-core's WorkflowExecute, the
 * engine n8n itself runs workflows with: expressions, paired items, Continue On Fail and Retry On
 * Fail all behave as in the product.
 */
export async function runHubSpotNode(options: RunOptions): Promise<RunResult> {
	const key = `run-${++runCounter}`;
	const executionId = `exec-${runCounter}`;
	emittedItems.set(
		key,
		options.items.map((json) => ({ json })),
	);
	const credentialsHelper = new TestCredentialsHelper(structuredClone(options.credentials));

	const nodes: INode[] = [
		{
			id: 't',
			name: 'Trigger',
			type: 'n8n-nodes-base.manualTrigger',
			typeVersion: 1,
			position: [0, 0],
			parameters: {},
		},
		{
			id: 'e',
			name: 'Items',
			type: 'test.emitItems',
			typeVersion: 1,
			position: [200, 0],
			parameters: { key },
		},
		{
			id: 'h',
			name: HUBSPOT_NODE_NAME,
			type: options.nodeType ?? HUBSPOT_NODE_TYPE,
			typeVersion: options.typeVersion ?? 1,
			position: [400, 0],
			parameters: options.parameters,
			credentials: {
				hubSpotAssociationsOAuth2Api: {
					id: `cred-oauth-${options.credentialId ?? key}`,
					name: 'HubSpot OAuth2',
				},
				hubSpotAssociationsAppTokenApi: {
					id: `cred-token-${options.credentialId ?? key}`,
					name: 'HubSpot token',
				},
			},
			...(options.onError
				? { onError: options.onError }
				: options.continueOnFail
					? { onError: 'continueRegularOutput' as const }
					: {}),
			...(options.retryOnFail
				? {
						retryOnFail: true,
						maxTries: options.retryOnFail.maxTries,
						waitBetweenTries: options.retryOnFail.waitBetweenTries,
					}
				: {}),
		},
	];
	const workflow = new Workflow({
		id: 'test-workflow',
		name: 'test',
		nodes,
		connections: {
			Trigger: { main: [[{ node: 'Items', type: 'main', index: 0 }]] },
			Items: { main: [[{ node: HUBSPOT_NODE_NAME, type: 'main', index: 0 }]] },
		},
		active: false,
		nodeTypes,
		settings: {},
	});

	const additionalData = additionalDataFor(executionId, workflow, nodes, credentialsHelper);

	try {
		const execution = new WorkflowExecute(additionalData, 'manual').run({
			workflow,
			startNode: workflow.getNode('Trigger')!,
		});
		let cancelledAt: number | undefined;
		let over = false;
		options.cancelOn?.(() => {
			if (over || cancelledAt !== undefined) return;
			cancelledAt = Date.now();
			execution.cancel();
		});
		const run = await execution;
		over = true;
		const finishedAt = Date.now();
		const taskData = run.data.resultData.runData[HUBSPOT_NODE_NAME] ?? [];
		const last = taskData[taskData.length - 1];
		return {
			items: last?.data?.main?.[0] ?? [],
			errorItems: last?.data?.main?.[1] ?? [],
			error: last?.error ?? run.data.resultData.error,
			run,
			credentialsHelper,
			tries: taskData.length,
			executionId,
			cancelledAt,
			finishedAt,
		};
	} finally {
		emittedItems.delete(key);
	}
}

export interface ToolRunOptions {
	/** The tool node's parameters; ids usually `={{ $fromAI('…') }}`. */
	parameters: INodeParameters;
	credentials: Record<string, ICredentialDataDecryptedObject>;
	/** The arguments of each call the model makes, in order. */
	calls: IDataObject[];
	/** The tool node's Settings → On Error (n8n does not consult it for a tool call). */
	onError?: 'stopWorkflow' | 'continueRegularOutput' | 'continueErrorOutput';
	/**
	 * Who calls the tool: an agent that invokes it (default; n8n's AI Agent up to v2.x), n8n's MCP
	 * Server Trigger, or n8n's AI Agent v3, which has the engine run the tool's node.
	 */
	caller?: 'agent' | 'mcpServerTrigger' | 'agentV3';
}

/** What the model got for one call: the tool's name and description, and the tool message's content. */
export interface ToolCallResult {
	name: string;
	description: string;
	observation: string;
	/** The tool's parameters as offered to the model: key → description. */
	parameters: Record<string, string>;
	/** The error the tool threw (the model then got an empty observation). */
	threw?: string;
	/** Its class name (the MCP Server Trigger sends `${name}: ${message}` as an MCP tool error). */
	threwName?: string;
}

/**
 * Runs Manual Trigger → Tool Caller, with the node's tool variant on the caller's ai_tool input, through WorkflowExecute: the
 * tool is built and invoked by n8n-core itself (`getInputConnectionData` → `createNodeAsTool` → `makeHandleToolInvocation`), as
 * for n8n's AI Agent and MCP Server Trigger. With `caller: 'agentV3'` the engine itself runs the
 * tool's node on the caller's request, as for n8n's AI Agent v3.
 */
export async function runHubSpotTool(
	options: ToolRunOptions,
): Promise<{ calls: ToolCallResult[]; run: IRun }> {
	const executionId = `exec-${++runCounter}`;
	const credentialsHelper = new TestCredentialsHelper(structuredClone(options.credentials));
	const nodes: INode[] = [
		{
			id: 't',
			name: 'Trigger',
			type: 'n8n-nodes-base.manualTrigger',
			typeVersion: 1,
			position: [0, 0],
			parameters: {},
		},
		{
			id: 'c',
			name: 'Agent',
			type: {
				agent: TOOL_CALLER_NODE_TYPE,
				mcpServerTrigger: MCP_SERVER_TRIGGER_NODE_TYPE,
				agentV3: AGENT_V3_CALLER_NODE_TYPE,
			}[options.caller ?? 'agent'],
			typeVersion: 1,
			position: [200, 0],
			parameters: { calls: JSON.stringify(options.calls) },
		},
		{
			id: 'h',
			name: 'HubSpot_Associations',
			type: HUBSPOT_TOOL_NODE_TYPE,
			typeVersion: 2,
			position: [200, 200],
			parameters: options.parameters,
			credentials: {
				hubSpotAssociationsAppTokenApi: { id: `cred-token-${executionId}`, name: 'HubSpot token' },
				hubSpotAssociationsOAuth2Api: { id: `cred-oauth-${executionId}`, name: 'HubSpot OAuth2' },
			},
			...(options.onError ? { onError: options.onError } : {}),
		},
	];
	const workflow = new Workflow({
		id: 'test-workflow',
		name: 'test',
		nodes,
		connections: {
			Trigger: { main: [[{ node: 'Agent', type: 'main', index: 0 }]] },
			HubSpot_Associations: { ai_tool: [[{ node: 'Agent', type: 'ai_tool', index: 0 }]] },
		},
		active: false,
		nodeTypes,
		// A new workflow's execution order (v1): an engine request's nodes run before the node that
		// asked for them resumes (n8n-core's requests-response.js).
		settings: options.caller === 'agentV3' ? { executionOrder: 'v1' } : {},
	});
	const run = await new WorkflowExecute(
		additionalDataFor(executionId, workflow, nodes, credentialsHelper),
		'manual',
	).run({ workflow, startNode: workflow.getNode('Trigger')! });
	const error = run.data.resultData.error;
	if (error) throw new Error(`The tool caller failed: ${error.message}`);
	const out = run.data.resultData.runData.Agent?.[0]?.data?.main?.[0] ?? [];
	return { calls: out.map((item) => item.json as unknown as ToolCallResult), run };
}

/**
 * One MCP tool call as n8n's worker runs it in queue mode (n8n 2.40's JobProcessor.invokeTool, in
 * n8n/dist/scaling/job-processor.js): a SupplyDataContext for the tool node whose execute data names
 * the tool's own node, the MCP Server Trigger as its parent, the call's arguments as its ai_tool
 * input, then the node's execute. The worker sends the MCP client the items' json, or, when execute
 * throws, `{ error: { message, name } }`, which the trigger marks as an MCP tool error.
 */
export async function callHubSpotToolOnWorker(
	options: Omit<ToolRunOptions, 'calls' | 'caller'> & { args: IDataObject },
): Promise<{ response?: IDataObject[]; error?: Error }> {
	const executionId = `exec-${++runCounter}`;
	const credentialsHelper = new TestCredentialsHelper(structuredClone(options.credentials));
	const trigger: INode = {
		id: 'm',
		name: 'MCP Server Trigger',
		type: MCP_SERVER_TRIGGER_NODE_TYPE,
		typeVersion: 1,
		position: [0, 0],
		parameters: {},
	};
	const toolNode: INode = {
		id: 'h',
		name: 'HubSpot_Associations',
		type: HUBSPOT_TOOL_NODE_TYPE,
		typeVersion: 2,
		position: [0, 200],
		parameters: options.parameters,
		credentials: {
			hubSpotAssociationsAppTokenApi: { id: `cred-token-${executionId}`, name: 'HubSpot token' },
			hubSpotAssociationsOAuth2Api: { id: `cred-oauth-${executionId}`, name: 'HubSpot OAuth2' },
		},
	};
	const nodes = [trigger, toolNode];
	const workflow = new Workflow({
		id: 'test-workflow',
		name: 'test',
		nodes,
		connections: {
			[toolNode.name]: {
				ai_tool: [[{ node: trigger.name, type: 'ai_tool', index: 0 }]],
			},
		},
		active: false,
		nodeTypes,
		settings: {},
	});
	const inputData = [[{ json: {} }]];
	const context = new SupplyDataContext(
		workflow,
		toolNode,
		additionalDataFor(executionId, workflow, nodes, credentialsHelper),
		'webhook',
		createRunExecutionData(),
		0,
		inputData[0],
		{ main: inputData },
		NodeConnectionTypes.AiTool,
		{ node: toolNode, data: { main: inputData }, source: null },
		[],
		undefined,
		trigger,
	);
	context.addInputData(NodeConnectionTypes.AiTool, [[{ json: options.args }]]);
	const nodeType = nodeTypes.getByNameAndVersion(toolNode.type, toolNode.typeVersion);
	try {
		// n8n calls a tool's execute with its SupplyDataContext, as makeHandleToolInvocation does.
		const executeFunctions = context as unknown as IExecuteFunctions;
		const result = (await nodeType.execute!.call(executeFunctions)) as INodeExecutionData[][];
		return { response: result[0].map((item) => item.json) };
	} catch (error) {
		return { error: error as Error };
	}
}
