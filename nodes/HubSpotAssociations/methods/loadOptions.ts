/** The label dropdown: the association labels HubSpot lists between the chosen object types. */
import { NodeOperationError } from 'n8n-workflow';
import type { ILoadOptionsFunctions, INodePropertyOptions } from 'n8n-workflow';

import { labelKey, parseLabel } from '../helpers/labels';
import { normalizeObjectType } from '../helpers/objectTypes';
import { toNodeApiError } from '../transport/errors';
import { associationsPath, toApiVersion } from '../transport/paths';
import { hubspotGet } from '../transport/send';

function chosenObjectType(ctx: ILoadOptionsFunctions, name: string, displayName: string): string {
	let check;
	try {
		check = normalizeObjectType(ctx.getNodeParameter(name, '', { extractValue: true }));
	} catch {
		check = normalizeObjectType(undefined);
	}
	if (!check.ok) {
		const description = `The labels depend on both object types. ${displayName} ${check.reason}. When the types come from an expression, give the labels by type ID and category instead.`;
		throw new NodeOperationError(
			ctx.getNode(),
			`Choose the ${displayName} first to see its labels`,
			{ description },
		);
	}
	return check.value;
}

const CATEGORY_WORDS: Record<string, string> = {
	HUBSPOT_DEFINED: 'HubSpot-defined',
	USER_DEFINED: 'user-defined',
	INTEGRATOR_DEFINED: 'integrator-defined',
};

/**
 * The labels between the chosen object types, in HubSpot's order (unlabeled type first), each
 * showing its name, category and type id. The value, `CATEGORY:ID`, is also what an expression may
 * give.
 */
export async function getAssociationLabels(
	this: ILoadOptionsFunctions,
): Promise<INodePropertyOptions[]> {
	const from = chosenObjectType(this, 'fromObjectType', 'From Object Type');
	const to = chosenObjectType(this, 'toObjectType', 'To Object Type');
	const answer = await hubspotGet(
		this,
		associationsPath(toApiVersion(this.getNodeParameter('apiVersion', 'v4')), from, to, 'labels'),
	);
	if (!answer.ok)
		throw toNodeApiError(this.getNode(), answer.report, 0, 'Could not load the labels');
	const options: INodePropertyOptions[] = [];
	for (const entry of answer.results) {
		const type = parseLabel(entry);
		if (!type) continue;
		const label = (entry as { label?: unknown }).label;
		const named = typeof label === 'string' && label.trim() !== '';
		const kind = `${CATEGORY_WORDS[type.associationCategory]}, type ID ${type.associationTypeId}`;
		const description = named
			? `The "${label}" label, ${kind}`
			: 'The plain association without a label. Removing it removes every label between the pair: the whole association goes.';
		options.push({
			name: `${named ? label : 'Unlabeled'} (${kind})`,
			value: labelKey(type),
			description,
		});
	}
	return options;
}
