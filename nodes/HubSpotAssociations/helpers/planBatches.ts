/**
 * Items → the fewest requests. Pure and O(pairs): the whole run is planned before the first
 * request. Items are grouped by (from type, to type, from id) in order of first appearance, each
 * (from, to) pair is kept once however many items ask for it, and requests are filled up to
 * `batchSize` pairs: a thousand items that share ten from ids become ceil(pairs / batchSize)
 * requests, not a thousand.
 */
import { labelKey, type AssociationTypeRef } from './labels';
import { objectTypePairKey } from './objectTypes';
import type { ItemPairs } from './readItems';

/**
 * One pair of records a request carries (a write; `types`: the labels to remove from it), or one
 * record it reads (`to` unset, `after` the cursor of the page to read next).
 */
export type Unit = { from: string; to?: string; types?: AssociationTypeRef[]; after?: string };

/**
 * A planned request. It keeps its pairs as from ids and lists of to ids and makes the unit objects
 * only when they are read, just before it is sent: a 100,000-pair run would otherwise hold 100,000
 * small objects for its whole length, and every major garbage collection would mark them all again.
 */
export class PlannedBatch {
	pairCount = 0;
	/** Items with at least one pair in this batch, ascending. */
	readonly itemIndexes: number[] = [];
	private readonly fromIds: string[] = [];
	private readonly toIdLists: Array<readonly string[]> = [];
	private typeLists?: Array<Array<Map<string, AssociationTypeRef>> | undefined>;

	constructor(
		readonly index: number,
		readonly fromObjectType: string,
		readonly toObjectType: string,
	) {}

	/** `toIds` is kept, not copied: the planner hands over lists it no longer changes. */
	add(
		fromId: string,
		toIds: readonly string[],
		types?: Array<Map<string, AssociationTypeRef>>,
	): void {
		if (types) (this.typeLists ??= [])[this.fromIds.length] = types;
		this.fromIds.push(fromId);
		this.toIdLists.push(toIds);
		this.pairCount += toIds.length;
	}

	get units(): Unit[] {
		const units: Unit[] = [];
		for (let f = 0; f < this.fromIds.length; f++) {
			const toIds = this.toIdLists[f];
			const types = this.typeLists?.[f];
			for (let k = 0; k < toIds.length; k++)
				units.push(
					types
						? { from: this.fromIds[f], to: toIds[k], types: [...types[k].values()] }
						: { from: this.fromIds[f], to: toIds[k] },
				);
		}
		return units;
	}
}

/**
 * Item → batches, compactly: nearly every item sits in one batch, kept in a typed array; only items
 * spread over several batches get a list. 100,000 items cost 400 kB, not 100,000 arrays and map
 * entries.
 */
export class ItemBatches {
	private readonly more = new Map<number, number[]>();
	private readonly first: Int32Array;

	constructor(itemIndexLimit: number) {
		this.first = new Int32Array(itemIndexLimit).fill(-1);
	}

	/** Lists `batch` for the item; false when it was already its last listed batch. */
	add(itemIndex: number, batch: number): boolean {
		const first = this.first[itemIndex];
		const list = first === -1 ? undefined : this.more.get(itemIndex);
		if (first === -1) this.first[itemIndex] = batch;
		else if ((list ? list[list.length - 1] : first) === batch) return false;
		else if (list) list.push(batch);
		else this.more.set(itemIndex, [first, batch]);
		return true;
	}

	/**
	 * The one batch that carries the item, or -1 when none or several do (then ask `get`). Allocates
	 * nothing.
	 */
	only(itemIndex: number): number {
		return itemIndex >= 0 && itemIndex < this.first.length && !this.more.has(itemIndex)
			? this.first[itemIndex]
			: -1;
	}

	get(itemIndex: number): readonly number[] | undefined {
		const first = itemIndex >= 0 && itemIndex < this.first.length ? this.first[itemIndex] : -1;
		return first === -1 ? undefined : (this.more.get(itemIndex) ?? [first]);
	}
}

export type BatchPlan = {
	batches: PlannedBatch[];
	batchesOfItem: Pick<ItemBatches, 'get' | 'only'>;
};

interface FromGroup {
	fromId: string;
	toIds: string[];
	/**
	 * Owner item(s) of each to id, in step with `toIds`: a number for one owner (the usual case), an
	 * array for several.
	 */
	owners: Array<number | number[]>;
	/**
	 * Where each to id sits; made once a from id has more than a few (below that a scan is cheaper).
	 */
	position?: Map<string, number>;
	/** Labels per to id, merged over the items asking for the pair; only when items carry labels. */
	types?: Array<Map<string, AssociationTypeRef>>;
}

