/**
 * HubSpot's webhook side: the Webhooks API that n8n's HubSpot Trigger calls when a workflow is activated or
 * deactivated (a legacy public app's target URL and its event subscriptions), HubSpot's deliveries of CRM
 * events to that target URL (batched, signed, retried), and a HubSpot workflow's "Send a webhook" action
 * (one POST per enrolled record, signed or carrying a secret header). Node built-ins only.
 *
 * Sources, next to each shape below:
 * - Webhooks API v3 (developers.hubspot.com/docs/api-reference/legacy/webhooks/settings/get-setting,
 *   …/update-setting, …/subscriptions/*): `GET|PUT|DELETE /webhooks/v3/{appId}/settings` with
 *   `{targetUrl, throttling:{maxConcurrentRequests, period}, createdAt, updatedAt}`, subscriptions under
 *   `/webhooks/v3/{appId}/subscriptions` as `{results:[{id, eventType, propertyName?, active, createdAt,
 *   updatedAt}]}`; authenticated with the developer account's key in `?hapikey=`.
 * - Request validation (developers.hubspot.com/docs/api/webhooks/validating-requests and
 *   developers.hubspot.com/docs/faq/v1-request-validation, …/v2-request-validation; changelog "Introducing
 *   version 3 of webhook signatures"): app webhooks carry `X-HubSpot-Signature-Version: v1` and
 *   `X-HubSpot-Signature` = SHA-256 hex of client secret + body; workflow webhook actions carry v2 (client
 *   secret + method + URI + body); both also carry `X-HubSpot-Signature-v3` (base64 HMAC-SHA256 of method +
 *   URI + body + timestamp, keyed by the client secret) and `X-HubSpot-Request-Timestamp`.
 * - Workflow webhook rules (legacydocs.hubspot.com/docs/methods/workflows/webhook_information and
 *   knowledge.hubspot.com/workflows/how-do-i-use-webhooks-with-hubspot-workflows): POST of the enrolled
 *   record's data; 3 s to connect, 30 s for an answer; no retry after a 4xx except 429, whose Retry-After
 *   (milliseconds) is respected; a 5xx is retried for up to three days, the first retry a minute after the
 *   failure; at most 20 requests per second.
 * - App webhook deliveries (the legacy Webhooks API guide's "Retries" and "Concurrency" sections): up to
 *   100 events per POST, at most `maxConcurrentRequests` POSTs in flight, a failed POST (connection failure,
 *   no answer in 5 s, a 4xx or 5xx answer) sent again up to 10 times in all. *Unconfirmed*: the guide's
 *   retry text could not be read in full here; the counts are the ones it is widely quoted with.
 *
 * HubSpot's real retry delays are minutes to hours; the emulator's are `retryDelayMs` (short, for tests).
 */
import { createHash, createHmac } from 'node:crypto';

import { hubspotError } from './errors';
import type { Reply } from './http';

/** A legacy public app as the Webhooks API knows it: its id, its developer account's key, its secret. */
export interface WebhookApp {
	appId: string;
	developerApiKey: string;
	clientSecret: string;
}

export interface WebhookTargetSettings {
	targetUrl: string;
	throttling: { maxConcurrentRequests: number; period: string };
	createdAt: string;
	updatedAt: string;
}

export interface WebhookSubscription {
	id: string;
	eventType: string;
	propertyName?: string;
	active: boolean;
	createdAt: string;
	updatedAt: string;
}

/** One call n8n (or anyone) made to the Webhooks API, in order. */
export interface WebhookApiCall {
	method: string;
	path: string;
	status: number;
	body?: unknown;
}

/** A CRM change HubSpot turns into an event for every active subscription it matches. */
export interface CrmChange {
	subscriptionType: string;
	objectId: number;
	propertyName?: string;
	propertyValue?: string;
	changeSource?: string;
}

/** One POST HubSpot made (or tried), and what came back; status 0 = no answer (refused, reset, timed out). */
export interface DeliveryAttempt {
	kind: 'app' | 'workflow';
	url: string;
	attemptNumber: number;
	/** The app events' ids in this POST, or the workflow record's index. */
	ids: number[];
	status: number;
	at: number;
	ms: number;
}

