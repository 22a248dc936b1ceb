import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
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
