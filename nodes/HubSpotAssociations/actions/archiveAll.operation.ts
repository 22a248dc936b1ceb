/**
 * "Remove All Associations of Records": for each from id, read every associated record of the to
 * type (batch/read, paged to the end), keep those the label filter picks, then remove them with the
 * same batch/archive batches as "Archive Associations". Each item's output lists the to ids
 * removed.
 */
import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { archiveEndpoint } from '../helpers/archiveEndpoint';
import { executeBatched, type BatchedOperation } from '../helpers/executeBatched';
import { labelKey, labelProperties, passesLabelFilter, type LabelFilter } from '../helpers/labels';
import { readAssociations } from '../helpers/readAssociations';
import type { ItemFailures, ItemPairs } from '../helpers/readItems';

export const option = {
	name: 'Remove All Associations of Records',
	value: 'archiveAll',
	description:
		'Remove every association of each record with the To Object Type, optionally only some labels',
	action: 'Remove all associations of records',
};

/** What a model is told this operation does as a tool, unless the workflow says otherwise. */
export const toolDescription =
	"Removes every association of one HubSpot CRM record with the records of another object type (both object types, and any label filter, are set in the tool). Give the record's HubSpot record id (digits). Answers with a short summary: which associations were removed, what was not removed and why, and what the user can do.";

export const description: INodeProperties[] = [
	{
		displayName: 'Which Associations',
		name: 'labelFilter',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { operation: ['archiveAll'] } },
		options: [
			{
				name: 'All',
				value: 'all',
				description: 'Remove every association of each record with the To Object Type',
			},
			{
				name: 'All Except Those With These Labels',
				value: 'except',
				description: 'Keep associations that carry one of the chosen labels, remove the rest',
			},
			{
				name: 'Only Those With These Labels',
				value: 'only',
				description: 'Remove only associations that carry one of the chosen labels',
			},
		],
		default: 'all',
		hint: 'An association that is removed goes entirely, with all its labels',
	},
	...labelProperties(
		{ operation: ['archiveAll'], labelFilter: ['only', 'except'] },
		'The labels that decide which associations are removed',
	),
];

const filterMode = (ctx: IExecuteFunctions): LabelFilter['mode'] => {
	const mode = ctx.getNodeParameter('labelFilter', 0, 'all');
	return mode === 'only' || mode === 'except' ? mode : 'all';
};

const operation: BatchedOperation = {
	fields: (ctx) => ({ toIds: false, labels: filterMode(ctx) !== 'all' }),
	endpoint: archiveEndpoint,
	async expand(run, items) {
		const mode = filterMode(run.ctx);
		const readOf = await readAssociations(
			await run.transport(),
			items,
			run.options,
			run.continueOnFail,
		);
		const valid: ItemPairs[] = [];
		const failed: ItemFailures = new Map();
		for (const item of items) {
			const read = readOf(item);
			if (!read.ok) failed.set(item.itemIndex, { item, report: read.report });
			else {
				// The item's labels are its filter, not labels to remove: the pairs it plans carry none.
				const filter = { mode, keys: new Set((item.types ?? []).map(labelKey)) };
				const toIds = read.targets
					.filter((t) => passesLabelFilter(filter, t.types))
					.map((t) => t.toId);
				valid.push({
					itemIndex: item.itemIndex,
					fromObjectType: item.fromObjectType,
					toObjectType: item.toObjectType,
					fromId: item.fromId,
					toIds,
				});
			}
		}
		return { valid, failed };
	},
};

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	return await executeBatched(this, operation);
}
