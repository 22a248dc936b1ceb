/**
 * Pairs → requests. Pure and O(pairs): the whole 100,000-item run is planned here before the first
 * request, so the request count is known (and minimal) up front.
 *
 * Items are grouped by (from type, to type, from id) in order of first appearance, each (from, to)
 * pair is kept once however many items ask for it, and requests are filled up to `batchSize` pairs.
 * A thousand items that share ten from ids become ceil(pairs / batchSize) requests, not a thousand.
 * How a run of pairs becomes request inputs is the operation's `PairLayout`: batch/archive takes one
 * input per from id with many to ids, batch/labels/archive one input per pair with its labels.
 */
import { labelKey, type AssociationTypeRef } from './labels';

/** One valid input item, ids already checked and canonical. */
export interface ItemPairs {
	itemIndex: number;
	fromObjectType: string;
	toObjectType: string;
	fromId: string;
	toIds: string[];
	/** Labels the item asks to remove from each of its pairs (Remove Association Labels only). */
	types?: AssociationTypeRef[];
}

/** One request body entry, as HubSpot's batch/archive takes it. */
export interface ArchiveInput {
	from: { id: string };
	to: Array<{ id: string }>;
}

/** One request body entry, as HubSpot's batch/labels/archive takes it: one pair and the labels to remove. */
export interface LabelsArchiveInput {
	from: { id: string };
	to: { id: string };
	types: AssociationTypeRef[];
}

/** How consecutive pairs of one from id become request inputs. */
export interface PairLayout<Input> {
	/**
	 * Appends the inputs for `toIds` of one from id to `into` (appending, not returning a list: this runs
	 * once per from id, 100,000 times in a large run). `types[k]` holds the labels asked for `toIds[k]`;
	 * undefined when no item gave labels.
	 */
	addInputs(into: Input[], fromId: string, toIds: readonly string[], types: ReadonlyArray<readonly AssociationTypeRef[]> | undefined): void;
}

export const archiveLayout: PairLayout<ArchiveInput> = {
	addInputs: (into, fromId, toIds) => {
		const to: Array<{ id: string }> = new Array(toIds.length);
		for (let k = 0; k < toIds.length; k++) to[k] = { id: toIds[k] };
		into.push({ from: { id: fromId }, to });
	},
};

export const labelsArchiveLayout: PairLayout<LabelsArchiveInput> = {
	addInputs: (into, fromId, toIds, types) => {
		for (let k = 0; k < toIds.length; k++) into.push({ from: { id: fromId }, to: { id: toIds[k] }, types: [...(types?.[k] ?? [])] });
	},
};

export interface PlannedBatch<Input> {
	/** Position in the plan; also the order requests are sent and batches are reported. */
	index: number;
	fromObjectType: string;
	toObjectType: string;
	/** The request's inputs, made afresh on each read (see CompactBatch). */
	readonly inputs: Input[];
	pairCount: number;
	/** Items with at least one pair in this batch, ascending. */
	itemIndexes: number[];
}

/**
 * A planned batch holds its pairs as from ids and lists of to ids, and makes the request's input
 * objects only when they are read: just before the request goes. A 100,000-pair run would otherwise
 * hold 400,000 small input objects for its whole length, and every major garbage collection marks
 * them all again (on a small machine the collector's helper threads cost as much CPU as the node).
 */
class CompactBatch<Input> implements PlannedBatch<Input> {
	pairCount = 0;

	readonly itemIndexes: number[] = [];

	private readonly fromIds: string[] = [];

	private readonly toIdLists: Array<readonly string[]> = [];

	/** Labels per pair, per from id; only when items carry labels. */
	private typeLists: Array<ReadonlyArray<readonly AssociationTypeRef[]> | undefined> | undefined;

	constructor(
		readonly index: number,
		readonly fromObjectType: string,
		readonly toObjectType: string,
		private readonly layout: PairLayout<Input>,
	) {}

	/** `toIds` is kept, not copied: the planner hands over lists it no longer changes. */
	add(fromId: string, toIds: readonly string[], types: ReadonlyArray<readonly AssociationTypeRef[]> | undefined): void {
		if (types) (this.typeLists ??= [])[this.fromIds.length] = types;
		this.fromIds.push(fromId);
		this.toIdLists.push(toIds);
		this.pairCount += toIds.length;
	}

	get inputs(): Input[] {
		const inputs: Input[] = [];
		for (let k = 0; k < this.fromIds.length; k++) this.layout.addInputs(inputs, this.fromIds[k], this.toIdLists[k], this.typeLists?.[k]);
		return inputs;
	}
}

/** For each planned item, the batches that carry its pairs (ascending); undefined for items in none. */
export interface ItemBatches {
	get(itemIndex: number): readonly number[] | undefined;
	/** The one batch that carries the item, or -1 when none or several do (then ask `get`). Allocates nothing. */
	only(itemIndex: number): number;
}

/**
 * Item → batches, compactly: nearly every item sits in one batch, so that one is kept in a typed
 * array and only items spread over several batches get a list. 100,000 items cost 400 kB, not
 * 100,000 arrays and map entries.
 */
