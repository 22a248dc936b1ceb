/**
 * HubSpotEmulator: a real HTTP server on 127.0.0.1 that behaves like HubSpot's CRM associations v4 API,
 * for engine tests, benchmarks, the demo and an e2e with the real n8n CLI.
 *
 * Request pipeline (API routes): count → fault switchboard → route → auth → rate limit → scopes →
 * handler. The work is done when the request arrives; settings.latencyMs (and fault delays) only delay
 * the answer, on async timers, so concurrent requests are never serialised and a client that times out
 * still sees HubSpot's state change (as it would in production).
 */
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import {
	AUTH_NOT_FOUND_MESSAGE,
	faultBody,
	hubspotError,
	missingScopesError,
	rateLimitBody,
} from './errors';
import { Fault, FaultSwitchboard } from './faults';
import { bearerToken, isLoopback, readBody, Reply, sendReply } from './http';
import {
	AssociationCategory,
	AssociationType,
	CustomObjectDefinition,
	LabelDefinition,
	ObjectTypeInfo,
	TypeRegistry,
} from './objectTypes';
import { RateLimiter } from './rateLimit';
import { ApiContext, matchRoute, RouteDef } from './routes';
import { controlRoute } from './routesControl';
import { AUTHORIZE_PATH, authorizePage, tokenEndpoint, tokenVersionOf } from './routesOAuth';
import { defaultSettings, EmulatorSettings, resetSettings } from './settings';
import { EmulatorStats, LogEntry } from './stats';
import { AssociationStore } from './store';
import { OAuthConfig, TokenInfo, TokenOptions, TokenRegistry } from './tokens';
import { normalizeId } from './validation';
import { WebhookSide, type WebhookApp } from './webhooks';

export interface HubSpotEmulatorOptions {
	/** Port on 127.0.0.1; 0 or omitted = a random free port. */
	port?: number;
	/** Runs at the end of every reset() (the CLI uses it to re-apply its tokens, settings and seed). */
	onReset?: (emu: HubSpotEmulator) => void;
	/** Larger bodies get 413. Default 50 MB. */
	maxBodyBytes?: number;
}

/** Association types as the emulator takes them in seed(): its own shape or HubSpot's request shape. */
export type SeedType =
	| AssociationType
	| { associationCategory: AssociationCategory; associationTypeId: number };

export type ObjectId = string | number;

/**
 * What a test can wait for instead of a time: `request` when an API request arrives (before it is processed),
 * `answered` once its answer went out or its connection was dropped. Listeners go with reset().
 */
export interface EmulatorEvents {
	request: [entry: LogEntry];
	answered: [entry: LogEntry];
}

export class HubSpotEmulator {
	readonly settings: EmulatorSettings = defaultSettings();
	readonly faults = new FaultSwitchboard();
	readonly stats = new EmulatorStats();
	/** Object types, association types and labels (internal, exposed for power users). */
	readonly types = new TypeRegistry();
	/** The association store (internal, exposed for power users). */
	readonly store = new AssociationStore(this.types);
	readonly tokens = new TokenRegistry();
	readonly limiter = new RateLimiter();
	readonly events = new EventEmitter<EmulatorEvents>();
	/** HubSpot's webhook side: the Webhooks API, app event deliveries, workflow webhook actions. */
	readonly webhooks = new WebhookSide();
	/** Set by configureOAuth(); null = the token endpoint refuses everything. */
	oauth: OAuthConfig | null = null;

	private server: Server | undefined;
	private listeningPort: number | undefined;
	private readonly sockets = new Set<Socket>();
	private readonly timers = new Set<NodeJS.Timeout>();

	constructor(private readonly options: HubSpotEmulatorOptions = {}) {}

	// ---- lifecycle -------------------------------------------------------------------------------------

	async start(): Promise<this> {
		if (this.server) throw new Error('HubSpotEmulator already started');
		const server = createServer((req, res) => void this.handle(req, res));
		server.on('connection', (socket) => {
			this.sockets.add(socket);
			socket.on('close', () => this.sockets.delete(socket));
		});
		await new Promise<void>((resolve, reject) => {
			server.once('error', reject);
			server.listen(this.options.port ?? 0, '127.0.0.1', () => {
				server.off('error', reject);
				resolve();
			});
		});
		this.server = server;
		this.listeningPort = (server.address() as AddressInfo).port;
		return this;
	}

