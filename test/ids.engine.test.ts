/**
 * Record ids at the edges of what HubSpot can hold, through n8n's engine against the emulator. HubSpot's record ids are int64
 * (at most 9223372036854775807): a longer id in one item would make HubSpot refuse the whole request, so the node refuses that
 * item alone. In batch/read answers `toObjectId` is a bare JSON number, which JSON parsing rounds past 2^53: Remove All must
 * fail the record it cannot read exactly rather than report a removal it did not make.
 */
import type { IDataObject } from 'n8n-workflow';

import { archiveParameters, run, useEmulator } from './helpers/setup';

const INT64_MAX = '9223372036854775807';
const TOO_LONG = '12345678901234567890123';
/** 2^53 + 1: the first whole number a JavaScript number cannot hold; JSON parsing reads it as 9007199254740992. */
const PAST_2_53 = '9007199254740993';

type ArchiveBody = { inputs: Array<{ from: { id: string }; to: Array<{ id: string }> }> };

describe('Record ids HubSpot can hold', () => {
	const emulator = useEmulator();

	it('refuses only the item with a 23-digit id, naming it, and removes the others in one request', async () => {
		const emu = emulator();
		emu.settings.recordBodies = true;
		emu.seed('contacts', '7', 'companies', '8').seed('contacts', '7', 'companies', '9').seed('contacts', '1', 'companies', '10');
		const items: IDataObject[] = [{ id: 7, to: 8 }, { id: 7, to: ['9', TOO_LONG] }, { id: 1, to: 10 }];

		const result = await run(emu, items, archiveParameters(), { continueOnFail: true });
		expect(result.error).toBeUndefined();
		expect(result.items.map((i) => i.json.status)).toEqual(['COMPLETE', undefined, 'COMPLETE']);
		expect(String(result.items[1].json.error)).toMatch(
			/^Item 1: To IDs are not valid: entry 1: "12345678901234567890123" is larger than the largest HubSpot record id \(9223372036854775807\)/,
		);
		expect(result.items[1].json.details).toMatchObject({ itemIndex: 1, hint: expect.stringMatching(/record ids are positive whole numbers/) });
		expect(emu.stats.invalidIdRequests).toBe(0);
		expect(emu.stats.byRoute).toEqual({ 'batch/archive': 1 });
		expect((emu.stats.log[0].body as ArchiveBody).inputs).toEqual([
			{ from: { id: '7' }, to: [{ id: '8' }] },
			{ from: { id: '1' }, to: [{ id: '10' }] },
		]);
		expect(emu.toIds('contacts', '7', 'companies')).toEqual(['9']);
		expect(emu.toIds('contacts', '1', 'companies')).toEqual([]);

		const stopped = await run(emu, items, archiveParameters());
		expect(stopped.error?.message).toMatch(/^Item 1: To IDs are not valid: entry 1: "12345678901234567890123" is larger than the largest HubSpot record id/);
		expect(emu.stats.invalidIdRequests).toBe(0);
	});

	it('accepts the largest int64 id and sends it exactly, as a string', async () => {
		const emu = emulator();
		emu.settings.recordBodies = true;
		emu.seed('contacts', INT64_MAX, 'companies', PAST_2_53).seed('contacts', INT64_MAX, 'companies', '8');
		const result = await run(emu, [{ id: INT64_MAX, to: [PAST_2_53, 8] }], archiveParameters());
		expect(result.error).toBeUndefined();
		expect(result.items[0].json).toMatchObject({ fromId: INT64_MAX, toIds: [PAST_2_53, '8'], status: 'COMPLETE' });
		expect((emu.stats.log[0].body as ArchiveBody).inputs).toEqual([{ from: { id: INT64_MAX }, to: [{ id: PAST_2_53 }, { id: '8' }] }]);
		expect(emu.toIds('contacts', INT64_MAX, 'companies')).toEqual([]);
	});
});
