/**
 * HubSpot object types the node accepts, and the one check that decides whether a typed-in value
 * can be sent. Checked before any request so a typo never costs a call (or worse, a 400 per batch).
 */

export interface StandardObjectType {
	name: string;
	label: string;
	objectTypeId: string;
}

export const STANDARD_OBJECT_TYPES: readonly StandardObjectType[] = [
	{ name: 'contacts', label: 'Contacts', objectTypeId: '0-1' },
	{ name: 'companies', label: 'Companies', objectTypeId: '0-2' },
	{ name: 'deals', label: 'Deals', objectTypeId: '0-3' },
	{ name: 'tickets', label: 'Tickets', objectTypeId: '0-5' },
	{ name: 'products', label: 'Products', objectTypeId: '0-7' },
	{ name: 'line_items', label: 'Line Items', objectTypeId: '0-8' },
	{ name: 'quotes', label: 'Quotes', objectTypeId: '0-14' },
	{ name: 'communications', label: 'Communications', objectTypeId: '0-18' },
	{ name: 'tasks', label: 'Tasks', objectTypeId: '0-27' },
	{ name: 'notes', label: 'Notes', objectTypeId: '0-46' },
	{ name: 'meetings', label: 'Meetings', objectTypeId: '0-47' },
	{ name: 'calls', label: 'Calls', objectTypeId: '0-48' },
	{ name: 'emails', label: 'Emails', objectTypeId: '0-49' },
	{ name: 'postal_mail', label: 'Postal Mail', objectTypeId: '0-116' },
];

const BY_NAME = new Map(STANDARD_OBJECT_TYPES.map((t) => [t.name, t]));
const BY_ID = new Map(STANDARD_OBJECT_TYPES.map((t) => [t.objectTypeId, t]));
/** Singular spellings people type ("contact", "company") map to HubSpot's plural names. */
const SINGULARS = new Map<string, string>([
	['contact', 'contacts'],
	['company', 'companies'],
	['deal', 'deals'],
	['ticket', 'tickets'],
	['product', 'products'],
	['line_item', 'line_items'],
	['quote', 'quotes'],
	['communication', 'communications'],
	['task', 'tasks'],
	['note', 'notes'],
	['meeting', 'meetings'],
	['call', 'calls'],
	['email', 'emails'],
]);

/** Custom object type ids are `2-<digits>`; fully qualified names look like `p1234_cars`. */
const CUSTOM_OBJECT_ID = /^2-\d{1,18}$/;
const FULLY_QUALIFIED_NAME = /^p\d{1,18}_[a-z0-9_]{1,100}$/;

export type ObjectTypeCheck = { ok: true; value: string } | { ok: false; reason: string };

/**
 * Normalises an object type to the spelling sent in the URL, or says why it cannot be one.
 * Standard objects are sent by name (what HubSpot's own examples use); `0-x` ids are accepted
 * and mapped to names; custom objects pass through as typed.
 */
export function normalizeObjectType(raw: unknown): ObjectTypeCheck {
	if (typeof raw !== 'string' || raw.trim() === '') {
		return { ok: false, reason: 'it is empty' };
	}
	const value = raw.trim();
	const lower = value.toLowerCase();
	const standard = BY_NAME.get(lower) ?? BY_NAME.get(SINGULARS.get(lower) ?? '') ?? BY_ID.get(lower);
	if (standard) return { ok: true, value: standard.name };
	if (CUSTOM_OBJECT_ID.test(value)) return { ok: true, value };
	if (FULLY_QUALIFIED_NAME.test(lower)) return { ok: true, value: lower };
	return {
		ok: false,
		reason:
			'it is not a HubSpot standard object (contacts, companies, deals, tickets, …), a custom object id like "2-1234567", or a fully qualified name like "p1234567_cars"',
	};
}
