/**
 * The parameters each item is read from, and input items → checked pairs, before any request: an
 * item with a bad object type, id or label is never sent. Without "Continue On Fail" the first bad
 * item stops the node here, naming it and the value.
 */
import { NodeOperationError } from 'n8n-workflow';
import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeParameterResourceLocator,
	INodeProperties,
} from 'n8n-workflow';

import { OBJECT_TYPE_HINT, type FailureReport } from '../transport/errors';
import { failuresBecomeItems } from './asTool';
import { describeValue, parseId, parseIdList } from './ids';
import { parseLabelList, type AssociationTypeRef } from './labels';
import { normalizeObjectType } from './objectTypes';

/** One valid input item, ids already checked and canonical. */
export interface ItemPairs {
	itemIndex: number;
	fromObjectType: string;
	toObjectType: string;
	fromId: string;
	toIds: string[];
	/** Labels the item names (Remove Association Labels: to remove; Remove All: its filter). */
	types?: AssociationTypeRef[];
}

/** Items that failed before the writes (a HubSpot read for them failed), by item index. */
export type ItemFailures = Map<number, { item: ItemPairs; report: FailureReport }>;

/**
 * What an operation needs from each item besides its object types and from id: the to ids (without
 * them an item is a from id alone), the labels chosen in the label parameters (checked per item).
 */
export type ItemFields = { toIds: boolean; labels: boolean };

const objectTypeProperty = (
	name: string,
	displayName: string,
	description: string,
): INodeProperties => ({
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
});

/** From and To Object Type and From ID: every operation's. */
export const itemProperties: INodeProperties[] = [
	objectTypeProperty(
		'fromObjectType',
		'From Object Type',
		'The type of the records whose associations are removed',
	),
	objectTypeProperty(
		'toObjectType',
		'To Object Type',
		'The type of the records they are associated with',
	),
	{
		displayName: 'From ID',
		name: 'fromId',
		type: 'string',
		default: '={{ $json.id }}',
		required: true,
		displayOptions: { hide: { '@tool': [true] } },
		description:
			'The record ID on the "from" side, for each item. For "Remove All Associations of Records", the record whose associations are removed.',
		hint: 'A plain field reference like {{ $json.id }} is read straight from the item, skipping the expression engine for speed',
	},
	// The tool variant: the model gives the ids. Without these defaults a tool call would read
	// $json.id of the model's arguments, which the model is never asked for. The descriptions are
	// what the model is told about each argument.
	{
		displayName: 'From ID',
		name: 'fromId',
		type: 'string',
		required: true,
		displayOptions: { show: { '@tool': [true] } },
		default:
			"={{ $fromAI('fromId', 'The HubSpot record id of the record on the from side, whose associations are removed: digits only, e.g. 12345', 'string') }}",
		description: 'The record ID on the "from" side. By default the model gives it.',
	},
];

const TO_IDS_FOR_MODEL =
	"={{ $fromAI('toIds', 'The HubSpot record ids of the records on the to side: digits only, one id or several separated by commas, e.g. 101,102', 'string') }}";

export const toIdsProperty = (operation: string): INodeProperties[] => [
	{
		displayName: 'To IDs',
		name: 'toIds',
		type: 'string',
		default: '',
		required: true,
		displayOptions: { show: { operation: [operation] }, hide: { '@tool': [true] } },
		placeholder: 'e.g. {{ $json.companyIds }} or 101,102',
		description:
			'The record ID(s) on the "to" side: one ID, an array of IDs, or a comma-separated list',
	},
	{
		displayName: 'To IDs',
		name: 'toIds',
		type: 'string',
		default: TO_IDS_FOR_MODEL,
		required: true,
		displayOptions: { show: { operation: [operation], '@tool': [true] } },
		description: 'The record ID(s) on the "to" side. By default the model gives them.',
	},
];

export const PAIR_FIELDS: ItemFields = { toIds: true, labels: false };

const LABEL_HINT =
	'Pick labels from the list (it needs From and To Object Types), or give each as its category and type id, e.g. USER_DEFINED:41. The labels endpoint of HubSpot lists them: GET /crm/associations/2026-03/{from}/{to}/labels.';
const ID_HINT =
	'HubSpot record ids are positive whole numbers, e.g. 12345 or "12345". Map the field that holds the record id, not the whole record.';

/**
 * A parameter that is nothing but a field reference, `={{ $json.a.b }}` or `={{ $json["a b"][0]
 * }}`, is read from the item directly: n8n's expression engine costs about a millisecond per item
 * and parameter (n8n 2.40's default engine), as long as HubSpot itself needs for 100,000 pairs.
 */
