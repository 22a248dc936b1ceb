import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';

import { lastNodeStartsMs, sqliteRows } from '../../scripts/scaleParts';

/** An execution's run data as n8n 2.x saves it: flatted JSON, strings by index, numbers in place. */
const runData = (webhookStart: number, nodeStart: number) =>
	JSON.stringify([
		{ resultData: '1' },
		{ runData: '2' },
		{ Webhook: '3', 'HubSpot Associations': '4' },
		['5'],
		['6'],
		{ startTime: webhookStart, executionTime: 2, source: '7' },
		{ startTime: nodeStart, executionTime: 310, source: '8' },
		[],
		[],
	]);

describe('the scale test reads when n8n ran the node in each execution', () => {
	let folder: string;
	let file: string;

	beforeEach(() => {
		folder = mkdtempSync(join(tmpdir(), 'scale-db-'));
		file = join(folder, 'database.sqlite');
		const db = new DatabaseSync(file);
		db.exec(
			'CREATE TABLE execution_entity (id INTEGER PRIMARY KEY, "workflowId" TEXT, status TEXT, "startedAt" TEXT)',
		);
		db.exec('CREATE TABLE execution_data ("executionId" INTEGER, data TEXT)');
		const rows: Array<[number, string, string]> = [
			[1, 'scaleWebhookArch', runData(1_765_100_000_000, 1_765_100_000_450)],
			[2, 'scaleWebhookArch', runData(1_765_100_000_020, 1_765_100_001_900)],
			[3, 'scaleWebhookNoOp', runData(1_765_100_000_030, 1_765_100_000_031)],
		];
		for (const [id, workflowId, data] of rows) {
			db.prepare('INSERT INTO execution_entity VALUES (?, ?, ?, ?)').run(
				id,
				workflowId,
				'success',
				'2026-12-07 14:06:01.000',
			);
			db.prepare('INSERT INTO execution_data VALUES (?, ?)').run(id, data);
		}
		db.close();
	});

	afterEach(() => rmSync(folder, { recursive: true, force: true }));

	it('takes the latest node start of each execution of the workflow, not the execution’s own start', () => {
		expect(lastNodeStartsMs(sqliteRows(file), 'scaleWebhookArch').sort()).toEqual([
			1_765_100_000_450, 1_765_100_001_900,
		]);
	});
});
