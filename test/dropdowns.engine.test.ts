import type { INodeParameters } from 'n8n-workflow';

import { OBJECT_TYPES_PAGE_SIZE } from '../nodes/HubSpotAssociations/methods/listSearch';
import { listSearch, loadOptions } from './engine/loadOptions';
import {
	APP_TOKEN,
	archiveParameters,
	credentialsFor,
	OAUTH_ACCESS_TOKEN,
	run,
	SECRETS,
	useEmulator,
} from './helpers/setup';

/**
 * The node's dropdown methods, called through n8n-core's LoadOptionsContext with the test credentials
 * helper: every list below came over HTTP from the emulator.
 */
const CARS = {
	objectTypeId: '2-123',
	fullyQualifiedName: 'p1_cars',
	name: 'cars',
	labels: { singular: 'Car', plural: 'Cars' },
};
const BIKES = {
	objectTypeId: '2-456',
	fullyQualifiedName: 'p1_bikes',
	name: 'bikes',
	labels: { singular: 'Bike', plural: 'Bikes' },
};

const labelParameters = (overrides: INodeParameters = {}): INodeParameters => ({
	authentication: 'appToken',
	operation: 'archiveLabels',
	fromObjectType: { __rl: true, mode: 'list', value: 'contacts' },
	toObjectType: { __rl: true, mode: 'list', value: 'companies' },
	...overrides,
});

