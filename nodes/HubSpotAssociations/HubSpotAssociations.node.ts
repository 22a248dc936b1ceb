import { NodeConnectionTypes } from 'n8n-workflow';
import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';

import { description as archiveDescription } from './actions/archive.operation';
import { router } from './actions/router';
import {
	authenticationProperty,
	batchSizeOption,
	concurrencyOption,
	fromIdProperty,
	fromObjectTypeProperty,
	maxRetriesOption,
	outputModeOption,
	toIdsProperty,
	toObjectTypeProperty,
} from './descriptions/common';
import { searchObjectTypes } from './methods/listSearch';

export class HubSpotAssociations implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'HubSpot Associations',
		name: 'hubSpotAssociations',
		icon: { light: 'file:hubspot.svg', dark: 'file:hubspot.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["operation"]}}',
		description: 'Remove associations between HubSpot CRM records in batches',
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
				],
				default: 'archive',
			},
			fromObjectTypeProperty,
			toObjectTypeProperty,
			fromIdProperty,
			toIdsProperty,
			...archiveDescription,
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add Option',
				default: {},
				options: [batchSizeOption, concurrencyOption, maxRetriesOption, outputModeOption],
			},
		],
	};

	methods = {
		listSearch: { searchObjectTypes },
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
