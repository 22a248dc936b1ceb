import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { archiveMeasure, planBatches, type ArchiveInput } from '../core/batches';
import type { BatchCodec } from '../transport/batchRunner';
import { associationsPath, type ApiVersion } from '../transport/paths';
import { executeBatched } from './batchedOperation';

/** "Archive Associations": remove every association (all labels) between each pair. */
export const description: INodeProperties[] = [];

/** batch/archive: one input per from id with its to ids; removes every label of each pair. */
export const archiveCodec = (fromObjectType: string, toObjectType: string, version: ApiVersion): BatchCodec<ArchiveInput> => ({
	...archiveMeasure,
	types: { fromObjectType, toObjectType },
	request: (inputs) => ({
		method: 'POST',
		path: associationsPath(version, fromObjectType, toObjectType, 'batch/archive'),
		body: { inputs },
	}),
	fromId: (input) => input.from.id,
	toIds: (input) => input.to.map((t) => t.id),
	without: (inputs, named) =>
		inputs
			.filter((input) => !named.from.has(input.from.id) && !named.either.has(input.from.id))
			.map((input) => ({ from: input.from, to: input.to.filter((t) => !named.to.has(t.id) && !named.either.has(t.id)) }))
			.filter((input) => input.to.length > 0),
});

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	return await executeBatched(this, {
		plan: (items, batchSize) => planBatches(items, batchSize),
		codec: archiveCodec,
	});
}
