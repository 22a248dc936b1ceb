/** Operation name → its module, which owns its parameters and its execute. */
import { NodeOperationError } from 'n8n-workflow';
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { failureForModel, runsAsTool, summarizeForModel } from '../helpers/asTool';
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
	// with the call's arguments.
	let answer: IDataObject;
	try {
		const [items] = await runOperation(this, name);
		answer = summarizeForModel(items, name, readOptions(this).dryRun);
	} catch (error) {
		answer = failureForModel(error);
	}
	return [[{ json: answer, pairedItem: { item: 0 } }]];
}
