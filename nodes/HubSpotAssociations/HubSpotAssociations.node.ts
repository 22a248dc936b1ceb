/**
 * The HubSpot Associations node: what n8n shows (its parameters, in order) and where each run goes
 * (the router).
 */
import { NodeConnectionTypes } from 'n8n-workflow';
import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';

import { operations, router } from './actions/router';
import { optionsProperty } from './helpers/options';
import { itemProperties } from './helpers/readItems';
import { getAssociationLabels } from './methods/loadOptions';
import { searchObjectTypes } from './methods/listSearch';
import { DEFAULT_API_VERSION } from './transport/paths';

/**
 * The tool variant's Description parameter for one operation, defaulting to what that operation
 * tells a model.
 */
function toolDescriptionProperty(operation: string, text: string): INodeProperties {
	return {
		displayName: 'Description',
		name: 'toolDescription',
		type: 'string',
		typeOptions: { rows: 4 },
		default: text,
		displayOptions: { show: { '@tool': [true], operation: [operation] } },
		description:
			'What the model is told this tool does: what it removes, which IDs it takes and what it answers',
	};
}

export class HubSpotAssociations implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'HubSpot Associations',
		name: 'hubSpotAssociations',
		icon: { light: 'file:hubspot.svg', dark: 'file:hubspot.dark.svg' },
		group: ['transform'],
		// Version 2 calls HubSpot's dated API versions; workflows saved with version 1 keep the
		// numbered paths.
		version: [1, 2],
		defaultVersion: 2,
		// The canvas shows the operation's action name under the node ("Remove association labels"),
		// not its value.
		subtitle: `={{ ${JSON.stringify(Object.fromEntries(operations.map((o) => [o.option.value, o.option.action])))}[$parameter["operation"]] }}`,
		description:
			'Remove associations, or only some of their labels, between HubSpot CRM records in batches',
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
			{
				displayName: 'Authentication',
				name: 'authentication',
				type: 'options',
				options: [
					{ name: 'OAuth2', value: 'oAuth2' },
					{ name: 'Private App Token', value: 'appToken' },
				],
				default: 'oAuth2',
			},
			{
				displayName: 'Operation',
				name: 'operation',
				type: 'options',
				noDataExpression: true,
				options: operations.map((o) => o.option),
				default: 'archive',
			},
			...itemProperties,
			...operations.flatMap((o) => o.description),
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
						description:
							"Writes are checked against the account's validation rules and, for users connected with OAuth, their permission to edit associations",
					},
					{
						name: '2026-03',
						value: '2026-03',
						description: "HubSpot's first dated version of the associations API",
					},
					{
						name: 'V4 (Legacy, Until September 2027)',
						value: 'v4',
						description:
							'The numbered paths (/crm/v4/…), which HubSpot stops supporting in September 2027',
					},
				],
				default: DEFAULT_API_VERSION,
				description: "Which of HubSpot's API versions every call goes to",
			},
			optionsProperty,
			// The tool variant's description for models, per operation; with it here n8n adds no
			// description parameter of its own.
			...operations.map((o) => toolDescriptionProperty(o.option.value, o.toolDescription)),
		],
	};

	methods = { listSearch: { searchObjectTypes }, loadOptions: { getAssociationLabels } };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
