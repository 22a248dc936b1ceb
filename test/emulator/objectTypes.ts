/**
 * Object types and association types, as HubSpot knows them.
 *
 * HubSpot accepts an object type in a URL by plural name, singular name or id ("contacts", "contact",
 * "0-1"), and custom objects by id ("2-1234567") or fully qualified name ("p1234_cars"). Everything in the
 * emulator is keyed by the canonical id so that every spelling reaches the same associations.
 *
 * Association types are directional: contact→company "unlabeled" is 279 while company→contact is 280.
 * The registry therefore knows, for each direction, the unlabeled (default) type, the labels, and the
 * inverse of every type, so that the store can keep both directions of a pair in step.
 */

export type AssociationCategory = 'HUBSPOT_DEFINED' | 'USER_DEFINED' | 'INTEGRATOR_DEFINED';
export const ASSOCIATION_CATEGORIES: readonly AssociationCategory[] = [
	'HUBSPOT_DEFINED',
	'USER_DEFINED',
	'INTEGRATOR_DEFINED',
];

export interface AssociationType {
	category: AssociationCategory;
	typeId: number;
}

export interface ObjectTypeInfo {
	/** Canonical id: "0-1", "2-1234567". */
	id: string;
	/** Plural API name: "contacts", or the custom object's name. */
	name: string;
	singular: string;
	custom: boolean;
	/** Any one of these grants writes (empty = no scope needed). */
	writeScopes: string[];
	/** Any one of these grants reads (empty = no scope needed). */
	readScopes: string[];
}

export interface CustomObjectDefinition {
	objectTypeId: string;
	fullyQualifiedName: string;
	name: string;
	labels: { singular: string; plural: string };
	primaryDisplayProperty?: string;
}

export interface LabelDefinition {
	typeId: number;
	label: string;
	/** Default USER_DEFINED. */
	category?: AssociationCategory;
	/** Type id of the same label seen from the other side (HubSpot gives each direction its own id). Default: typeId. */
	inverseTypeId?: number;
	/** Label seen from the other side, for paired labels ("Manager" / "Employee"). Default: label. */
	inverseLabel?: string;
}

export interface LabelEntry extends AssociationType {
	label: string | null;
	inverse: AssociationType;
}

const BUILTINS: ReadonlyArray<readonly [id: string, name: string, singular: string]> = [
	['0-1', 'contacts', 'contact'],
	['0-2', 'companies', 'company'],
	['0-3', 'deals', 'deal'],
	['0-5', 'tickets', 'ticket'],
	['0-7', 'products', 'product'],
	['0-8', 'line_items', 'line_item'],
	['0-14', 'quotes', 'quote'],
	['0-18', 'communications', 'communication'],
	['0-27', 'tasks', 'task'],
	['0-46', 'notes', 'note'],
	['0-47', 'meetings', 'meeting'],
	['0-48', 'calls', 'call'],
	['0-49', 'emails', 'email'],
	['0-116', 'postal_mail', 'postal_mail'],
	// Newer standard objects, by HubSpot's object type table ("Understanding the CRM", March 2026).
	['0-19', 'feedback_submissions', 'feedback_submission'],
	['0-53', 'invoices', 'invoice'],
	['0-123', 'orders', 'order'],
	['0-136', 'leads', 'lead'],
	['0-142', 'carts', 'cart'],
	['0-115', 'users', 'user'],
	['0-162', 'services', 'service'],
	['0-410', 'courses', 'course'],
	['0-420', 'listings', 'listing'],
	['0-421', 'appointments', 'appointment'],
];

/** Scopes per HubSpot's docs; engagement objects need none of their own in this model. */
function builtinScopes(name: string): { writeScopes: string[]; readScopes: string[] } {
	switch (name) {
		case 'contacts':
		case 'companies':
		case 'deals':
			return {
				writeScopes: [`crm.objects.${name}.write`],
				readScopes: [`crm.objects.${name}.read`],
			};
		case 'tickets':
			return { writeScopes: ['tickets'], readScopes: ['tickets'] };
		// Each of these has its own scopes in HubSpot's scope list and object guides.
		case 'leads':
		case 'invoices':
		case 'orders':
		case 'carts':
		case 'users':
		case 'services':
		case 'courses':
		case 'listings':
		case 'appointments':
			return {
				writeScopes: [`crm.objects.${name}.write`],
				readScopes: [`crm.objects.${name}.read`],
			};
		case 'line_items':
		case 'products':
		case 'quotes':
			return {
				writeScopes: [`crm.objects.${name}.write`, 'e-commerce'],
				readScopes: [`crm.objects.${name}.read`, 'e-commerce'],
			};
		default:
			return { writeScopes: [], readScopes: [] };
	}
}

