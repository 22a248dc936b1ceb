import type { ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';

import { STANDARD_OBJECT_TYPES } from '../core/objectTypes';

/** The object type dropdowns: HubSpot's standard objects, filtered by what the user types. */
export async function searchObjectTypes(
	this: ILoadOptionsFunctions,
	filter?: string,
): Promise<INodeListSearchResult> {
	const needle = (filter ?? '').trim().toLowerCase();
	const results = STANDARD_OBJECT_TYPES.filter(
		(t) => !needle || t.name.includes(needle) || t.label.toLowerCase().includes(needle) || t.objectTypeId === needle,
	).map((t) => ({ name: t.label, value: t.name, description: `${t.name} (${t.objectTypeId})` }));
	return { results };
}
