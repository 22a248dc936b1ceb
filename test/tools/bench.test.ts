/**
 * `npm run bench` in small: the same rows (the node through n8n's engine, one request per item, the
 * official client, three executions on one account) on a few thousand items against the emulator,
 * asserting what must hold on any machine: every item done exactly once, at its place. Times are
 * the benchmark's business, not a test's.
 */
import type { INodeExecutionData } from 'n8n-workflow';

import { BENCH_TOKEN, EmulatorControl } from '../../bench/emulator';
import { requestsNeeded, runRow, type BenchSettings, type RowSpec } from '../../bench/rows';
import { tallyNodeOutput } from '../../bench/runners';
import { HubSpotEmulator } from '../emulator';

/** A window small enough that the rows below run into it: 20 requests per 100 ms. */
const SETTINGS: BenchSettings = { rateMax: 20, rateIntervalMs: 100, latencyMs: 5, batchSize: 100 };

const ROWS: Array<[string, RowSpec]> = [
	['node, 2,000 items, one pair each', { kind: 'node', size: 2_000, shape: 'onePair' }],
	['node, 2,000 items, ten to ids per from id', { kind: 'node', size: 2_000, shape: 'tenPerFrom' }],
	['node, concurrency 1', { kind: 'node', size: 2_000, shape: 'onePair', concurrency: 1 }],
	['one request per item, 300 items', { kind: 'perItem', size: 300, shape: 'tenPerFrom' }],
	['official client as shipped, 2,000 items', { kind: 'official', size: 2_000, shape: 'onePair' }],
	[
		'official client time-scaled, 2,000 items',
		{ kind: 'officialScaled', size: 2_000, shape: 'tenPerFrom' },
	],
	[
		'three executions of 2,000 items on one account',
		{ kind: 'parallel', size: 2_000, shape: 'onePair', executions: 3 },
	],
];

describe('the benchmark in small', () => {
	let emulator: HubSpotEmulator;
	let control: EmulatorControl;

	beforeAll(async () => {
		emulator = new HubSpotEmulator({
			onReset: (emu) => emu.addToken(BENCH_TOKEN, { kind: 'private' }),
		});
		await emulator.start();
		control = new EmulatorControl(emulator.baseUrl);
	});

	afterAll(async () => {
		await emulator.stop();
	});

	it.each(ROWS)('%s: nothing lost, duplicated, failed or out of place', async (_name, spec) => {
		const row = await runRow(control, spec, SETTINGS);
		expect({
			lost: row.lost,
			duplicated: row.duplicated,
			failed: row.failed,
			misplaced: row.misplaced,
			error: row.error,
		}).toEqual({
			lost: 0,
			duplicated: 0,
			failed: 0,
			misplaced: 0,
			error: undefined,
		});
		expect(row.pairs).toBe(spec.size * (spec.executions ?? 1));
		// Every request it needed went out (a 429 adds a retry, never removes one).
		expect(row.requests).toBeGreaterThanOrEqual(requestsNeeded(spec, SETTINGS));
	});

	it('the counts see items that were not done: HubSpot refuses one record', async () => {
		const row = await runRow(
			control,
			{ kind: 'node', size: 2_000, shape: 'onePair' },
			SETTINGS,
			async (c) => await c.faults({ errorIds: ['10000007'] }),
		);
		// Without Continue On Fail the node stops with an error, so no item comes out and the pair is still there.
		expect(row.error).toBeDefined();
		expect(row.lost).toBeGreaterThan(0);
	});

	it('the tally sees a missing, a repeated, a misplaced and a failed item', () => {
		const ok = (item: number): INodeExecutionData => ({
			json: { status: 'COMPLETE' },
			pairedItem: { item },
		});
		const tally = tallyNodeOutput(4, [
			ok(1),
			ok(1),
			{ json: { error: 'HubSpot said no' }, pairedItem: { item: 2 } },
		]);
		expect(tally).toEqual({ failed: 1, missing: 2, duplicated: 1, misplaced: 1, error: undefined });
	});
});