/** HubSpot's documented unlabeled association type ids, "from>to" by plural name. */
const DEFAULT_TYPE_IDS: Readonly<Record<string, number>> = {
	'contacts>contacts': 449,
	'contacts>companies': 279,
	'contacts>deals': 4,
	'contacts>tickets': 15,
	'contacts>calls': 193,
	'contacts>emails': 197,
	'contacts>meetings': 199,
	'contacts>notes': 201,
	'contacts>tasks': 203,
	'contacts>communications': 82,
	'contacts>postal_mail': 454,
	'companies>companies': 450,
	'companies>contacts': 280,
	'companies>deals': 342,
	'companies>tickets': 340,
	'companies>calls': 181,
	'companies>emails': 185,
	'companies>meetings': 187,
	'companies>notes': 189,
	'companies>tasks': 191,
	'companies>communications': 88,
	'companies>postal_mail': 460,
	'deals>contacts': 3,
	'deals>companies': 341,
	'deals>deals': 451,
	'deals>tickets': 27,
	'deals>calls': 205,
	'deals>emails': 209,
	'deals>meetings': 211,
	'deals>notes': 213,
	'deals>tasks': 215,
	'deals>communications': 86,
	'deals>postal_mail': 458,
	'deals>line_items': 19,
	'deals>quotes': 63,
	'tickets>contacts': 16,
	'tickets>companies': 339,
	'tickets>deals': 28,
	'tickets>tickets': 452,
	'tickets>calls': 219,
	'tickets>emails': 223,
	'tickets>meetings': 225,
	'tickets>notes': 227,
	'tickets>tasks': 229,
	'tickets>communications': 84,
	'tickets>postal_mail': 456,
	'calls>contacts': 194,
	'calls>companies': 182,
	'calls>deals': 206,
	'calls>tickets': 220,
	'emails>contacts': 198,
	'emails>companies': 186,
	'emails>deals': 210,
	'emails>tickets': 224,
	'meetings>contacts': 200,
	'meetings>companies': 188,
	'meetings>deals': 212,
	'meetings>tickets': 226,
	'notes>contacts': 202,
	'notes>companies': 190,
	'notes>deals': 214,
	'notes>tickets': 228,
	'tasks>contacts': 204,
	'tasks>companies': 192,
	'tasks>deals': 216,
	'tasks>tickets': 230,
	'communications>contacts': 81,
	'communications>companies': 87,
	'communications>deals': 85,
	'communications>tickets': 83,
	'postal_mail>contacts': 453,
	'postal_mail>companies': 459,
	'postal_mail>deals': 457,
	'postal_mail>tickets': 455,
	'line_items>deals': 20,
	'line_items>quotes': 68,
	'quotes>line_items': 67,
	'quotes>deals': 64,
	'quotes>contacts': 69,
	'quotes>companies': 71,
};

/** HubSpot-defined labelled types: [from, to, typeId, inverse typeId, label]. */
const PRIMARY_LABELS: ReadonlyArray<readonly [string, string, number, number]> = [
	['contacts', 'companies', 1, 2],
	['deals', 'companies', 5, 6],
	['tickets', 'companies', 26, 25],
];

export const typeKey = (t: AssociationType): string => `${t.category}:${t.typeId}`;

export function parseTypeKey(key: string): AssociationType {
	const i = key.lastIndexOf(':');
	return { category: key.slice(0, i) as AssociationCategory, typeId: Number(key.slice(i + 1)) };
}

/** Stable number for pairs HubSpot documents no id for; far above the small ids tests use for labels. */
function generatedTypeId(fromId: string, toId: string): number {
	let h = 0x811c9dc5;
	for (const ch of `${fromId}>${toId}`) {
		h ^= ch.charCodeAt(0);
		h = Math.imul(h, 0x01000193) >>> 0;
	}
	return 100000 + (h % 900000);
}

export class TypeRegistry {
	private readonly aliases = new Map<string, ObjectTypeInfo>();
	private readonly customs = new Map<string, CustomObjectDefinition>();
	/** "fromId>toId" → typeKey → label entry (HubSpot-defined labels and user labels, not the unlabeled type). */
	private readonly labels = new Map<string, Map<string, LabelEntry>>();
	private readonly defaults = new Map<string, number>();

	constructor() {
		this.reset();
	}

	reset(): void {
		this.aliases.clear();
		this.customs.clear();
		this.labels.clear();
		this.defaults.clear();
		for (const [id, name, singular] of BUILTINS) {
			const info: ObjectTypeInfo = { id, name, singular, custom: false, ...builtinScopes(name) };
			for (const alias of [id, name, singular]) this.aliases.set(alias, info);
		}
		for (const [from, to, typeId, inverseTypeId] of PRIMARY_LABELS) {
			this.addLabel(this.resolve(from)!, this.resolve(to)!, {
				typeId,
				inverseTypeId,
				label: 'Primary',
				category: 'HUBSPOT_DEFINED',
			});
		}
	}

