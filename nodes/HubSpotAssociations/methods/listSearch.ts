import type { ILoadOptionsFunctions, INodeListSearchItems, INodeListSearchResult } from 'n8n-workflow';

import { STANDARD_OBJECT_TYPES } from '../core/objectTypes';
import { schemasPath, toApiVersion } from '../transport/paths';
import { hubspotGet } from './hubspotGet';

/** A custom object as the schemas endpoint lists it, reduced to what the dropdown shows. */
interface CustomObjectEntry {
	objectTypeId: string;
	fullyQualifiedName: string;
	label: string;
}

function customObjectsOf(body: unknown): CustomObjectEntry[] {
	const results = (body as { results?: unknown } | undefined)?.results;
	if (!Array.isArray(results)) return [];
	const entries: CustomObjectEntry[] = [];
	for (const schema of results) {
		if (!schema || typeof schema !== 'object') continue;
		const s = schema as Record<string, unknown>;
		if (s.archived === true || typeof s.objectTypeId !== 'string' || !/^2-\d+$/.test(s.objectTypeId)) continue;
		const labels = (s.labels ?? {}) as Record<string, unknown>;
		const fullyQualifiedName = typeof s.fullyQualifiedName === 'string' ? s.fullyQualifiedName : '';
		const label =
			typeof labels.plural === 'string' && labels.plural ? labels.plural : typeof s.name === 'string' && s.name ? s.name : s.objectTypeId;
		entries.push({ objectTypeId: s.objectTypeId, fullyQualifiedName, label });
	}
	return entries;
}

/**
 * The portal's custom objects, or none when they cannot be listed (no credential yet, the
 * `crm.schemas.custom.read` scope missing, HubSpot down): the standard objects must show regardless.
 */
async function customObjects(ctx: ILoadOptionsFunctions): Promise<CustomObjectEntry[]> {
	try {
		const version = toApiVersion(ctx.getNodeParameter('apiVersion', 'v4'));
		let answer = await hubspotGet(ctx, schemasPath(version));
		// Older portals and proxies may know only the former numbered path.
		if (!answer.ok && answer.report.httpCode === '404' && version === 'v4') answer = await hubspotGet(ctx, '/crm/v3/schemas');
		return answer.ok ? customObjectsOf(answer.body) : [];
	} catch {
		return [];
	}
}

/**
 * How many object types one answer carries: the editor asks for the next page as the user scrolls, so an
 * account with hundreds of custom objects opens the dropdown as quickly as one with none.
 */
export const OBJECT_TYPES_PAGE_SIZE = 100;

/**
 * The object type dropdowns: HubSpot's standard objects, then the portal's custom objects, filtered by
 * what the user types, a page at a time (the token is the offset of the next page).
 */
export async function searchObjectTypes(this: ILoadOptionsFunctions, filter?: string, paginationToken?: string): Promise<INodeListSearchResult> {
	const needle = (filter ?? '').trim().toLowerCase();
	const matches = (...texts: string[]) => !needle || texts.some((t) => t.toLowerCase().includes(needle));
	const results: INodeListSearchItems[] = STANDARD_OBJECT_TYPES.filter((t) => matches(t.name, t.label) || t.objectTypeId === needle).map(
		(t) => ({ name: t.label, value: t.name, description: `${t.name} (${t.objectTypeId})` }),
	);
	for (const c of await customObjects(this)) {
		if (!matches(c.label, c.fullyQualifiedName, c.objectTypeId)) continue;
		results.push({
			name: c.label,
			value: c.objectTypeId,
			description: `Custom object ${c.fullyQualifiedName ? `${c.fullyQualifiedName} ` : ''}(${c.objectTypeId})`,
		});
	}
	const offset = Math.max(0, Number.parseInt(paginationToken ?? '0', 10) || 0);
	const end = offset + OBJECT_TYPES_PAGE_SIZE;
	return { results: results.slice(offset, end), paginationToken: end < results.length ? String(end) : undefined };
}
