/**
 * The ways the benchmark gets a workload done, each against the emulator over loopback HTTP:
 * - the node, through n8n's real engine (WorkflowExecute), as users run it;
 * - one request per item: the same node with Batch Size 1, i.e. the per-item approach at its best
 *   (paced by the node's throttle, never slower than the rate limit makes it);
 * - the official @hubspot/api-client, `crm.associations.v4.batchApi.archive` in chunks of 100 with its
 *   recommended set-up (`numberOfApiCallRetries: 3`, `limiterOptions: DEFAULT_LIMITER_OPTIONS`).
 * Each returns what happened to every input item, for the lost/duplicated/failed counts.
 */
import { Client, DEFAULT_LIMITER_OPTIONS } from '@hubspot/api-client';
import type { IDataObject, INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { PASS_THROUGH_NODE_TYPE } from '../test/engine/nodeTypes';
import { archiveParameters } from '../test/helpers/archiveParameters';
import { runHubSpotNode } from '../test/engine/runWorkflow';
import { BENCH_TOKEN } from './emulator';
import type { OneItemWorkload, Workload } from './workloads';

export interface ItemTally {
	/** Output items that carry an error, or input items of a failed request. */
	failed: number;
	/** Input items without an output item. */
	missing: number;
	/** Output items beyond the first for the same input item. */
	duplicated: number;
	/** Output items not at the position of their input item. */
	misplaced: number;
	/** The run's own error, if it stopped. */
	error?: string;
}

export interface NodeRunOptions {
	concurrency?: number;
	batchSize?: number;
}

/** Node parameters as a workflow would hold them; plain field references, read without the expression engine. */
export function nodeParameters(options: NodeRunOptions): INodeParameters {
	const extra: INodeParameters = {};
	if (options.concurrency !== undefined) extra.concurrency = options.concurrency;
	if (options.batchSize !== undefined) extra.batchSize = options.batchSize;
	return archiveParameters({ options: extra });
}

/** One execution of Manual Trigger → items → HubSpot Associations; the output stays for the tally. */
export async function runNode(
	baseUrl: string,
	workload: Workload | OneItemWorkload,
	options: NodeRunOptions = {},
) {
	const result = await runHubSpotNode({
		parameters: nodeParameters(options),
		items: workload.items as unknown as IDataObject[],
		credentials: { hubSpotAssociationsAppTokenApi: { accessToken: BENCH_TOKEN, baseUrl } },
		// What a node dragged in now is: version 2, on HubSpot's dated API.
		typeVersion: 2,
	});
	return { output: result.items, error: result.error?.message };
}

/**
 * The same workflow with a node that hands its items straight on in the HubSpot node's place: what
 * the engine and the item feed cost by themselves, to subtract from a node run's CPU time.
 */
export async function runPassThrough(workload: Workload | OneItemWorkload): Promise<number> {
	const result = await runHubSpotNode({
		parameters: {},
		items: workload.items as unknown as IDataObject[],
		credentials: {},
		nodeType: PASS_THROUGH_NODE_TYPE,
	});
	if (result.items.length !== workload.items.length)
		throw new Error(
			`the pass-through run gave ${result.items.length} items for ${workload.items.length}`,
		);
	return result.items.length;
}

/** Did every input item get exactly one successful output item, at its own position? */
export function tallyNodeOutput(
	size: number,
	output: INodeExecutionData[],
	error?: string,
): ItemTally {
	const seen = new Uint8Array(size);
	const tally: ItemTally = { failed: 0, missing: 0, duplicated: 0, misplaced: 0, error };
	output.forEach((item, position) => {
		const paired = item.pairedItem;
		const index =
			typeof paired === 'number' ? paired : Array.isArray(paired) ? paired[0]?.item : paired?.item;
		if (index === undefined || index < 0 || index >= size) {
			tally.failed++;
			return;
		}
		if (seen[index]) tally.duplicated++;
		seen[index] = 1;
		if (index !== position) tally.misplaced++;
		if (item.json.error !== undefined || item.json.status !== 'COMPLETE') tally.failed++;
	});
	for (let i = 0; i < size; i++) if (!seen[i]) tally.missing++;
	return tally;
}

export interface OfficialClientOptions {
	/**
	 * 1 = the client as shipped. k > 1 = its limiter spacing and retry waits divided by k, to match an
	 * emulator whose window is k times shorter than HubSpot's (the time-scaled comparison).
	 */
	timeScale: number;
}

/**
 * The official client, as its README recommends: retries on, the default limiter (at most 9 requests
 * a second, 6 at once), every chunk handed to it at once and left to the limiter to schedule.
 */
export async function runOfficialClient(
	baseUrl: string,
	workload: Workload,
	options: OfficialClientOptions,
): Promise<ItemTally> {
	const scale = options.timeScale;
	const client = new Client({
		accessToken: BENCH_TOKEN,
		basePath: baseUrl,
		numberOfApiCallRetries: 3,
		limiterOptions:
			scale === 1
				? DEFAULT_LIMITER_OPTIONS
				: {
						...DEFAULT_LIMITER_OPTIONS,
						minTime: (DEFAULT_LIMITER_OPTIONS.minTime ?? 0) / scale,
						id: `bench-scaled-${scale}`,
					},
	});
	// The client applies its retry and limiter to an API object when it is first touched: touch it now.
	const batchApi = client.crm.associations.v4.batchApi;
	const chunks: Array<Workload['items']> = [];
	for (let i = 0; i < workload.items.length; i += 100)
		chunks.push(workload.items.slice(i, i + 100));
	const send = () =>
		Promise.allSettled(
			chunks.map((chunk) =>
				batchApi.archive('contacts', 'companies', {
					inputs: chunk.map(({ id, to }) => ({ _from: { id }, to: [{ id: to }] })),
				}),
			),
		);
	const settled = scale === 1 ? await send() : await withScaledRetryWaits(scale, send);
	const tally: ItemTally = { failed: 0, missing: 0, duplicated: 0, misplaced: 0 };
	settled.forEach((outcome, c) => {
		if (outcome.status === 'rejected') {
			tally.failed += chunks[c].length;
			tally.error ??= String((outcome.reason as Error)?.message ?? outcome.reason);
		}
	});
	return tally;
}

interface RetryDecoratorPrototype {
	_waitAfterRequestFailure(
		statusCode: number,
		retryNumber: number,
		retryTimeout: number,
	): Promise<void>;
}

/** Divides the official client's retry waits (10 s × try after a 429, 200 ms × try after a 5xx) by `scale`. */
async function withScaledRetryWaits<T>(scale: number, work: () => Promise<T>): Promise<T> {
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const decorator = require('@hubspot/api-client/lib/src/services/decorators/RetryDecorator')
		.default as { prototype: RetryDecoratorPrototype };
	const original = decorator.prototype._waitAfterRequestFailure;
	decorator.prototype._waitAfterRequestFailure = function (
		this: unknown,
		statusCode,
		retryNumber,
		retryTimeout,
	) {
		return original.call(this, statusCode, retryNumber, retryTimeout / scale);
	};
	try {
		return await work();
	} finally {
		decorator.prototype._waitAfterRequestFailure = original;
	}
}