class ItemBatchIndex implements ItemBatches {
	private readonly first: Int32Array;

	private readonly more = new Map<number, number[]>();

	constructor(itemIndexLimit: number) {
		this.first = new Int32Array(itemIndexLimit).fill(-1);
	}

	/** Lists `batch` for the item; false when it was already its last listed batch. */
	add(itemIndex: number, batch: number): boolean {
		const first = this.first[itemIndex];
		if (first === -1) {
			this.first[itemIndex] = batch;
			return true;
		}
		const list = this.more.get(itemIndex);
		const last = list ? list[list.length - 1] : first;
		if (last === batch) return false;
		if (list) list.push(batch);
		else this.more.set(itemIndex, [first, batch]);
		return true;
	}

	only(itemIndex: number): number {
		if (!(itemIndex >= 0 && itemIndex < this.first.length)) return -1;
		return this.more.has(itemIndex) ? -1 : this.first[itemIndex];
	}

	get(itemIndex: number): readonly number[] | undefined {
		if (!(itemIndex >= 0 && itemIndex < this.first.length)) return undefined;
		const first = this.first[itemIndex];
		if (first === -1) return undefined;
		return this.more.get(itemIndex) ?? [first];
	}
}

export interface BatchPlan<Input = ArchiveInput> {
	batches: Array<PlannedBatch<Input>>;
	/** For each planned item, the batches that carry its pairs (ascending). Sparse: invalid items have none. */
	batchesOfItem: ItemBatches;
	/** Distinct pairs after de-duplication. */
	pairCount: number;
	/** Pairs asked for by the items, before de-duplication. */
	requestedPairCount: number;
}

interface FromGroup {
	fromId: string;
	toIds: string[];
	/** Owner item(s) of each to id, in step with `toIds`: a number for one owner (the usual case), an array for several. */
	owners: Array<number | number[]>;
	/** Where each to id sits in `toIds`; made once a from id has more than a few (below that a scan is cheaper). */
	position?: Map<string, number>;
	/** Labels per to id, in step with `toIds`, merged over the items asking for the pair; only when items carry labels. */
	types?: Array<Map<string, AssociationTypeRef>>;
}

function mergeTypes(into: Map<string, AssociationTypeRef>, types: readonly AssociationTypeRef[]): void {
	for (const t of types) {
		const key = labelKey(t);
		if (!into.has(key)) into.set(key, t);
	}
}

/** Up to this many to ids per from id, duplicates are found by a scan instead of a map. */
const SCAN_LIMIT = 8;

function positionOf(from: FromGroup, toId: string): number {
	if (from.position) return from.position.get(toId) ?? -1;
	const ids = from.toIds;
	for (let k = 0; k < ids.length; k++) if (ids[k] === toId) return k;
	return -1;
}

function addTo(from: FromGroup, toId: string): void {
	from.toIds.push(toId);
	if (from.position) from.position.set(toId, from.toIds.length - 1);
	else if (from.toIds.length > SCAN_LIMIT) from.position = new Map(from.toIds.map((id, k) => [id, k]));
}

interface TypeGroup {
	fromObjectType: string;
	toObjectType: string;
	froms: Map<string, FromGroup>;
	/** The same groups in order of first appearance: walked by index, without an iterator object per from id. */
	fromList: FromGroup[];
}

