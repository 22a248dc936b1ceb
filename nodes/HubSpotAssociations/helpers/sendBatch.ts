/**
 * One planned batch → HubSpot, and what came of it for each pair. Retries live in the transport;
 * here are the answers about the batch itself: HubSpot says it is too large (resend in parts it
 * takes), or rejects it naming some ids (resend the rest without them).
 */
import {
	describeFailure,
	notSentReport,
	redactAnswer,
	type FailureReport,
} from '../transport/errors';
import { associationsPath, type ApiVersion } from '../transport/paths';
import { refusalScope } from '../transport/policy';
import { sendWithRetries, type Slot, type Transport } from '../transport/send';
import { objectTypePairKey } from './objectTypes';
import type { Unit } from './planBatches';
import {
	idsNamedByError,
	isRecord,
	namesAnyId,
	namesPairOf,
	noIds,
	readBatchResponse,
	type NamedIds,
	type PairTypes,
	type ResponseFields,
} from './responses';

/**
 * An endpoint between two object types and how it takes its units (`inputs`: the request body's for
 * these units).
 */
export type BatchEndpoint = {
	types: PairTypes;
	path: string;
	inputs(units: readonly Unit[]): unknown[];
};

/**
 * One request of a batch and what came of it. A batch goes as one request unless HubSpot refuses
 * its size or names ids it will not take; then each request is judged on its own, so a part that
 * failed never marks the pairs another part removed.
 */
export interface SentPart {
	/**
	 * The pairs (or records) it carried; absent when it carried the whole batch, which is then not
	 * kept twice.
	 */
	units?: Unit[];
	/** HubSpot's 2xx answer. */
	answer?: ResponseFields;
	/**
	 * Why it failed, or why it was never sent (`notSent`): every unit it carried is concerned, unless
	 * `named` says otherwise.
	 */
	failure?: FailureReport;
	/**
	 * A refusal that named ids: only the units carrying them are concerned; the others went again in
	 * a later part.
	 */
	named?: NamedIds;
}

/** Every request a batch took, in the order they were sent. */
export type BatchOutcome = { parts: SentPart[] };

export const batchEndpoint = (
	version: ApiVersion,
	types: PairTypes,
	name: string,
	inputs: BatchEndpoint['inputs'],
): BatchEndpoint => ({
	types,
	path: associationsPath(version, types.fromObjectType, types.toObjectType, name),
	inputs,
});

/**
 * How many times one batch may be resent without the ids HubSpot named: each resend drops at least
 * one.
 */
const MAX_RESENDS_WITHOUT_NAMED = 12;

/** `slot`: a place in the throttle already taken for the first request (see batchQueue.ts). */
export async function sendBatch(
	transport: Transport,
	endpoint: BatchEndpoint,
	units: Unit[],
	slot: Slot = {},
): Promise<BatchOutcome> {
	const parts = await sendParts(transport, endpoint, units, [], 0, slot);
	// Nearly every batch goes as one request: its units are the batch's own, and are not kept for the
	// rest of the run.
	return {
		parts:
			parts.length === 1 && parts[0].units === units ? [{ ...parts[0], units: undefined }] : parts,
	};
}

async function sendParts(
	transport: Transport,
	endpoint: BatchEndpoint,
	units: Unit[],
	parts: SentPart[],
	resends: number,
	slot: Slot,
): Promise<SentPart[]> {
	if (units.length === 0) return parts;
	// A size HubSpot refused earlier in the run: send in parts it takes, without asking again.
	const limit = transport.batchLimits.get(endpoint.path);
	if (limit !== undefined && units.length > limit) {
		for (let at = 0; at < units.length; at += limit)
			await sendParts(transport, endpoint, units.slice(at, at + limit), parts, resends, slot);
		return parts;
	}
	const typesKey = objectTypePairKey(endpoint.types);
	const refused = () => transport.halted ?? transport.refusedTypes.get(typesKey);
	const blocked = refused();
	const sent = blocked
		? { notSent: blocked }
		: await sendWithRetries(
				transport,
				{ method: 'POST', path: endpoint.path, body: { inputs: endpoint.inputs(units) } },
				refused,
				slot,
			);
	if ('notSent' in sent) {
		parts.push({ units, failure: notSentReport(sent.notSent) });
		return parts;
	}
	const { exchange, verdict } = sent;
	if (verdict.kind === 'success') {
		// HubSpot's messages pass on to outputs: scrubbed of the credential's secrets, as error bodies
		// are, should anything on the way (a proxy, a gateway) echo what it was sent.
		const body = redactAnswer(exchange.body, transport.connection.secrets);
		parts.push({ units, answer: readBatchResponse(body, exchange.sentAt, exchange.receivedAt) });
		return parts;
	}
	if (verdict.kind === 'tooLarge' && units.length > 1) {
		// HubSpot's limit when it names one (one refusal), else half of what it refused: every later
		// refusal at least halves the size again, so a batch costs at most log2(pairs) refused
		// requests.
		const smaller = Math.min(units.length - 1, verdict.limit ?? Math.ceil(units.length / 2));
		transport.batchLimits.set(
			endpoint.path,
			Math.min(transport.batchLimits.get(endpoint.path) ?? smaller, smaller),
		);
		return await sendParts(transport, endpoint, units, parts, resends, slot);
	}
	const report = describeFailure(sent, transport.connection, endpoint.types);
	// A refusal of these two object types (a type HubSpot does not know, a scope the credential lacks
	// for one of them) fails every request between them the same way: ask no more.
	if (refusalScope(exchange, verdict) === 'types') transport.refusedTypes.set(typesKey, report);
	if (exchange.statusCode === 400 && resends < MAX_RESENDS_WITHOUT_NAMED) {
		const named = namedIdsIn(exchange.body, units, endpoint.types);
		if (namesAnyId(named)) {
			parts.push({ units, failure: report, named });
			const rest = units.filter(
				(u) => !namesPairOf(named, u.from, u.to === undefined ? [] : [u.to]),
			);
			return await sendParts(transport, endpoint, rest, parts, resends + 1, slot);
		}
	}
	parts.push({ units, failure: report });
	return parts;
}

/** The ids a refusal names that these units carry, each on the side they carry it. */
function namedIdsIn(body: unknown, units: readonly Unit[], types: PairTypes): NamedIds {
	const named = noIds();
	if (!isRecord(body)) return named;
	for (const source of [body, ...(Array.isArray(body.errors) ? body.errors.filter(isRecord) : [])])
		idsNamedByError(source, types, named);
	return namesAnyId(named) ? namedAmong(named, units) : noIds();
}

/** The ids of `named` that these units carry, each on the side they carry it. */
export function namedAmong(named: NamedIds, units: readonly Unit[]): NamedIds {
	const within = noIds();
	for (const { from, to } of units) {
		if (named.from.has(from)) within.from.add(from);
		if (named.either.has(from)) within.either.add(from);
		if (to !== undefined && named.to.has(to)) within.to.add(to);
		if (to !== undefined && named.either.has(to)) within.either.add(to);
	}
	return within;
}
