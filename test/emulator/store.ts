/**
 * The association store.
 *
 * Layout: direction ("0-1>0-2") → from id → to id → set of type keys ("HUBSPOT_DEFINED:279").
 * Both directions of a pair are stored, because HubSpot's associations are symmetric: archiving
 * contacts→companies also removes companies→contacts, and a read from either side must see the pair.
 * Every operation is O(1) per pair (Map/Set lookups), so 100,000-pair benchmarks stay cheap; the only
 * walk is over one from id's targets when paging a read.
 */
import {
	AssociationType,
	ObjectTypeInfo,
	parseTypeKey,
	TypeRegistry,
	typeKey,
} from './objectTypes';

type Targets = Map<string, Set<string>>;

export type RemoveTypesResult = 'pair-removed' | 'types-removed' | 'absent';

export class AssociationStore {
	private readonly dirs = new Map<string, Map<string, Targets>>();
	private pairs = 0;

	constructor(private readonly registry: TypeRegistry) {}

	/** Adds types to a pair (plus the unlabeled type, which every HubSpot association carries). True when the pair is new. */
	add(
		from: ObjectTypeInfo,
		fromId: string,
		to: ObjectTypeInfo,
		toId: string,
		types: AssociationType[],
	): boolean {
		const existing = this.typeSet(from, fromId, to, toId);
		const forward = existing ?? this.ensureSet(from, fromId, to, toId);
		const reverse = this.ensureSet(to, toId, from, fromId);
		for (const t of [this.registry.defaultType(from, to), ...types]) {
			forward.add(typeKey(t));
			reverse.add(typeKey(this.registry.inverse(from, to, t)));
		}
		if (!existing) this.pairs++;
		return !existing;
	}

	/** Removes every type between the two objects, both directions. True when something was removed. */
	removePair(from: ObjectTypeInfo, fromId: string, to: ObjectTypeInfo, toId: string): boolean {
		const existed = this.deleteEntry(from, fromId, to, toId);
		this.deleteEntry(to, toId, from, fromId);
		if (existed) this.pairs--;
		return existed;
	}

	/** Removes some types; the unlabeled type, or the last type, takes the whole pair with it (as in HubSpot). */
	removeTypes(
		from: ObjectTypeInfo,
		fromId: string,
		to: ObjectTypeInfo,
		toId: string,
		types: AssociationType[],
	): RemoveTypesResult {
		const forward = this.typeSet(from, fromId, to, toId);
		if (!forward) return 'absent';
		if (types.some((t) => this.registry.isDefault(from, to, t))) {
			this.removePair(from, fromId, to, toId);
			return 'pair-removed';
		}
		const reverse = this.typeSet(to, toId, from, fromId);
		for (const t of types) {
			forward.delete(typeKey(t));
			reverse?.delete(typeKey(this.registry.inverse(from, to, t)));
		}
		if (forward.size === 0) {
			this.removePair(from, fromId, to, toId);
			return 'pair-removed';
		}
		return 'types-removed';
	}

	has(from: ObjectTypeInfo, fromId: string, to: ObjectTypeInfo, toId: string): boolean {
		return this.typeSet(from, fromId, to, toId) !== undefined;
	}

	/** Live view of one from id's targets (insertion order); do not mutate. */
	targets(
		from: ObjectTypeInfo,
		fromId: string,
		to: ObjectTypeInfo,
	): ReadonlyMap<string, ReadonlySet<string>> | undefined {
		return this.dirs.get(`${from.id}>${to.id}`)?.get(fromId);
	}

	toIds(from: ObjectTypeInfo, fromId: string, to: ObjectTypeInfo): string[] {
		return [...(this.targets(from, fromId, to)?.keys() ?? [])];
	}

	typesOf(
		from: ObjectTypeInfo,
		fromId: string,
		to: ObjectTypeInfo,
		toId: string,
	): AssociationType[] {
		return [...(this.typeSet(from, fromId, to, toId) ?? [])].map(parseTypeKey);
	}

	/** Number of pairs (a pair and its reverse count once). */
	count(): number {
		return this.pairs;
	}

	clear(): void {
		this.dirs.clear();
		this.pairs = 0;
	}

	private typeSet(
		from: ObjectTypeInfo,
		fromId: string,
		to: ObjectTypeInfo,
		toId: string,
	): Set<string> | undefined {
		return this.dirs.get(`${from.id}>${to.id}`)?.get(fromId)?.get(toId);
	}

	private ensureSet(
		from: ObjectTypeInfo,
		fromId: string,
		to: ObjectTypeInfo,
		toId: string,
	): Set<string> {
		const dirKey = `${from.id}>${to.id}`;
		let dir = this.dirs.get(dirKey);
		if (!dir) this.dirs.set(dirKey, (dir = new Map()));
		let targets = dir.get(fromId);
		if (!targets) dir.set(fromId, (targets = new Map()));
		let set = targets.get(toId);
		if (!set) targets.set(toId, (set = new Set()));
		return set;
	}

	/** Deletes one direction and prunes empty maps so memory follows the live pairs. */
	private deleteEntry(
		from: ObjectTypeInfo,
		fromId: string,
		to: ObjectTypeInfo,
		toId: string,
	): boolean {
		const dir = this.dirs.get(`${from.id}>${to.id}`);
		const targets = dir?.get(fromId);
		if (!dir || !targets || !targets.delete(toId)) return false;
		if (targets.size === 0) dir.delete(fromId);
		return true;
	}
}
