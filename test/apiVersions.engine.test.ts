/**
 * HubSpot's dated API versions: version 2 of the node calls the version its API Version option names
 * (2026-03 by default), version 1 the numbered paths it always called. With the emulator refusing the
 * numbered paths, as HubSpot will from September 2027, version 2 still completes every operation.
 */
import type { INodeParameters } from 'n8n-workflow';

import type { HubSpotEmulator } from './emulator';
import { listSearch, loadOptions } from './engine/loadOptions';
import { archiveParameters, credentialsFor, run, seedPairs, useEmulator } from './helpers/setup';

const DECISION_MAKER = { typeId: 41, inverseTypeId: 42, label: 'Decision maker' };

/** The three operations, each set up on two contact → company pairs (item 1 has the label). */
const operations: Array<{ name: string; parameters: INodeParameters }> = [
	{ name: 'archive', parameters: archiveParameters() },
	{
		name: 'archiveLabels',
		parameters: archiveParameters({
			operation: 'archiveLabels',
			labelSource: 'list',
			labels: ['USER_DEFINED:41'],
		}),
	},
	{
		name: 'archiveAll',
		parameters: archiveParameters({ operation: 'archiveAll', toIds: undefined }),
	},
];

function seed(emu: HubSpotEmulator) {
	emu.addLabel('contacts', 'companies', DECISION_MAKER);
	emu.settings.recordBodies = true;
	const items = seedPairs(emu, 2);
	emu.seed('contacts', '2', 'companies', '1002', [{ category: 'USER_DEFINED', typeId: 41 }]);
	return items;
}

const paths = (emu: HubSpotEmulator) => emu.stats.log.map((e) => e.path);

