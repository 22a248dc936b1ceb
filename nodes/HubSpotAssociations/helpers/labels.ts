/**
 * Association labels (HubSpot "association types"): the parameters that name them, how their values
 * are read and how the node compares them. A label is a category plus a type id; the same label has
 * a different id in each direction.
 */
import type { IDisplayOptions, INodeProperties } from 'n8n-workflow';

const ASSOCIATION_CATEGORIES = ['HUBSPOT_DEFINED', 'USER_DEFINED', 'INTEGRATOR_DEFINED'] as const;

/** One label as HubSpot's write endpoints take it. */
export interface AssociationTypeRef {
	associationCategory: (typeof ASSOCIATION_CATEGORIES)[number];
	associationTypeId: number;
}

/** The value a dropdown entry carries and an expression may give: `USER_DEFINED:41`. */
export const labelKey = (t: { associationCategory: string; associationTypeId: number }): string =>
	`${t.associationCategory}:${t.associationTypeId}`;

/**
 * HubSpot's association type ids are int32 (`associationTypeId`, `typeId` in its specs): a larger
 * one fails the whole request.
 */
const MAX_TYPE_ID = 2_147_483_647;

function typeRef(category: unknown, typeId: unknown): AssociationTypeRef | undefined {
	const c = typeof category === 'string' ? category.trim().toUpperCase() : '';
	const id =
		typeof typeId === 'number'
			? typeId
			: typeof typeId === 'string' && /^\s*\d+\s*$/.test(typeId)
				? Number(typeId)
				: NaN;
	if (
		!(ASSOCIATION_CATEGORIES as readonly string[]).includes(c) ||
		!Number.isInteger(id) ||
		id <= 0 ||
		id > MAX_TYPE_ID
	)
		return undefined;
	return {
		associationCategory: c as AssociationTypeRef['associationCategory'],
		associationTypeId: id,
	};
}

/**
 * One entry: "CATEGORY:ID", `{associationCategory, associationTypeId}` or HubSpot's read shape
 * `{category, typeId}`.
 */
export function parseLabel(value: unknown): AssociationTypeRef | undefined {
	if (typeof value === 'string') {
		const match = /^\s*([A-Za-z_]+)\s*:\s*(\d{1,10})\s*$/.exec(value);
		return match ? typeRef(match[1], match[2]) : undefined;
	}
	const o =
		value && typeof value === 'object' && !Array.isArray(value)
			? (value as Record<string, unknown>)
			: undefined;
	return o && typeRef(o.associationCategory ?? o.category, o.associationTypeId ?? o.typeId);
}

function shown(value: unknown): string {
	if (typeof value === 'string')
		return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
	if (value === null || typeof value !== 'object') return String(value);
	return Array.isArray(value) ? 'a nested array' : 'an object without a category and type id';
}

/**
 * A list of labels from a dropdown, an expression or the type-id fields: one entry, an array, or a
 * comma-separated string. Duplicates are dropped (order kept); an entry that is not a label refuses
 * the whole list, so a typo never removes the wrong label.
 */
export function parseLabelList(
	value: unknown,
): { ok: true; types: AssociationTypeRef[] } | { ok: false; reason: string } {
	const parts = (
		Array.isArray(value) ? value : value === undefined || value === null ? [] : [value]
	)
		.flatMap((v) => (typeof v === 'string' ? v.split(',') : [v]))
		.filter((p) => !(typeof p === 'string' && p.trim() === ''));
	if (parts.length === 0) return { ok: false, reason: 'no labels were chosen' };
	const types = new Map<string, AssociationTypeRef>();
	for (let i = 0; i < parts.length; i++) {
		const type = parseLabel(parts[i]);
		if (!type) {
			const entry = `${parts.length > 1 ? `entry ${i}, ` : ''}${shown(parts[i])}`;
			return {
				ok: false,
				reason: `${entry} is not a label: give a category (${ASSOCIATION_CATEGORIES.join(', ')}) and a type id, e.g. "USER_DEFINED:41"`,
			};
		}
		if (!types.has(labelKey(type))) types.set(labelKey(type), type);
	}
	return { ok: true, types: [...types.values()] };
}

/**
 * Which of a record's associations "Remove All Associations" removes, by the keys (`CATEGORY:ID`)
 * of the chosen labels.
 */
export interface LabelFilter {
	mode: 'all' | 'only' | 'except';
	keys: ReadonlySet<string>;
}

/**
 * Whether an association with these labels is removed: every one ('all'), those carrying one of the
 * chosen labels ('only'), or those carrying none of them ('except').
 */
export function passesLabelFilter(
	filter: LabelFilter,
	labelsOfPair: ReadonlyArray<{ associationCategory: string; associationTypeId: number }>,
): boolean {
	if (filter.mode === 'all') return true;
	return labelsOfPair.some((t) => filter.keys.has(labelKey(t))) === (filter.mode === 'only');
}

const UNLABELED_HINT =
	'Removing the unlabeled type removes every label between the pair: the whole association goes.';

/**
 * The label parameters, shared by "Remove Association Labels" (the labels to remove) and "Remove
 * All Associations of Records" (its label filter): a dropdown loaded live from HubSpot, or category
 * + type id.
 */
export function labelProperties(show: IDisplayOptions['show'], purpose: string): INodeProperties[] {
	return [
		{
			displayName: 'Specify Labels',
			name: 'labelSource',
			type: 'options',
			noDataExpression: true,
			displayOptions: { show },
			options: [
				{
					name: 'By Type ID and Category',
					value: 'typeIds',
					description: "Give each label's type ID and category; either may be an expression",
				},
				{
					name: 'From List',
					value: 'list',
					description: 'Pick labels loaded from HubSpot for the chosen object types',
				},
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
							options: [
								{ name: 'HubSpot Defined', value: 'HUBSPOT_DEFINED' },
								{ name: 'Integrator Defined', value: 'INTEGRATOR_DEFINED' },
								{ name: 'User Defined', value: 'USER_DEFINED' },
							],
							default: 'USER_DEFINED',
						},
						{
							displayName: 'Type ID',
							name: 'associationTypeId',
							type: 'number',
							typeOptions: { minValue: 1 },
							default: 1,
							description: "The label's association type ID in this direction (from → to)",
						},
					],
				},
			],
		},
	];
}
