/**
 * "Archive Associations": remove every association (all labels) between each pair, through
 * batch/archive.
 */
import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { archiveEndpoint } from '../helpers/archiveEndpoint';
import { executeBatched } from '../helpers/executeBatched';
import { toIdsProperty } from '../helpers/readItems';

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

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	return await executeBatched(this, { endpoint: archiveEndpoint });
}
