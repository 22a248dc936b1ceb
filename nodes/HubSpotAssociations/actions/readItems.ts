import { NodeOperationError } from 'n8n-workflow';
import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import type { ItemPairs } from '../core/batches';
import { describeValue, parseId, parseIdList } from '../core/ids';
import { parseLabelList } from '../core/labels';
import { normalizeObjectType } from '../core/objectTypes';
import { itemValueReader, labelReader, objectTypeReader } from './itemValues';

export interface ReadItems {
	valid: ItemPairs[];
	/** Input items that were refused before anything was sent, with the reason. */
	invalid: Map<number, NodeOperationError>;
}

/** What an operation needs from each item besides its object types and from id. */
export interface ItemFields {
	/** The to ids (every operation that names pairs). Without them an item is a from id alone. */
	toIds: boolean;
	/** The labels chosen in the label parameters, checked per item. */
	labels: boolean;
}

export const PAIR_FIELDS: ItemFields = { toIds: true, labels: false };

const LABEL_HINT =
	'Pick labels from the list (it needs From and To Object Types), or give each as its category and type id, e.g. USER_DEFINED:41. The labels endpoint of HubSpot lists them: GET /crm/associations/2026-03/{from}/{to}/labels.';

const OBJECT_TYPE_HINT = 'Pick an object from the list, or give its name or type id (0-…), or a custom object\'s type id (2-…) or fully qualified name (p…_name).';

const ID_HINT =
	'HubSpot record ids are positive whole numbers, e.g. 12345 or "12345". Map the field that holds the record id, not the whole record.';

/**
 * Checks every item before any request: an item with a bad type or id is never sent. Without
 * "Continue On Fail" the first bad item stops the node here, naming it and the value.
 */
export function readItems(ctx: IExecuteFunctions, items: INodeExecutionData[], fields: ItemFields = PAIR_FIELDS): ReadItems {
	const readFromType = objectTypeReader(ctx, 'fromObjectType');
	const readToType = objectTypeReader(ctx, 'toObjectType');
	const readFromId = itemValueReader(ctx, 'fromId', items, '={{ $json.id }}');
	const readToIds = fields.toIds ? itemValueReader(ctx, 'toIds', items) : undefined;
	const readLabels = fields.labels ? labelReader(ctx) : undefined;
	const node = ctx.getNode();
	const continueOnFail = ctx.continueOnFail();
	const valid: ItemPairs[] = [];
	const invalid = new Map<number, NodeOperationError>();

	// Object types are nearly always the same for every item: check each distinct value once.
	const typeChecks = new Map<unknown, ReturnType<typeof normalizeObjectType>>();
	const checkType = (raw: unknown) => {
		let check = typeChecks.get(raw);
		if (!check) {
			check = normalizeObjectType(raw);
			if (typeChecks.size < 1000) typeChecks.set(raw, check);
		}
		return check;
	};

	/** One item's pairs, or why it is refused; an expression that throws is a refusal too. */
	const checkItem = (i: number): ItemPairs | Refusal => {
		let step = 'From Object Type';
		try {
			const fromType = checkType(readFromType(i));
			if (!fromType.ok) {
				return refusal(`From Object Type cannot be used: ${fromType.reason}`, OBJECT_TYPE_HINT);
			}
			step = 'To Object Type';
			const toType = checkType(readToType(i));
			if (!toType.ok) {
				return refusal(`To Object Type cannot be used: ${toType.reason}`, OBJECT_TYPE_HINT);
			}
			step = 'From ID';
			const rawFrom = readFromId(i);
			if (Array.isArray(rawFrom)) {
				return refusal(`From ID must be one id, got ${describeValue(rawFrom)}`, `Split the item so each has one from id (e.g. with the Split Out node). ${ID_HINT}`);
			}
			const fromId = parseId(rawFrom);
			if (!fromId.ok) return refusal(`From ID is not valid: ${fromId.reason}`, ID_HINT);
			let toIds: string[] | undefined;
			if (readToIds) {
				step = 'To IDs';
				const parsed = parseIdList(readToIds(i));
				if (!parsed.ok) {
					return refusal(`To IDs are not valid: ${parsed.reason}`, `Give one id, an array of ids, or a comma-separated list. ${ID_HINT}`);
				}
				toIds = parsed.ids;
			}
			const item: ItemPairs = { itemIndex: i, fromObjectType: fromType.value, toObjectType: toType.value, fromId: fromId.id, toIds: toIds ?? [] };
			if (readLabels) {
				step = 'Labels';
				const labels = parseLabelList(readLabels(i));
				if (!labels.ok) return refusal(`Labels are not valid: ${labels.reason}`, LABEL_HINT);
				item.types = labels.types;
			}
			return item;
		} catch (error) {
			// An expression that throws: name the item and the parameter, keep n8n's own words.
			const reason = error instanceof Error ? error.message : String(error);
			return refusal(`${step} could not be evaluated: ${reason}`, 'Check the expression of this parameter against this item\'s data.');
		}
	};

	for (let i = 0; i < items.length; i++) {
		const checked = checkItem(i);
		if (!('refused' in checked)) {
			valid.push(checked);
			continue;
		}
		const error = new NodeOperationError(node, `Item ${i}: ${checked.refused}`, { itemIndex: i, description: checked.description });
		if (!continueOnFail) throw error;
		invalid.set(i, error);
	}
	return { valid, invalid };
}

interface Refusal {
	refused: string;
	description: string;
}

function refusal(message: string, description: string): Refusal {
	return { refused: message, description };
}
