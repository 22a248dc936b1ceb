import type { HubSpotRequest } from './request';
import { errorBody } from './policy';
import { DAILY_LIMIT_HINT, describeFailure, type FailureReport } from './errors';
import { sendWithRetries, type Transport } from './send';
import { idsNamedByError, readBatchResponse, type BatchResult } from '../core/responses';

/** A batch of pair inputs as it goes over the wire, whatever the operation. */
export interface WireBatch<Input> {
	inputs: Input[];
}

export interface BatchOutcome {
	/** Every successful HTTP answer for this batch (several when it had to be split). */
	results: BatchResult[];
	/** The whole batch failed: every item it carried is concerned. */
	failure?: FailureReport;
	/** Failures HubSpot pinned on given ids: only the items with these ids are concerned. */
	idFailures: Array<{ ids: Set<string>; report: FailureReport }>;
	/** HTTP requests made for this batch, retries and halves included. */
	requests: number;
	/** True when nothing of it was sent because the daily limit was hit earlier. */
	notSent?: boolean;
}

export interface BatchCodec<Input> {
	request(inputs: Input[]): HubSpotRequest;
	/** Record ids an input carries (from and to), to match errors that name ids. */
	ids(input: Input): string[];
	/** Halves of a too-large batch; undefined when it cannot be split further. */
	split(inputs: Input[]): [Input[], Input[]] | undefined;
	/** The inputs left after removing every pair that involves one of `ids`. */
	without(inputs: Input[], ids: Set<string>): Input[];
}

/**
 * Sends one planned batch and says, per item concerned, how it went. Retries live in the transport;
 * here are the batch-level answers: halve and resend when HubSpot says the batch is too large, and
 * when HubSpot rejects a batch naming some ids, resend the rest without them.
 */
export async function runBatch<Input>(
	transport: Transport,
	codec: BatchCodec<Input>,
	inputs: Input[],
): Promise<BatchOutcome> {
	const outcome: BatchOutcome = { results: [], idFailures: [], requests: 0 };
	await runInto(transport, codec, inputs, outcome, 0);
	return outcome;
}

async function runInto<Input>(
	transport: Transport,
	codec: BatchCodec<Input>,
	inputs: Input[],
	outcome: BatchOutcome,
	depth: number,
): Promise<void> {
	if (inputs.length === 0) return;
	if (transport.throttle.stoppedByDailyLimit) {
		outcome.notSent = true;
		outcome.failure ??= dailyLimitReport();
		return;
	}
	const sent = await sendWithRetries(transport, codec.request(inputs));
	outcome.requests += sent.attempts;
	const { exchange, verdict } = sent;
	if (verdict.kind === 'success') {
		outcome.results.push(readBatchResponse(exchange.statusCode, exchange.body, exchange.sentAt, exchange.receivedAt));
		return;
	}
	if (verdict.kind === 'tooLarge' && depth < 12) {
		const halves = codec.split(inputs);
		if (halves) {
			await runInto(transport, codec, halves[0], outcome, depth + 1);
			await runInto(transport, codec, halves[1], outcome, depth + 1);
			return;
		}
	}
	const report = describeFailure(sent, transport.connection);
	if (exchange.statusCode === 400 && depth < 12) {
		const named = namedIdsInBatch(exchange.body, inputs, codec);
		if (named.size > 0) {
			outcome.idFailures.push({ ids: named, report });
			await runInto(transport, codec, codec.without(inputs, named), outcome, depth + 1);
			return;
		}
	}
	outcome.failure = report;
}

function namedIdsInBatch<Input>(body: unknown, inputs: Input[], codec: BatchCodec<Input>): Set<string> {
	const parsed = errorBody({ statusCode: 400, headers: {}, body, sentAt: new Date(), receivedAt: new Date() });
	const named = new Set<string>();
	const sources = [parsed as Record<string, unknown>, ...((parsed.errors ?? []) as Array<Record<string, unknown>>)];
	for (const source of sources) for (const id of idsNamedByError(source)) named.add(id);
	if (named.size === 0) return named;
	const present = new Set<string>();
	for (const input of inputs) for (const id of codec.ids(input)) if (named.has(id)) present.add(id);
	return present;
}

export function dailyLimitReport(): FailureReport {
	const hint = DAILY_LIMIT_HINT;
	return {
		message: 'Not sent: HubSpot\'s daily API limit for this account is used up',
		description: `policy DAILY. ${hint}`,
		httpCode: '429',
		category: 'RATE_LIMIT',
		policyName: 'DAILY',
		hint,
		attempts: 0,
		failure: { cause: 'quota-exhausted' },
	};
}
