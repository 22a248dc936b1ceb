/**
 * The API route table: path patterns, the access each route needs (for scope checks) and handlers.
 * Routes are matched before authentication, so unknown paths answer 404 whatever the token.
 */
import type { HubSpotEmulator } from './emulator';
import type { Reply } from './http';
import type { ObjectTypeInfo } from './objectTypes';
import type { LogEntry } from './stats';
import type { TokenInfo } from './tokens';
import {
	archive,
	batchCreate,
	batchRead,
	deleteOne,
	labelsArchive,
	listLabels,
} from './routesAssociations';
import { accountInfo, getSchema, listSchemas } from './routesMisc';

/** Everything a handler needs to know about the request. */
export interface ApiContext {
	method: string;
	path: string;
	correlationId: string;
	requestedAt: Date;
	token: TokenInfo;
	/** Parsed JSON body for routes that take one. */
	body: unknown;
	params: Record<string, string>;
	/** Resolved object types of the route's :from/:to (or :objectType/:toObjectType) params. */
	from: ObjectTypeInfo;
	to: ObjectTypeInfo;
	entry: LogEntry;
}

export type Access = 'write' | 'read' | 'schemas' | 'none';

export interface RouteDef {
	name: string;
	method: string;
	segments: string[];
	access: Access;
	/** Names of the params holding the from and to object types, when the route has them. */
	objectParams?: [string, string];
	/** A numbered ("legacy") path, which HubSpot stops supporting in September 2027 (settings.refuseLegacyPaths). */
	legacy: boolean;
	json: boolean;
	handler: (emu: HubSpotEmulator, ctx: ApiContext) => Reply;
}

const route = (
	name: string,
	method: string,
	pattern: string,
	access: Access,
	handler: RouteDef['handler'],
	objectParams?: [string, string],
): RouteDef => {
	const segments = pattern.split('/').filter(Boolean);
	return {
		name,
		method,
		segments,
		access,
		objectParams,
		legacy: !segments.includes(':version'),
		json: method === 'POST',
		handler,
	};
};

/**
 * HubSpot's dated API versions (`/crm/associations/2026-03/…`, developers.hubspot.com/docs/api-reference/
 * latest/overview), served over the same store as the numbered paths.
 */
export const DATED_VERSIONS = ['2025-09', '2026-03', '2026-09'];

/** The association routes, under the numbered path and under every dated version. */
function associationRoutes(base: string): RouteDef[] {
	return [
		route('batch/archive', 'POST', `${base}/batch/archive`, 'write', archive, ['from', 'to']),
		route('batch/labels/archive', 'POST', `${base}/batch/labels/archive`, 'write', labelsArchive, [
			'from',
			'to',
		]),
		route('batch/read', 'POST', `${base}/batch/read`, 'read', batchRead, ['from', 'to']),
		route('batch/create', 'POST', `${base}/batch/create`, 'write', batchCreate, ['from', 'to']),
		route('labels', 'GET', `${base}/labels`, 'read', listLabels, ['from', 'to']),
	];
}

export const ROUTES: RouteDef[] = [
	...associationRoutes('/crm/v4/associations/:from/:to'),
	...associationRoutes('/crm/associations/:version/:from/:to'),
	route(
		'delete',
		'DELETE',
		'/crm/v4/objects/:objectType/:objectId/associations/:toObjectType/:toObjectId',
		'write',
		deleteOne,
		['objectType', 'toObjectType'],
	),
	route('schemas', 'GET', '/crm-object-schemas/v3/schemas', 'schemas', listSchemas),
	route('schemas', 'GET', '/crm-object-schemas/:version/schemas', 'schemas', listSchemas),
	route('schemas', 'GET', '/crm/v3/schemas', 'schemas', listSchemas),
	route('schema', 'GET', '/crm-object-schemas/v3/schemas/:objectType', 'schemas', getSchema),
	route('schema', 'GET', '/crm/v3/schemas/:objectType', 'schemas', getSchema),
	route('account-info', 'GET', '/account-info/v3/details', 'none', accountInfo),
	route('account-info', 'GET', '/account-info/:version/details', 'none', accountInfo),
];

export type RouteMatch =
	| { route: RouteDef; params: Record<string, string> }
	| { methodNotAllowed: true }
	| undefined;

export function matchRoute(method: string, path: string): RouteMatch {
	const parts = path.split('/').filter(Boolean);
	let pathMatched = false;
	for (const r of ROUTES) {
		if (r.segments.length !== parts.length) continue;
		const params: Record<string, string> = {};
		let ok = true;
		for (let i = 0; i < parts.length && ok; i++) {
			const seg = r.segments[i];
			if (seg.startsWith(':')) {
				try {
					params[seg.slice(1)] = decodeURIComponent(parts[i]);
				} catch {
					params[seg.slice(1)] = parts[i];
				}
			} else ok = seg === parts[i];
		}
		if (!ok || (params.version !== undefined && !DATED_VERSIONS.includes(params.version))) continue;
		if (r.method === method) return { route: r, params };
		pathMatched = true;
	}
	return pathMatched ? { methodNotAllowed: true } : undefined;
}