export function planBatches(items: readonly ItemPairs[], batchSize: number): BatchPlan<ArchiveInput>;
export function planBatches<Input>(items: readonly ItemPairs[], batchSize: number, layout: PairLayout<Input>): BatchPlan<Input>;
export function planBatches<Input>(
	items: readonly ItemPairs[],
	batchSize: number,
	layout: PairLayout<Input> = archiveLayout as unknown as PairLayout<Input>,
): BatchPlan<Input> {
	if (!Number.isInteger(batchSize) || batchSize < 1) {
		throw new RangeError(`batchSize must be a positive whole number, got ${batchSize}`);
	}
	const groups = new Map<string, TypeGroup>();
	let requestedPairCount = 0;
	let itemIndexLimit = 0;
	// Items nearly always share their object types: look the group up only when they change.
	let current: TypeGroup | undefined;

	// Indexed loops over items: planning runs once per execution, often before V8 optimises it, and an
	// unoptimised for-of makes an iterator result object per item.
	for (let n = 0; n < items.length; n++) {
		const item = items[n];
		if (item.itemIndex >= itemIndexLimit) itemIndexLimit = item.itemIndex + 1;
		if (!current || current.fromObjectType !== item.fromObjectType || current.toObjectType !== item.toObjectType) {
			const typeKey = `${item.fromObjectType}\u0000${item.toObjectType}`;
			current = groups.get(typeKey);
			if (!current) {
				current = { fromObjectType: item.fromObjectType, toObjectType: item.toObjectType, froms: new Map(), fromList: [] };
				groups.set(typeKey, current);
			}
		}
		let from = current.froms.get(item.fromId);
		if (!from) {
			// The usual first sight of a from id: one pair, no labels. Its lists are made at their size (a
			// push onto an empty list reserves room for 17) and the pair loop below is skipped.
			const single = item.toIds.length === 1 && !item.types;
			from = single ? { fromId: item.fromId, toIds: [item.toIds[0]], owners: [item.itemIndex] } : { fromId: item.fromId, toIds: [], owners: [] };
			current.froms.set(item.fromId, from);
			current.fromList.push(from);
			if (single) {
				requestedPairCount++;
				continue;
			}
		}
		if (item.types && !from.types) from.types = from.toIds.map(() => new Map());
		const itemToIds = item.toIds;
		for (let t = 0; t < itemToIds.length; t++) {
			const toId = itemToIds[t];
			requestedPairCount++;
			const at = positionOf(from, toId);
			if (at === -1) {
				addTo(from, toId);
				from.owners.push(item.itemIndex);
				if (from.types) {
					const merged = new Map<string, AssociationTypeRef>();
					if (item.types) mergeTypes(merged, item.types);
					from.types.push(merged);
				}
				continue;
			}
			if (item.types && from.types) mergeTypes(from.types[at], item.types);
			const owner = from.owners[at];
			if (typeof owner === 'number') {
				if (owner !== item.itemIndex) from.owners[at] = [owner, item.itemIndex];
			} else if (owner[owner.length - 1] !== item.itemIndex) {
				owner.push(item.itemIndex);
			}
		}
	}

	const batches: Array<PlannedBatch<Input>> = [];
	const batchesOfItem = new ItemBatchIndex(itemIndexLimit);
	let pairCount = 0;

	// Pairs of one batch are visited together, so "already listed" is a look at the item's last batch.
	const addOwner = (batch: PlannedBatch<Input>, itemIndex: number) => {
		if (batchesOfItem.add(itemIndex, batch.index)) batch.itemIndexes.push(itemIndex);
	};

	for (const group of groups.values()) {
		let batch: CompactBatch<Input> | undefined;
		const froms = group.fromList;
		for (let f = 0; f < froms.length; f++) {
			const from = froms[f];
			let offset = 0;
			while (offset < from.toIds.length) {
				if (!batch || batch.pairCount === batchSize) {
					batch = new CompactBatch(batches.length, group.fromObjectType, group.toObjectType, layout);
					batches.push(batch);
				}
				const take = Math.min(batchSize - batch.pairCount, from.toIds.length - offset);
				for (let k = 0; k < take; k++) {
					const owner = from.owners[offset + k];
					if (typeof owner === 'number') addOwner(batch, owner);
					else for (const o of owner) addOwner(batch, o);
				}
				const toIds = take === from.toIds.length ? from.toIds : from.toIds.slice(offset, offset + take);
				const types = from.types?.slice(offset, offset + take).map((m) => [...m.values()]);
				batch.add(from.fromId, toIds, types);
				pairCount += take;
				offset += take;
			}
		}
	}
	for (const batch of batches) batch.itemIndexes.sort((a, b) => a - b);
	return { batches, batchesOfItem, pairCount, requestedPairCount };
}

/** How a request's inputs are measured in pairs and, where one carries several, cut in two. */
export interface InputMeasure<Input> {
	/** The pairs an input carries. */
	size(input: Input): number;
	/** The first `n` pairs of an input and the rest; only where an input can carry several (batch/archive's `to` list). */
	cut?(input: Input, n: number): [Input, Input];
}

export const archiveMeasure: Required<InputMeasure<ArchiveInput>> = {
	size: (input) => input.to.length,
	cut: (input, n) => [
		{ from: input.from, to: input.to.slice(0, n) },
		{ from: input.from, to: input.to.slice(n) },
	],
};

/** One pair per input (batch/labels/archive), or one record per input (batch/read). */
export const onePerInput: Pick<InputMeasure<unknown>, 'size'> = { size: () => 1 };

export function pairsIn<Input>(inputs: readonly Input[], measure: InputMeasure<Input>): number {
	let pairs = 0;
	for (const input of inputs) pairs += measure.size(input);
	return pairs;
}

/**
 * Inputs → consecutive requests of at most `maxPairs` pairs each, as full as they can be, in order and
 * with nothing lost: for when HubSpot says a request carried too many.
 */
export function chunkInputs<Input>(inputs: readonly Input[], maxPairs: number, measure: InputMeasure<Input>): Input[][] {
	const chunks: Input[][] = [];
	let current: Input[] = [];
	let room = maxPairs;
	for (let input of inputs) {
		// An input that cannot be cut goes whole into a request of its own.
		while (measure.size(input) > room && (measure.cut || current.length > 0)) {
			if (room > 0 && measure.cut) {
				const [head, rest] = measure.cut(input, room);
				current.push(head);
				input = rest;
			}
			chunks.push(current);
			current = [];
			room = maxPairs;
		}
		current.push(input);
		room -= measure.size(input);
	}
	if (current.length > 0) chunks.push(current);
	return chunks;
}
