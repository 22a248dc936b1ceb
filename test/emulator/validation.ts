/**
 * Validation of batch bodies the way HubSpot does it: structure first (400 "Invalid input JSON"),
 * then the batch size, then every object id. Ids must be positive integers, as a string of digits
 * or a number; HubSpot rejects the whole batch when one id is bad, naming it.
 */
import { ASSOCIATION_CATEGORIES, AssociationCategory, AssociationType } from './objectTypes';

/**
 * The largest record id: HubSpot's ids are int64 where its specs type them as integers (the Flexible Associations
 * spec's `LabelsBetweenObjectPair_1.toObjectId`, Limits Tracking's and Calling Extensions' `objectId`). A longer id is
 * refused with the rest of the request, like any other invalid id (the words of that 400 are the emulator's own).
 */
const MAX_ID = '9223372036854775807';

/** Canonical id ("007" → "7"), or undefined when HubSpot would reject it. */
export function normalizeId(value: unknown): string | undefined {
	if (typeof value === 'number')
		return Number.isSafeInteger(value) && value > 0 ? String(value) : undefined;
	if (typeof value !== 'string' || !/^[0-9]+$/.test(value)) return undefined;
	const id = value.replace(/^0+/, '');
	const fits = id.length < MAX_ID.length || (id.length === MAX_ID.length && id <= MAX_ID);
	return id === '' || !fits ? undefined : id;
}

/** Normalises ids and remembers the bad ones with where they were. */
export class IdCollector {
	readonly invalid: Array<{ value: unknown; at: string }> = [];

	take(value: unknown, at: string): string {
		const id = normalizeId(value);
		if (id === undefined) this.invalid.push({ value, at });
		return id ?? '';
	}

	/** HubSpot-style message naming the bad values. */
	message(): string {
		const shown = this.invalid.slice(0, 10).map((i) => `${describe(i.value)} at ${i.at}`);
		const more = this.invalid.length > 10 ? ` and ${this.invalid.length - 10} more` : '';
		return `Invalid object id${this.invalid.length > 1 ? 's' : ''}: ${shown.join(', ')}${more}. Object ids must be positive integers.`;
	}
}

export function describe(value: unknown): string {
	return value === undefined ? 'undefined' : JSON.stringify(value);
}

const isObject = (v: unknown): v is Record<string, unknown> =>
	typeof v === 'object' && v !== null && !Array.isArray(v);

/** `inputs` of a body, or an error message. */
function inputsOf(body: unknown): unknown[] | string {
	if (!isObject(body))
		return 'Invalid input JSON: the body must be an object with an "inputs" array';
	if (!Array.isArray(body.inputs))
		return `Invalid input JSON: "inputs" must be an array, got ${describe(body.inputs)}`;
	return body.inputs;
}

function idOf(v: unknown, at: string): { id: unknown } | string {
	if (!isObject(v) || !('id' in v))
		return `Invalid input JSON: ${at} must be an object with an "id"`;
	return { id: v.id };
}

/** batch/archive: [{from:{id}, to:[{id}]}]. */
export function parseArchiveInputs(
	body: unknown,
): Array<{ from: unknown; to: unknown[] }> | string {
	const inputs = inputsOf(body);
	if (typeof inputs === 'string') return inputs;
	const out: Array<{ from: unknown; to: unknown[] }> = [];
	for (let i = 0; i < inputs.length; i++) {
		const input = inputs[i];
		if (!isObject(input)) return `Invalid input JSON: inputs[${i}] must be an object`;
		const from = idOf(input.from, `inputs[${i}].from`);
		if (typeof from === 'string') return from;
		if (!Array.isArray(input.to))
			return `Invalid input JSON: inputs[${i}].to must be an array of {id}`;
		const to: unknown[] = [];
		for (let j = 0; j < input.to.length; j++) {
			const t = idOf(input.to[j], `inputs[${i}].to[${j}]`);
			if (typeof t === 'string') return t;
			to.push(t.id);
		}
		out.push({ from: from.id, to });
	}
	return out;
}

function parseTypes(v: unknown, at: string): AssociationType[] | string {
	if (!Array.isArray(v))
		return `Invalid input JSON: ${at} must be an array of {associationCategory, associationTypeId}`;
	const out: AssociationType[] = [];
	for (let k = 0; k < v.length; k++) {
		const t = v[k];
		const here = `${at}[${k}]`;
		if (!isObject(t)) return `Invalid input JSON: ${here} must be an object`;
		const category = t.associationCategory;
		if (
			typeof category !== 'string' ||
			!ASSOCIATION_CATEGORIES.includes(category as AssociationCategory)
		) {
			return `Invalid input JSON: ${here}.associationCategory must be one of ${ASSOCIATION_CATEGORIES.join(', ')}, got ${describe(category)}`;
		}
		const typeId =
			typeof t.associationTypeId === 'string' && /^\d+$/.test(t.associationTypeId)
				? Number(t.associationTypeId)
				: t.associationTypeId;
		if (typeof typeId !== 'number' || !Number.isSafeInteger(typeId) || typeId <= 0) {
			return `Invalid input JSON: ${here}.associationTypeId must be a positive integer, got ${describe(t.associationTypeId)}`;
		}
		out.push({ category: category as AssociationCategory, typeId });
	}
	return out;
}

/** batch/labels/archive and batch/create: [{from:{id}, to:{id}, types:[...]}]. */
export function parseTypedInputs(
	body: unknown,
): Array<{ from: unknown; to: unknown; types: AssociationType[] }> | string {
	const inputs = inputsOf(body);
	if (typeof inputs === 'string') return inputs;
	const out: Array<{ from: unknown; to: unknown; types: AssociationType[] }> = [];
	for (let i = 0; i < inputs.length; i++) {
		const input = inputs[i];
		if (!isObject(input)) return `Invalid input JSON: inputs[${i}] must be an object`;
		const from = idOf(input.from, `inputs[${i}].from`);
		if (typeof from === 'string') return from;
		const to = idOf(input.to, `inputs[${i}].to`);
		if (typeof to === 'string') return to;
		const types = parseTypes(input.types, `inputs[${i}].types`);
		if (typeof types === 'string') return types;
		out.push({ from: from.id, to: to.id, types });
	}
	return out;
}

/** batch/read: [{id, after?}]. */
export function parseReadInputs(body: unknown): Array<{ id: unknown; after?: string }> | string {
	const inputs = inputsOf(body);
	if (typeof inputs === 'string') return inputs;
	const out: Array<{ id: unknown; after?: string }> = [];
	for (let i = 0; i < inputs.length; i++) {
		const input = idOf(inputs[i], `inputs[${i}]`);
		if (typeof input === 'string') return input;
		const after = (inputs[i] as Record<string, unknown>).after;
		if (after !== undefined && after !== null && typeof after !== 'string') {
			return `Invalid input JSON: inputs[${i}].after must be a string`;
		}
		out.push({ id: input.id, after: after ?? undefined });
	}
	return out;
}

/** Opaque paging cursors: base64url of an offset into one from id's targets. */
export function encodeCursor(offset: number): string {
	return Buffer.from(`emu:${offset}`).toString('base64url');
}

export function decodeCursor(cursor: string): number | undefined {
	const m = /^emu:(\d+)$/.exec(Buffer.from(cursor, 'base64url').toString());
	return m ? Number(m[1]) : undefined;
}
