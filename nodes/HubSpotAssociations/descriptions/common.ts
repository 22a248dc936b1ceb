import type { INodeProperties } from 'n8n-workflow';

import { DEFAULT_CONCURRENCY } from '../transport/pool';

/** Parameters every operation shares: credential choice, object types, ids and run options. */

export const authenticationProperty: INodeProperties = {
	displayName: 'Authentication',
	name: 'authentication',
	type: 'options',
	options: [
		{ name: 'OAuth2', value: 'oAuth2' },
		{ name: 'Private App Token', value: 'appToken' },
	],
	default: 'oAuth2',
};

function objectTypeProperty(name: string, displayName: string, description: string): INodeProperties {
	return {
		displayName,
		name,
		type: 'resourceLocator',
		default: { mode: 'list', value: '' },
		required: true,
		description,
		modes: [
			{
				displayName: 'From List',
				name: 'list',
				type: 'list',
				typeOptions: { searchListMethod: 'searchObjectTypes', searchable: true },
			},
			{
				displayName: 'By ID or Name',
				name: 'id',
				type: 'string',
				placeholder: 'e.g. contacts, 0-1, 2-1234567 or p1234567_cars',
				hint: 'A standard object name or id, or a custom object id (2-…) or fully qualified name',
			},
		],
	};
}

export const fromObjectTypeProperty = objectTypeProperty(
	'fromObjectType',
	'From Object Type',
	'The type of the records whose associations are removed',
);

export const toObjectTypeProperty = objectTypeProperty(
	'toObjectType',
	'To Object Type',
	'The type of the records they are associated with',
);

export const fromIdProperty: INodeProperties = {
	displayName: 'From ID',
	name: 'fromId',
	type: 'string',
	default: '={{ $json.id }}',
	required: true,
	description: 'The record ID on the "from" side, for each item. For "Remove All Associations of Records", the record whose associations are removed.',
	hint: 'A plain field reference like {{ $json.id }} is read straight from the item, skipping the expression engine for speed',
};

export const toIdsProperty: INodeProperties = {
	displayName: 'To IDs',
	name: 'toIds',
	type: 'string',
	default: '',
	required: true,
	displayOptions: { show: { operation: ['archive', 'archiveLabels'] } },
	placeholder: 'e.g. {{ $json.companyIds }} or 101,102',
	description: 'The record ID(s) on the "to" side: one ID, an array of IDs, or a comma-separated list',
};

export const batchSizeOption: INodeProperties = {
	displayName: 'Batch Size',
	name: 'batchSize',
	type: 'number',
	typeOptions: { minValue: 1, maxValue: 1000 },
	default: 100,
	description: 'How many (from, to) pairs go in one HubSpot request. If HubSpot says a batch is too large, the node splits it and retries.',
};

export const outputModeOption: INodeProperties = {
	displayName: 'Output',
	name: 'outputMode',
	type: 'options',
	options: [
		{
			name: 'One Item per Input Item',
			value: 'perItem',
			description: 'Each input item gets one output item with the result of the request(s) that carried it',
		},
		{
			name: 'One Item per HubSpot Request',
			value: 'perBatch',
			description: 'Each HubSpot request gives one output item with its answer and the pairs it carried',
		},
	],
	default: 'perItem',
};

export const maxRetriesOption: INodeProperties = {
	displayName: 'Max Retries',
	name: 'maxRetries',
	type: 'number',
	typeOptions: { minValue: 0, maxValue: 10 },
	default: 5,
	description: 'How often one request is tried again after a rate limit (429) or a temporary HubSpot fault (5xx, dropped connection)',
};

export const concurrencyOption: INodeProperties = {
	displayName: 'Concurrency',
	name: 'concurrency',
	type: 'number',
	typeOptions: { minValue: 1, maxValue: 20 },
	default: DEFAULT_CONCURRENCY,
	description: 'How many HubSpot requests may be under way at once. The node still paces itself by HubSpot\'s rate-limit headers.',
};

export const dryRunOption: INodeProperties = {
	displayName: 'Dry Run',
	name: 'dryRun',
	type: 'boolean',
	default: false,
	description: 'Whether to send no write request and only output what would be removed, with status "DRY_RUN". Reads still happen (Remove All Associations of Records reads each record\'s associations).',
};

export const timeoutOption: INodeProperties = {
	displayName: 'Timeout',
	name: 'timeout',
	type: 'number',
	typeOptions: { minValue: 1000 },
	default: 60000,
	description: 'Milliseconds to wait for HubSpot to answer one request before it counts as a dropped connection and is retried',
};
