/**
 * What the benchmark asks the node (and the baselines) to do: N input items, one (contact → company)
 * pair each. In the "ten per from id" shape every from id appears in ten items spread through the
 * input (item i has from id i mod N/10), so the node has ten to ids to group under each from id.
 * `bench:profile` also runs one item that asks for all N pairs (makeOneItemWorkload).
 */
export type Shape = 'onePair' | 'tenPerFrom';

export const SHAPE_LABEL: Record<Shape, string> = {
	onePair: '1 pair/item',
	tenPerFrom: '10 to-ids/from',
};

export interface Workload {
	size: number;
	shape: Shape;
	/** The node's input items: `{ id, to }`, read with `{{ $json.id }}` and `{{ $json.to }}`. */
	items: Array<{ id: string; to: string }>;
	/** Every (from, to) pair, distinct: what must be gone afterwards. */
	pairs: Array<readonly [string, string]>;
}

/**
 * Ids start at `base` so that workloads run side by side (three executions on one account) never
 * share a record.
 */
export function makeWorkload(size: number, shape: Shape, base = 0): Workload {
	const items: Workload['items'] = new Array(size);
	const pairs: Workload['pairs'] = new Array(size);
	const froms = shape === 'tenPerFrom' ? Math.max(1, Math.ceil(size / 10)) : size;
	for (let i = 0; i < size; i++) {
		const from = String(base + 1 + (i % froms));
		const to = String(base + 10_000_000 + i);
		items[i] = { id: from, to };
		pairs[i] = [from, to];
	}
	return { size, shape, items, pairs };
}

/** The node's work as one input item: a from id and all its to ids. */
export interface OneItemWorkload {
	size: number;
	items: [{ id: string; to: string[] }];
	pairs: Array<readonly [string, string]>;
}

/**
 * One item asking for `size` pairs of one from id, as a webhook that carries a record and its
 * associations gives it: the node spreads it over size / 100 requests and answers it as one item.
 */
export function makeOneItemWorkload(size: number, base = 0): OneItemWorkload {
	const from = String(base + 1);
	const to: string[] = new Array(size);
	for (let i = 0; i < size; i++) to[i] = String(base + 10_000_000 + i);
	return { size, items: [{ id: from, to }], pairs: to.map((id) => [from, id] as const) };
}
