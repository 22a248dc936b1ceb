/** "Archive Associations": remove every association (all labels) between each pair, through batch/archive. */
import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { executeBatched } from '../helpers/executeBatched';
import type { Unit } from '../helpers/planBatches';
import { toIdsProperty } from '../helpers/readItems';
import type { PairTypes } from '../helpers/responses';
import { batchEndpoint } from '../helpers/sendBatch';
import type { ApiVersion } from '../transport/paths';

export const option = {
	name: 'Archive Associations', value: 'archive',
	description: 'Remove every association between each pair of records', action: 'Archive associations',
};

export const description: INodeProperties[] = [toIdsProperty('archive')];

/** batch/archive takes one input per from id with its to ids; consecutive pairs of one from id share it. */
export function archiveEndpoint(version: ApiVersion, types: PairTypes) {
	return batchEndpoint(version, types, 'batch/archive', (units: readonly Unit[]) => {
		const inputs: Array<{ from: { id: string }; to: Array<{ id: string }> }> = [];
		let last: (typeof inputs)[number] | undefined;
		for (const unit of units) {
			if (last?.from.id !== unit.from) inputs.push((last = { from: { id: unit.from }, to: [] }));
			last.to.push({ id: unit.to! });
		}
		return inputs;
	});
}

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	return await executeBatched(this, { endpoint: archiveEndpoint });
}
