/**
 * The flow every operation shares: check items, let the operation read what it needs, plan batches
 * across all items, send them (paced, retried, concurrent) or, in a dry run, send nothing, then
 * give every input item its outcome, paired to it.
 */
import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { resolveConnection, type AuthenticationMethod } from '../transport/credentials';
import { notSentReport } from '../transport/errors';
import type { ApiVersion } from '../transport/paths';
import { createTransport, type Transport } from '../transport/send';
import { failuresBecomeItems } from './asTool';
import { readOptions, type RunOptions } from './options';
import { firstFailureError, outputItems } from './outputItems';
import { planBatches, type Unit } from './planBatches';
import {
	PAIR_FIELDS,
	readItems,
	type ItemFailures,
	type ItemFields,
	type ItemPairs,
} from './readItems';
import { DRY_RUN_STATUS, type PairTypes } from './responses';
import { runPool } from './runPool';
import { sendQueued, withdrawWaiting } from './batchQueue';
import type { BatchEndpoint, BatchOutcome } from './sendBatch';

/**
 * What an operation's phase before the writes gets: the execution, its options and its one
 * transport (credential, throttle, learned limits), made on first use and shared by every phase.
 */
export type RunContext = {
	ctx: IExecuteFunctions;
	options: RunOptions;
	continueOnFail: boolean;
	transport(): Promise<Transport>;
};

export interface BatchedOperation {
	/** What each item must give; by default a from id and to ids. */
	fields?(ctx: IExecuteFunctions): ItemFields;
	/**
	 * Reads only, before any write: e.g. look up which to ids a record has. Gives the items to plan,
	 * and those it could not prepare.
	 */
	expand?(
		run: RunContext,
		items: ItemPairs[],
	): Promise<{ valid: ItemPairs[]; failed: ItemFailures }>;
	endpoint(version: ApiVersion, types: PairTypes): BatchEndpoint;
}

export async function executeBatched(
	ctx: IExecuteFunctions,
	operation: BatchedOperation,
): Promise<INodeExecutionData[][]> {
	const items = ctx.getInputData();
	const options = readOptions(ctx);
	const continueOnFail = failuresBecomeItems(ctx);
	const { valid, invalid } = readItems(ctx, items, operation.fields?.(ctx) ?? PAIR_FIELDS);

	let made: Promise<Transport> | undefined;
	const authentication = ctx.getNodeParameter(
		'authentication',
		0,
		'oAuth2',
	) as AuthenticationMethod;
	const connect = async () =>
		createTransport(
			ctx,
			await resolveConnection(ctx, authentication),
			{ maxRetries: options.maxRetries, timeoutMs: options.timeout },
			options.shareRequests,
		);
	const transport = () => (made ??= connect());

	try {
		let [planned, failed]: [ItemPairs[], ItemFailures] = [valid, new Map()];
		if (operation.expand && valid.length > 0) {
			({ valid: planned, failed } = await operation.expand(
				{ ctx, options, continueOnFail, transport },
				valid,
			));
			// Without Continue On Fail a failed read stops the node before anything is removed.
			if (failed.size > 0 && !continueOnFail) {
				const failures = [...failed].map(([itemIndex, f]) => ({ itemIndex, report: f.report }));
				throw firstFailureError(
					ctx.getNode(),
					failures,
					'Nothing was removed: a failed read stops the node before any write. Running the node again is safe.',
				);
			}
		}

		const plan = planBatches(planned, options.batchSize);
		const endpointOf = (batch: PairTypes) => operation.endpoint(options.apiVersion, batch);
		const outcomes: Array<BatchOutcome | undefined> = new Array(plan.batches.length);
		if (options.dryRun) {
			const at = new Date().toISOString();
			outcomes.fill({
				parts: [
					{
						answer: {
							status: DRY_RUN_STATUS,
							startedAt: at,
							completedAt: at,
							requestedAt: at,
							numErrors: 0,
							errors: [],
							results: [],
						},
					},
				],
			});
		} else if (plan.batches.length > 0) {
			const sender = await transport();
			// A shared queue tells the pace of each request as it forms it.
			if (sender.queueKey === undefined) sender.throttle.expectRequests(plan.batches.length);
			let anyFailed = false;
			const send = async (b: number) => {
				const batch = plan.batches[b];
				const { batchSize, concurrency } = options;
				const outcome = (outcomes[b] = await sendQueued(
					sender,
					endpointOf(batch),
					batch.units,
					batchSize,
					concurrency,
				));
				if (!outcome?.parts.some((part) => part.failure)) return;
				anyFailed = true;
				// The node is going to fail: its batches still waiting for a shared request go back.
				if (!continueOnFail) withdrawWaiting(sender);
			};
			// Without Continue On Fail the node will throw: no new batch starts, those under way finish.
			// Once the run is halted (the credential refused, the daily limit spent) no batch can
			// succeed.
			await runPool(
				plan.batches.length,
				options.concurrency,
				send,
				() => sender.halted !== undefined || (anyFailed && !continueOnFail),
			);
			// Batches never started because the run was halted: their items say why.
			const { halted } = sender;
			if (halted)
				for (let b = 0; b < outcomes.length; b++)
					outcomes[b] ??= { parts: [{ failure: notSentReport(halted) }] };
		}

		const { outputMode: mode, dryRun } = options;
		const inputsOf = (batch: PairTypes, units: readonly Unit[]) => endpointOf(batch).inputs(units);
		return outputItems({
			node: ctx.getNode(),
			itemCount: items.length,
			mode,
			continueOnFail,
			dryRun,
			valid: planned,
			invalid,
			failed,
			plan,
			outcomes,
			inputsOf,
		});
	} finally {
		// The credential's pace is shared with the process's other executions: this one no longer uses
		// it.
		void made?.then(
			(sender) => sender.release(),
			() => undefined,
		);
	}
}