	/** Closes the server, every socket and every pending latency timer (no handles left for jest). */
	async stop(): Promise<void> {
		const server = this.server;
		if (!server) return;
		this.server = undefined;
		this.webhooks.stop();
		for (const t of this.timers) clearTimeout(t);
		this.timers.clear();
		await new Promise<void>((resolve) => {
			server.close(() => resolve());
			for (const socket of this.sockets) socket.destroy();
			server.closeAllConnections();
		});
	}

	get port(): number {
		if (this.listeningPort === undefined) throw new Error('HubSpotEmulator not started');
		return this.listeningPort;
	}

	/** How many times reset() ran: an answer held past a reset (a delay fault) belongs to the run before it. */
	private resets = 0;

	/** 'http://127.0.0.1:<port>' */
	get baseUrl(): string {
		return `http://127.0.0.1:${this.port}`;
	}

	/** Store, tokens, OAuth, custom objects, labels, settings, faults, stats and rate limits back to defaults. */
	reset(): this {
		this.resets++;
		this.store.clear();
		this.types.reset();
		this.tokens.clear();
		this.oauth = null;
		resetSettings(this.settings);
		this.faults.clear();
		this.stats.reset();
		this.limiter.reset();
		this.webhooks.reset();
		this.events.removeAllListeners();
		this.options.onReset?.(this);
		return this;
	}

	// ---- setup -----------------------------------------------------------------------------------------

	addToken(token: string, options: TokenOptions = {}): this {
		this.tokens.add(token, options);
		return this;
	}

	/** Marks a known token expired: calls get 401 EXPIRED_AUTHENTICATION. */
	expireToken(token: string): this {
		if (!this.tokens.expire(token)) throw new Error(`expireToken: unknown token ${token}`);
		return this;
	}

	configureOAuth(config: OAuthConfig): this {
		this.oauth = { ...config };
		return this;
	}

	/** The legacy public app whose webhooks the Webhooks API (`/webhooks/v3/{appId}/…`) manages. */
	configureWebhookApp(app: WebhookApp): this {
		this.webhooks.app = { ...app };
		return this;
	}

	addCustomObject(def: CustomObjectDefinition): this {
		this.types.addCustomObject(def);
		return this;
	}

	addLabel(from: string, to: string, def: LabelDefinition): this {
		this.types.addLabel(this.objectType(from), this.objectType(to), def);
		return this;
	}

	/** Adds an association (both directions). Types default to the unlabeled type, which is always added. */
	seed(from: string, fromId: ObjectId, to: string, toId: ObjectId, types: SeedType[] = []): this {
		const f = this.objectType(from);
		const t = this.objectType(to);
		this.store.add(f, this.id(fromId), t, this.id(toId), types.map(toAssociationType));
		return this;
	}

	// ---- state -----------------------------------------------------------------------------------------

	has(from: string, fromId: ObjectId, to: string, toId: ObjectId): boolean {
		return this.store.has(
			this.objectType(from),
			normalizeId(fromId) ?? String(fromId),
			this.objectType(to),
			normalizeId(toId) ?? String(toId),
		);
	}

	/** Current associated ids, insertion order. */
	toIds(from: string, fromId: ObjectId, to: string): string[] {
		return this.store.toIds(
			this.objectType(from),
			normalizeId(fromId) ?? String(fromId),
			this.objectType(to),
		);
	}

	/** Association types of one pair, seen from `from`. */
	typesOf(from: string, fromId: ObjectId, to: string, toId: ObjectId): AssociationType[] {
		return this.store.typesOf(
			this.objectType(from),
			normalizeId(fromId) ?? String(fromId),
			this.objectType(to),
			normalizeId(toId) ?? String(toId),
		);
	}

	/** Total pairs stored (a pair and its reverse count once). */
	count(): number {
		return this.store.count();
	}

	/** Canonical object type for any spelling; throws on unknown types. */
	objectType(name: string): ObjectTypeInfo {
		const info = this.types.resolve(name);
		if (!info) throw new Error(`Unable to infer object type from: ${name}`);
		return info;
	}

	private id(value: ObjectId): string {
		const id = normalizeId(value);
		if (id === undefined)
			throw new Error(`Invalid object id ${JSON.stringify(value)}: ids must be positive integers`);
		return id;
	}

	// ---- request handling ------------------------------------------------------------------------------

