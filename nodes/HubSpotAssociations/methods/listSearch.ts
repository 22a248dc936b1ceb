/** The object type dropdowns: HubSpot's standard objects, then the portal's custom objects. */
import type {
	ILoadOptionsFunctions,
	INodeListSearchItems,
	INodeListSearchResult,
} from 'n8n-workflow';

import { STANDARD_OBJECT_TYPES } from '../helpers/objectTypes';
import { schemasPath, toApiVersion } from '../transport/paths';
import { hubspotGet } from '../transport/send';

/**
 * The portal's custom objects, or none when they cannot be listed (no credential yet, the
 * `crm.schemas.custom.read` scope missing, HubSpot down): the standard objects must show
 * regardless.
 */
async function customObjects(
	ctx: ILoadOptionsFunctions,
): Promise<Array<{ objectTypeId: string; fullyQualifiedName: string; label: string }>> {
	let answer;
	try {
		const version = toApiVersion(ctx.getNodeParameter('apiVersion', 'v4'));
		answer = await hubspotGet(ctx, schemasPath(version));
		// Older portals and proxies may know only the former numbered path.
		if (!answer.ok && answer.report.httpCode === '404' && version === 'v4')
			answer = await hubspotGet(ctx, '/crm/v3/schemas');
	} catch {
		return [];
	}
	const entries = [];
	for (const schema of answer.ok ? answer.results : []) {
		if (!schema || typeof schema !== 'object') continue;
		const s = schema as Record<string, unknown>;
		if (
			s.archived === true ||
			typeof s.objectTypeId !== 'string' ||
			!/^2-\d+$/.test(s.objectTypeId)
		)
			continue;
		const labels = (s.labels ?? {}) as Record<string, unknown>;
		const fullyQualifiedName = typeof s.fullyQualifiedName === 'string' ? s.fullyQualifiedName : '';
		const label =
			typeof labels.plural === 'string' && labels.plural
				? labels.plural
				: typeof s.name === 'string' && s.name
					? s.name
					: s.objectTypeId;
		entries.push({ objectTypeId: s.objectTypeId, fullyQualifiedName, label });
	}
	return entries;
}

/**
 * How many object types one answer carries: the editor asks for the next page as the user scrolls,
 * so an account with hundreds of custom objects opens the dropdown as quickly as one with none.
 */
export const OBJECT_TYPES_PAGE_SIZE = 100;

/**
 * Both dropdowns' entries, filtered by what the user types, a page at a time (the token is the next
 * page's offset).
 */
export async function searchObjectTypes(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	const needle = (filter ?? '').trim().toLowerCase();
	const matches = (...texts: string[]) =>
		!needle || texts.some((t) => t.toLowerCase().includes(needle));
	const standard = STANDARD_OBJECT_TYPES.filter(
		(t) => matches(t.name, t.label) || t.objectTypeId === needle,
	);
	const results: INodeListSearchItems[] = standard.map((t) => ({
		name: t.label,
		value: t.name,
		description: `${t.name} (${t.objectTypeId})`,
	}));
	for (const c of await customObjects(this)) {
		const description = `Custom object ${c.fullyQualifiedName ? `${c.fullyQualifiedName} ` : ''}(${c.objectTypeId})`;
		if (matches(c.label, c.fullyQualifiedName, c.objectTypeId))
			results.push({ name: c.label, value: c.objectTypeId, description });
	}
	const offset = Math.max(0, Number.parseInt(paginationToken ?? '0', 10) || 0);
	const end = offset + OBJECT_TYPES_PAGE_SIZE;
	return {
		results: results.slice(offset, end),
		paginationToken: end < results.length ? String(end) : undefined,
	};
}