describe('Object type dropdowns', () => {
	const emulator = useEmulator();

	it("list the standard objects and the portal's custom objects with their display labels", async () => {
		const emu = emulator();
		emu.addCustomObject(CARS).addCustomObject(BIKES);
		const { results } = await listSearch('searchObjectTypes', {
			parameters: labelParameters(),
			credentials: credentialsFor(emu),
		});
		expect(results.slice(0, 3).map((r) => r.value)).toEqual(['contacts', 'companies', 'deals']);
		// HubSpot's 32 standard objects, the classic ones first, then the newer ones (leads, invoices, …).
		expect(results).toHaveLength(32 + 2);
		expect(results).toContainEqual({ name: 'Leads', value: 'leads', description: 'leads (0-136)' });
		expect(results.slice(-2)).toEqual([
			{ name: 'Cars', value: '2-123', description: 'Custom object p1_cars (2-123)' },
			{ name: 'Bikes', value: '2-456', description: 'Custom object p1_bikes (2-456)' },
		]);
		expect(emu.stats.byRoute).toEqual({ schemas: 1 });
		expect(emu.stats.log[0].authorization).toBe(APP_TOKEN);
	});

	it('filter by what the user types: label, fully qualified name or id', async () => {
		const emu = emulator();
		emu.addCustomObject(CARS).addCustomObject(BIKES);
		const call = { parameters: labelParameters(), credentials: credentialsFor(emu) };
		expect(
			(await listSearch('searchObjectTypes', call, 'cars')).results.map((r) => r.value),
		).toEqual(['2-123']);
		expect(
			(await listSearch('searchObjectTypes', call, 'car')).results.map((r) => r.value),
		).toEqual(['carts', '2-123']);
		expect(
			(await listSearch('searchObjectTypes', call, '0-136')).results.map((r) => r.value),
		).toEqual(['leads']);
		expect(
			(await listSearch('searchObjectTypes', call, 'p1_bik')).results.map((r) => r.value),
		).toEqual(['2-456']);
		expect(
			(await listSearch('searchObjectTypes', call, '0-3')).results.map((r) => r.value),
		).toEqual(['deals']);
		expect(
			(await listSearch('searchObjectTypes', call, 'comp')).results.map((r) => r.value),
		).toEqual(['companies']);
	});

	it('come a page at a time in an account with hundreds of custom objects, the next page where the last ended', async () => {
		const emu = emulator();
		for (let n = 1; n <= 250; n++) {
			emu.addCustomObject({
				objectTypeId: `2-${1000 + n}`,
				fullyQualifiedName: `p1_asset_${n}`,
				name: `asset_${n}`,
				labels: { singular: `Asset ${n}`, plural: `Assets ${n}` },
			});
		}
		const call = { parameters: labelParameters(), credentials: credentialsFor(emu) };
		const seen: string[] = [];
		let token: string | undefined;
		let pages = 0;
		do {
			const page = await listSearch('searchObjectTypes', call, undefined, token);
			expect(page.results.length).toBeLessThanOrEqual(OBJECT_TYPES_PAGE_SIZE);
			seen.push(...page.results.map((r) => String(r.value)));
			token = page.paginationToken as string | undefined;
			pages++;
		} while (token !== undefined && pages < 10);
		expect(pages).toBe(Math.ceil((32 + 250) / OBJECT_TYPES_PAGE_SIZE));
		expect(seen).toHaveLength(32 + 250);
		expect(new Set(seen).size).toBe(32 + 250);
		expect(seen.slice(0, 2)).toEqual(['contacts', 'companies']);
		expect(seen.at(-1)).toBe('2-1250');
		// A filter narrows before paging: the one match comes on the first page, with no next page.
		const filtered = await listSearch('searchObjectTypes', call, 'assets 250');
		expect(filtered).toEqual({
			results: [expect.objectContaining({ value: '2-1250' })],
			paginationToken: undefined,
		});
	});

	it('use the OAuth2 credential when the node is set to it', async () => {
		const emu = emulator();
		emu.addCustomObject(CARS);
		const { results } = await listSearch('searchObjectTypes', {
			parameters: labelParameters({ authentication: 'oAuth2' }),
			credentials: credentialsFor(emu),
		});
		expect(results.map((r) => r.value)).toContain('2-123');
		expect(emu.stats.log[0].authorization).toBe(OAUTH_ACCESS_TOKEN);
	});

	it('still show the standard objects when the schema call is refused (scope missing)', async () => {
		const emu = emulator();
		emu.addCustomObject(CARS);
		emu.addToken(APP_TOKEN, {
			kind: 'private',
			scopes: ['crm.objects.contacts.write', 'crm.objects.companies.write'],
		});
		const { results } = await listSearch('searchObjectTypes', {
			parameters: labelParameters(),
			credentials: credentialsFor(emu),
		});
		expect(results).toHaveLength(32);
		expect(emu.stats.byStatus).toEqual({ 403: 1 });
	});

	it('still show the standard objects when HubSpot keeps failing, after a bounded number of tries', async () => {
		const emu = emulator();
		emu.faults.onPath('/schemas', { status: 503 });
		const { results } = await listSearch('searchObjectTypes', {
			parameters: labelParameters(),
			credentials: credentialsFor(emu),
		});
		expect(results).toHaveLength(32);
		expect(emu.stats.requests).toBe(3);
	});

	it('fall back to the older schemas path when the newer one is not found', async () => {
		const emu = emulator();
		emu.addCustomObject(CARS);
		emu.faults.onPath('/crm-object-schemas/', { status: 404 });
		const { results } = await listSearch('searchObjectTypes', {
			parameters: labelParameters(),
			credentials: credentialsFor(emu),
		});
		expect(results.map((r) => r.value)).toContain('2-123');
		expect(emu.stats.log.map((l) => l.path)).toEqual([
			'/crm-object-schemas/v3/schemas',
			'/crm/v3/schemas',
		]);
	});
});