	private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
		try {
			const url = new URL(req.url ?? '/', 'http://127.0.0.1');
			if (url.pathname.startsWith('/__emulator/')) return await this.handleControl(req, res, url);
			const stats = this.stats;
			stats.inFlight++;
			stats.maxConcurrent = Math.max(stats.maxConcurrent, stats.inFlight);
			res.once('close', () => stats.inFlight--);
			const raw = await readBody(req, this.options.maxBodyBytes ?? 50 * 1024 * 1024);
			const tokenVersion = tokenVersionOf(url.pathname);
			if (tokenVersion) {
				stats.tokenRequests++;
				const correlationId = randomUUID();
				const reply = raw
					? tokenEndpoint(this, req, raw, correlationId, tokenVersion)
					: this.tooLarge(correlationId);
				await this.sleep(this.settings.latencyMs);
				sendReply(res, reply, { 'X-HubSpot-Correlation-Id': correlationId });
				return;
			}
			if (url.pathname.startsWith('/webhooks/v3/')) {
				// Not the CRM API: its own key (hapikey), not counted in stats.requests nor rate limited here.
				const correlationId = randomUUID();
				const reply = raw
					? this.webhooks.handle(req.method ?? 'GET', url, raw, correlationId)
					: this.tooLarge(correlationId);
				sendReply(res, reply, { 'X-HubSpot-Correlation-Id': correlationId });
				return;
			}
			if (url.pathname === AUTHORIZE_PATH && (req.method === 'GET' || req.method === 'POST')) {
				sendReply(res, raw ? authorizePage(this, req, url, raw) : this.tooLarge(randomUUID()), {});
				return;
			}
			await this.handleApi(req, res, url, raw);
		} catch (e) {
			sendReply(
				res,
				{
					status: 500,
					body: hubspotError(
						randomUUID(),
						'INTERNAL_ERROR',
						`Emulator error: ${e instanceof Error ? e.message : String(e)}`,
					),
				},
				{},
			);
		}
	}

	private async handleControl(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
		if (!isLoopback(req.socket.remoteAddress)) {
			sendReply(
				res,
				{ status: 403, body: { status: 'error', message: 'control API is loopback only' } },
				{},
			);
			return;
		}
		const raw = (await readBody(req, 256 * 1024 * 1024)) ?? Buffer.alloc(0);
		sendReply(res, controlRoute(this, req.method ?? 'GET', url, raw), {});
	}

	private tooLarge(correlationId: string): Reply {
		return {
			status: 413,
			body: hubspotError(correlationId, 'VALIDATION_ERROR', 'Request body too large'),
		};
	}

	private async handleApi(
		req: IncomingMessage,
		res: ServerResponse,
		url: URL,
		raw: Buffer | null,
	): Promise<void> {
		const stats = this.stats;
		const resets = this.resets;
		const method = req.method ?? 'GET';
		const n = ++stats.requests;
		const correlationId = randomUUID();
		const requestedAt = new Date();
		const match = matchRoute(method, url.pathname);
		const route = match && 'route' in match ? match : undefined;
		const entry: LogEntry = {
			n,
			method,
			path: url.pathname,
			route: route?.route.name ?? (match ? 'method-not-allowed' : 'not-found'),
			status: 0,
			at: requestedAt.getTime(),
		};
		stats.byRoute[entry.route] = (stats.byRoute[entry.route] ?? 0) + 1;
		const token = bearerToken(req);
		if (token !== undefined) {
			entry.authorization = token;
			stats.tokensSeen.set(token, (stats.tokensSeen.get(token) ?? 0) + 1);
		}
		let body: unknown;
		let bodyError = false;
		if (raw && raw.length) {
			try {
				body = JSON.parse(raw.toString('utf8'));
			} catch {
				bodyError = true;
			}
		}
		if (this.settings.recordBodies) entry.body = body;
		stats.record(entry, this.settings.logLimit);
		this.events.emit('request', entry);

		const fault = this.faults.take(n, req.url ?? '/');
		if (fault !== undefined) {
			stats.faultsInjected++;
			entry.fault =
				typeof fault === 'string'
					? fault
					: fault.status !== undefined
						? 'status'
						: fault.answerAfter !== undefined
							? 'hold'
							: 'delay';
		}
		if (fault === 'drop') return this.drop(req, entry);

		let reply: Reply;
		if (typeof fault === 'object' && fault.status !== undefined) {
			reply = this.faultReply(fault, correlationId, token);
		} else if (raw === null) {
			reply = this.tooLarge(correlationId);
		} else if (!route) {
			reply = this.withRateHeaders(
				match
					? {
							status: 405,
							body: hubspotError(
								correlationId,
								'METHOD_NOT_ALLOWED',
								`Method ${method} not allowed on ${url.pathname}`,
							),
						}
					: {
							status: 404,
							body: hubspotError(
								correlationId,
								'NOT_FOUND',
								`No route for ${method} ${url.pathname}`,
							),
						},
				undefined,
			);
		} else {
			reply = this.process(route.route, route.params, token, {
				body,
				bodyError,
				correlationId,
				requestedAt,
				entry,
				method,
				path: url.pathname,
			});
		}

		const extraDelay = typeof fault === 'object' ? (fault.delayMs ?? 0) : 0;
		if (typeof fault === 'object' && fault.answerAfter !== undefined)
			await this.answerOf(fault.answerAfter);
		await this.sleep(this.settings.latencyMs + extraDelay);
		if (fault === 'drop-after') return this.drop(req, entry);
		sendReply(res, reply, { 'X-HubSpot-Correlation-Id': correlationId });
		// A test's late answer (its client gave up long ago) must not count in the next test's figures.
		if (resets !== this.resets) return;
		entry.status = reply.status;
		entry.ms = Date.now() - entry.at;
		stats.byStatus[reply.status] = (stats.byStatus[reply.status] ?? 0) + 1;
		this.events.emit('answered', entry);
	}

	/** Resolves once API request number `n` has been answered (at once if it already was). */
	private answerOf(n: number): Promise<void> {
		if (this.stats.log.some((e) => e.n === n && e.ms !== undefined)) return Promise.resolve();
		return new Promise((resolve) => {
			const answered = (entry: LogEntry) => {
				if (entry.n !== n) return;
				this.events.off('answered', answered);
				resolve();
			};
			this.events.on('answered', answered);
		});
	}

	/** Auth → rate limit → scopes → handler. Runs synchronously at arrival. */
	private process(
		route: RouteDef,
		params: Record<string, string>,
		token: string | undefined,
		req: {
			body: unknown;
			bodyError: boolean;
			correlationId: string;
			requestedAt: Date;
			entry: LogEntry;
			method: string;
			path: string;
		},
	): Reply {
		const { correlationId } = req;
		if (route.legacy && this.settings.refuseLegacyPaths) {
			// HubSpot has not said what a retired numbered path will answer; a 404 naming the dated API is the guess.
			return {
				status: 404,
				body: hubspotError(
					correlationId,
					'OBJECT_NOT_FOUND',
					`${req.path} is no longer supported: use HubSpot's dated API versions (/crm/associations/2026-03/…)`,
				),
			};
		}
		const info = token === undefined ? undefined : this.tokens.get(token);
		if (!info) {
			return this.withRateHeaders(
				{
					status: 401,
					body: hubspotError(correlationId, 'INVALID_AUTHENTICATION', AUTH_NOT_FOUND_MESSAGE),
				},
				undefined,
			);
		}
		if (info.expiresAt !== undefined && info.expiresAt <= Date.now()) {
			const minutes = Math.floor((Date.now() - info.expiresAt) / 60000);
			return this.withRateHeaders(
				{
					status: 401,
					body: hubspotError(
						correlationId,
						'EXPIRED_AUTHENTICATION',
						`The OAuth token used to make this call expired ${minutes} minute(s) ago.`,
						{
							context: { 'expire time': [new Date(info.expiresAt).toISOString()] },
						},
					),
				},
				undefined,
			);
		}

		const { rateLimit, dailyLimit } = this.settings;
		const decision = this.limiter.decide(rateLimit, dailyLimit);
		if (!decision.ok) {
			if (decision.policy === 'DAILY') this.stats.dailyLimited++;
			else this.stats.rateLimited++;
			const headers: Record<string, string> = {};
			if (decision.policy === 'TEN_SECONDLY_ROLLING' && this.settings.retryAfter) {
				headers['Retry-After'] = String(Math.max(1, Math.ceil(decision.retryAfterMs / 1000)));
			}
			return this.withRateHeaders(
				{
					status: 429,
					body: rateLimitBody(correlationId, decision.policy, rateLimit?.groupName),
					headers,
				},
				info,
			);
		}

		const forced = this.settings.missingScopes;
		if (forced) {
			return this.withRateHeaders(
				{
					status: 403,
					body: missingScopesError(
						correlationId,
						Array.isArray(forced) ? forced : this.requiredScopesOf(route, params),
					),
				},
				info,
			);
		}

		let from: ObjectTypeInfo | undefined;
		let to: ObjectTypeInfo | undefined;
		if (route.objectParams) {
			for (const name of route.objectParams) {
				if (!this.types.resolve(params[name])) {
					return this.withRateHeaders(
						{
							status: 400,
							body: hubspotError(
								correlationId,
								'VALIDATION_ERROR',
								`Unable to infer object type from: ${params[name]}`,
							),
						},
						info,
					);
				}
			}
			from = this.types.resolve(params[route.objectParams[0]]);
			to = this.types.resolve(params[route.objectParams[1]]);
		}

		// HubSpot's 403 MISSING_SCOPES for a token without the object type's scope, naming them as it does today
		// (`errors[].context.requiredGranularScopes`, see missingScopesError for the recorded answers).
		const missing = this.missingScope(route, info, from, to);
		if (missing)
			return this.withRateHeaders(
				{ status: 403, body: missingScopesError(correlationId, missing) },
				info,
			);
		if (
			this.settings.oauthUserLacksEditAssociations &&
			route.access === 'write' &&
			info.kind === 'oauth' &&
			(params.version ?? '') >= '2026-09'
		) {
			// 2026-09's write validation, in the words quoted from HubSpot's changelog example (a 400, not a 403).
			return this.withRateHeaders(
				{
					status: 400,
					body: hubspotError(
						correlationId,
						'VALIDATION_ERROR',
						"Missing 'Edit Associations' permission.",
					),
				},
				info,
			);
		}

		if (route.json && (req.bodyError || req.body === undefined)) {
			return this.withRateHeaders(
				{
					status: 400,
					body: hubspotError(
						correlationId,
						'VALIDATION_ERROR',
						req.bodyError
							? 'Invalid input JSON on line 1: the body is not valid JSON'
							: 'Invalid input JSON: the body is empty',
					),
				},
				info,
			);
		}

		const ctx: ApiContext = {
			method: req.method,
			path: req.path,
			correlationId,
			requestedAt: req.requestedAt,
			token: info,
			body: req.body,
			params,
			from: from ?? this.objectType('contacts'),
			to: to ?? this.objectType('contacts'),
			entry: req.entry,
		};
		return this.withRateHeaders(route.handler(this, ctx), info);
	}

	/** Scopes the route needs that the token lacks (first object type missing one), or undefined. */
	private missingScope(
		route: RouteDef,
		info: TokenInfo,
		from?: ObjectTypeInfo,
		to?: ObjectTypeInfo,
	): string[] | undefined {
		if (!info.scopes) return undefined;
		const granted = info.scopes;
		const needs: string[][] = [];
		if (route.access === 'schemas') needs.push(['crm.schemas.custom.read']);
		for (const type of [from, to]) {
			if (!type) continue;
			if (route.access === 'write') needs.push(type.writeScopes);
			if (route.access === 'read') needs.push(type.readScopes);
		}
		return needs.find((anyOf) => anyOf.length > 0 && !anyOf.some((s) => granted.has(s)));
	}

	private requiredScopesOf(route: RouteDef, params: Record<string, string>): string[] {
		if (route.access === 'schemas') return ['crm.schemas.custom.read'];
		const from = route.objectParams ? this.types.resolve(params[route.objectParams[0]]) : undefined;
		const scopes = route.access === 'read' ? from?.readScopes : from?.writeScopes;
		return scopes?.length ? scopes : ['crm.objects.contacts.write'];
	}

	private faultReply(
		fault: Exclude<Fault, string>,
		correlationId: string,
		token: string | undefined,
	): Reply {
		const status = fault.status ?? 500;
		const info = token === undefined ? undefined : this.tokens.get(token);
		const reply = this.withRateHeaders(
			{ status, body: fault.body ?? faultBody(correlationId, status) },
			info,
		);
		reply.headers = { ...reply.headers, ...(fault.headers ?? {}) };
		return reply;
	}

	/** Adds X-HubSpot-RateLimit-* (daily ones only for private-app tokens). */
	private withRateHeaders(reply: Reply, info: TokenInfo | undefined): Reply {
		const rate = this.limiter.headers(
			this.settings.rateLimit,
			this.settings.dailyLimit,
			info?.kind === 'private',
		);
		reply.headers = { ...rate, ...(reply.headers ?? {}) };
		return reply;
	}

	private drop(req: IncomingMessage, entry: LogEntry): void {
		this.stats.dropped++;
		entry.status = 0;
		entry.ms = Date.now() - entry.at;
		req.socket.destroy();
		this.events.emit('answered', entry);
	}

	private sleep(ms: number): Promise<void> {
		if (!(ms > 0)) return Promise.resolve();
		return new Promise((resolve) => {
			const timer = setTimeout(() => {
				this.timers.delete(timer);
				resolve();
			}, ms);
			this.timers.add(timer);
		});
	}
}

function toAssociationType(t: SeedType): AssociationType {
	return 'associationTypeId' in t
		? { category: t.associationCategory, typeId: t.associationTypeId }
		: { category: t.category, typeId: t.typeId };
}