const WHOLE_REFERENCE =
	/^=\{\{\s*\$json((?:\??\.[A-Za-z_$][\w$]*|\[\s*(?:"[^"\\]*"|'[^'\\]*'|\d+)\s*\])+)\s*\}\}$/;
const SEGMENT = /\??\.([A-Za-z_$][\w$]*)|\[\s*(?:"([^"\\]*)"|'([^'\\]*)'|(\d+))\s*\]/g;

/** The field path of a plain `$json` reference, or undefined for anything else. */
export function fieldPathOf(raw: unknown): string[] | undefined {
	const match = typeof raw === 'string' ? WHOLE_REFERENCE.exec(raw.trim()) : null;
	return match
		? [...match[1].matchAll(SEGMENT)].map((m) => m[1] ?? m[2] ?? m[3] ?? m[4])
		: undefined;
}

/** Follows a path through plain data; undefined when any step is missing. */
export function readPath(data: unknown, path: readonly string[]): unknown {
	let current: unknown = data;
	for (const key of path) {
		if (
			current === null ||
			typeof current !== 'object' ||
			!Object.prototype.hasOwnProperty.call(current, key)
		)
			return undefined;
		current = (current as Record<string, unknown>)[key];
	}
	return current;
}

/**
 * A per-item parameter: a plain field reference read straight from the item, anything else through
 * n8n.
 */
function itemValueReader(
	ctx: IExecuteFunctions,
	name: string,
	items: INodeExecutionData[],
	fallbackRaw?: string,
) {
	const path = fieldPathOf(ctx.getNode().parameters[name] ?? fallbackRaw);
	return path
		? (i: number) => readPath(items[i].json, path)
		: (i: number) => ctx.getNodeParameter(name, i, undefined);
}

/**
 * Whether a parameter holds an expression anywhere inside it (a fixedCollection's field may be
 * one).
 */
const holdsExpression = (raw: unknown): boolean =>
	typeof raw === 'string'
		? raw.startsWith('=')
		: !!raw && typeof raw === 'object' && Object.values(raw).some(holdsExpression);

/** Reads a parameter once for all items, unless an expression in it may differ per item. */
function sameForAllItems(
	ctx: IExecuteFunctions,
	name: string,
	read: (itemIndex: number) => unknown,
) {
	const raw = ctx.getNode().parameters[name];
	if (
		holdsExpression(
			raw && typeof raw === 'object' && 'value' in raw
				? (raw as INodeParameterResourceLocator).value
				: raw,
		)
	)
		return read;
	let once: { value: unknown } | undefined;
	return (i: number) => (once ??= { value: read(i) }).value;
}

/** The labels an item names: the dropdown's values, or the type id and category fields. */
function labelReader(ctx: IExecuteFunctions) {
	const byTypeIds = ctx.getNodeParameter('labelSource', 0, 'list') === 'typeIds';
	const name = byTypeIds ? 'labelTypes' : 'labels';
	return sameForAllItems(ctx, name, (i) => {
		const value = ctx.getNodeParameter(name, i, byTypeIds ? {} : []);
		return byTypeIds ? ((value as { types?: unknown }).types ?? []) : value;
	});
}

export function readItems(ctx: IExecuteFunctions, items: INodeExecutionData[], fields: ItemFields) {
	const objectType = (name: string) =>
		sameForAllItems(ctx, name, (i) => ctx.getNodeParameter(name, i, '', { extractValue: true }));
	const readFromType = objectType('fromObjectType');
	const readToType = objectType('toObjectType');
	const readFromId = itemValueReader(ctx, 'fromId', items, '={{ $json.id }}');
	const readToIds = fields.toIds ? itemValueReader(ctx, 'toIds', items) : undefined;
	const readLabels = fields.labels ? labelReader(ctx) : undefined;
	const continueOnFail = failuresBecomeItems(ctx);
	const valid: ItemPairs[] = [];
	const invalid = new Map<number, NodeOperationError>();
	// Object types are nearly always the same for every item: each distinct value is checked once.
	const typeChecks = new Map<unknown, ReturnType<typeof normalizeObjectType>>();
	const checkType = (raw: unknown) => {
		let check = typeChecks.get(raw);
		if (!check && typeChecks.size < 1000) typeChecks.set(raw, (check = normalizeObjectType(raw)));
		return check ?? normalizeObjectType(raw);
	};

	/**
	 * One item's pairs, or why it is refused ([message, hint]); an expression that throws is a
	 * refusal too.
	 */
	const checkItem = (i: number): ItemPairs | [string, string] => {
		let step = 'From Object Type';
		try {
			const fromType = checkType(readFromType(i));
			if (!fromType.ok)
				return [`From Object Type cannot be used: ${fromType.reason}`, OBJECT_TYPE_HINT];
			step = 'To Object Type';
			const toType = checkType(readToType(i));
			if (!toType.ok) return [`To Object Type cannot be used: ${toType.reason}`, OBJECT_TYPE_HINT];
			step = 'From ID';
			const rawFrom = readFromId(i);
			if (Array.isArray(rawFrom))
				return [
					`From ID must be one id, got ${describeValue(rawFrom)}`,
					`Split the item so each has one from id (e.g. with the Split Out node). ${ID_HINT}`,
				];
			const fromId = parseId(rawFrom);
			if (!fromId.ok) return [`From ID is not valid: ${fromId.reason}`, ID_HINT];
			const item: ItemPairs = {
				itemIndex: i,
				fromObjectType: fromType.value,
				toObjectType: toType.value,
				fromId: fromId.id,
				toIds: [],
			};
			if (readToIds) {
				step = 'To IDs';
				const toIds = parseIdList(readToIds(i));
				if (!toIds.ok)
					return [
						`To IDs are not valid: ${toIds.reason}`,
						`Give one id, an array of ids, or a comma-separated list. ${ID_HINT}`,
					];
				item.toIds = toIds.ids;
			}
			if (readLabels) {
				step = 'Labels';
				const labels = parseLabelList(readLabels(i));
				if (!labels.ok) return [`Labels are not valid: ${labels.reason}`, LABEL_HINT];
				item.types = labels.types;
			}
			return item;
		} catch (error) {
			// An expression that throws: name the item and the parameter, keep n8n's own words.
			return [
				`${step} could not be evaluated: ${error instanceof Error ? error.message : String(error)}`,
				"Check the expression of this parameter against this item's data.",
			];
		}
	};

	for (let i = 0; i < items.length; i++) {
		const checked = checkItem(i);
		if (!Array.isArray(checked)) valid.push(checked);
		else {
			const error = new NodeOperationError(ctx.getNode(), `Item ${i}: ${checked[0]}`, {
				itemIndex: i,
				description: checked[1],
			});
			if (!continueOnFail) throw error;
			invalid.set(i, error);
		}
	}
	return { valid, invalid };
}
