/**
 * Where each call goes for the API version the node is set to. HubSpot publishes its APIs under
 * dated versions since 30 March 2026 (`/crm/associations/2026-03/…`) and lists the numbered paths
 * (`/crm/v4/…`) as legacy, supported until September 2027. Node version 1 always calls the numbered
 * paths, as it always did; version 2 calls the version its API Version option names.
 */
export type ApiVersion = 'v4' | '2026-03' | '2026-09';

/**
 * What version 2 of the node calls unless told otherwise: the newest version HubSpot documents
 * every call of the node under.
 */
export const DEFAULT_API_VERSION: ApiVersion = '2026-03';

export const toApiVersion = (value: unknown): ApiVersion =>
	value === '2026-03' || value === '2026-09' ? value : 'v4';

/**
 * An associations endpoint between two object types: `batch/archive`, `batch/labels/archive`,
 * `batch/read` or `labels`.
 */
export function associationsPath(
	version: ApiVersion,
	fromObjectType: string,
	toObjectType: string,
	endpoint: string,
): string {
	const types = `${encodeURIComponent(fromObjectType)}/${encodeURIComponent(toObjectType)}`;
	return version === 'v4'
		? `/crm/v4/associations/${types}/${endpoint}`
		: `/crm/associations/${version}/${types}/${endpoint}`;
}

/**
 * The custom object schemas, for the object type dropdowns. HubSpot's reference documents them
 * under 2026-03 and no later dated version, so a later choice reads them there (the list is the
 * same).
 */
export const schemasPath = (version: ApiVersion): string =>
	version === 'v4' ? '/crm-object-schemas/v3/schemas' : '/crm-object-schemas/2026-03/schemas';
