/**
 * CRM associations v4: batch archive, labels archive, read, create, labels list, single delete.
 * All work is O(pairs in the request) against the store; nothing scans the whole store.
 */
import type { HubSpotEmulator } from './emulator';
import { hubspotError } from './errors';
import type { Reply } from './http';
import { AssociationType, ObjectTypeInfo, parseTypeKey } from './objectTypes';
import type { ApiContext } from './routes';
import {
	decodeCursor,
	describe,
	encodeCursor,
	IdCollector,
	normalizeId,
	parseArchiveInputs,
	parseReadInputs,
	parseTypedInputs,
} from './validation';

const validation = (
	ctx: ApiContext,
	message: string,
	extra: Record<string, unknown> = {},
): Reply => ({
	status: 400,
	body: hubspotError(ctx.correlationId, 'VALIDATION_ERROR', message, extra),
});

/**
 * HubSpot's answer to a batch over its size, as recorded for CRM batch endpoints (a 400 VALIDATION_ERROR
 * with no context; objects batch/read with 107 inputs, and the same words on contacts batch/read). No
 * answer is recorded for the association endpoints themselves: the same words are the best evidence.
 */
function tooLarge(ctx: ApiContext, size: number, limit: number): Reply | undefined {
	if (size <= limit) return undefined;
	return validation(
		ctx,
		`The maximum number of inputs supported in a batch is ${limit}. Please reduce the number of items and try again`,
	);
}

/**
 * An id that is not a positive whole number. No HubSpot answer to this is recorded for the association
 * endpoints: this 400 is the emulator's own, and counted in stats.invalidIdRequests so that tests can
 * assert the node never sends such an id (it checks every id before any request).
 */
function invalidIds(emu: HubSpotEmulator, ctx: ApiContext, ids: IdCollector): Reply | undefined {
	if (ids.invalid.length === 0) return undefined;
	emu.stats.invalidIdRequests++;
	return validation(ctx, ids.message(), {
		context: {
			invalidIds: ids.invalid.map((i) =>
				typeof i.value === 'string' ? i.value : describe(i.value),
			),
		},
		errors: ids.invalid.slice(0, 100).map((i) => ({
			message: `Invalid object id ${describe(i.value)}`,
			in: i.at,
			code: 'INVALID_ID',
		})),
	});
}

/** BatchResponse envelope; errors make it a 207 at the call site. */
function batchBody(
	ctx: ApiContext,
	results: unknown[],
	errors: unknown[] = [],
): Record<string, unknown> {
	return {
		status: 'COMPLETE',
		results,
		...(errors.length ? { numErrors: errors.length, errors } : {}),
		requestedAt: ctx.requestedAt.toISOString(),
		startedAt: ctx.requestedAt.toISOString(),
		completedAt: new Date().toISOString(),
	};
}

/**
 * HubSpot's words for an association naming an object id it does not accept, as recorded for v4
 * association writes (HubSpot/hubspot-api-nodejs issue 646; HubSpot's 2026-09 changelog names the same
 * `INVALID_OBJECT_IDS` context for stale ids): the object is named by its type and id, not by side.
 */
export function invalidObjectError(type: ObjectTypeInfo, id: string): Record<string, unknown> {
	const typeName = type.custom ? type.id : type.singular.toUpperCase();
	return {
		status: 'error',
		category: 'VALIDATION_ERROR',
		message: 'One or more associations are invalid',
		context: {
			INVALID_OBJECT_IDS: [`${typeName}=${id} is not valid`],
			objectId: [id],
			objectType: [typeName],
		},
	};
}

/**
 * faults.errorIds: pairs naming one of those ids are skipped and reported in a 207, one error per named
 * object in HubSpot's recorded shape (`invalidObjectError`). No answer is recorded for archiving an id
 * that does not exist (HubSpot's older batch archive pages say 204 whatever the record's state): this
 * is a fault a test switches on, not the emulator's default.
 */
class NotFoundCollector {
	private readonly errors = new Map<string, Record<string, unknown>>();

	constructor(private readonly emu: HubSpotEmulator) {}

	/** True (and records an error) when the pair must be skipped. */
	skip(from: ObjectTypeInfo, fromId: string, to: ObjectTypeInfo, toId: string): boolean {
		const ids = this.emu.faults.errorIds;
		if (ids.size === 0) return false;
		const [type, id] = ids.has(fromId)
			? [from, fromId]
			: ids.has(toId)
				? [to, toId]
				: [undefined, undefined];
		if (!type || !id) return false;
		const key = `${type.id}:${id}`;
		if (!this.errors.has(key)) this.errors.set(key, invalidObjectError(type, id));
		return true;
	}

	list(): Array<Record<string, unknown>> {
		return [...this.errors.values()];
	}
}

