import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import type { BatchPlan, ItemPairs } from '../core/batches';
import { judgeItem, mergeResults, type OutcomeLike, type ReportLike } from '../core/outputs';
import { runBatch, type BatchCodec, type BatchOutcome } from '../transport/batchRunner';
import { resolveConnection, type AuthenticationMethod } from '../transport/credentials';
import { toNodeApiError, type FailureReport } from '../transport/errors';
import { runPool } from '../transport/pool';
import { createTransport } from '../transport/send';
import { readItems } from './readItems';

export interface BatchedOperation<Input> {
	plan(items: readonly ItemPairs[], batchSize: number): BatchPlan<Input>;
	codec(fromObjectType: string, toObjectType: string): BatchCodec<Input>;
}

interface RunOptions {
	batchSize: number;
	outputMode: 'perItem' | 'perBatch';
	maxRetries: number;
	concurrency: number;
	timeout: number;
}

function readOptions(ctx: IExecuteFunctions): RunOptions {
	const options = ctx.getNodeParameter('options', 0, {}) as Partial<RunOptions>;
	const whole = (value: unknown, fallback: number, min: number, max: number) => {
		const n = Number(value ?? fallback);
		return Number.isFinite(n) ? Math.min(max, Math.max(min, Math.floor(n))) : fallback;
	};
	return {
		batchSize: whole(options.batchSize, 100, 1, 1000),
		outputMode: options.outputMode === 'perBatch' ? 'perBatch' : 'perItem',
		maxRetries: whole(options.maxRetries, 5, 0, 10),
		concurrency: whole(options.concurrency, 5, 1, 20),
		timeout: whole(options.timeout, 60_000, 1_000, 600_000),
	};
}

function errorJson(report: ReportLike | { message: string; description?: string | null }, extra: object): IDataObject {
	const r = report as Partial<FailureReport> & { message: string; description?: string | null };
	const json: IDataObject = { error: r.message, ...(extra as IDataObject) };
	if (r.description) json.description = r.description;
	if (r.httpCode) json.httpCode = r.httpCode;
	if (r.category) json.category = r.category;
	if (r.correlationId) json.correlationId = r.correlationId;
	if (r.hint) json.hint = r.hint;
	return json;
}

/**
 * The flow every batched operation shares: check items, plan batches across all items, send them
 * (paced, retried, concurrent), then give every input item its outcome, paired to it.
 */
export async function executeBatched<Input>(
	ctx: IExecuteFunctions,
	operation: BatchedOperation<Input>,
): Promise<INodeExecutionData[][]> {
	const items = ctx.getInputData();
	const options = readOptions(ctx);
	const continueOnFail = ctx.continueOnFail();
	const { valid, invalid } = readItems(ctx, items);
	const plan = operation.plan(valid, options.batchSize);

	const outcomes: BatchOutcome[] = new Array(plan.batches.length);
	if (plan.batches.length > 0) {
		const authentication = ctx.getNodeParameter('authentication', 0, 'oAuth2') as AuthenticationMethod;
		const connection = await resolveConnection(ctx, authentication);
		const transport = createTransport(ctx, connection, { maxRetries: options.maxRetries, timeoutMs: options.timeout });
		let failed = false;
		await runPool(
			plan.batches.length,
			options.concurrency,
			async (b) => {
				const batch = plan.batches[b];
				const outcome = await runBatch(transport, operation.codec(batch.fromObjectType, batch.toObjectType), batch.inputs);
				outcomes[b] = outcome;
				if (outcome.failure || outcome.idFailures.length > 0) failed = true;
			},
			// Without Continue On Fail the node will throw: stop starting batches, let those under way finish.
			() => failed && !continueOnFail,
		);
	}

	const node = ctx.getNode();
	const byIndex = new Map(valid.map((item) => [item.itemIndex, item]));
	const base = (item: ItemPairs) => ({
		fromObjectType: item.fromObjectType,
		toObjectType: item.toObjectType,
		fromId: item.fromId,
		toIds: item.toIds,
	});

	if (options.outputMode === 'perBatch') {
		const out: INodeExecutionData[] = [];
		for (let b = 0; b < plan.batches.length; b++) {
			const batch = plan.batches[b];
			const outcome = outcomes[b];
			const pairedItem = batch.itemIndexes.map((item) => ({ item }));
			const fields = { fromObjectType: batch.fromObjectType, toObjectType: batch.toObjectType, pairCount: batch.pairCount, inputs: batch.inputs };
			const failure = outcome?.failure ?? outcome?.idFailures[0]?.report;
			if (!outcome || failure) {
				const report = failure ?? { message: 'Not sent: an earlier batch failed', description: '', hint: '' };
				if (!continueOnFail) throw toNodeApiError(node, report as FailureReport, batch.itemIndexes[0] ?? 0, `Batch ${b} (items ${batch.itemIndexes.join(', ')})`);
				out.push({ json: errorJson(report, { ...fields, results: outcome ? mergeResults(outcome.results) : undefined }), pairedItem });
				continue;
			}
			out.push({ json: { ...fields, ...mergeResults(outcome.results) } as unknown as IDataObject, pairedItem });
		}
		for (const [itemIndex, error] of invalid) {
			out.push({ json: errorJson(error, { itemIndex }), pairedItem: { item: itemIndex } });
		}
		return [out];
	}

	const out: INodeExecutionData[] = new Array(items.length);
	const failures: Array<{ itemIndex: number; report: ReportLike }> = [];
	for (let i = 0; i < items.length; i++) {
		const refused = invalid.get(i);
		if (refused) {
			out[i] = { json: errorJson(refused, { itemIndex: i }), pairedItem: { item: i } };
			continue;
		}
		const item = byIndex.get(i);
		if (!item) continue;
		const batchIndexes = plan.batchesOfItem.get(i) ?? [];
		const itemOutcomes: OutcomeLike[] = [];
		let unsent = false;
		for (const b of batchIndexes) {
			if (outcomes[b]) itemOutcomes.push(outcomes[b]);
			else unsent = true;
		}
		const verdict = unsent
			? { ok: false as const, report: { message: 'Not sent: the node stopped after an earlier batch failed', description: '', hint: 'Fix the failure reported for the other items and run again.' } }
			: judgeItem(item, itemOutcomes);
		if (verdict.ok) {
			out[i] = { json: { ...base(item), ...verdict.fields } as unknown as IDataObject, pairedItem: { item: i } };
		} else {
			failures.push({ itemIndex: i, report: verdict.report });
			out[i] = { json: errorJson(verdict.report, { ...base(item), ...(verdict.fields ?? {}) }), pairedItem: { item: i } };
		}
	}
	if (failures.length > 0 && !continueOnFail) {
		const first = failures.find((f) => !f.report.message.startsWith('Not sent: the node stopped')) ?? failures[0];
		const others = failures.filter((f) => f !== first).map((f) => f.itemIndex);
		const more = others.length
			? ` (and ${others.length} more item${others.length === 1 ? '' : 's'}: ${others.slice(0, 10).join(', ')}${others.length > 10 ? ', …' : ''})`
			: '';
		const done = valid.length - failures.length;
		throw toNodeApiError(
			node,
			first.report as FailureReport,
			first.itemIndex,
			`Item ${first.itemIndex}${more}`,
			`${done} of ${items.length} items were archived before this failure; running the node again is safe.`,
		);
	}
	return [out.filter(Boolean)];
}
