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

/**
 * The whole-number options: the default and the range the editor offers, which a run clamps a value
 * to (an expression can give any number). The editor sets no upper bound on Timeout; a run waits
 * ten minutes at most.
 */
const WHOLE_NUMBERS = {
	batchSize: { default: 100, min: 1, max: 1000 },
	concurrency: { default: DEFAULT_CONCURRENCY, min: 1, max: 20 },
	maxRetries: { default: 5, min: 0, max: 10 },
	timeout: { default: 60_000, min: 1_000, max: 600_000 },
};

type WholeNumberOption = keyof typeof WHOLE_NUMBERS;

// Functions, not WHOLE_NUMBERS.x.default in the parameters: n8n's lint rules read a parameter's
// default and accept a call, not a member access.
const defaultOf = (name: WholeNumberOption): number => WHOLE_NUMBERS[name].default;
const rangeOf = (name: WholeNumberOption) => ({
	minValue: WHOLE_NUMBERS[name].min,
	maxValue: WHOLE_NUMBERS[name].max,
});

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
			typeOptions: rangeOf('batchSize'),
			default: defaultOf('batchSize'),
			description:
				'How many (from, to) pairs go in one HubSpot request. If HubSpot says a batch is too large, the node splits it and retries.',
		},
		{
			displayName: 'Concurrency',
			name: 'concurrency',
			type: 'number',
			typeOptions: rangeOf('concurrency'),
			default: defaultOf('concurrency'),
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
			typeOptions: rangeOf('maxRetries'),
			default: defaultOf('maxRetries'),
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
			displayName: 'Share Requests With Other Executions',
			name: 'shareRequests',
			type: 'boolean',
			default: true,
			description:
				"Whether this execution's pairs may go in one HubSpot request with those of other executions that run at the same time in this n8n process with the same credential (e.g. one execution per record from a HubSpot workflow's webhook). Each execution still gets only its own results.",
		},
		{
			displayName: 'Timeout',
			name: 'timeout',
			type: 'number',
			typeOptions: { minValue: WHOLE_NUMBERS.timeout.min },
			default: defaultOf('timeout'),
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
	const whole = (name: WholeNumberOption) => {
		const { default: fallback, min, max } = WHOLE_NUMBERS[name];
		const n = Number(options[name] ?? fallback);
		return Number.isFinite(n) ? Math.min(max, Math.max(min, Math.floor(n))) : fallback;
	};
	return {
		batchSize: whole('batchSize'),
		// A tool call's answer is made from the per-item output, whatever the workflow's Output option
		// says.
		outputMode:
			options.outputMode === 'perBatch' && !runsAsTool(ctx)
				? ('perBatch' as const)
				: ('perItem' as const),
		maxRetries: whole('maxRetries'),
		concurrency: whole('concurrency'),
		timeout: whole('timeout'),
		dryRun: options.dryRun === true,
		shareRequests: options.shareRequests !== false,
		// Node version 1 has no API Version parameter: the numbered paths.
		apiVersion: toApiVersion(ctx.getNodeParameter('apiVersion', 0, 'v4')),
	};
}