describe('HubSpot API versions', () => {
	const emulator = useEmulator();

	describe.each(operations)('$name', ({ name, parameters }) => {
		it.each([
			{
				typeVersion: 2,
				apiVersion: undefined,
				label: 'left at its default',
				prefix: '/crm/associations/2026-03/contacts/companies/',
			},
			{
				typeVersion: 2,
				apiVersion: '2026-09',
				label: '2026-09',
				prefix: '/crm/associations/2026-09/contacts/companies/',
			},
			{
				typeVersion: 2,
				apiVersion: 'v4',
				label: 'v4',
				prefix: '/crm/v4/associations/contacts/companies/',
			},
			{
				typeVersion: 1,
				apiVersion: undefined,
				label: 'absent',
				prefix: '/crm/v4/associations/contacts/companies/',
			},
		])(
			'node version $typeVersion, API Version $label: every call under $prefix, the same outcome',
			async ({ typeVersion, apiVersion, prefix }) => {
				const emu = emulator();
				const items = seed(emu);
				const result = await run(
					emu,
					items,
					{ ...parameters, ...(apiVersion ? { apiVersion } : {}) },
					{ typeVersion },
				);
				expect(result.error).toBeUndefined();
				expect(result.items.map((i) => i.json.status)).toEqual(['COMPLETE', 'COMPLETE']);
				expect(paths(emu).length).toBeGreaterThan(0);
				for (const path of paths(emu)) expect(path.startsWith(prefix)).toBe(true);
				if (name === 'archiveLabels')
					expect(emu.typesOf('contacts', '2', 'companies', '1002')).not.toContainEqual({
						category: 'USER_DEFINED',
						typeId: 41,
					});
				else expect(emu.count()).toBe(0);
			},
		);

		it('dry run reads (Remove All) on the dated path and writes nothing', async () => {
			const emu = emulator();
			const items = seed(emu);
			const result = await run(
				emu,
				items,
				{ ...parameters, options: { dryRun: true } },
				{ typeVersion: 2 },
			);
			expect(result.items.map((i) => i.json.status)).toEqual(['DRY_RUN', 'DRY_RUN']);
			for (const path of paths(emu))
				expect(path).toBe('/crm/associations/2026-03/contacts/companies/batch/read');
			expect(emu.count()).toBe(2);
		});

		it('once HubSpot refuses the numbered paths, version 2 with its defaults still completes; version 1 fails, saying why', async () => {
			const emu = emulator();
			const items = seed(emu);
			emu.settings.refuseLegacyPaths = true;
			const v2 = await run(emu, items, parameters, { typeVersion: 2 });
			expect(v2.error).toBeUndefined();
			expect(paths(emu).filter((p) => p.startsWith('/crm/v4/'))).toEqual([]);
			const v1 = await run(emu, seed(emu), parameters, { typeVersion: 1 });
			expect(v1.error?.message).toMatch(/HubSpot could not find what the node asked for/);
			expect(paths(emu).filter((p) => p.startsWith('/crm/v4/')).length).toBeGreaterThan(0);
		});
	});

	it('2026-09 refuses the write of an OAuth2 user who may not edit associations: every item says so and what an admin changes', async () => {
		const emu = emulator();
		emu.settings.oauthUserLacksEditAssociations = true;
		const items = seedPairs(emu, 300);
		const params = archiveParameters({ authentication: 'oAuth2', apiVersion: '2026-09' });
		const result = await run(emu, items, params, { typeVersion: 2, continueOnFail: true });
		// The refusal is the same for every write: asked once, the rest not sent.
		expect(emu.stats.requests).toBe(1);
		expect(result.items[0].json.error).toBe(
			'HubSpot refused the write: the connected user may not edit associations',
		);
		expect((result.items[0].json.details as { hint: string }).hint).toMatch(
			/super admin can give that user the permission to edit associations/,
		);
		expect(result.items[299].json.error).toBe(
			'Not sent: HubSpot refused the write: the connected user may not edit associations',
		);
		expect(emu.count()).toBe(300);
		// 2026-03 does not check user permissions, and neither does a private app token on 2026-09.
		expect(
			(
				await run(
					emu,
					items,
					archiveParameters({ authentication: 'oAuth2', apiVersion: '2026-03' }),
					{ typeVersion: 2 },
				)
			).error,
		).toBeUndefined();
		expect(emu.count()).toBe(0);
	});

	it('the dropdowns follow the API Version: labels and custom objects from the dated paths (version 1: the numbered ones)', async () => {
		const emu = emulator();
		emu.addLabel('contacts', 'companies', DECISION_MAKER);
		emu.addCustomObject({
			objectTypeId: '2-123',
			fullyQualifiedName: 'p1_cars',
			name: 'cars',
			labels: { singular: 'Car', plural: 'Cars' },
		});
		emu.settings.refuseLegacyPaths = true;
		const call = {
			parameters: archiveParameters({ operation: 'archiveLabels' }),
			credentials: credentialsFor(emu),
			typeVersion: 2,
		};
		expect((await loadOptions('getAssociationLabels', call)).map((o) => o.value)).toContain(
			'USER_DEFINED:41',
		);
		expect((await listSearch('searchObjectTypes', call)).results.map((r) => r.value)).toContain(
			'2-123',
		);
		expect(paths(emu)).toEqual([
			'/crm/associations/2026-03/contacts/companies/labels',
			'/crm-object-schemas/2026-03/schemas',
		]);
		emu.settings.refuseLegacyPaths = false;
		emu.stats.reset();
		await loadOptions('getAssociationLabels', { ...call, typeVersion: 1 });
		await listSearch('searchObjectTypes', { ...call, typeVersion: 1 });
		expect(paths(emu)).toEqual([
			'/crm/v4/associations/contacts/companies/labels',
			'/crm-object-schemas/v3/schemas',
		]);
	});
});

describe("2026-09's validation rules", () => {
	const emulator = useEmulator();

	it("a write refused by one of the account's rules fails its items with HubSpot's words and what an admin changes", async () => {
		const emu = emulator();
		const items = seedPairs(emu, 2);
		// The shape HubSpot's changelog gives for a conditional required property (its example in part).
		const body = {
			status: 'error',
			category: 'VALIDATION_ERROR',
			message: 'my_property is required because of a conditional property rule based on [country]',
			correlationId: 'c-rule',
			errors: [
				{
					code: 'MISSING_CONDITIONAL_REQUIRED_PROPERTY',
					message:
						'my_property is required because of a conditional property rule based on [country]',
					context: { propertyName: ['my_property'] },
				},
			],
		};
		emu.faults.onPath('/crm/associations/2026-09/', { status: 400, body });
		const result = await run(emu, items, archiveParameters({ apiVersion: '2026-09' }), {
			typeVersion: 2,
			continueOnFail: true,
		});
		expect(result.items.map((i) => i.json.error)).toEqual([
			"HubSpot refused the write under one of the account's validation rules",
			"HubSpot refused the write under one of the account's validation rules",
		]);
		const details = result.items[0].json.details as {
			description: string;
			hint: string;
			correlationId: string;
		};
		expect(details.description).toContain(
			'my_property is required because of a conditional property rule',
		);
		expect(details.hint).toMatch(/a HubSpot admin can change the rule/);
		expect(details.correlationId).toBe('c-rule');
	});
});