function archiveSuccess(emu: HubSpotEmulator, ctx: ApiContext, errors: unknown[]): Reply {
	if (errors.length) return { status: 207, body: batchBody(ctx, [], errors) };
	return String(emu.settings.archiveResponse) === '200'
		? { status: 200, body: batchBody(ctx, []) }
		: { status: 204 };
}

/** POST /crm/v4/associations/{from}/{to}/batch/archive */
export function archive(emu: HubSpotEmulator, ctx: ApiContext): Reply {
	const inputs = parseArchiveInputs(ctx.body);
	if (typeof inputs === 'string') return validation(ctx, inputs);
	const pairs = inputs.reduce((n, i) => n + i.to.length, 0);
	ctx.entry.inputs = inputs.length;
	ctx.entry.pairs = pairs;
	const size = emu.settings.limitCounts === 'inputs' ? inputs.length : pairs;
	const sizeError = tooLarge(ctx, size, emu.settings.maxArchiveInputs);
	if (sizeError) return sizeError;

	const ids = new IdCollector();
	const normalized = inputs.map((input, i) => ({
		from: ids.take(input.from, `inputs[${i}].from.id`),
		to: input.to.map((t, j) => ids.take(t, `inputs[${i}].to[${j}].id`)),
	}));
	const invalid = invalidIds(emu, ctx, ids);
	if (invalid) return invalid;

	const notFound = new NotFoundCollector(emu);
	for (const input of normalized) {
		for (const toId of input.to) {
			if (notFound.skip(ctx.from, input.from, ctx.to, toId)) continue;
			if (emu.store.removePair(ctx.from, input.from, ctx.to, toId)) emu.stats.archivedPairs++;
		}
	}
	return archiveSuccess(emu, ctx, notFound.list());
}

/** Shared by labels/archive and create: size, ids, then the per-pair action. */
function typedBatch(
	emu: HubSpotEmulator,
	ctx: ApiContext,
	action: (fromId: string, toId: string, types: AssociationType[]) => void,
): Reply | { errors: Array<Record<string, unknown>> } {
	const inputs = parseTypedInputs(ctx.body);
	if (typeof inputs === 'string') return validation(ctx, inputs);
	ctx.entry.inputs = inputs.length;
	ctx.entry.pairs = inputs.length;
	const sizeError = tooLarge(ctx, inputs.length, emu.settings.maxArchiveInputs);
	if (sizeError) return sizeError;
	const ids = new IdCollector();
	const normalized = inputs.map((input, i) => ({
		from: ids.take(input.from, `inputs[${i}].from.id`),
		to: ids.take(input.to, `inputs[${i}].to.id`),
		types: input.types,
	}));
	const invalid = invalidIds(emu, ctx, ids);
	if (invalid) return invalid;
	const notFound = new NotFoundCollector(emu);
	for (const input of normalized) {
		if (notFound.skip(ctx.from, input.from, ctx.to, input.to)) continue;
		action(input.from, input.to, input.types);
	}
	return { errors: notFound.list() };
}

/** POST /crm/v4/associations/{from}/{to}/batch/labels/archive */
export function labelsArchive(emu: HubSpotEmulator, ctx: ApiContext): Reply {
	const outcome = typedBatch(emu, ctx, (fromId, toId, types) => {
		if (emu.store.removeTypes(ctx.from, fromId, ctx.to, toId, types) === 'pair-removed')
			emu.stats.archivedPairs++;
	});
	if ('status' in outcome) return outcome;
	return archiveSuccess(emu, ctx, outcome.errors);
}

/**
 * A record id as batch/read answers carry `toObjectId` (and batch/create its `fromObjectId` and `toObjectId`): a bare JSON number
 * with every digit, also past 2^53, where the client's JSON parsing (not HubSpot) rounds it. HubSpot's v4 spec typed `toObjectId`
 * as an integer until May 2024 (HubSpot/HubSpot-public-api-spec-collection, PublicApiSpecs/CRM/Associations/Rollouts/130902/v4/
 * associations.json, MultiAssociatedObjectWithLabel); its Flexible Associations spec types these fields integer int64
 * (Rollouts/50914/v4, LabelsBetweenObjectPair_1); the reference page now shows a string, which the node reads as well.
 * JSON.rawJSON (Node 21+) writes the digits into the answer's text as they are.
 */
const bareJsonNumber = (digits: string): unknown =>
	(JSON as unknown as { rawJSON(text: string): unknown }).rawJSON(digits);

