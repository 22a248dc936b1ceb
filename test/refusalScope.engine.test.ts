/**
 * A refusal stops only what it concerns. One execution's items may mix object types (item 1 contacts → companies, item 2
 * contacts → tickets): a 403 for the scope of one object type stops that pair of object types only, and an answer that says an
 * object type is unknown blocks its pair. A 403 that names nothing it can be pinned on still stops the run, and a plain 404 (a
 * proxy's, or one about a record) fails the items of its own request only.
 */
import type { IDataObject } from 'n8n-workflow';

import type { HubSpotEmulator } from './emulator';
import { missingScopesError } from './emulator/errors';
import { APP_TOKEN, archiveParameters, run, useEmulator } from './helpers/setup';

/** The To Object Type read from each item's `toType`, so one execution mixes pairs of object types. */
const mixedParameters = (options: IDataObject = {}) =>
	archiveParameters({
		toObjectType: { __rl: true, mode: 'id', value: '={{ $json.toType }}' },
		options: { batchSize: 10, concurrency: 1, ...options },
	});

/** `n` contacts, each associated with a record of `toType` (ids from `start`), seeded; the items that remove them. */
function seedItems(emu: HubSpotEmulator, toType: string, n: number, start: number): IDataObject[] {
	return Array.from({ length: n }, (_, i) => {
		emu.seed('contacts', String(start + i), toType, String(10_000 + start + i));
		return { id: start + i, to: 10_000 + start + i, toType };
	});
}

const requestsTo = (emu: HubSpotEmulator, toType: string) =>
	emu.stats.log.filter((e) => e.path.includes(`/contacts/${toType}/`)).length;
const errorsOf = (items: Array<{ json: IDataObject }>) => items.map((i) => i.json.error);

