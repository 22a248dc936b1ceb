/**
 * "Remove Association Labels": remove only the chosen labels between each pair, keeping the
 * association and its other labels, through batch/labels/archive. One input per pair; Batch Size
 * counts pairs.
 */
import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { executeBatched } from '../helpers/executeBatched';
import { labelProperties } from '../helpers/labels';
import { toIdsProperty } from '../helpers/readItems';
import { batchEndpoint } from '../helpers/sendBatch';

export const option = {
	name: 'Remove Association Labels',
	value: 'archiveLabels',
	description: 'Remove only the chosen labels between each pair, keeping the association',
	action: 'Remove association labels',
};

/** What a model is told this operation does as a tool, unless the workflow says otherwise. */
export const toolDescription =
	"Removes association labels between HubSpot CRM records: the labels set in the tool are taken off the association between one record on the from side and each given record on the to side; the association and its other labels stay. The object types of both sides are set in the tool. Give the from record's HubSpot record id and the to records' ids (digits; several separated by commas). Answers with a short summary: what was removed, what was not and why, and what the user can do.";

export const description: INodeProperties[] = [
	...toIdsProperty('archiveLabels'),
	...labelProperties({ operation: ['archiveLabels'] }, 'The labels to remove from each pair'),
];

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	return await executeBatched(this, {
		fields: () => ({ toIds: true, labels: true }),
		endpoint: (version, types) =>
			batchEndpoint(version, types, 'batch/labels/archive', (units) =>
				units.map((u) => ({ from: { id: u.from }, to: { id: u.to }, types: u.types ?? [] })),
			),
	});
}
