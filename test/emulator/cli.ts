/**
 * Command-line server:
 *   npx ts-node --transpile-only test/emulator/cli.ts --port 3900 --token demo-token --seed demo
 * Prints one JSON line {"baseUrl","token","pid"} on stdout once listening; stops on SIGINT/SIGTERM.
 * Every option is listed in docs/emulator.md and by --help. The startup configuration is re-applied after
 * POST /__emulator/reset, so an e2e can reset between scenarios without losing its token.
 */
import { parseArgs } from 'node:util';
import { seedDemo } from './demo';
import { HubSpotEmulator } from './emulator';

const HELP = `HubSpot associations v4 emulator
  --port N                 port on 127.0.0.1 (default 0 = random)
  --token T                accepted private-app token, repeatable (default demo-token)
  --scopes a,b             scopes of those tokens (default: all)
  --seed demo              seed the demo CRM (see demo.ts)
  --archive-response 204|200
  --create-response 201|200
  --max-archive-inputs N   (default 1000)   --limit-counts pairs|inputs
  --read-page-size N       (default 500)    --read-missing-as 207|empty
  --rate-max N --rate-interval-ms MS   rolling window (default 100 / 10000)
  --no-rate-limit          turn the rolling window off
  --daily-limit N          daily budget (default none)
  --retry-after            add Retry-After to 429s
  --latency-ms MS          delay before every answer
  --record-bodies          keep request bodies in the stats log
  --oauth-client-id ID --oauth-client-secret S --oauth-refresh-token R [--oauth-ttl-ms MS]
  --help`;

function main(): void {
	const { values } = parseArgs({
		options: {
			port: { type: 'string' },
			token: { type: 'string', multiple: true },
			scopes: { type: 'string' },
			seed: { type: 'string' },
			'archive-response': { type: 'string' },
			'create-response': { type: 'string' },
			'max-archive-inputs': { type: 'string' },
			'limit-counts': { type: 'string' },
			'read-page-size': { type: 'string' },
			'read-missing-as': { type: 'string' },
			'rate-max': { type: 'string' },
			'rate-interval-ms': { type: 'string' },
			'no-rate-limit': { type: 'boolean' },
			'daily-limit': { type: 'string' },
			'retry-after': { type: 'boolean' },
			'latency-ms': { type: 'string' },
			'record-bodies': { type: 'boolean' },
			'oauth-client-id': { type: 'string' },
			'oauth-client-secret': { type: 'string' },
			'oauth-refresh-token': { type: 'string' },
			'oauth-ttl-ms': { type: 'string' },
			help: { type: 'boolean' },
		},
	});
	if (values.help) {
		process.stdout.write(`${HELP}\n`);
		return;
	}
	const num = (name: string, v: string | undefined): number | undefined => {
		if (v === undefined) return undefined;
		const n = Number(v);
		if (!Number.isFinite(n) || n < 0)
			throw new Error(`--${name} must be a non-negative number, got ${v}`);
		return n;
	};
	const oneOf = <T extends string>(
		name: string,
		v: string | undefined,
		allowed: readonly T[],
	): T | undefined => {
		if (v === undefined) return undefined;
		if (!allowed.includes(v as T))
			throw new Error(`--${name} must be one of ${allowed.join('|')}, got ${v}`);
		return v as T;
	};
	const tokens = values.token?.length ? values.token : ['demo-token'];
	const scopes = values.scopes
		? values.scopes
				.split(',')
				.map((s) => s.trim())
				.filter(Boolean)
		: undefined;
	const rateMax = num('rate-max', values['rate-max']);
	const rateInterval = num('rate-interval-ms', values['rate-interval-ms']);
	const archiveResponse = oneOf('archive-response', values['archive-response'], [
		'204',
		'200',
	] as const);
	const createResponse = oneOf('create-response', values['create-response'], [
		'201',
		'200',
	] as const);
	const limitCounts = oneOf('limit-counts', values['limit-counts'], ['pairs', 'inputs'] as const);
	const readMissingAs = oneOf('read-missing-as', values['read-missing-as'], [
		'207',
		'empty',
	] as const);
	const maxArchiveInputs = num('max-archive-inputs', values['max-archive-inputs']);
	const readPageSize = num('read-page-size', values['read-page-size']);
	const dailyLimit = num('daily-limit', values['daily-limit']);
	const latencyMs = num('latency-ms', values['latency-ms']);
	if (values.seed !== undefined && values.seed !== 'demo')
		throw new Error(`--seed supports only "demo", got ${values.seed}`);

	/** The startup configuration; also re-applied after every reset. */
	const configure = (emu: HubSpotEmulator): void => {
		for (const token of tokens) emu.addToken(token, { scopes });
		const s = emu.settings;
		if (archiveResponse) s.archiveResponse = archiveResponse;
		if (createResponse) s.createResponse = createResponse;
		if (limitCounts) s.limitCounts = limitCounts;
		if (readMissingAs) s.readMissingAs = readMissingAs;
		if (maxArchiveInputs !== undefined) s.maxArchiveInputs = maxArchiveInputs;
		if (readPageSize !== undefined) s.readPageSize = readPageSize;
		if (dailyLimit !== undefined) s.dailyLimit = dailyLimit;
		if (latencyMs !== undefined) s.latencyMs = latencyMs;
		if (values['retry-after']) s.retryAfter = true;
		if (values['record-bodies']) s.recordBodies = true;
		if (values['no-rate-limit']) s.rateLimit = null;
		else if (rateMax !== undefined || rateInterval !== undefined) {
			s.rateLimit = { max: rateMax ?? 100, intervalMs: rateInterval ?? 10000 };
		}
		const clientId = values['oauth-client-id'];
		const clientSecret = values['oauth-client-secret'];
		const refreshToken = values['oauth-refresh-token'];
		if (clientId && clientSecret && refreshToken) {
			emu.configureOAuth({
				clientId,
				clientSecret,
				refreshToken,
				accessTokenTtlMs: num('oauth-ttl-ms', values['oauth-ttl-ms']),
			});
		}
		if (values.seed === 'demo') seedDemo(emu);
	};

	const emu = new HubSpotEmulator({ port: num('port', values.port) ?? 0, onReset: configure });
	configure(emu);
	emu.start().then(
		() => {
			process.stdout.write(
				`${JSON.stringify({ baseUrl: emu.baseUrl, token: tokens[0], pid: process.pid })}\n`,
			);
			const shutdown = (): void => {
				emu.stop().then(
					() => process.exit(0),
					() => process.exit(1),
				);
			};
			process.once('SIGINT', shutdown);
			process.once('SIGTERM', shutdown);
		},
		(e: unknown) => {
			process.stderr.write(
				`emulator failed to start: ${e instanceof Error ? e.message : String(e)}\n`,
			);
			process.exit(1);
		},
	);
}

try {
	main();
} catch (e) {
	process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n${HELP}\n`);
	process.exit(2);
}
