/**
 * Association labels (HubSpot "association types"): how a user names them and how the node compares
 * them. A label is a category plus a type id; the same label has a different id in each direction.
 */

export const ASSOCIATION_CATEGORIES = ['HUBSPOT_DEFINED', 'USER_DEFINED', 'INTEGRATOR_DEFINED'] as const;
export type AssociationCategory = (typeof ASSOCIATION_CATEGORIES)[number];

/** One label as HubSpot's write endpoints take it. */
export interface AssociationTypeRef {
	associationCategory: AssociationCategory;
	associationTypeId: number;
}

export type LabelListCheck = { ok: true; types: AssociationTypeRef[] } | { ok: false; reason: string };

/** The value a dropdown entry carries and an expression may give: `USER_DEFINED:41`. */
export const labelKey = (t: { associationCategory: string; associationTypeId: number }): string =>
	`${t.associationCategory}:${t.associationTypeId}`;

const CATEGORY_SET = new Set<string>(ASSOCIATION_CATEGORIES);
const STRING_FORM = /^\s*([A-Za-z_]+)\s*:\s*(\d{1,10})\s*$/;

function shown(value: unknown): string {
	if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
	if (value === null || value === undefined) return String(value);
	if (typeof value === 'object') return Array.isArray(value) ? 'a nested array' : 'an object without a category and type id';
	return String(value);
}

function typeRef(category: unknown, typeId: unknown): AssociationTypeRef | undefined {
	const c = typeof category === 'string' ? category.trim().toUpperCase() : '';
	const id = typeof typeId === 'number' ? typeId : typeof typeId === 'string' && /^\s*\d+\s*$/.test(typeId) ? Number(typeId) : NaN;
	if (!CATEGORY_SET.has(c) || !Number.isSafeInteger(id) || id <= 0) return undefined;
	return { associationCategory: c as AssociationCategory, associationTypeId: id };
}

/** One entry: "CATEGORY:ID", `{associationCategory, associationTypeId}` or HubSpot's read shape `{category, typeId}`. */
export function parseLabel(value: unknown): AssociationTypeRef | undefined {
	if (typeof value === 'string') {
		const match = STRING_FORM.exec(value);
		return match ? typeRef(match[1], match[2]) : undefined;
	}
	if (value && typeof value === 'object' && !Array.isArray(value)) {
		const o = value as Record<string, unknown>;
		return typeRef(o.associationCategory ?? o.category, o.associationTypeId ?? o.typeId);
	}
	return undefined;
}

/**
 * A list of labels from a dropdown, an expression or the type-id fields: one entry, an array, or a
 * comma-separated string. Duplicates are dropped (order kept); an entry that is not a label refuses
 * the whole list, so a typo never removes the wrong label.
 */
export function parseLabelList(value: unknown): LabelListCheck {
	let parts: unknown[];
	if (Array.isArray(value)) parts = value.flatMap((v) => (typeof v === 'string' && v.includes(',') ? v.split(',') : [v]));
	else if (typeof value === 'string') parts = value.split(',');
	else if (value === undefined || value === null) parts = [];
	else parts = [value];
	parts = parts.filter((p) => !(typeof p === 'string' && p.trim() === ''));
	if (parts.length === 0) return { ok: false, reason: 'no labels were chosen' };

	const types: AssociationTypeRef[] = [];
	const seen = new Set<string>();
	for (let i = 0; i < parts.length; i++) {
		const type = parseLabel(parts[i]);
		if (!type) {
			return {
				ok: false,
				reason: `${parts.length > 1 ? `entry ${i}, ` : ''}${shown(parts[i])} is not a label: give a category (${ASSOCIATION_CATEGORIES.join(', ')}) and a type id, e.g. "USER_DEFINED:41"`,
			};
		}
		const key = labelKey(type);
		if (!seen.has(key)) {
			seen.add(key);
			types.push(type);
		}
	}
	return { ok: true, types };
}

/** Which of a record's associations "Remove All Associations" removes. */
export type LabelFilterMode = 'all' | 'only' | 'except';

export interface LabelFilter {
	mode: LabelFilterMode;
	/** Keys (`CATEGORY:ID`) of the chosen labels; empty when mode is 'all'. */
	keys: ReadonlySet<string>;
}

/**
 * Whether an association with these labels is removed: every one ('all'), those carrying one of the
 * chosen labels ('only'), or those carrying none of them ('except').
 */
export function passesLabelFilter(filter: LabelFilter, labelsOfPair: ReadonlyArray<{ associationCategory: string; associationTypeId: number }>): boolean {
	if (filter.mode === 'all') return true;
	const hit = labelsOfPair.some((t) => filter.keys.has(labelKey(t)));
	return filter.mode === 'only' ? hit : !hit;
}