describe('Label dropdown', () => {
	const emulator = useEmulator();

	it('lists the labels between the chosen types with name, category and type id, unlabeled first', async () => {
		const emu = emulator();
		emu.addLabel('contacts', 'companies', {
			typeId: 41,
			inverseTypeId: 42,
			label: 'Decision maker',
		});
		const options = await loadOptions('getAssociationLabels', {
			parameters: labelParameters(),
			credentials: credentialsFor(emu),
			path: 'parameters.labels',
		});
		expect(options.map((o) => o.value)).toEqual([
			'HUBSPOT_DEFINED:279',
			'HUBSPOT_DEFINED:1',
			'USER_DEFINED:41',
		]);
		expect(options.map((o) => o.name)).toEqual([
			'Unlabeled (HubSpot-defined, type ID 279)',
			'Primary (HubSpot-defined, type ID 1)',
			'Decision maker (user-defined, type ID 41)',
		]);
		expect(options[0].description).toContain('removes every label');
		expect(emu.stats.log.map((l) => l.path)).toEqual([
			'/crm/v4/associations/contacts/companies/labels',
		]);
	});

	it('follows the chosen direction and custom objects by id', async () => {
		const emu = emulator();
		emu.addCustomObject(CARS);
		emu.addLabel('contacts', 'companies', {
			typeId: 41,
			inverseTypeId: 42,
			label: 'Decision maker',
		});
		emu.addLabel('2-123', 'contacts', { typeId: 77, label: 'Driver' });
		const back = await loadOptions('getAssociationLabels', {
			parameters: labelParameters({
				fromObjectType: { __rl: true, mode: 'list', value: 'companies' },
				toObjectType: { __rl: true, mode: 'id', value: '0-1' },
			}),
			credentials: credentialsFor(emu),
		});
		expect(back.map((o) => o.value)).toEqual([
			'HUBSPOT_DEFINED:280',
			'HUBSPOT_DEFINED:2',
			'USER_DEFINED:42',
		]);
		const custom = await loadOptions('getAssociationLabels', {
			parameters: labelParameters({
				fromObjectType: { __rl: true, mode: 'list', value: '2-123' },
				toObjectType: { __rl: true, mode: 'list', value: 'contacts' },
			}),
			credentials: credentialsFor(emu),
		});
		expect(custom.map((o) => o.name)).toEqual([
			expect.stringMatching(/^Unlabeled/),
			'Driver (user-defined, type ID 77)',
		]);
	});

	it('asks for the object types first instead of calling HubSpot without them', async () => {
		const emu = emulator();
		await expect(
			loadOptions('getAssociationLabels', {
				parameters: labelParameters({ toObjectType: { __rl: true, mode: 'list', value: '' } }),
				credentials: credentialsFor(emu),
			}),
		).rejects.toThrow('Choose the To Object Type first');
		expect(emu.stats.requests).toBe(0);
	});

	it("reports HubSpot's refusal with its words and no secret", async () => {
		const emu = emulator();
		emu.settings.missingScopes = ['crm.objects.contacts.read'];
		const error = await loadOptions('getAssociationLabels', {
			parameters: labelParameters(),
			credentials: credentialsFor(emu),
		}).then(
			() => new Error('expected a failure'),
			(e: unknown) => e as Error,
		);
		expect(error.name).toBe('NodeApiError');
		expect(error.message).toContain('missing scopes: crm.objects.contacts.read');
		expect(
			SECRETS.some((s) => JSON.stringify(error).includes(s) || String(error.stack).includes(s)),
		).toBe(false);
	});

	it('gives values the operation takes as they are: pick from the dropdown, remove that label', async () => {
		const emu = emulator();
		emu.addLabel('contacts', 'companies', {
			typeId: 41,
			inverseTypeId: 42,
			label: 'Decision maker',
		});
		emu.seed('contacts', '1', 'companies', '10', [{ category: 'USER_DEFINED', typeId: 41 }]);
		const options = await loadOptions('getAssociationLabels', {
			parameters: labelParameters(),
			credentials: credentialsFor(emu),
		});
		const picked = options.find((o) => String(o.name).startsWith('Decision maker'))!.value;
		const result = await run(
			emu,
			[{ id: 1, to: 10 }],
			archiveParameters({ operation: 'archiveLabels', labels: [picked] }),
		);
		expect(result.error).toBeUndefined();
		expect(emu.typesOf('contacts', '1', 'companies', '10')).toEqual([
			{ category: 'HUBSPOT_DEFINED', typeId: 279 },
		]);
	});
});