/** POST /crm/v4/associations/{from}/{to}/batch/create */
export function batchCreate(emu: HubSpotEmulator, ctx: ApiContext): Reply {
	const results: unknown[] = [];
	const outcome = typedBatch(emu, ctx, (fromId, toId, types) => {
		emu.store.add(ctx.from, fromId, ctx.to, toId, types);
		results.push({
			fromObjectTypeId: ctx.from.id,
			fromObjectId: bareJsonNumber(fromId),
			toObjectTypeId: ctx.to.id,
			toObjectId: bareJsonNumber(toId),
			labels: types
				.map((t) => emu.types.labelOf(ctx.from, ctx.to, t))
				.filter((l): l is string => l !== null),
		});
	});
	if ('status' in outcome) return outcome;
	if (outcome.errors.length) return { status: 207, body: batchBody(ctx, results, outcome.errors) };
	return { status: Number(emu.settings.createResponse) || 201, body: batchBody(ctx, results) };
}

/** POST /crm/v4/associations/{from}/{to}/batch/read */
export function batchRead(emu: HubSpotEmulator, ctx: ApiContext): Reply {
	const inputs = parseReadInputs(ctx.body);
	if (typeof inputs === 'string') return validation(ctx, inputs);
	ctx.entry.inputs = inputs.length;
	const sizeError = tooLarge(ctx, inputs.length, emu.settings.maxReadInputs);
	if (sizeError) return sizeError;
	const ids = new IdCollector();
	const normalized = inputs.map((input, i) => ({
		id: ids.take(input.id, `inputs[${i}].id`),
		after: input.after,
	}));
	const invalid = invalidIds(emu, ctx, ids);
	if (invalid) return invalid;

	const offsets: number[] = [];
	for (const input of normalized) {
		const offset = input.after === undefined ? 0 : decodeCursor(input.after);
		if (offset === undefined)
			return validation(ctx, `Invalid paging cursor ${describe(input.after)} for id ${input.id}`);
		offsets.push(offset);
	}

	const pageSize = Math.max(1, emu.settings.readPageSize);
	const results: unknown[] = [];
	const errors: unknown[] = [];
	normalized.forEach((input, k) => {
		const targets = emu.store.targets(ctx.from, input.id, ctx.to);
		if (!targets || targets.size === 0) {
			if (emu.settings.readMissingAs === 'empty') {
				results.push({ from: { id: input.id }, to: [] });
			} else {
				// As recorded from HubSpot's v4 batch/read (a 207), for an id with no associations of the type,
				// whether or not the record exists.
				errors.push({
					status: 'error',
					category: 'OBJECT_NOT_FOUND',
					subCategory: 'crm.associations.NO_ASSOCIATIONS_FOUND',
					message: `No ${ctx.to.singular} is associated with ${ctx.from.singular} ${input.id}.`,
					context: {
						fromObjectId: [input.id],
						fromObjectType: [ctx.from.singular],
						toObjectType: [ctx.to.singular],
					},
				});
			}
			return;
		}
		// Walk only this from id's targets: skip to the cursor, take one page.
		const offset = offsets[k];
		const to: unknown[] = [];
		let index = 0;
		let more = false;
		for (const [toId, typeKeys] of targets) {
			if (index++ < offset) continue;
			if (to.length === pageSize) {
				more = true;
				break;
			}
			to.push({
				toObjectId: bareJsonNumber(toId),
				associationTypes: [...typeKeys].map((key) => {
					const t = parseTypeKey(key);
					return {
						category: t.category,
						typeId: t.typeId,
						label: emu.types.labelOf(ctx.from, ctx.to, t),
					};
				}),
			});
		}
		results.push({
			from: { id: input.id },
			to,
			...(more ? { paging: { next: { after: encodeCursor(offset + pageSize) } } } : {}),
		});
	});
	return { status: errors.length ? 207 : 200, body: batchBody(ctx, results, errors) };
}

/** GET /crm/v4/associations/{from}/{to}/labels */
export function listLabels(emu: HubSpotEmulator, ctx: ApiContext): Reply {
	return { status: 200, body: { results: emu.types.labelsFor(ctx.from, ctx.to) } };
}

/** DELETE /crm/v4/objects/{objectType}/{objectId}/associations/{toObjectType}/{toObjectId} */
export function deleteOne(emu: HubSpotEmulator, ctx: ApiContext): Reply {
	const fromId = normalizeId(ctx.params.objectId);
	const toId = normalizeId(ctx.params.toObjectId);
	if (!fromId || !toId) {
		emu.stats.invalidIdRequests++;
		return validation(
			ctx,
			`Invalid object id: ${describe(fromId ? ctx.params.toObjectId : ctx.params.objectId)}. Object ids must be positive integers.`,
		);
	}
	ctx.entry.pairs = 1;
	if (emu.store.removePair(ctx.from, fromId, ctx.to, toId)) emu.stats.archivedPairs++;
	return { status: 204 };
}