describe('A refusal stops only the pair of object types it concerns', () => {
	const emulator = useEmulator();

	it('a 403 for the tickets scope: contacts → tickets stops, contacts → companies is removed', async () => {
		const emu = emulator();
		// A private app with the contacts and companies scopes but not `tickets`.
		emu.addToken(APP_TOKEN, {
			kind: 'private',
			scopes: ['crm.objects.contacts.write', 'crm.objects.companies.write'],
		});
		const tickets = seedItems(emu, 'tickets', 30, 1);
		const companies = seedItems(emu, 'companies', 30, 101);
		const result = await run(emu, [...tickets, ...companies], mixedParameters(), {
			continueOnFail: true,
		});

		expect(result.error).toBeUndefined();
		expect(result.items).toHaveLength(60);
		// The other pair goes on: every contact → company association is gone.
		expect(result.items.slice(30).map((i) => i.json.status)).toEqual(Array(30).fill('COMPLETE'));
		for (let i = 101; i <= 130; i++)
			expect(emu.has('contacts', i, 'companies', 10_000 + i)).toBe(false);
		// The refused pair was asked once: its first batch has the 403's report, the batches waiting say they were not sent, and why.
		expect(requestsTo(emu, 'tickets')).toBe(1);
		const refused = 'The HubSpot credential is missing scopes: tickets (contacts → tickets)';
		expect(errorsOf(result.items.slice(0, 10))).toEqual(Array(10).fill(refused));
		expect(errorsOf(result.items.slice(10, 30))).toEqual(Array(20).fill(`Not sent: ${refused}`));
		expect(result.items[29].json.details).toMatchObject({
			httpCode: '403',
			category: 'MISSING_SCOPES',
			hint: expect.stringMatching(/Add these scopes to the private app/),
		});
		for (let i = 1; i <= 30; i++) expect(emu.has('contacts', i, 'tickets', 10_000 + i)).toBe(true);
	});

	it('with concurrency, no further request of the refused pair is sent once the 403 is in', async () => {
		const emu = emulator();
		emu.addToken(APP_TOKEN, {
			kind: 'private',
			scopes: ['crm.objects.contacts.write', 'crm.objects.companies.write'],
		});
		const items = [...seedItems(emu, 'tickets', 500, 1), ...seedItems(emu, 'companies', 500, 1001)];
		const result = await run(emu, items, mixedParameters({ concurrency: 5 }), {
			continueOnFail: true,
		});

		expect(result.items.slice(500).every((i) => i.json.status === 'COMPLETE')).toBe(true);
		expect(emu.count()).toBe(500);
		// Requests already under way when the 403 came back may get one of their own; none starts after it.
		expect(requestsTo(emu, 'tickets')).toBeLessThanOrEqual(5);
		expect(
			result.items
				.slice(0, 500)
				.filter((i) =>
					String(i.json.error).startsWith(
						'Not sent: The HubSpot credential is missing scopes: tickets',
					),
				).length,
		).toBe(500 - 10 * requestsTo(emu, 'tickets'));
	});

	it("the older answer's `requiredScopes`, naming the custom objects' scope, stops only the pair with the custom object", async () => {
		const emu = emulator();
		emu.addCustomObject({
			objectTypeId: '2-123',
			fullyQualifiedName: 'p1_cars',
			name: 'cars',
			labels: { singular: 'Car', plural: 'Cars' },
		});
		emu.faults.onPath('/contacts/2-123/', {
			status: 403,
			body: missingScopesError(
				'c0ffee00-0000-4000-8000-000000000003',
				['crm.objects.custom.write'],
				'requiredScopes',
			),
		});
		const items = [...seedItems(emu, '2-123', 20, 1), ...seedItems(emu, 'companies', 20, 101)];
		const result = await run(emu, items, mixedParameters(), { continueOnFail: true });

		expect(requestsTo(emu, '2-123')).toBe(1);
		expect(result.items[0].json.error).toBe(
			'The HubSpot credential is missing scopes: crm.objects.custom.write (contacts → 2-123)',
		);
		expect(result.items[19].json.error).toBe(
			'Not sent: The HubSpot credential is missing scopes: crm.objects.custom.write (contacts → 2-123)',
		);
		expect(result.items.slice(20).map((i) => i.json.status)).toEqual(Array(20).fill('COMPLETE'));
		expect(emu.count()).toBe(20);
	});

	it.each([
		[
			'a 403 naming no scope',
			{
				status: 'error',
				message: 'This account does not have access to this API',
				correlationId: 'c0ffee00-0000-4000-8000-000000000001',
				category: 'FORBIDDEN',
			},
		],
		[
			'a 403 naming only scopes of no object type',
			{
				status: 'error',
				message: "This app hasn't been granted all required scopes to make this call.",
				correlationId: 'c0ffee00-0000-4000-8000-000000000002',
				category: 'MISSING_SCOPES',
				errors: [
					{
						message: 'One or more of the following scopes are required.',
						context: { requiredGranularScopes: ['oauth'] },
					},
				],
			},
		],
	])('%s stops the run: the other pair of object types is not sent either', async (_name, body) => {
		const emu = emulator();
		emu.faults.onPath('/contacts/tickets/', { status: 403, body });
		const items = [...seedItems(emu, 'tickets', 10, 1), ...seedItems(emu, 'companies', 10, 101)];
		const result = await run(emu, items, mixedParameters(), { continueOnFail: true });

		expect(emu.stats.requests).toBe(1);
		expect(result.items.slice(10).every((i) => String(i.json.error).startsWith('Not sent: '))).toBe(
			true,
		);
		expect(emu.count()).toBe(20);
	});

	it('an answer that the object type is unknown blocks its pair only', async () => {
		const emu = emulator();
		const companies = seedItems(emu, 'companies', 20, 101);
		const widgets = Array.from({ length: 30 }, (_, i) => ({
			id: i + 1,
			to: 5_000 + i,
			toType: 'widgets',
		}));
		const result = await run(emu, [...widgets, ...companies], mixedParameters(), {
			continueOnFail: true,
		});

		expect(requestsTo(emu, 'widgets')).toBe(1);
		const unknown = 'HubSpot does not know the object type "widgets" (contacts → widgets)';
		expect(errorsOf(result.items.slice(0, 10))).toEqual(Array(10).fill(unknown));
		expect(errorsOf(result.items.slice(10, 30))).toEqual(Array(20).fill(`Not sent: ${unknown}`));
		expect(result.items.slice(30).map((i) => i.json.status)).toEqual(Array(20).fill('COMPLETE'));
		expect(emu.count()).toBe(0);
	});
});

describe('A 404 that says nothing about the object type fails its own request only', () => {
	const emulator = useEmulator();

	it.each([
		// HubSpot's answer for a record it does not find (category OBJECT_NOT_FOUND, the emulator's default body for a 404).
		["HubSpot's 404 about a record", undefined],
		// A proxy or gateway in front of HubSpot: no HubSpot body at all.
		["a proxy's 404", '<html><body><h1>404 Not Found</h1></body></html>'],
	])(
		'%s on one batch: later batches of the same pair are still sent and removed',
		async (_name, body) => {
			const emu = emulator();
			const items = seedItems(emu, 'companies', 30, 1);
			emu.faults.onPath('batch/archive', { status: 404, body }, 1);
			const result = await run(emu, items, mixedParameters(), { continueOnFail: true });

			expect(emu.stats.requests).toBe(3);
			expect(errorsOf(result.items.slice(0, 10))).toEqual(
				Array(10).fill('HubSpot could not find what the node asked for (contacts → companies)'),
			);
			expect(result.items.slice(10).map((i) => i.json.status)).toEqual(Array(20).fill('COMPLETE'));
			expect(emu.count()).toBe(10);
		},
	);
});
