/**
 * A throw-away PostgreSQL server for `npm run test:scale`: n8n's database in queue mode, where n8n
 * says SQLite "is not officially supported" (and a worker fails an execution with SQLITE_BUSY now and
 * then). Debian's server binaries (package
 * postgresql, installed by scripts/scale.sh when missing), a cluster in a temporary folder, loopback
 * only, trust auth, no fsync (nothing here outlives the test). PostgreSQL refuses to run as root, so as
 * root it runs as the `postgres` user the package creates.
 */
import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { startLongRunning, type LongRunning } from '../test/e2e/n8nCli';

export interface PostgresServer {
	proc: LongRunning;
	port: number;
	/** n8n's settings for this server (DB_TYPE and DB_POSTGRESDB_*). */
	n8nEnv: Record<string, string>;
	/** Says whether the server accepts connections yet. */
	ready: () => boolean;
	/** Removes the cluster's folder (after the process has stopped). */
	remove: () => void;
}

/** The folder of Debian's server binaries (the newest version), or of `postgres` on the PATH. */
export function locatePostgresBin(): string | undefined {
	const debian = '/usr/lib/postgresql';
	if (existsSync(debian)) {
		const versions = readdirSync(debian)
			.filter((v) => existsSync(join(debian, v, 'bin', 'postgres')))
			.sort((a, b) => Number(b) - Number(a));
		if (versions.length > 0) return join(debian, versions[0], 'bin');
	}
	try {
		const found = execFileSync('sh', ['-c', 'command -v postgres'], { encoding: 'utf8' }).trim();
		return found ? join(found, '..') : undefined;
	} catch {
		return undefined;
	}
}

export function startPostgres(bin: string, port: number): PostgresServer {
	const asRoot = process.getuid?.() === 0;
	const dir = mkdtempSync(join(tmpdir(), 'hubspot-assoc-scale-pg-'));
	if (asRoot) {
		const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
		const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
		chownSync(dir, uid, gid);
	}
	const as = (command: string, args: string[]): [string, string[]] =>
		asRoot ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, args];
	const data = join(dir, 'data');
	const [initCommand, initArgs] = as(join(bin, 'initdb'), [
		'-D',
		data,
		'-A',
		'trust',
		'-U',
		'n8n',
		'-E',
		'UTF8',
		'--no-sync',
	]);
	execFileSync(initCommand, initArgs, { stdio: 'ignore' });
	const settings = [
		'listen_addresses=127.0.0.1',
		'fsync=off',
		'synchronous_commit=off',
		'full_page_writes=off',
		'max_connections=200',
	];
	const [command, args] = as(join(bin, 'postgres'), [
		'-D',
		data,
		'-p',
		String(port),
		'-k',
		dir,
		...settings.flatMap((s) => ['-c', s]),
	]);
	const proc = startLongRunning(command, args, { cwd: dir, env: process.env });
	return {
		proc,
		port,
		n8nEnv: {
			DB_TYPE: 'postgresdb',
			DB_POSTGRESDB_HOST: '127.0.0.1',
			DB_POSTGRESDB_PORT: String(port),
			DB_POSTGRESDB_DATABASE: 'postgres',
			DB_POSTGRESDB_USER: 'n8n',
			DB_POSTGRESDB_PASSWORD: '',
		},
		ready: () => {
			try {
				execFileSync(join(bin, 'pg_isready'), ['-q', '-h', '127.0.0.1', '-p', String(port)], {
					stdio: 'ignore',
				});
				return true;
			} catch {
				return false;
			}
		},
		remove: () => rmSync(dir, { recursive: true, force: true }),
	};
}