	/** Canonical info for any spelling HubSpot accepts, or undefined (→ "Unable to infer object type"). */
	resolve(input: string): ObjectTypeInfo | undefined {
		return this.aliases.get(input) ?? this.aliases.get(input.toLowerCase());
	}

	addCustomObject(def: CustomObjectDefinition): ObjectTypeInfo {
		if (!/^2-\d+$/.test(def.objectTypeId))
			throw new Error(`custom objectTypeId must look like 2-<digits>: ${def.objectTypeId}`);
		const info: ObjectTypeInfo = {
			id: def.objectTypeId,
			name: def.name,
			singular: def.labels.singular,
			custom: true,
			writeScopes: ['crm.objects.custom.write'],
			readScopes: ['crm.objects.custom.read'],
		};
		this.customs.set(def.objectTypeId, def);
		this.aliases.set(def.objectTypeId, info);
		this.aliases.set(def.fullyQualifiedName, info);
		this.aliases.set(def.fullyQualifiedName.toLowerCase(), info);
		return info;
	}

	customObjects(): CustomObjectDefinition[] {
		return [...this.customs.values()];
	}

	/** Unlabeled type id of a direction (HUBSPOT_DEFINED). */
	defaultTypeId(from: ObjectTypeInfo, to: ObjectTypeInfo): number {
		const key = `${from.id}>${to.id}`;
		let id = this.defaults.get(key);
		if (id === undefined) {
			id = DEFAULT_TYPE_IDS[`${from.name}>${to.name}`];
			if (from.custom || to.custom || id === undefined) id = generatedTypeId(from.id, to.id);
			this.defaults.set(key, id);
		}
		return id;
	}

	defaultType(from: ObjectTypeInfo, to: ObjectTypeInfo): AssociationType {
		return { category: 'HUBSPOT_DEFINED', typeId: this.defaultTypeId(from, to) };
	}

	isDefault(from: ObjectTypeInfo, to: ObjectTypeInfo, t: AssociationType): boolean {
		return t.category === 'HUBSPOT_DEFINED' && t.typeId === this.defaultTypeId(from, to);
	}

	addLabel(from: ObjectTypeInfo, to: ObjectTypeInfo, def: LabelDefinition): void {
		const category = def.category ?? 'USER_DEFINED';
		const inverseTypeId = def.inverseTypeId ?? def.typeId;
		this.labelMap(from, to).set(typeKey({ category, typeId: def.typeId }), {
			category,
			typeId: def.typeId,
			label: def.label,
			inverse: { category, typeId: inverseTypeId },
		});
		this.labelMap(to, from).set(typeKey({ category, typeId: inverseTypeId }), {
			category,
			typeId: inverseTypeId,
			label: def.inverseLabel ?? def.label,
			inverse: { category, typeId: def.typeId },
		});
	}

	/** Unlabeled type first, then HubSpot-defined labels, then user labels (the order HubSpot lists them). */
	labelsFor(
		from: ObjectTypeInfo,
		to: ObjectTypeInfo,
	): Array<{ category: AssociationCategory; typeId: number; label: string | null }> {
		const entries = [...(this.labels.get(`${from.id}>${to.id}`)?.values() ?? [])];
		const rank = (c: AssociationCategory): number =>
			c === 'HUBSPOT_DEFINED' ? 0 : c === 'USER_DEFINED' ? 1 : 2;
		entries.sort((a, b) => rank(a.category) - rank(b.category));
		return [
			{ ...this.defaultType(from, to), label: null },
			...entries.map((e) => ({ category: e.category, typeId: e.typeId, label: e.label })),
		];
	}

	labelOf(from: ObjectTypeInfo, to: ObjectTypeInfo, t: AssociationType): string | null {
		return this.labels.get(`${from.id}>${to.id}`)?.get(typeKey(t))?.label ?? null;
	}

	/** The same association seen from the other side. Unknown types map to themselves. */
	inverse(from: ObjectTypeInfo, to: ObjectTypeInfo, t: AssociationType): AssociationType {
		if (this.isDefault(from, to, t)) return this.defaultType(to, from);
		return this.labels.get(`${from.id}>${to.id}`)?.get(typeKey(t))?.inverse ?? t;
	}

	private labelMap(from: ObjectTypeInfo, to: ObjectTypeInfo): Map<string, LabelEntry> {
		const key = `${from.id}>${to.id}`;
		let map = this.labels.get(key);
		if (!map) this.labels.set(key, (map = new Map()));
		return map;
	}
}
