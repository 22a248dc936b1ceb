/**
 * HubSpot object types: the curated list the dropdowns show, and the one check that decides whether
 * a typed-in value can be sent. Any well-formed type goes to HubSpot, which judges whether the
 * account has it; only values that cannot be an object type (empty, spaces, slashes) are refused
 * before a call.
 */
import type { PairTypes } from './responses';

/** `name` is HubSpot's API name ("contacts"); people also type the singular ("contact"). */
type StandardObjectType = { name: string; label: string; objectTypeId: string; sent: string };

/**
 * What goes in the URL: the name for the objects HubSpot's examples name; newer objects go by type
 * id, which HubSpot's object table documents for each (their names vary in its docs).
 */
const byName = (name: string, label: string, objectTypeId: string): StandardObjectType => ({
	name,
	label,
	objectTypeId,
	sent: name,
});
const byId = (name: string, label: string, objectTypeId: string): StandardObjectType => ({
	name,
	label,
	objectTypeId,
	sent: objectTypeId,
});

/** HubSpot's standard objects, from its object type table ("Understanding the CRM", March 2026). */
export const STANDARD_OBJECT_TYPES: readonly StandardObjectType[] = [
	byName('contacts', 'Contacts', '0-1'),
	byName('companies', 'Companies', '0-2'),
	byName('deals', 'Deals', '0-3'),
	byName('tickets', 'Tickets', '0-5'),
	byName('products', 'Products', '0-7'),
	byName('line_items', 'Line Items', '0-8'),
	byName('quotes', 'Quotes', '0-14'),
	byName('communications', 'Communications', '0-18'),
	byName('tasks', 'Tasks', '0-27'),
	byName('notes', 'Notes', '0-46'),
	byName('meetings', 'Meetings', '0-47'),
	byName('calls', 'Calls', '0-48'),
	byName('emails', 'Emails', '0-49'),
	byName('postal_mail', 'Postal Mail', '0-116'),
	byId('feedback_submissions', 'Feedback Submissions', '0-19'),
	byId('invoices', 'Invoices', '0-53'),
	byId('marketing_events', 'Marketing Events', '0-54'),
	byId('subscriptions', 'Subscriptions', '0-69'),
	byId('goal_targets', 'Goals', '0-74'),
	byId('discounts', 'Discounts', '0-84'),
	byId('fees', 'Fees', '0-85'),
	byId('taxes', 'Taxes', '0-86'),
	byId('commerce_payments', 'Payments', '0-101'),
	byId('users', 'Users', '0-115'),
	byId('orders', 'Orders', '0-123'),
	byId('leads', 'Leads', '0-136'),
	byId('carts', 'Carts', '0-142'),
	byId('services', 'Services', '0-162'),
	byId('courses', 'Courses', '0-410'),
	byId('listings', 'Listings', '0-420'),
	byId('appointments', 'Appointments', '0-421'),
	byId('projects', 'Projects', '0-970'),
];

const KNOWN = new Map<string, StandardObjectType>();
for (const t of STANDARD_OBJECT_TYPES) {
	KNOWN.set(t.name, t);
	KNOWN.set(t.objectTypeId, t);
	// The singulars people type: "contact", "company", "line_item", "lead".
	KNOWN.set(t.name.endsWith('ies') ? `${t.name.slice(0, -3)}y` : t.name.replace(/s$/, ''), t);
}

/**
 * Object type ids (`0-n` HubSpot's, `2-n` custom), fully qualified names of custom objects
 * (`p1234_cars`) and API names (`leads`, `goal_targets`): what HubSpot takes in an association URL.
 */
const WELL_FORMED = /^(?:[02]-\d{1,18}|p\d{1,18}_[a-z0-9_]{1,100}|[a-z][a-z0-9_]{0,99})$/;

/**
 * The key of a (from, to) object type pair, for what is kept per pair: a checked object type holds
 * no NUL, so no two pairs share a key.
 */
export const objectTypePairKey = (types: PairTypes): string =>
	`${types.fromObjectType}\u0000${types.toObjectType}`;

type ObjectTypeCheck = { ok: true; value: string } | { ok: false; reason: string };

/** Normalises an object type to the spelling sent in the URL, or says why it cannot be one. */
export function normalizeObjectType(raw: unknown): ObjectTypeCheck {
	if (typeof raw !== 'string' || raw.trim() === '') return { ok: false, reason: 'it is empty' };
	const lower = raw.trim().toLowerCase();
	const known = KNOWN.get(lower);
	if (known) return { ok: true, value: known.sent };
	if (WELL_FORMED.test(lower)) return { ok: true, value: lower };
	const shown = JSON.stringify(raw.length > 60 ? `${raw.slice(0, 60)}…` : raw);
	return {
		ok: false,
		reason: `${shown} is not an object type: give a HubSpot object's name (contacts, leads, …) or type id (0-…), or a custom object's type id (2-…) or fully qualified name (p…_name)`,
	};
}
