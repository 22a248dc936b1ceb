/**
 * Pairs → requests. Pure and O(pairs): the whole 100,000-item run is planned here before the first
 * request, so the request count is known (and minimal) up front.
 *
 * Items are grouped by (from type, to type, from id) in order of first appearance, each (from, to)
 * pair is kept once however many items ask for it, and requests are filled up to `batchSize` pairs.
 * A thousand items that share ten from ids become ceil(pairs / batchSize) requests, not a thousand.
 */

/** One valid input item, ids already checked and canonical. */
export interface ItemPairs {
	itemIndex: number;
	fromObjectType: string;
	toObjectType: string;
	fromId: string;
	toIds: string[];
}

/** One request body entry, as HubSpot's batch/archive takes it. */
export interface ArchiveInput {
	from: { id: string };
	to: Array<{ id: string }>;
}

export interface PlannedBatch<Input> {
	/** Position in the plan; also the order requests are sent and batches are reported. */
	index: number;
	fromObjectType: string;
	toObjectType: string;
	inputs: Input[];
	pairCount: number;
	/** Items with at least one pair in this batch, ascending. */
	itemIndexes: number[];
}

export type Batch = PlannedBatch<ArchiveInput>;

export interface BatchPlan<Input = ArchiveInput> {
	batches: Array<PlannedBatch<Input>>;
	/** For each planned item, the batches that carry its pairs (ascending). Sparse: invalid items have none. */
	batchesOfItem: Map<number, number[]>;
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
	position: Map<string, number>;
}

interface TypeGroup {
	fromObjectType: string;
	toObjectType: string;
	froms: Map<string, FromGroup>;
}

export function planBatches(items: readonly ItemPairs[], batchSize: number): BatchPlan {
	if (!Number.isInteger(batchSize) || batchSize < 1) {
		throw new RangeError(`batchSize must be a positive whole number, got ${batchSize}`);
	}
	const groups = new Map<string, TypeGroup>();
	let requestedPairCount = 0;

	for (const item of items) {
		const typeKey = `${item.fromObjectType}\u0000${item.toObjectType}`;
		let group = groups.get(typeKey);
		if (!group) {
			group = { fromObjectType: item.fromObjectType, toObjectType: item.toObjectType, froms: new Map() };
			groups.set(typeKey, group);
		}
		let from = group.froms.get(item.fromId);
		if (!from) {
			from = { fromId: item.fromId, toIds: [], owners: [], position: new Map() };
			group.froms.set(item.fromId, from);
		}
		for (const toId of item.toIds) {
			requestedPairCount++;
			const at = from.position.get(toId);
			if (at === undefined) {
				from.position.set(toId, from.toIds.length);
				from.toIds.push(toId);
				from.owners.push(item.itemIndex);
				continue;
			}
			const owner = from.owners[at];
			if (typeof owner === 'number') {
				if (owner !== item.itemIndex) from.owners[at] = [owner, item.itemIndex];
			} else if (owner[owner.length - 1] !== item.itemIndex) {
				owner.push(item.itemIndex);
			}
		}
	}

	const batches: Batch[] = [];
	const batchesOfItem = new Map<number, number[]>();
	let pairCount = 0;

	const addOwner = (batch: Batch, itemIndex: number) => {
		let list = batchesOfItem.get(itemIndex);
		if (!list) {
			list = [];
			batchesOfItem.set(itemIndex, list);
		}
		// Pairs of one batch are visited together, so "already listed" is a look at the last entry.
		if (list[list.length - 1] !== batch.index) {
			list.push(batch.index);
			batch.itemIndexes.push(itemIndex);
		}
	};

	for (const group of groups.values()) {
		let batch: Batch | undefined;
		for (const from of group.froms.values()) {
			let offset = 0;
			while (offset < from.toIds.length) {
				if (!batch || batch.pairCount === batchSize) {
					batch = {
						index: batches.length,
						fromObjectType: group.fromObjectType,
						toObjectType: group.toObjectType,
						inputs: [],
						pairCount: 0,
						itemIndexes: [],
					};
					batches.push(batch);
				}
				const take = Math.min(batchSize - batch.pairCount, from.toIds.length - offset);
				const to: Array<{ id: string }> = new Array(take);
				for (let k = 0; k < take; k++) {
					to[k] = { id: from.toIds[offset + k] };
					const owner = from.owners[offset + k];
					if (typeof owner === 'number') addOwner(batch, owner);
					else for (const o of owner) addOwner(batch, o);
				}
				batch.inputs.push({ from: { id: from.fromId }, to });
				batch.pairCount += take;
				pairCount += take;
				offset += take;
			}
		}
	}
	for (const batch of batches) batch.itemIndexes.sort((a, b) => a - b);
	return { batches, batchesOfItem, pairCount, requestedPairCount };
}

/** Splits a batch in two halves by pairs, for when HubSpot says a request carried too many. */
export function splitBatch(batch: Batch): [ArchiveInput[], ArchiveInput[]] {
	const half = Math.ceil(batch.pairCount / 2);
	const first: ArchiveInput[] = [];
	const second: ArchiveInput[] = [];
	let taken = 0;
	for (const input of batch.inputs) {
		const room = half - taken;
		if (room >= input.to.length) {
			first.push(input);
			taken += input.to.length;
		} else if (room > 0) {
			first.push({ from: input.from, to: input.to.slice(0, room) });
			second.push({ from: input.from, to: input.to.slice(room) });
			taken = half;
		} else {
			second.push(input);
		}
	}
	return [first, second];
}
