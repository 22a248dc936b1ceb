/**
 * Whatever an item holds → HubSpot record ids. HubSpot ids are positive 64-bit integers sent as
 * strings; anything else would only earn a 400 for the whole batch (whose answer may not name the
 * id, so its innocent items would fail too), so it is refused per item here. Within that range
 * HubSpot, not the node, says whether a record exists.
 */
type IdCheck = { ok: true; id: string } | { ok: false; reason: string };

/**
 * The largest HubSpot record id, 2^63 - 1: where HubSpot's OpenAPI specs and SDKs type record ids
 * as numbers they are int64 (`toObjectId`, `fromObjectId`, `objectId`). Compared as digits: a
 * JavaScript number cannot hold it.
 */
export const MAX_RECORD_ID = '9223372036854775807';

/** Whether digits without leading zeros name a number no larger than `MAX_RECORD_ID`. */
const fitsRecordId = (digits: string): boolean =>
	digits.length < MAX_RECORD_ID.length ||
	(digits.length === MAX_RECORD_ID.length && digits <= MAX_RECORD_ID);

export function describeValue(value: unknown): string {
	if (typeof value === 'string')
		return JSON.stringify(
			value.length > 60 ? `${value.slice(0, 60)}… (${value.length} characters)` : value,
		);
	if (value === null || value === undefined || typeof value !== 'object') return String(value);
	return Array.isArray(value) ? `an array of ${value.length}` : 'an object';
}

/**
 * Whether a number is a positive whole number too large to hold exactly: past 2^53 it may already
 * have lost its last digits (in JSON parsing, a Code node, a spreadsheet) and name another record.
 */
export const mayHaveLostDigits = (value: unknown): value is number =>
	typeof value === 'number' && Number.isInteger(value) && value > 0 && !Number.isSafeInteger(value);

/** One id: a positive integer, as a number or a string of digits (surrounding spaces allowed). */
export function parseId(value: unknown): IdCheck {
	if (typeof value === 'number') {
		if (Number.isSafeInteger(value) && value > 0) return { ok: true, id: String(value) };
		if (mayHaveLostDigits(value))
			return {
				ok: false,
				reason: `${value} is larger than a number can hold exactly (${Number.MAX_SAFE_INTEGER}), so its last digits may be wrong; pass the id as a string of digits instead`,
			};
		return { ok: false, reason: `${describeValue(value)} is not a positive whole number` };
	}
	if (typeof value === 'bigint')
		return value > 0n
			? parseId(value.toString())
			: { ok: false, reason: `${value} is not positive` };
	if (typeof value !== 'string')
		return { ok: false, reason: `${describeValue(value)} is not a HubSpot record id` };
	const trimmed = value.trim();
	if (trimmed === '') return { ok: false, reason: 'it is empty' };
	if (!/^\d+$/.test(trimmed))
		return {
			ok: false,
			reason: `${describeValue(value)} is not a HubSpot record id (digits only)`,
		};
	// Leading zeros would make "007" and "7" two different pairs for the same record.
	const id = trimmed.charCodeAt(0) === 48 ? trimmed.replace(/^0+/, '') : trimmed;
	if (id === '') return { ok: false, reason: '0 is not a HubSpot record id' };
	if (!fitsRecordId(id))
		return {
			ok: false,
			reason: `${describeValue(value)} is larger than the largest HubSpot record id (${MAX_RECORD_ID})`,
		};
	return { ok: true, id };
}

/**
 * The "to" side: one id, an array of ids, or a comma-separated string. Duplicates inside one item
 * are dropped (order kept), so the item's output lists each id once.
 */
export function parseIdList(
	value: unknown,
): { ok: true; ids: string[] } | { ok: false; reason: string } {
	if (value === undefined || value === null || value === '')
		return { ok: false, reason: 'no ids were given' };
	// A single value is the usual case, read for every item: no list is made around it.
	const parts = Array.isArray(value)
		? value
		: typeof value === 'string' && value.includes(',')
			? value.split(',')
			: undefined;
	if (parts?.length === 0) return { ok: false, reason: 'no ids were given' };
	if (!parts || (parts.length === 1 && !Array.isArray(parts[0]))) {
		const check = parseId(parts ? parts[0] : value);
		return check.ok ? { ok: true, ids: [check.id] } : check;
	}
	const ids = new Set<string>();
	for (let i = 0; i < parts.length; i++) {
		if (Array.isArray(parts[i]))
			return { ok: false, reason: `entry ${i} is a nested array; give a flat list of ids` };
		const check = parseId(parts[i]);
		if (!check.ok) return { ok: false, reason: `entry ${i}: ${check.reason}` };
		ids.add(check.id);
	}
	return { ok: true, ids: [...ids] };
}
