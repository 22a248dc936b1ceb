import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import type { BatchPlan, ItemPairs } from '../core/batches';
import { DRY_RUN_STATUS } from '../core/outputs';
import { runBatch, type BatchCodec, type BatchOutcome } from '../transport/batchRunner';
import { resolveConnection, type AuthenticationMethod } from '../transport/credentials';
import { notSentReport, type FailureReport } from '../transport/errors';
import { DEFAULT_CONCURRENCY, runPool } from '../transport/pool';
import { toApiVersion, type ApiVersion } from '../transport/paths';
import { createTransport, type Transport } from '../transport/send';
import { firstFailureError, outputItems } from './outputItems';
import { PAIR_FIELDS, readItems, type ItemFields } from './readItems';

export interface RunOptions {
	batchSize: number;
	outputMode: 'perItem' | 'perBatch';
	maxRetries: number;
	concurrency: number;
	/** Milliseconds one request may take before it counts as a dropped connection. */
	timeout: number;
	/** Send no write request; say what would be removed. */
	dryRun: boolean;
	/** Which of HubSpot's API versions every call goes to (node version 1: the numbered paths). */
	apiVersion: ApiVersion;
}

/** What an operation's phase before the writes gets: the execution, its options and its one transport. */
export interface RunContext {
	ctx: IExecuteFunctions;
	options: RunOptions;
	continueOnFail: boolean;
	/** The execution's transport (credential, throttle, counters), made on first use and shared by every phase. */
	transport(): Promise<Transport>;
}

export interface Expansion {
	/** Items ready to plan, their to ids filled in. */
	valid: ItemPairs[];
	/** Items the phase could not prepare, with HubSpot's reason. */
	failed: Map<number, { item: ItemPairs; report: FailureReport }>;
}

export interface BatchedOperation<Input> {
	/** What each item must give; by default a from id and to ids. */
	fields?(ctx: IExecuteFunctions): ItemFields;
	/** Reads only, before any write: e.g. look up which to ids a record has. */
	expand?(run: RunContext, items: ItemPairs[]): Promise<Expansion>;
	plan(items: readonly ItemPairs[], batchSize: number): BatchPlan<Input>;
	codec(fromObjectType: string, toObjectType: string, version: ApiVersion): BatchCodec<Input>;
}

export function readOptions(ctx: IExecuteFunctions): RunOptions {
	const options = ctx.getNodeParameter('options', 0, {}) as Partial<Record<keyof RunOptions, unknown>>;
	const whole = (value: unknown, fallback: number, min: number, max: number) => {
		const n = Number(value ?? fallback);
		return Number.isFinite(n) ? Math.min(max, Math.max(min, Math.floor(n))) : fallback;
	};
	return {
		batchSize: whole(options.batchSize, 100, 1, 1000),
		outputMode: options.outputMode === 'perBatch' ? 'perBatch' : 'perItem',
		maxRetries: whole(options.maxRetries, 5, 0, 10),
		concurrency: whole(options.concurrency, DEFAULT_CONCURRENCY, 1, 20),
		timeout: whole(options.timeout, 60_000, 1_000, 600_000),
		dryRun: options.dryRun === true,
		apiVersion: toApiVersion(ctx.getNodeParameter('apiVersion', 0, 'v4')),
	};
}

/** What a dry run says of a batch: the shape of a real answer, with nothing sent. */
function dryRunOutcome(at: string): BatchOutcome {
	return {
		results: [{ httpStatus: 0, status: DRY_RUN_STATUS, startedAt: at, completedAt: at, requestedAt: at, numErrors: 0, errors: [], results: [] }],
		idFailures: [],
		requests: 0,
	};
}

/**
 * The flow every batched operation shares: check items, let the operation read what it needs, plan
 * batches across all items, send them (paced, retried, concurrent) or, in a dry run, send nothing,
 * then give every input item its outcome, paired to it.
 */
export async function executeBatched<Input>(
	ctx: IExecuteFunctions,
	operation: BatchedOperation<Input>,
): Promise<INodeExecutionData[][]> {
	const items = ctx.getInputData();
	const options = readOptions(ctx);
	const continueOnFail = ctx.continueOnFail();
	const { valid, invalid } = readItems(ctx, items, operation.fields?.(ctx) ?? PAIR_FIELDS);

	let made: Promise<Transport> | undefined;
	const transport = () => {
		made ??= (async () => {
			const authentication = ctx.getNodeParameter('authentication', 0, 'oAuth2') as AuthenticationMethod;
			const connection = await resolveConnection(ctx, authentication);
			return createTransport(ctx, connection, { maxRetries: options.maxRetries, timeoutMs: options.timeout });
		})();
		return made;
	};

	let planned = valid;
	let failed: Expansion['failed'] = new Map();
	if (operation.expand && valid.length > 0) {
		({ valid: planned, failed } = await operation.expand({ ctx, options, continueOnFail, transport }, valid));
		// Without Continue On Fail a failed read stops the node before anything is removed.
		if (failed.size > 0 && !continueOnFail) {
			throw firstFailureError(
				ctx.getNode(),
				[...failed].map(([itemIndex, f]) => ({ itemIndex, report: f.report })),
				'Nothing was removed: a failed read stops the node before any write. Running the node again is safe.',
			);
		}
	}

	const plan = operation.plan(planned, options.batchSize);
	const outcomes: Array<BatchOutcome | undefined> = new Array(plan.batches.length);
	if (options.dryRun) {
		const at = new Date().toISOString();
		for (let b = 0; b < plan.batches.length; b++) outcomes[b] = dryRunOutcome(at);
	} else if (plan.batches.length > 0) {
		const sender = await transport();
		sender.throttle.expectRequests(plan.batches.length);
		let anyFailed = false;
		await runPool(
			plan.batches.length,
			options.concurrency,
			async (b) => {
				const batch = plan.batches[b];
				const outcome = await runBatch(sender, operation.codec(batch.fromObjectType, batch.toObjectType, options.apiVersion), batch.inputs);
				outcomes[b] = outcome;
				if (outcome.failure || outcome.idFailures.length > 0) anyFailed = true;
			},
			// Without Continue On Fail the node will throw: stop starting batches, let those under way finish.
			// Once the run is halted (the credential refused, the daily limit spent) no batch can succeed.
			// (A stopped execution needs nothing here: the transport refuses its requests, see send.ts.)
			() => sender.halted !== undefined || (anyFailed && !continueOnFail),
		);
		// Batches never started because the run was halted: their items say why.
		if (sender.halted) {
			const report = notSentReport(sender.halted);
			for (let b = 0; b < outcomes.length; b++) outcomes[b] ??= { results: [], idFailures: [], requests: 0, notSent: true, failure: report };
		}
	}

	return outputItems({
		node: ctx.getNode(),
		itemCount: items.length,
		mode: options.outputMode,
		continueOnFail,
		dryRun: options.dryRun,
		valid: planned,
		invalid,
		failed,
		plan,
		outcomes,
	});
}
