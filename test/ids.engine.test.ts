/**
 * Record ids at the edges of what HubSpot can hold, through n8n's engine against the emulator. HubSpot's record ids are int64
 * (at most 9223372036854775807): a longer id in one item would make HubSpot refuse the whole request, so the node refuses that
 * item alone. In batch/read answers `toObjectId` is a bare JSON number, which JSON parsing rounds past 2^53: Remove All must
 * fail the record it cannot read exactly rather than report a removal it did not make.
 */
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { archiveParameters, run, useEmulator } from './helpers/setup';

const INT64_MAX = '9223372036854775807';
const TOO_LONG = '12345678901234567890123';
/** 2^53 + 1: the first whole number a JavaScript number cannot hold; JSON parsing reads it as 9007199254740992. */
const PAST_2_53 = '9007199254740993';

type ArchiveBody = { inputs: Array<{ from: { id: string }; to: Array<{ id: string }> }> };

const allParameters = (): INodeParameters => {
	const { toIds: _unused, ...rest } = archiveParameters({ operation: 'archiveAll' });
	return rest;
};

/** JSON's own number, digits as given, for a fault's answer (JSON.stringify writes it as it is). */
const bareNumber = (digits: string): unknown =>
	(JSON as unknown as { rawJSON(text: string): unknown }).rawJSON(digits);

describe('Record ids HubSpot can hold', () => {
	const emulator = useEmulator();

	it('refuses only the item with a 23-digit id, naming it, and removes the others in one request', async () => {
		const emu = emulator();
		emu.settings.recordBodies = true;
		emu
			.seed('contacts', '7', 'companies', '8')
			.seed('contacts', '7', 'companies', '9')
			.seed('contacts', '1', 'companies', '10');
		const items: IDataObject[] = [
			{ id: 7, to: 8 },
			{ id: 7, to: ['9', TOO_LONG] },
			{ id: 1, to: 10 },
		];

		const result = await run(emu, items, archiveParameters(), { continueOnFail: true });
		expect(result.error).toBeUndefined();
		expect(result.items.map((i) => i.json.status)).toEqual(['COMPLETE', undefined, 'COMPLETE']);
		expect(String(result.items[1].json.error)).toMatch(
			/^Item 1: To IDs are not valid: entry 1: "12345678901234567890123" is larger than the largest HubSpot record id \(9223372036854775807\)/,
		);
		expect(result.items[1].json.details).toMatchObject({
			itemIndex: 1,
			hint: expect.stringMatching(/record ids are positive whole numbers/),
		});
		expect(emu.stats.invalidIdRequests).toBe(0);
		expect(emu.stats.byRoute).toEqual({ 'batch/archive': 1 });
		expect((emu.stats.log[0].body as ArchiveBody).inputs).toEqual([
			{ from: { id: '7' }, to: [{ id: '8' }] },
			{ from: { id: '1' }, to: [{ id: '10' }] },
		]);
		expect(emu.toIds('contacts', '7', 'companies')).toEqual(['9']);
		expect(emu.toIds('contacts', '1', 'companies')).toEqual([]);

		const stopped = await run(emu, items, archiveParameters());
		expect(stopped.error?.message).toMatch(
			/^Item 1: To IDs are not valid: entry 1: "12345678901234567890123" is larger than the largest HubSpot record id/,
		);
		expect(emu.stats.invalidIdRequests).toBe(0);
	});

	it('accepts the largest int64 id and sends it exactly, as a string', async () => {
		const emu = emulator();
		emu.settings.recordBodies = true;
		emu
			.seed('contacts', INT64_MAX, 'companies', PAST_2_53)
			.seed('contacts', INT64_MAX, 'companies', '8');
		const result = await run(emu, [{ id: INT64_MAX, to: [PAST_2_53, 8] }], archiveParameters());
		expect(result.error).toBeUndefined();
		expect(result.items[0].json).toMatchObject({
			fromId: INT64_MAX,
			toIds: [PAST_2_53, '8'],
			status: 'COMPLETE',
		});
		expect((emu.stats.log[0].body as ArchiveBody).inputs).toEqual([
			{ from: { id: INT64_MAX }, to: [{ id: PAST_2_53 }, { id: '8' }] },
		]);
		expect(emu.toIds('contacts', INT64_MAX, 'companies')).toEqual([]);
	});
});