/** How a workflow's "Send a webhook" action authenticates: a request signature, or a secret in a header. */
export type WorkflowWebhookAuth =
	| { kind: 'signature'; clientSecret: string }
	| { kind: 'apiKey'; header: string; value: string }
	| { kind: 'none' };

export interface WorkflowWebhookOptions {
	auth: WorkflowWebhookAuth;
	/** HubSpot's pace for webhook actions (20 requests per second) or every POST at once. */
	pace: 'hubspot' | 'burst';
	/** Times a POST is sent in all before HubSpot gives up (HubSpot: retries for three days). */
	maxAttempts?: number;
}

export interface DeliveryReport {
	posts: number;
	attempts: DeliveryAttempt[];
	/** POSTs that never got a 2xx. */
	failed: number;
	ms: number;
}

/** HubSpot's v1 signature: SHA-256 hex of client secret + request body. */
export function signatureV1(clientSecret: string, body: string): string {
	return createHash('sha256').update(`${clientSecret}${body}`, 'utf8').digest('hex');
}

/** HubSpot's v2 signature: SHA-256 hex of client secret + method + URI + request body. */
export function signatureV2(
	clientSecret: string,
	method: string,
	uri: string,
	body: string,
): string {
	return createHash('sha256').update(`${clientSecret}${method}${uri}${body}`, 'utf8').digest('hex');
}

/** HubSpot's v3 signature: base64 HMAC-SHA256, keyed by the client secret, of method + URI + body + timestamp. */
export function signatureV3(
	clientSecret: string,
	method: string,
	uri: string,
	body: string,
	timestamp: number,
): string {
	return createHmac('sha256', clientSecret)
		.update(`${method}${uri}${body}${timestamp}`, 'utf8')
		.digest('base64');
}

/** Event types whose subscriptions name a property (n8n's HubSpot Trigger's list, and HubSpot's). */
const PROPERTY_EVENTS = /\.propertyChange$/;

const MAX_EVENTS_PER_POST = 100;
const APP_MAX_ATTEMPTS = 10;
const APP_TIMEOUT_MS = 5_000;
const WORKFLOW_TIMEOUT_MS = 30_000;
const WORKFLOW_PER_SECOND = 20;

export class WebhookSide {
	app: WebhookApp | null = null;
	target: WebhookTargetSettings | null = null;
	readonly subscriptions = new Map<string, WebhookSubscription>();
	readonly calls: WebhookApiCall[] = [];
	readonly attempts: DeliveryAttempt[] = [];
	/** Delay before a failed POST is sent again (HubSpot's own: a minute and more). */
	retryDelayMs = 200;
	/** The account the app is installed in (`portalId` of every event). */
	portalId = 12345678;
	private nextSubscriptionId = 1;
	private nextEventId = 1;
	private readonly pending = new Set<AbortController>();
	private readonly timers = new Set<NodeJS.Timeout>();

	reset(): void {
		this.app = null;
		this.target = null;
		this.subscriptions.clear();
		this.calls.length = 0;
		this.attempts.length = 0;
		this.retryDelayMs = 200;
		this.nextSubscriptionId = 1;
		this.nextEventId = 1;
		this.stop();
	}

	/** Abandons every POST in flight and every wait before a retry (the emulator is stopping). */
	stop(): void {
		for (const controller of this.pending) controller.abort();
		this.pending.clear();
		for (const timer of this.timers) clearTimeout(timer);
		this.timers.clear();
	}

	// ---- the Webhooks API (what n8n's HubSpot Trigger calls) ----------------------------------------------

	/** `/webhooks/v3/{appId}/settings` and `…/subscriptions[/{id}]`, authenticated by `?hapikey=`. */
	handle(method: string, url: URL, raw: Buffer, correlationId: string): Reply {
		const reply = this.route(method, url, raw, correlationId);
		let body: unknown;
		try {
			body = raw.length ? JSON.parse(raw.toString('utf8')) : undefined;
		} catch {
			body = raw.toString('utf8');
		}
		this.calls.push({ method, path: url.pathname, status: reply.status, body });
		return reply;
	}

