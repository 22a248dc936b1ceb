import type { HubSpotRequest } from './request';
import { errorBody, unknownObjectType } from './policy';
import { describeFailure, notSentReport, type FailureReport } from './errors';
import { sendWithRetries, type Transport } from './send';
import { chunkInputs, pairsIn, type InputMeasure } from '../core/batches';
import { idsNamedByError, namesAnyId, readBatchResponse, type BatchResult, type NamedIds, type PairTypes } from '../core/responses';

export interface BatchOutcome {
	/** Every successful HTTP answer for this batch (several when it had to be sent in parts). */
	results: BatchResult[];
	/** The whole batch failed: every item it carried is concerned. */
	failure?: FailureReport;
	/** Failures HubSpot pinned on given ids: only the items with these ids are concerned. */
	idFailures: Array<{ ids: NamedIds; report: FailureReport }>;
	/** HTTP requests made for this batch, retries and parts included. */
	requests: number;
	/** True when (some of) it was not sent because an earlier answer stopped the run. */
	notSent?: boolean;
}

export interface BatchCodec<Input> extends InputMeasure<Input> {
	/** The object types of every pair the codec sends. */
	types: PairTypes;
	request(inputs: Input[]): HubSpotRequest;
	/** An input's from id and to ids, to match the ids an error names on each side. */
	fromId(input: Input): string;
	toIds(input: Input): readonly string[];
	/** The inputs left after removing every pair an error names. */
	without(inputs: Input[], named: NamedIds): Input[];
}

/** How many times one batch may be resent without the ids HubSpot named: each resend drops at least one. */
const MAX_RESENDS_WITHOUT_NAMED = 12;

/**
 * Sends one planned batch and says, per item concerned, how it went. Retries live in the transport;
 * here are the batch-level answers: resend in smaller parts when HubSpot says the batch is too large,
 * and when HubSpot rejects a batch naming some ids, resend the rest without them.
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
	resends: number,
): Promise<void> {
	if (inputs.length === 0) return;
	const request = codec.request(inputs);
	const pairs = pairsIn(inputs, codec);
	// A size HubSpot refused earlier in the run: send in parts it can take, without asking again.
	const limit = transport.batchLimits.get(request.path);
	if (limit !== undefined && pairs > limit) {
		for (const part of chunkInputs(inputs, limit, codec)) await runInto(transport, codec, part, outcome, resends);
		return;
	}
	const typesKey = `${codec.types.fromObjectType}\u0000${codec.types.toObjectType}`;
	const refused = () => transport.halted ?? transport.refusedTypes.get(typesKey);
	const blocked = refused();
	const sent = blocked ? { notSent: blocked } : await sendWithRetries(transport, request, refused);
	if ('notSent' in sent) {
		outcome.notSent = true;
		outcome.failure ??= notSentReport(sent.notSent);
		return;
	}
	outcome.requests += sent.attempts;
	const { exchange, verdict } = sent;
	if (verdict.kind === 'success') {
		outcome.results.push(readBatchResponse(exchange.statusCode, exchange.body, exchange.sentAt, exchange.receivedAt));
		return;
	}
	if (verdict.kind === 'tooLarge' && pairs > 1) {
		// HubSpot's limit when it names one (one refusal), else half of what it refused: every later refusal
		// at least halves the size again, so a batch costs at most log2(pairs) refused requests.
		const smaller = Math.min(pairs - 1, verdict.limit ?? Math.ceil(pairs / 2));
		transport.batchLimits.set(request.path, Math.min(transport.batchLimits.get(request.path) ?? smaller, smaller));
		await runInto(transport, codec, inputs, outcome, resends);
		return;
	}
	const report = describeFailure(sent, transport.connection, codec.types);
	// An object type HubSpot does not know fails every request with it the same way: ask no more.
	if (unknownObjectType(exchange) || exchange.statusCode === 404) transport.refusedTypes.set(typesKey, report);
	if (exchange.statusCode === 400 && resends < MAX_RESENDS_WITHOUT_NAMED) {
		const named = namedIdsInBatch(exchange.body, inputs, codec);
		if (namesAnyId(named)) {
			outcome.idFailures.push({ ids: named, report });
			await runInto(transport, codec, codec.without(inputs, named), outcome, resends + 1);
			return;
		}
	}
	outcome.failure = report;
}

/** The ids a refusal names that this batch carries, each on the side it carries them. */
function namedIdsInBatch<Input>(body: unknown, inputs: Input[], codec: BatchCodec<Input>): NamedIds {
	const parsed = errorBody({ statusCode: 400, headers: {}, body, sentAt: new Date(), receivedAt: new Date() });
	const named: NamedIds = { from: new Set(), to: new Set(), either: new Set() };
	for (const source of [parsed as Record<string, unknown>, ...((parsed.errors ?? []) as Array<Record<string, unknown>>)]) {
		const found = idsNamedByError(source, codec.types);
		for (const side of ['from', 'to', 'either'] as const) for (const id of found[side]) named[side].add(id);
	}
	const present: NamedIds = { from: new Set(), to: new Set(), either: new Set() };
	if (!namesAnyId(named)) return present;
	for (const input of inputs) {
		const fromId = codec.fromId(input);
		if (named.from.has(fromId)) present.from.add(fromId);
		if (named.either.has(fromId)) present.either.add(fromId);
		for (const toId of codec.toIds(input)) {
			if (named.to.has(toId)) present.to.add(toId);
			if (named.either.has(toId)) present.either.add(toId);
		}
	}
	return present;
}