describe('Remove All never reports a removal for an association it could not read exactly', () => {
	const emulator = useEmulator();

	/** Record 1 has an association whose toObjectId is past 2^53; record 2 an ordinary one. */
	const seedRecords = () =>
		emulator()
			.seed('contacts', '1', 'companies', '10')
			.seed('contacts', '1', 'companies', PAST_2_53)
			.seed('contacts', '2', 'companies', '20');
	const unreadable =
		/The associations of record 1 could not be read exactly: an associated record's id in HubSpot's answer cannot be read: 9007199254740992 is too large for a number to hold exactly \(above 9007199254740991\), so its last digits are lost/;

	it("Continue On Fail: the record's item fails with the reason, the other item is removed", async () => {
		const emu = seedRecords();
		const result = await run(emu, [{ id: 1 }, { id: 2 }], allParameters(), {
			continueOnFail: true,
		});
		expect(result.error).toBeUndefined();
		expect(String(result.items[0].json.error)).toMatch(unreadable);
		expect(result.items[0].json.details).toMatchObject({
			fromId: '1',
			hint: expect.stringMatching(/Archive Associations/),
		});
		expect(result.items[1].json).toMatchObject({ fromId: '2', toIds: ['20'], status: 'COMPLETE' });
		expect(emu.toIds('contacts', '1', 'companies')).toEqual(['10', PAST_2_53]);
		expect(emu.toIds('contacts', '2', 'companies')).toEqual([]);
	});

	it("Continue (using error output): the record's item goes to the error branch, the other item is removed", async () => {
		const emu = seedRecords();
		const result = await run(emu, [{ id: 1 }, { id: 2 }], allParameters(), {
			onError: 'continueErrorOutput',
		});
		expect(result.error).toBeUndefined();
		expect(result.errorItems.map((i) => i.pairedItem)).toEqual([{ item: 0 }]);
		expect(String(result.errorItems[0].json.error)).toMatch(unreadable);
		expect(result.items.map((i) => i.json)).toEqual([
			expect.objectContaining({ fromId: '2', toIds: ['20'], status: 'COMPLETE' }),
		]);
		expect(emu.toIds('contacts', '1', 'companies')).toEqual(['10', PAST_2_53]);
		expect(emu.toIds('contacts', '2', 'companies')).toEqual([]);
	});

	it('Stop Workflow: the node fails naming the record and why, and removes nothing', async () => {
		const emu = seedRecords();
		const result = await run(emu, [{ id: 1 }, { id: 2 }], allParameters());
		expect(result.error?.message).toMatch(/^Item 0: /);
		expect(result.error?.message).toMatch(unreadable);
		expect(emu.stats.byRoute).toEqual({ 'batch/read': 1 });
		expect(emu.toIds('contacts', '1', 'companies')).toEqual(['10', PAST_2_53]);
	});

	it('fails the record whose result names it by an id it cannot read exactly', async () => {
		const emu = emulator();
		emu.seed('contacts', PAST_2_53, 'companies', '10').seed('contacts', '2', 'companies', '20');
		// HubSpot types from.id as a string; an answer giving it as a bare number past 2^53 cannot be matched to the record asked.
		emu.faults.at(1, {
			status: 200,
			body: {
				status: 'COMPLETE',
				results: [
					{ from: { id: bareNumber(PAST_2_53) }, to: [{ toObjectId: 10, associationTypes: [] }] },
					{ from: { id: '2' }, to: [{ toObjectId: 20, associationTypes: [] }] },
				],
				startedAt: '2026-01-01T00:00:00.000Z',
				completedAt: '2026-01-01T00:00:00.100Z',
			},
		});
		const result = await run(emu, [{ id: PAST_2_53 }, { id: 2 }], allParameters(), {
			continueOnFail: true,
		});
		expect(result.error).toBeUndefined();
		expect(String(result.items[0].json.error)).toMatch(
			/^The associations of record 9007199254740993 could not be read exactly: a result in HubSpot's answer names its record by an id that cannot be read: 9007199254740992 is too large for a number to hold exactly/,
		);
		expect(result.items[1].json).toMatchObject({ fromId: '2', toIds: ['20'], status: 'COMPLETE' });
		expect(emu.has('contacts', PAST_2_53, 'companies', '10')).toBe(true);
	});
});