	private route(method: string, url: URL, raw: Buffer, correlationId: string): Reply {
		const [, , , appId, resource, id, ...rest] = url.pathname.split('/');
		const app = this.app;
		if (!app || url.searchParams.get('hapikey') !== app.developerApiKey)
			// HubSpot's answer to a missing or unknown developer API key (INVALID_AUTHENTICATION, 401).
			return {
				status: 401,
				body: hubspotError(
					correlationId,
					'INVALID_AUTHENTICATION',
					'The API key provided is invalid. View or manage your API key here: https://app.hubspot.com/l/api-key/',
				),
			};
		if (appId !== app.appId || rest.length > 0) return notFound(correlationId, url.pathname);
		const now = new Date().toISOString();
		if (resource === 'settings' && id === undefined) {
			if (method === 'GET')
				return this.target
					? { status: 200, body: this.target }
					: notFound(correlationId, `No webhook settings for app ${appId}`);
			if (method === 'PUT') return this.putSettings(raw, correlationId, now);
			// n8n's trigger deletes the settings while it checks an app that has none, and activates
			// fine against HubSpot, so a DELETE without settings is taken as succeeding (*unconfirmed*).
			if (method === 'DELETE') {
				this.target = null;
				return { status: 204 };
			}
		}
		if (resource === 'subscriptions') {
			if (method === 'GET' && id === undefined)
				return { status: 200, body: { results: [...this.subscriptions.values()] } };
			if (method === 'POST' && id === undefined)
				return this.createSubscription(raw, correlationId, now);
			if (method === 'DELETE' && id !== undefined)
				return this.subscriptions.delete(id)
					? { status: 204 }
					: notFound(correlationId, `No subscription ${id}`);
		}
		return notFound(correlationId, url.pathname);
	}

