import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';

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
