import type { IDisplayOptions, INodeProperties } from 'n8n-workflow';

import type { AssociationCategory } from '../core/labels';

/**
 * The label parameters, shared by "Remove Association Labels" (the labels to remove) and "Remove All
 * Associations of Records" (its label filter). Labels come from a dropdown loaded live from HubSpot,
 * or as category + type id, either of which may be an expression.
 */
const CATEGORY_OPTIONS: Array<{ name: string; value: AssociationCategory }> = [
	{ name: 'HubSpot Defined', value: 'HUBSPOT_DEFINED' },
	{ name: 'Integrator Defined', value: 'INTEGRATOR_DEFINED' },
	{ name: 'User Defined', value: 'USER_DEFINED' },
];

export const UNLABELED_HINT =
	'Removing the unlabeled type removes every label between the pair: the whole association goes.';

export function labelProperties(show: IDisplayOptions['show'], purpose: string): INodeProperties[] {
	return [
		{
			displayName: 'Specify Labels',
			name: 'labelSource',
			type: 'options',
			noDataExpression: true,
			displayOptions: { show },
			options: [
				{ name: 'By Type ID and Category', value: 'typeIds', description: 'Give each label\'s type ID and category; either may be an expression' },
				{ name: 'From List', value: 'list', description: 'Pick labels loaded from HubSpot for the chosen object types' },
			],
			default: 'list',
		},
		{
			displayName: 'Label Names or IDs',
			name: 'labels',
			type: 'multiOptions',
			typeOptions: {
				loadOptionsMethod: 'getAssociationLabels',
				loadOptionsDependsOn: ['fromObjectType.value', 'toObjectType.value', 'authentication'],
			},
			displayOptions: { show: { ...show, labelSource: ['list'] } },
			default: [],
			hint: UNLABELED_HINT,
			description: `${purpose}. An ID is the category and type ID, e.g. USER_DEFINED:41. Choose from the list, or specify IDs using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.`,
		},
		{
			displayName: 'Labels',
			name: 'labelTypes',
			type: 'fixedCollection',
			typeOptions: { multipleValues: true },
			placeholder: 'Add Label',
			displayOptions: { show: { ...show, labelSource: ['typeIds'] } },
			default: {},
			hint: UNLABELED_HINT,
			description: purpose,
			options: [
				{
					displayName: 'Label',
					name: 'types',
					values: [
						{
							displayName: 'Category',
							name: 'associationCategory',
							type: 'options',
							options: CATEGORY_OPTIONS,
							default: 'USER_DEFINED',
						},
						{
							displayName: 'Type ID',
							name: 'associationTypeId',
							type: 'number',
							typeOptions: { minValue: 1 },
							default: 1,
							description: 'The label\'s association type ID in this direction (from → to)',
						},
					],
				},
			],
		},
	];
}