	private putSettings(raw: Buffer, correlationId: string, now: string): Reply {
		const body = parseObject(raw);
		if (!body || typeof body.targetUrl !== 'string' || !/^https?:\/\//.test(body.targetUrl))
			return invalid(correlationId, 'targetUrl must be a URL');
		// The documented body nests the throttle under `throttling`; n8n sends `maxConcurrentRequests` at
		// the top level, which HubSpot's schema does not know: it is kept out, and the throttle defaults.
		const throttling = body.throttling as WebhookTargetSettings['throttling'] | undefined;
		this.target = {
			targetUrl: body.targetUrl,
			throttling: {
				maxConcurrentRequests: Number(throttling?.maxConcurrentRequests) || 10,
				period: throttling?.period ?? 'SECONDLY',
			},
			createdAt: this.target?.createdAt ?? now,
			updatedAt: now,
		};
		return { status: 200, body: this.target };
	}

	private createSubscription(raw: Buffer, correlationId: string, now: string): Reply {
		const body = parseObject(raw);
		if (!body || typeof body.eventType !== 'string')
			return invalid(correlationId, 'eventType is required');
		if (PROPERTY_EVENTS.test(body.eventType) && typeof body.propertyName !== 'string')
			return invalid(correlationId, `propertyName is required for ${body.eventType}`);
		const subscription: WebhookSubscription = {
			id: String(this.nextSubscriptionId++),
			eventType: body.eventType,
			...(typeof body.propertyName === 'string' ? { propertyName: body.propertyName } : {}),
			active: body.active !== false,
			createdAt: now,
			updatedAt: now,
		};
		this.subscriptions.set(subscription.id, subscription);
		return { status: 201, body: subscription };
	}

	// ---- deliveries of app webhooks ------------------------------------------------------------------------

	/**
	 * HubSpot sends these changes to the app's target URL as events of every active subscription they match
	 * (the event fields of the v1 validation example: eventId, subscriptionId, portalId, appId, occurredAt,
	 * subscriptionType, attemptNumber, objectId, changeSource, and propertyName/propertyValue for property
	 * changes), `perPost` events to a POST (HubSpot: up to 100), the POSTs `concurrent` at a time (at most the
	 * settings' maxConcurrentRequests), each signed v1 and v3 and sent again on failure.
	 */
	async deliverEvents(
		changes: CrmChange[],
		options: { perPost?: number; concurrent?: number } = {},
	): Promise<DeliveryReport> {
		const { app, target } = this;
		if (!app || !target) throw new Error('deliverEvents: no app or no target URL configured');
		const perPost = Math.min(options.perPost ?? MAX_EVENTS_PER_POST, MAX_EVENTS_PER_POST);
		const events = changes.flatMap((change) => this.eventsOf(change, app));
		const posts: Array<Array<Record<string, unknown>>> = [];
		for (let i = 0; i < events.length; i += perPost) posts.push(events.slice(i, i + perPost));
		const concurrent = Math.min(
			options.concurrent ?? target.throttling.maxConcurrentRequests,
			target.throttling.maxConcurrentRequests,
		);
		const started = Date.now();
		const before = this.attempts.length;
		let failed = 0;
		await inBatches(posts, concurrent, async (post) => {
			const ok = await this.sendWithRetries('app', target.targetUrl, APP_MAX_ATTEMPTS, (n) => {
				for (const event of post) event.attemptNumber = n;
				const body = JSON.stringify(post);
				const timestamp = Date.now();
				return {
					ids: post.map((e) => e.eventId as number),
					body,
					timeoutMs: APP_TIMEOUT_MS,
					headers: {
						'X-HubSpot-Signature': signatureV1(app.clientSecret, body),
						'X-HubSpot-Signature-Version': 'v1',
						'X-HubSpot-Signature-v3': signatureV3(
							app.clientSecret,
							'POST',
							target.targetUrl,
							body,
							timestamp,
						),
						'X-HubSpot-Request-Timestamp': String(timestamp),
					},
				};
			});
			if (!ok) failed++;
		});
		return {
			posts: posts.length,
			attempts: this.attempts.slice(before),
			failed,
			ms: Date.now() - started,
		};
	}

	private eventsOf(change: CrmChange, app: WebhookApp): Array<Record<string, unknown>> {
		const matching = [...this.subscriptions.values()].filter(
			(s) =>
				s.active &&
				s.eventType === change.subscriptionType &&
				(s.propertyName === undefined || s.propertyName === change.propertyName),
		);
		return matching.map((s) => ({
			eventId: this.nextEventId++,
			subscriptionId: Number(s.id),
			portalId: this.portalId,
			appId: Number(app.appId),
			occurredAt: Date.now(),
			subscriptionType: change.subscriptionType,
			attemptNumber: 0,
			objectId: change.objectId,
			...(change.propertyName !== undefined
				? { propertyName: change.propertyName, propertyValue: change.propertyValue ?? '' }
				: {}),
			changeSource: change.changeSource ?? 'CRM_UI',
			...(PROPERTY_EVENTS.test(change.subscriptionType) ? {} : { changeFlag: 'NEW' }),
		}));
	}

	// ---- a workflow's "Send a webhook" action -----------------------------------------------------------

	/**
	 * One POST of each record's body to `url`, as a HubSpot workflow's webhook action sends them for the
	 * records it enrols: at HubSpot's pace (20 a second) or all at once; signed v2 and v3 with the app's
	 * client secret, or carrying a secret in a header of the user's choice; 5xx, 429 (after its
	 * Retry-After, in milliseconds) and no answer are retried, any other 4xx is not.
	 */
	async sendWorkflowWebhooks(
		url: string,
		records: Array<Record<string, unknown>>,
		options: WorkflowWebhookOptions,
	): Promise<DeliveryReport> {
		const started = Date.now();
		const before = this.attempts.length;
		let failed = 0;
		const sendOne = async (record: Record<string, unknown>, index: number) => {
			const ok = await this.sendWithRetries('workflow', url, options.maxAttempts ?? 10, () => {
				const body = JSON.stringify(record);
				return {
					ids: [index],
					body,
					timeoutMs: WORKFLOW_TIMEOUT_MS,
					headers: workflowAuthHeaders(options.auth, url, body),
				};
			});
			if (!ok) failed++;
		};
		if (options.pace === 'burst') await Promise.all(records.map(sendOne));
		else {
			const sends: Array<Promise<void>> = [];
			for (let i = 0; i < records.length; i++) {
				sends.push(sendOne(records[i], i));
				if ((i + 1) % WORKFLOW_PER_SECOND === 0) await this.wait(1000);
			}
			await Promise.all(sends);
		}
		return {
			posts: records.length,
			attempts: this.attempts.slice(before),
			failed,
			ms: Date.now() - started,
		};
	}

	// ---- sending ------------------------------------------------------------------------------------

	/** Sends until a 2xx or until HubSpot's rules for `kind` give up; true = delivered. */
	private async sendWithRetries(
		kind: DeliveryAttempt['kind'],
		url: string,
		maxAttempts: number,
		build: (attemptNumber: number) => {
			ids: number[];
			body: string;
			timeoutMs: number;
			headers: Record<string, string>;
		},
	): Promise<boolean> {
		for (let n = 0; n < maxAttempts; n++) {
			const { ids, body, timeoutMs, headers } = build(n);
			const at = Date.now();
			const { status, retryAfterMs } = await this.post(url, body, headers, timeoutMs);
			this.attempts.push({ kind, url, attemptNumber: n, ids, status, at, ms: Date.now() - at });
			if (status >= 200 && status < 300) return true;
			if (kind === 'workflow' && status >= 400 && status < 500 && status !== 429) return false;
			await this.wait(
				kind === 'workflow' && status === 429 && retryAfterMs !== undefined
					? retryAfterMs
					: this.retryDelayMs,
			);
		}
		return false;
	}

	private async post(
		url: string,
		body: string,
		headers: Record<string, string>,
		timeoutMs: number,
	): Promise<{ status: number; retryAfterMs?: number }> {
		const controller = new AbortController();
		this.pending.add(controller);
		const timer = setTimeout(() => controller.abort(), timeoutMs);
		try {
			const response = await fetch(url, {
				method: 'POST',
				headers: {
					'Content-Type': 'application/json',
					'User-Agent': 'HubSpot Webhooks (emulator)',
					...headers,
				},
				body,
				signal: controller.signal,
			});
			await response.arrayBuffer();
			const retryAfter = Number(response.headers.get('retry-after'));
			return {
				status: response.status,
				...(Number.isFinite(retryAfter) && retryAfter > 0 ? { retryAfterMs: retryAfter } : {}),
			};
		} catch {
			return { status: 0 };
		} finally {
			clearTimeout(timer);
			this.pending.delete(controller);
		}
	}

	private wait(ms: number): Promise<void> {
		return new Promise((resolve) => {
			const timer = setTimeout(() => {
				this.timers.delete(timer);
				resolve();
			}, ms);
			this.timers.add(timer);
		});
	}
}

/** The headers of a workflow webhook action's POST for its authentication set-up. */
function workflowAuthHeaders(
	auth: WorkflowWebhookAuth,
	url: string,
	body: string,
): Record<string, string> {
	if (auth.kind === 'apiKey') return { [auth.header]: auth.value };
	if (auth.kind === 'none') return {};
	const timestamp = Date.now();
	return {
		'X-HubSpot-Signature': signatureV2(auth.clientSecret, 'POST', url, body),
		'X-HubSpot-Signature-Version': 'v2',
		'X-HubSpot-Signature-v3': signatureV3(auth.clientSecret, 'POST', url, body, timestamp),
		'X-HubSpot-Request-Timestamp': String(timestamp),
	};
}

async function inBatches<T>(
	items: T[],
	concurrent: number,
	work: (item: T) => Promise<void>,
): Promise<void> {
	let next = 0;
	const worker = async () => {
		while (next < items.length) await work(items[next++]);
	};
	await Promise.all(Array.from({ length: Math.max(1, concurrent) }, worker));
}

function parseObject(raw: Buffer): Record<string, unknown> | undefined {
	try {
		const value = JSON.parse(raw.toString('utf8')) as unknown;
		return value && typeof value === 'object' && !Array.isArray(value)
			? (value as Record<string, unknown>)
			: undefined;
	} catch {
		return undefined;
	}
}

function notFound(correlationId: string, message: string): Reply {
	return { status: 404, body: hubspotError(correlationId, 'OBJECT_NOT_FOUND', message) };
}

function invalid(correlationId: string, message: string): Reply {
	return { status: 400, body: hubspotError(correlationId, 'VALIDATION_ERROR', message) };
}
