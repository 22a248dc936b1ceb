/**
 * "Archive Associations": remove every association (all labels) between each pair, through
 * batch/archive.
 */
import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { executeBatched } from '../helpers/executeBatched';
import type { Unit } from '../helpers/planBatches';
import { toIdsProperty } from '../helpers/readItems';
import type { PairTypes } from '../helpers/responses';
import { batchEndpoint } from '../helpers/sendBatch';
import type { ApiVersion } from '../transport/paths';

export const option = {
	name: 'Archive Associations',
	value: 'archive',
	description: 'Remove every association between each pair of records',
	action: 'Archive associations',
};

/** What a model is told this operation does as a tool, unless the workflow says otherwise. */
export const toolDescription =
	"Removes associations between HubSpot CRM records: every association, with all its labels, between one record on the from side and each given record on the to side. The object types of both sides are set in the tool. Give the from record's HubSpot record id and the to records' ids (digits; several separated by commas). Removing an association that does not exist succeeds. Answers with a short summary: what was removed, what was not and why, and what the user can do.";

export const description: INodeProperties[] = toIdsProperty('archive');

/**
 * batch/archive takes one input per from id with its to ids; consecutive pairs of one from id share
 * it.
 */
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
