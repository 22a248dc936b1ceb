import type {
	EngineRequest,
	EngineResponse,
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	ITaskData,
} from 'n8n-workflow';

/**
 * Test-only stand-ins for n8n-nodes-base's Manual Trigger and a node that emits given items.
 * nodes-base is not a dependency (it is the whole n8n catalogue); these behave the same for a run.
 */
export class ManualTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Manual Trigger',
		name: 'manualTrigger',
		group: ['trigger'],
		version: 1,
		description: 'Starts the workflow',
		defaults: { name: 'When clicking Execute' },
		inputs: [],
		outputs: ['main'],
		properties: [],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return [[{ json: {} }]];
	}
}

/** Emits the items held in the test's side channel (avoids copying 100k items through parameters). */
export const emittedItems = new Map<string, INodeExecutionData[]>();

export class EmitItems implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Emit Items',
		name: 'emitItems',
		group: ['transform'],
		version: 1,
		description: 'Outputs the items a test put in place',
		defaults: { name: 'Emit Items' },
		inputs: ['main'],
		outputs: ['main'],
		properties: [{ displayName: 'Key', name: 'key', type: 'string', default: '' }],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const key = this.getNodeParameter('key', 0) as string;
		const items = emittedItems.get(key) ?? [];
		return [items.map((item) => ({ json: item.json, pairedItem: { item: 0 } }))];
	}
}

/**
 * Gives back its input items unchanged: run in the HubSpot node's place, it shows what the engine and
 * the item feed cost by themselves (the benchmark subtracts it to get the node's own CPU time).
 */
export class PassThrough implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Pass Through',
		name: 'passThrough',
		group: ['transform'],
		version: 1,
		description: 'Outputs its input items',
		defaults: { name: 'Pass Through' },
		inputs: ['main'],
		outputs: ['main'],
		properties: [],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return [this.getInputData().map((item, i) => ({ json: item.json, pairedItem: { item: i } }))];
	}
}

/**
 * Stands in for n8n's AI Agent: takes the tools connected to its ai_tool input (n8n-core builds them from a node's tool variant,
 * `createNodeAsTool`), calls the first one once per entry of `calls` and outputs what the model would get. n8n 2.40's Agent
 * (LangChain's AgentExecutor without `handleToolRuntimeErrors`) gives the model an empty observation when the tool throws:
 * `observation` is '' then, and `threw` holds the error's message.
 */
export class ToolCaller implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Tool Caller',
		name: 'toolCaller',
		group: ['transform'],
		version: 1,
		description: 'Calls its connected tool as a model would',
		defaults: { name: 'Tool Caller' },
		inputs: ['main', 'ai_tool'],
		outputs: ['main'],
		properties: [{ displayName: 'Calls', name: 'calls', type: 'json', default: '[]' }],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const tools = (await this.getInputConnectionData('ai_tool', 0)) as Array<{
			name: string;
			description: string;
			schema: { shape: Record<string, { description?: string }> };
			invoke(args: unknown): Promise<unknown>;
		}>;
		const tool = tools[0];
		const calls = JSON.parse(this.getNodeParameter('calls', 0) as string) as unknown[];
		// The parameters the model is offered: each $fromAI key with its description.
		const parameters = Object.fromEntries(
			Object.entries(tool.schema.shape).map(([key, value]) => [key, value.description ?? '']),
		);
		const seen = { name: tool.name, description: tool.description, parameters };
		const out: INodeExecutionData[] = [];
		for (const args of calls) {
			try {
				out.push({ json: { ...seen, observation: String(await tool.invoke(args)) } });
			} catch (error) {
				const { name, message } = error as Error;
				out.push({ json: { ...seen, observation: '', threw: message, threwName: name } });
			}
		}
		return [out];
	}
}

/** What the tools on a node's ai_tool input look like to their caller. */
interface OfferedTool {
	name: string;
	description: string;
	schema: { shape: Record<string, { description?: string }> };
	metadata?: { sourceNodeName?: string };
}

/** The tool's name, description and parameters as offered to the model. */
async function offeredTool(ctx: IExecuteFunctions) {
	const [tool] = (await ctx.getInputConnectionData('ai_tool', 0)) as OfferedTool[];
	const parameters = Object.fromEntries(
		Object.entries(tool.schema.shape).map(([key, value]) => [key, value.description ?? '']),
	);
	return {
		node: tool.metadata?.sourceNodeName ?? '',
		seen: { name: tool.name, description: tool.description, parameters },
	};
}

/**
 * The tool message n8n 2.40's AI Agent v3 gives the model for a tool node's run (buildObservation
 * in @n8n/n8n-nodes-langchain's utils/agent-execution/buildSteps.js): the run's ai_tool items' json,
 * or else `{ error, errorType }` of its error, or else an empty string; each JSON-stringified.
 */
function v3Observation(data: ITaskData): string {
	const items = data.data?.ai_tool?.[0]?.map((item) => item?.json);
	if (items?.length) return JSON.stringify(items);
	if (data.error) return JSON.stringify({ error: data.error.message, errorType: data.error.name });
	return JSON.stringify('');
}

interface V3Progress {
	results: IDataObject[];
}

/**
 * Stands in for n8n's AI Agent v3 (the version n8n 2.40 gives a new workflow): it does not invoke
 * the tool itself but asks the engine to run the tool's node, one call at a time (an
 * EngineRequest, as the Agent's createEngineRequests builds it), and is run again with the node's
 * run (an EngineResponse). The tool node then runs as an ordinary node whose node carries
 * `rewireOutputLogTo: 'ai_tool'` (n8n-core's requests-response.js). Outputs, per call, what the
 * model would get, as the Tool Caller does.
 */
export class AgentV3Caller implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Agent v3 Caller',
		name: 'agentV3Caller',
		group: ['transform'],
		version: 1,
		description: "Has the engine run its connected tool as n8n's AI Agent v3 does",
		defaults: { name: 'Agent v3 Caller' },
		inputs: ['main', 'ai_tool'],
		outputs: ['main'],
		properties: [{ displayName: 'Calls', name: 'calls', type: 'json', default: '[]' }],
	};

	async execute(
		this: IExecuteFunctions,
		response?: EngineResponse<V3Progress>,
	): Promise<INodeExecutionData[][] | EngineRequest<V3Progress & { itemIndex: number }>> {
		const { node, seen } = await offeredTool(this);
		const calls = JSON.parse(this.getNodeParameter('calls', 0) as string) as IDataObject[];
		const results = [
			...(response?.metadata?.results ?? []),
			...(response?.actionResponses ?? []).map((answer) => ({
				...seen,
				observation: v3Observation(answer.data),
			})),
		];
		if (results.length === calls.length) return [results.map((json) => ({ json }))];
		return {
			actions: [
				{
					actionType: 'ExecutionNodeAction',
					nodeName: node,
					input: calls[results.length],
					type: 'ai_tool',
					id: `call_${results.length}`,
					metadata: { itemIndex: 0, results },
				},
			],
			metadata: { itemIndex: 0, results },
		};
	}
}
