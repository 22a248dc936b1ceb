/**
 * Executions of one n8n process that use one credential share its pace: one picture of HubSpot's window holds all their
 * requests, so executions running at once stay inside the window instead of each taking it for its own.
 */
import type { IDataObject } from 'n8n-workflow';

import { archiveParameters, run, useEmulator } from './helpers/setup';

/** `n` one-pair items whose ids start at `start`, seeded in the emulator. */
function seeded(
	emu: ReturnType<ReturnType<typeof useEmulator>>,
	n: number,
	start: number,
): IDataObject[] {
	return Array.from({ length: n }, (_, i) => {
		emu.seed('contacts', String(start + i), 'companies', String(start + 100_000 + i));
		return { id: start + i, to: start + 100_000 + i };
	});
}

describe('Executions share the pace of their credential', () => {
	const emulator = useEmulator();

	it('four executions at once, five requests each against ten a window: every request inside the window, none refused', async () => {
		const emu = emulator();
		emu.settings.rateLimit = { max: 10, intervalMs: 2000 };
		const parameters = archiveParameters({ options: { batchSize: 1, concurrency: 5 } });
		const runs = [0, 1, 2, 3].map((k) =>
			run(emu, seeded(emu, 5, 1 + 1000 * k), parameters, { credentialId: 'one-account' }),
		);
		const results = await Promise.all(runs);
		for (const result of results) expect(result.error).toBeUndefined();
		expect(emu.count()).toBe(0);
		expect(emu.stats.requests - (emu.stats.byStatus[429] ?? 0)).toBe(20);
		expect(emu.stats.byStatus[429] ?? 0).toBe(0);
	});
});
