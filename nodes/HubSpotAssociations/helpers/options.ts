/**
 * The node's "Options" collection and how a run reads it, side by side so the defaults cannot drift
 * apart.
 */
import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { toApiVersion } from '../transport/paths';
import { runsAsTool } from './asTool';

/**
 * Requests under way at once unless the user says otherwise. The throttle, not this number, keeps
 * the node inside HubSpot's rate limit; this only bounds how many requests are in the air.
 * HubSpot's first window is a burst of 100 to 250 requests, each taking 100 to 500 ms: 20 under
 * way send it in a fraction of the window, and keep a 190-per-10-s account busy even at 500 ms a
 * request.
 */
export const DEFAULT_CONCURRENCY = 20;

export const optionsProperty: INodeProperties = {
	displayName: 'Options',
	name: 'options',
	type: 'collection',
	placeholder: 'Add Option',
	default: {},
	options: [
		{
			displayName: 'Batch Size',
			name: 'batchSize',
			type: 'number',
			typeOptions: { minValue: 1, maxValue: 1000 },
			default: 100,
			description:
				'How many (from, to) pairs go in one HubSpot request. If HubSpot says a batch is too large, the node splits it and retries.',
		},
		{
			displayName: 'Concurrency',
			name: 'concurrency',
			type: 'number',
			typeOptions: { minValue: 1, maxValue: 20 },
			default: DEFAULT_CONCURRENCY,
			description:
				"How many HubSpot requests may be under way at once. The node still paces itself by HubSpot's rate-limit headers.",
		},
		{
			displayName: 'Dry Run',
			name: 'dryRun',
			type: 'boolean',
			default: false,
			description:
				'Whether to send no write request and only output what would be removed, with status "DRY_RUN". Reads still happen (Remove All Associations of Records reads each record\'s associations).',
		},
		{
			displayName: 'Max Retries',
			name: 'maxRetries',
			type: 'number',
			typeOptions: { minValue: 0, maxValue: 10 },
			default: 5,
			description:
				'How often one request is tried again after a rate limit (429) or a temporary HubSpot fault (5xx, dropped connection)',
		},
		{
			displayName: 'Output',
			name: 'outputMode',
			type: 'options',
			options: [
				{
					name: 'One Item per Input Item',
					value: 'perItem',
					description:
						'Each input item gets one output item with the result of the request(s) that carried it',
				},
				{
					name: 'One Item per HubSpot Request',
					value: 'perBatch',
					description:
						'Each HubSpot request gives one output item with its answer and the pairs it carried',
				},
			],
			default: 'perItem',
		},
		{
			displayName: 'Timeout',
			name: 'timeout',
			type: 'number',
			typeOptions: { minValue: 1000 },
			default: 60000,
			description:
				'Milliseconds to wait for HubSpot to answer one request before it counts as a dropped connection and is retried',
		},
	],
};

export type RunOptions = ReturnType<typeof readOptions>;

/**
 * The options as a run uses them: whole numbers clamped to the ranges the editor allows, the
 * defaults above otherwise.
 */
export function readOptions(ctx: IExecuteFunctions) {
	const options = ctx.getNodeParameter('options', 0, {}) as Record<string, unknown>;
	const whole = (value: unknown, fallback: number, min: number, max: number) => {
		const n = Number(value ?? fallback);
		return Number.isFinite(n) ? Math.min(max, Math.max(min, Math.floor(n))) : fallback;
	};
	return {
		batchSize: whole(options.batchSize, 100, 1, 1000),
		// A tool call's answer is made from the per-item output, whatever the workflow's Output option
		// says.
		outputMode:
			options.outputMode === 'perBatch' && !runsAsTool(ctx)
				? ('perBatch' as const)
				: ('perItem' as const),
		maxRetries: whole(options.maxRetries, 5, 0, 10),
		concurrency: whole(options.concurrency, DEFAULT_CONCURRENCY, 1, 20),
		timeout: whole(options.timeout, 60_000, 1_000, 600_000),
		dryRun: options.dryRun === true,
		// Node version 1 has no API Version parameter: the numbered paths.
		apiVersion: toApiVersion(ctx.getNodeParameter('apiVersion', 0, 'v4')),
	};
}
