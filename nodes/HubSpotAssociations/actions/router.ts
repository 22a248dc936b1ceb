/** Operation name → its module, which owns its parameters and its execute. */
import { NodeOperationError } from 'n8n-workflow';
import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import * as archive from './archive.operation';
import * as archiveAll from './archiveAll.operation';
import * as archiveLabels from './archiveLabels.operation';

export const operations = [archive, archiveAll, archiveLabels];

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const name = this.getNodeParameter('operation', 0) as string;
	const operation = operations.find((o) => o.option.value === name);
	if (!operation) throw new NodeOperationError(this.getNode(), `The operation "${name}" is not known`, { description: 'Pick an operation from the list.' });
	return await operation.execute.call(this);
}