type TypeGroup = { fromObjectType: string; toObjectType: string; froms: Map<string, FromGroup> };

const positionOf = (from: FromGroup, toId: string): number =>
	from.position ? (from.position.get(toId) ?? -1) : from.toIds.indexOf(toId);

function mergeTypes(
	into: Map<string, AssociationTypeRef>,
	types: readonly AssociationTypeRef[] = [],
): Map<string, AssociationTypeRef> {
	for (const t of types) if (!into.has(labelKey(t))) into.set(labelKey(t), t);
	return into;
}

export function planBatches(items: readonly ItemPairs[], batchSize: number): BatchPlan {
	if (!Number.isInteger(batchSize) || batchSize < 1)
		throw new RangeError(`batchSize must be a positive whole number, got ${batchSize}`);
	const groups = new Map<string, TypeGroup>();
	let itemIndexLimit = 0;
	let current: TypeGroup | undefined;
	// Indexed loops: planning runs once per execution, often before V8 optimises it, and an
	// unoptimised for-of makes an iterator result object per item.
	for (let n = 0; n < items.length; n++) {
		const item = items[n];
		if (item.itemIndex >= itemIndexLimit) itemIndexLimit = item.itemIndex + 1;
		// Items nearly always share their object types: the group is looked up only when they change.
		if (
			!current ||
			current.fromObjectType !== item.fromObjectType ||
			current.toObjectType !== item.toObjectType
		) {
			const key = objectTypePairKey(item);
			current = groups.get(key) ?? {
				fromObjectType: item.fromObjectType,
				toObjectType: item.toObjectType,
				froms: new Map(),
			};
			groups.set(key, current);
		}
		let from = current.froms.get(item.fromId);
		if (!from) {
			// The usual first sight of a from id: one pair, no labels, its lists made at their size.
			if (item.toIds.length === 1 && !item.types) {
				current.froms.set(item.fromId, {
					fromId: item.fromId,
					toIds: [item.toIds[0]],
					owners: [item.itemIndex],
				});
				continue;
			}
			from = { fromId: item.fromId, toIds: [], owners: [] };
			current.froms.set(item.fromId, from);
		}
		if (item.types && !from.types) from.types = from.toIds.map(() => new Map());
		for (let t = 0; t < item.toIds.length; t++) {
			const toId = item.toIds[t];
			const at = positionOf(from, toId);
			if (at === -1) {
				from.toIds.push(toId);
				if (from.position) from.position.set(toId, from.toIds.length - 1);
				else if (from.toIds.length > 8) from.position = new Map(from.toIds.map((id, k) => [id, k]));
				from.owners.push(item.itemIndex);
				from.types?.push(mergeTypes(new Map(), item.types));
				continue;
			}
			if (item.types && from.types) mergeTypes(from.types[at], item.types);
			const owner = from.owners[at];
			if (typeof owner === 'number')
				from.owners[at] = owner === item.itemIndex ? owner : [owner, item.itemIndex];
			else if (owner[owner.length - 1] !== item.itemIndex) owner.push(item.itemIndex);
		}
	}

	const batches: PlannedBatch[] = [];
	const batchesOfItem = new ItemBatches(itemIndexLimit);
	// Pairs of one batch are visited together, so "already listed" is a look at the item's last
	// batch.
	const addOwner = (batch: PlannedBatch, itemIndex: number) => {
		if (batchesOfItem.add(itemIndex, batch.index)) batch.itemIndexes.push(itemIndex);
	};
	for (const group of groups.values()) {
		let batch: PlannedBatch | undefined;
		for (const from of group.froms.values()) {
			for (let offset = 0; offset < from.toIds.length; ) {
				if (!batch || batch.pairCount === batchSize) {
					batch = new PlannedBatch(batches.length, group.fromObjectType, group.toObjectType);
					batches.push(batch);
				}
				const take = Math.min(batchSize - batch.pairCount, from.toIds.length - offset);
				for (let k = offset; k < offset + take; k++) {
					const owner = from.owners[k];
					if (typeof owner === 'number') addOwner(batch, owner);
					else for (const o of owner) addOwner(batch, o);
				}
				batch.add(
					from.fromId,
					take === from.toIds.length ? from.toIds : from.toIds.slice(offset, offset + take),
					from.types?.slice(offset, offset + take),
				);
				offset += take;
			}
		}
	}
	for (const batch of batches) batch.itemIndexes.sort((a, b) => a - b);
	return { batches, batchesOfItem };
}
