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
import { getAssociationLabels } from './methods/loadOptions';

export class HubSpotAssociations implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'HubSpot Associations',
		name: 'hubSpotAssociations',
		icon: { light: 'file:hubspot.svg', dark: 'file:hubspot.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["operation"]}}',
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
