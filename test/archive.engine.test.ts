import { APP_TOKEN, archiveParameters, run, useEmulator } from './helpers/setup';

describe('Archive through n8n\'s engine against the emulator', () => {
	const emulator = useEmulator();

	it('removes the pairs of every item and leaves other associations alone', async () => {
		const emu = emulator();
		emu.seed('contacts', '1', 'companies', '10').seed('contacts', '1', 'companies', '11').seed('contacts', '2', 'companies', '20');
		const result = await run(emu, [{ id: 1, to: [10] }, { id: '2', to: '20' }], archiveParameters());
		expect(result.error).toBeUndefined();
		expect(emu.has('contacts', '1', 'companies', '10')).toBe(false);
		expect(emu.has('contacts', '2', 'companies', '20')).toBe(false);
		expect(emu.has('contacts', '1', 'companies', '11')).toBe(true);
		expect(result.items).toHaveLength(2);
		expect(result.items[0].json).toMatchObject({ fromObjectType: 'contacts', toObjectType: 'companies', fromId: '1', toIds: ['10'], status: 'COMPLETE', numErrors: 0, errors: [] });
		expect(result.items[0].pairedItem).toEqual({ item: 0 });
		expect(result.items[1].pairedItem).toEqual({ item: 1 });
		expect(emu.stats.requests).toBe(1);
		expect(APP_TOKEN).toBeTruthy();
	});
});
