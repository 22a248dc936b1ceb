/**
 * /__emulator/*: a control API for out-of-process users (the CLI server driven by an e2e that runs the
 * real n8n CLI). No auth, loopback only, never counted in stats, never delayed or rate limited.
 */
import type { HubSpotEmulator } from './emulator';
import type { Fault } from './faults';
import type { Reply } from './http';
import type { CustomObjectDefinition, LabelDefinition } from './objectTypes';
import { mergeSettings } from './settings';
import type { TokenOptions } from './tokens';
import type { OAuthConfig } from './tokens';

const ok = (body: unknown): Reply => ({ status: 200, body });
const badRequest = (message: string): Reply => ({
	status: 400,
	body: { status: 'error', category: 'VALIDATION_ERROR', message },
});

export function controlRoute(emu: HubSpotEmulator, method: string, url: URL, raw: Buffer): Reply {
	let body: Record<string, unknown> = {};
	if (raw.length) {
		try {
			body = JSON.parse(raw.toString('utf8')) as Record<string, unknown>;
		} catch {
			return badRequest('Invalid JSON');
		}
	}
	const action = `${method} ${url.pathname.replace(/^\/__emulator/, '')}`;
	try {
		switch (action) {
			case 'GET /health':
				return ok({ ok: true, baseUrl: emu.baseUrl });
			case 'GET /state': {
				const from = url.searchParams.get('from');
				const id = url.searchParams.get('id');
				const to = url.searchParams.get('to');
				if (!from || !id || !to) return ok({ count: emu.count() });
				return ok({ toIds: emu.toIds(from, id, to), count: emu.count() });
			}
			case 'GET /stats': {
				const log = url.searchParams.get('log');
				return ok(emu.stats.toJSON(log === 'all' ? Infinity : log === null ? 1000 : Number(log)));
			}
			case 'POST /seed': {
				const pairs = body.pairs;
				if (!Array.isArray(pairs))
					return badRequest('pairs must be an array of [fromType, fromId, toType, toId]');
				for (const p of pairs as unknown[][])
					emu.seed(String(p[0]), String(p[1]), String(p[2]), String(p[3]), p[4] as never);
				return ok({ seeded: pairs.length, count: emu.count() });
			}
			case 'POST /settings': {
				const unknownKeys = mergeSettings(emu.settings, body);
				if (unknownKeys.length) return badRequest(`Unknown settings: ${unknownKeys.join(', ')}`);
				return ok({ settings: emu.settings });
			}
			case 'GET /settings':
				return ok({ settings: emu.settings });
			case 'POST /reset':
				emu.reset();
				return ok({ ok: true });
			case 'POST /faults': {
				if (body.clear) emu.faults.clear();
				for (const f of (body.at as Array<{ n: number; fault: Fault }> | undefined) ?? [])
					emu.faults.at(f.n, f.fault);
				for (const f of (body.onPath as
					| Array<{ path: string; fault: Fault; times?: number }>
					| undefined) ?? []) {
					emu.faults.onPath(f.path, f.fault, f.times ?? Infinity);
				}
				for (const id of (body.errorIds as string[] | undefined) ?? [])
					emu.faults.errorIds.add(String(id));
				return ok({ pending: emu.faults.pending, errorIds: [...emu.faults.errorIds] });
			}
			case 'POST /tokens':
				if (typeof body.token !== 'string') return badRequest('token must be a string');
				emu.addToken(body.token, body as TokenOptions);
				return ok({ ok: true });
			case 'POST /expire-token':
				emu.expireToken(String(body.token));
				return ok({ ok: true });
			case 'POST /oauth':
				emu.configureOAuth(body as unknown as OAuthConfig);
				return ok({ ok: true });
			case 'POST /labels':
				emu.addLabel(String(body.from), String(body.to), body as unknown as LabelDefinition);
				return ok({ ok: true });
			case 'POST /custom-objects':
				emu.addCustomObject(body as unknown as CustomObjectDefinition);
				return ok({ ok: true });
			default:
				return {
					status: 404,
					body: { status: 'error', category: 'NOT_FOUND', message: `No control route ${action}` },
				};
		}
	} catch (e) {
		return badRequest(e instanceof Error ? e.message : String(e));
	}
}
