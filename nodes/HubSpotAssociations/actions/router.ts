/** Operation name → its module, which owns its parameters and its execute. */
import { NodeOperationError } from 'n8n-workflow';
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import {
	anyFailed,
	calledByMcpClient,
	failureForModel,
	mcpToolError,
	runsAsTool,
	summarizeForModel,
} from '../helpers/asTool';
import { readOptions } from '../helpers/options';

import * as archive from './archive.operation';
import * as archiveAll from './archiveAll.operation';
import * as archiveLabels from './archiveLabels.operation';

export const operations = [archive, archiveAll, archiveLabels];

async function runOperation(ctx: IExecuteFunctions, name: string): Promise<INodeExecutionData[][]> {
	const operation = operations.find((o) => o.option.value === name);
	if (!operation)
		throw new NodeOperationError(ctx.getNode(), `The operation "${name}" is not known`, {
			description: 'Pick an operation from the list.',
		});
	return await operation.execute.call(ctx);
}

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const name = this.getNodeParameter('operation', 0) as string;
	if (!runsAsTool(this)) return await runOperation(this, name);
	// A tool call answers the model in words, also when it fails (see asTool.ts): one item, paired
	// with the call's arguments. Under the MCP Server Trigger a failure is thrown with those words,
	// since only a thrown error reaches the MCP client as a tool error.
	let answer: IDataObject;
	let failed: boolean;
	try {
		const [items] = await runOperation(this, name);
		answer = summarizeForModel(items, name, readOptions(this).dryRun);
		failed = anyFailed(items);
	} catch (error) {
		answer = failureForModel(error);
		failed = true;
	}
	if (failed && calledByMcpClient(this)) throw mcpToolError(this, answer);
	return [[{ json: answer, pairedItem: { item: 0 } }]];
}
