import { NodeOperationError } from 'n8n-workflow';
import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import * as archive from './archive.operation';
import * as archiveAll from './archiveAll.operation';
import * as archiveLabels from './archiveLabels.operation';

/** Operation name → its module. Each operation owns its parameters and its execute. */
export const operations = {
	archive,
	archiveAll,
	archiveLabels,
} as const;

export type OperationName = keyof typeof operations;

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const operation = this.getNodeParameter('operation', 0) as string;
	const module = (operations as Record<string, { execute: (this: IExecuteFunctions) => Promise<INodeExecutionData[][]> }>)[operation];
	if (!module) {
		throw new NodeOperationError(this.getNode(), `The operation "${operation}" is not known`, {
			description: 'Pick an operation from the list.',
		});
	}
	return await module.execute.call(this);
}
