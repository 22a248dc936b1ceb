import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { planBatches, splitBatch, type ArchiveInput } from '../core/batches';
import type { BatchCodec } from '../transport/batchRunner';
import { executeBatched } from './batchedOperation';

/** "Archive Associations": remove every association (all labels) between each pair. */
export const description: INodeProperties[] = [];

/** batch/archive: one input per from id with its to ids; removes every label of each pair. */
export const archiveCodec = (fromObjectType: string, toObjectType: string): BatchCodec<ArchiveInput> => ({
	request: (inputs) => ({
		method: 'POST',
		path: `/crm/v4/associations/${encodeURIComponent(fromObjectType)}/${encodeURIComponent(toObjectType)}/batch/archive`,
		body: { inputs },
	}),
	ids: (input) => [input.from.id, ...input.to.map((t) => t.id)],
	split: (inputs) => {
		const pairCount = inputs.reduce((n, i) => n + i.to.length, 0);
		if (pairCount < 2) return undefined;
		return splitBatch({ index: 0, fromObjectType, toObjectType, inputs, pairCount, itemIndexes: [] });
	},
	without: (inputs, ids) =>
		inputs
			.filter((input) => !ids.has(input.from.id))
			.map((input) => ({ from: input.from, to: input.to.filter((t) => !ids.has(t.id)) }))
			.filter((input) => input.to.length > 0),
});

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	return await executeBatched(this, {
		plan: (items, batchSize) => planBatches(items, batchSize),
		codec: archiveCodec,
	});
}
