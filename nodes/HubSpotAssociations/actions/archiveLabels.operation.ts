import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { labelsArchiveLayout, onePerInput, planBatches, type LabelsArchiveInput } from '../core/batches';
import { namesPairOf } from '../core/responses';
import { labelProperties } from '../descriptions/labels';
import type { BatchCodec } from '../transport/batchRunner';
import { associationsPath, type ApiVersion } from '../transport/paths';
import { executeBatched } from './batchedOperation';

/**
 * "Remove Association Labels": remove only the chosen labels between each pair, keeping the
 * association and its other labels. One input per pair; Batch Size counts pairs.
 */
export const description: INodeProperties[] = labelProperties(
	{ operation: ['archiveLabels'] },
	'The labels to remove from each pair',
);

const codec = (fromObjectType: string, toObjectType: string, version: ApiVersion): BatchCodec<LabelsArchiveInput> => ({
	...onePerInput,
	types: { fromObjectType, toObjectType },
	request: (inputs) => ({
		method: 'POST',
		path: associationsPath(version, fromObjectType, toObjectType, 'batch/labels/archive'),
		body: { inputs },
	}),
	fromId: (input) => input.from.id,
	toIds: (input) => [input.to.id],
	without: (inputs, named) => inputs.filter((input) => !namesPairOf(named, input.from.id, [input.to.id])),
});

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	return await executeBatched(this, {
		fields: () => ({ toIds: true, labels: true }),
		plan: (items, batchSize) => planBatches(items, batchSize, labelsArchiveLayout),
		codec,
	});
}
