/** Schemas (custom objects) and account details (n8n's credential test). */
import type { HubSpotEmulator } from './emulator';
import { hubspotError } from './errors';
import type { Reply } from './http';
import type { CustomObjectDefinition } from './objectTypes';
import type { ApiContext } from './routes';

function schemaOf(def: CustomObjectDefinition): Record<string, unknown> {
	const id = def.objectTypeId.slice(2);
	const now = '2024-01-01T00:00:00.000Z';
	return {
		id,
		objectTypeId: def.objectTypeId,
		fullyQualifiedName: def.fullyQualifiedName,
		name: def.name,
		labels: def.labels,
		primaryDisplayProperty: def.primaryDisplayProperty ?? 'name',
		requiredProperties: [],
		searchableProperties: [],
		secondaryDisplayProperties: [],
		properties: [],
		associations: [],
		archived: false,
		createdAt: now,
		updatedAt: now,
	};
}

export function listSchemas(emu: HubSpotEmulator): Reply {
	return { status: 200, body: { results: emu.types.customObjects().map(schemaOf) } };
}

export function getSchema(emu: HubSpotEmulator, ctx: ApiContext): Reply {
	const info = emu.types.resolve(ctx.params.objectType);
	const def = info?.custom
		? emu.types.customObjects().find((d) => d.objectTypeId === info.id)
		: undefined;
	if (!def) {
		return {
			status: 404,
			body: hubspotError(
				ctx.correlationId,
				'OBJECT_NOT_FOUND',
				`Unable to find object type ${ctx.params.objectType}`,
			),
		};
	}
	return { status: 200, body: schemaOf(def) };
}

export function accountInfo(emu: HubSpotEmulator): Reply {
	return {
		status: 200,
		body: {
			portalId: emu.settings.portalId,
			accountType: 'STANDARD',
			timeZone: 'US/Eastern',
			companyCurrency: 'USD',
			additionalCurrencies: [],
			utcOffset: '-05:00',
			utcOffsetMilliseconds: -18000000,
			uiDomain: 'app.hubspot.com',
			dataHostingLocation: 'na1',
		},
	};
}
