import { NodeConnectionTypes } from 'n8n-workflow';
import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';

import { description as archiveAllDescription } from './actions/archiveAll.operation';
import { description as archiveDescription } from './actions/archive.operation';
import { description as archiveLabelsDescription } from './actions/archiveLabels.operation';
import { router } from './actions/router';
import {
	authenticationProperty,
	batchSizeOption,
	concurrencyOption,
	dryRunOption,
	fromIdProperty,
	fromObjectTypeProperty,
	maxRetriesOption,
	outputModeOption,
	toIdsProperty,
	timeoutOption,
	toObjectTypeProperty,
} from './descriptions/common';
import { searchObjectTypes } from './methods/listSearch';
import { DEFAULT_API_VERSION } from './transport/paths';
import { getAssociationLabels } from './methods/loadOptions';

export class HubSpotAssociations implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'HubSpot Associations',
		name: 'hubSpotAssociations',
		icon: { light: 'file:hubspot.svg', dark: 'file:hubspot.dark.svg' },
		group: ['transform'],
		// Version 2 calls HubSpot's dated API versions; workflows saved with version 1 keep the numbered paths.
		version: [1, 2],
		defaultVersion: 2,
		// The canvas shows the operation's action name under the node, not its value (archiveAll).
		subtitle:
			'={{ {"archive": "Archive associations", "archiveAll": "Remove all associations of records", "archiveLabels": "Remove association labels"}[$parameter["operation"]] }}',
		description: 'Remove associations, or only some of their labels, between HubSpot CRM records in batches',
		defaults: { name: 'HubSpot Associations' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		usableAsTool: true,
		credentials: [
			{
				name: 'hubSpotAssociationsOAuth2Api',
				required: true,
				displayOptions: { show: { authentication: ['oAuth2'] } },
			},
			{
				name: 'hubSpotAssociationsAppTokenApi',
				required: true,
				displayOptions: { show: { authentication: ['appToken'] } },
			},
		],
		properties: [
			authenticationProperty,
			{
				displayName: 'Operation',
				name: 'operation',
				type: 'options',
				noDataExpression: true,
				options: [
					{
						name: 'Archive Associations',
						value: 'archive',
						description: 'Remove every association between each pair of records',
						action: 'Archive associations',
					},
					{
						name: 'Remove All Associations of Records',
						value: 'archiveAll',
						description: 'Remove every association of each record with the To Object Type, optionally only some labels',
						action: 'Remove all associations of records',
					},
					{
						name: 'Remove Association Labels',
						value: 'archiveLabels',
						description: 'Remove only the chosen labels between each pair, keeping the association',
						action: 'Remove association labels',
					},
				],
				default: 'archive',
			},
			fromObjectTypeProperty,
			toObjectTypeProperty,
			fromIdProperty,
			toIdsProperty,
			...archiveDescription,
			...archiveLabelsDescription,
			...archiveAllDescription,
			{
				displayName: 'API Version',
				name: 'apiVersion',
				type: 'options',
				noDataExpression: true,
				displayOptions: { show: { '@version': [2] } },
				options: [
					{
						name: '2026-09',
						value: '2026-09',
						description: 'Writes are checked against the account\'s validation rules and, for users connected with OAuth, their permission to edit associations',
					},
					{ name: '2026-03', value: '2026-03', description: 'HubSpot\'s first dated version of the associations API' },
					{ name: 'V4 (Legacy, Until September 2027)', value: 'v4', description: 'The numbered paths (/crm/v4/…), which HubSpot stops supporting in September 2027' },
				],
				default: DEFAULT_API_VERSION,
				description: 'Which of HubSpot\'s API versions every call goes to',
			},
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add Option',
				default: {},
				options: [batchSizeOption, concurrencyOption, dryRunOption, maxRetriesOption, outputModeOption, timeoutOption],
			},
		],
	};

	methods = {
		listSearch: { searchObjectTypes },
		loadOptions: { getAssociationLabels },
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
