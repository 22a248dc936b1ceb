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
	/** `types[k]` holds the labels asked for `toIds[k]`; undefined when no item gave labels. */
	inputs(fromId: string, toIds: string[], types: ReadonlyArray<readonly AssociationTypeRef[]> | undefined): Input[];
}

export const archiveLayout: PairLayout<ArchiveInput> = {
	inputs: (fromId, toIds) => [{ from: { id: fromId }, to: toIds.map((id) => ({ id })) }],
};

export const labelsArchiveLayout: PairLayout<LabelsArchiveInput> = {
	inputs: (fromId, toIds, types) => toIds.map((id, k) => ({ from: { id: fromId }, to: { id }, types: [...(types?.[k] ?? [])] })),
};

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
	/** Labels per to id, in step with `toIds`, merged over the items asking for the pair; only when items carry labels. */
	types?: Array<Map<string, AssociationTypeRef>>;
}

function mergeTypes(into: Map<string, AssociationTypeRef>, types: readonly AssociationTypeRef[]): void {
	for (const t of types) {
		const key = labelKey(t);
		if (!into.has(key)) into.set(key, t);
	}
}

interface TypeGroup {
	fromObjectType: string;
	toObjectType: string;
	froms: Map<string, FromGroup>;
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
		if (item.types && !from.types) from.types = from.toIds.map(() => new Map());
		for (const toId of item.toIds) {
			requestedPairCount++;
			const at = from.position.get(toId);
			if (at === undefined) {
				from.position.set(toId, from.toIds.length);
				from.toIds.push(toId);
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
	const batchesOfItem = new Map<number, number[]>();
	let pairCount = 0;

	const addOwner = (batch: PlannedBatch<Input>, itemIndex: number) => {
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
		let batch: PlannedBatch<Input> | undefined;
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
				for (let k = 0; k < take; k++) {
					const owner = from.owners[offset + k];
					if (typeof owner === 'number') addOwner(batch, owner);
					else for (const o of owner) addOwner(batch, o);
				}
				const toIds = from.toIds.slice(offset, offset + take);
				const types = from.types?.slice(offset, offset + take).map((m) => [...m.values()]);
				for (const input of layout.inputs(from.fromId, toIds, types)) batch.inputs.push(input);
				batch.pairCount += take;
				pairCount += take;
				offset += take;
			}
		}
	}
	for (const batch of batches) batch.itemIndexes.sort((a, b) => a - b);
	return { batches, batchesOfItem, pairCount, requestedPairCount };
}

/** Halves a list of one-pair inputs (batch/labels/archive), or undefined when one is left. */
export function splitInputs<Input>(inputs: Input[]): [Input[], Input[]] | undefined {
	if (inputs.length < 2) return undefined;
	const half = Math.ceil(inputs.length / 2);
	return [inputs.slice(0, half), inputs.slice(half)];
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
