/**
 * The emulator's webhook side over real HTTP: the Webhooks API n8n's HubSpot Trigger calls, HubSpot's
 * signatures (checked against the worked examples in HubSpot's validation docs), deliveries of app events
 * in batches with HubSpot's retries, and a workflow's "Send a webhook" action with its retry rules.
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

import { HubSpotEmulator, signatureV1, signatureV2, signatureV3 } from './emulator';

const APP = { appId: '3001', developerApiKey: 'dev-key-1234', clientSecret: 'app-secret-5678' };

interface Received {
	headers: IncomingHttpHeaders;
	body: string;
}

/** A receiver that answers each POST with the next status of `statuses` (then 200), recording them. */
async function receiver(
	statuses: Array<number | { status: number; headers: Record<string, string> }> = [],
) {
	const received: Received[] = [];
	const server = createServer((req, res) => {
		let body = '';
		req.on('data', (c: Buffer) => (body += c.toString()));
		req.on('end', () => {
			received.push({ headers: req.headers, body });
			const next = statuses.shift() ?? 200;
			const { status, headers } = typeof next === 'number' ? { status: next, headers: {} } : next;
			res.writeHead(status, headers).end();
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	return {
		url: `http://127.0.0.1:${port}/webhook/abc/webhook`,
		received,
		close: () => new Promise<void>((resolve) => server.close(() => resolve())),
	};
}

let emu: HubSpotEmulator;

beforeAll(async () => {
	emu = await new HubSpotEmulator().start();
});

afterAll(async () => {
	await emu.stop();
});

beforeEach(() => {
	emu.reset();
	emu.configureWebhookApp(APP);
	emu.webhooks.retryDelayMs = 10;
});

const api = async (method: string, path: string, body?: unknown, key = APP.developerApiKey) => {
	const res = await fetch(`${emu.baseUrl}/webhooks/v3/${APP.appId}${path}?hapikey=${key}`, {
		method,
		headers: body === undefined ? {} : { 'content-type': 'application/json' },
		body: body === undefined ? undefined : JSON.stringify(body),
	});
	const text = await res.text();
	return { status: res.status, body: text ? JSON.parse(text) : undefined };
};

describe("HubSpot's signatures, against the worked examples of HubSpot's validation docs", () => {
	it('v1: client secret + body, SHA-256 hex', () => {
		const body =
			'[{"eventId":1,"subscriptionId":12345,"portalId":62515,"occurredAt":1564113600000,"subscriptionType":"contact.creation","attemptNumber":0,"objectId":123,"changeSource":"CRM","changeFlag":"NEW","appId":54321}]';
		expect(signatureV1('yyyyyyyy-yyyy-yyyy-yyyy-yyyyyyyyyyyy', body)).toBe(
			'232db2615f3d666fe21a8ec971ac7b5402d33b9a925784df3ca654d05f4817de',
		);
	});

	it('v2: client secret + method + URI + body, SHA-256 hex', () => {
		expect(
			signatureV2(
				'yyyyyyyy-yyyy-yyyy-yyyy-yyyyyyyyyyyy',
				'GET',
				'https://www.example.com/webhook_uri',
				'',
			),
		).toBe('eee2dddcc73c94d699f5e395f4b9d454a069a6855fbfa152e91e88823087200e');
	});

	it('v3: base64 HMAC-SHA256 keyed by the client secret', () => {
		const signature = signatureV3('secret', 'POST', 'https://x.test/hook', '{}', 1700000000000);
		expect(Buffer.from(signature, 'base64')).toHaveLength(32);
		expect(signatureV3('secret', 'POST', 'https://x.test/hook', '{}', 1700000000001)).not.toBe(
			signature,
		);
	});
});

describe('the Webhooks API (what n8n HubSpot Trigger calls on activation and deactivation)', () => {
	it('refuses a call without the developer API key', async () => {
		const answer = await api('GET', '/settings', undefined, 'wrong');
		expect(answer.status).toBe(401);
		expect(answer.body.category).toBe('INVALID_AUTHENTICATION');
	});

	it('settings: 404 until set, then what was put, with the default throttle when none is nested', async () => {
		expect((await api('GET', '/settings')).status).toBe(404);
		const put = await api('PUT', '/settings', {
			targetUrl: 'https://n8n.example.com/webhook/x/webhook',
			maxConcurrentRequests: 5,
		});
		expect(put.status).toBe(200);
		expect((await api('GET', '/settings')).body).toMatchObject({
			targetUrl: 'https://n8n.example.com/webhook/x/webhook',
			throttling: { maxConcurrentRequests: 10, period: 'SECONDLY' },
		});
		expect((await api('DELETE', '/settings')).status).toBe(204);
		expect((await api('GET', '/settings')).status).toBe(404);
	});

	it('subscriptions: created, listed, deleted; a property change needs its property', async () => {
		expect(
			(await api('POST', '/subscriptions', { eventType: 'contact.propertyChange' })).status,
		).toBe(400);
		const created = await api('POST', '/subscriptions', {
			eventType: 'contact.propertyChange',
			propertyName: 'hs_lead_status',
			active: true,
		});
		expect(created.status).toBe(201);
		expect((await api('GET', '/subscriptions')).body.results).toEqual([
			expect.objectContaining({
				id: created.body.id,
				eventType: 'contact.propertyChange',
				propertyName: 'hs_lead_status',
				active: true,
			}),
		]);
		expect((await api('DELETE', `/subscriptions/${created.body.id}`)).status).toBe(204);
		expect((await api('GET', '/subscriptions')).body.results).toEqual([]);
		expect(emu.webhooks.calls.map((c) => `${c.method} ${c.status}`)).toEqual([
			'POST 400',
			'POST 201',
			'GET 200',
			'DELETE 204',
			'GET 200',
		]);
	});
});

describe('deliveries of app events', () => {
	it('matching events only, 100 to a POST, signed v1 and v3, retried after a failure with the next attemptNumber', async () => {
		const target = await receiver([503]);
		try {
			await api('PUT', '/settings', { targetUrl: target.url });
			await api('POST', '/subscriptions', {
				eventType: 'contact.propertyChange',
				propertyName: 'hs_lead_status',
			});
			const changes = Array.from({ length: 150 }, (_, i) => ({
				subscriptionType: 'contact.propertyChange',
				objectId: 1000 + i,
				propertyName: i === 0 ? 'email' : 'hs_lead_status',
				propertyValue: 'UNQUALIFIED',
			}));
			const report = await emu.webhooks.deliverEvents(changes, { concurrent: 1 });
			expect(report).toMatchObject({ posts: 2, failed: 0 });
			const bodies = target.received.map(
				(r) => JSON.parse(r.body) as Array<Record<string, unknown>>,
			);
			expect(bodies.map((b) => b.length)).toEqual([100, 100, 49]);
			expect(bodies.map((b) => b[0].attemptNumber)).toEqual([0, 1, 0]);
			expect(bodies[0][0]).toEqual({
				eventId: 1,
				subscriptionId: 1,
				portalId: 12345678,
				appId: 3001,
				occurredAt: expect.any(Number),
				subscriptionType: 'contact.propertyChange',
				attemptNumber: 0,
				objectId: 1001,
				propertyName: 'hs_lead_status',
				propertyValue: 'UNQUALIFIED',
				changeSource: 'CRM_UI',
			});
			for (const { headers, body } of target.received) {
				expect(headers['x-hubspot-signature-version']).toBe('v1');
				expect(headers['x-hubspot-signature']).toBe(signatureV1(APP.clientSecret, body));
				expect(headers['x-hubspot-signature-v3']).toBe(
					signatureV3(
						APP.clientSecret,
						'POST',
						target.url,
						body,
						Number(headers['x-hubspot-request-timestamp']),
					),
				);
			}
		} finally {
			await target.close();
		}
	});
});

describe("a workflow's Send a webhook action", () => {
	it('one POST per record; a 404 is not retried, a 500 is, a 429 after its Retry-After', async () => {
		const target = await receiver([404, 500, { status: 429, headers: { 'Retry-After': '30' } }]);
		try {
			const report = await emu.webhooks.sendWorkflowWebhooks(target.url, [{ hs_object_id: '1' }], {
				auth: { kind: 'apiKey', header: 'X-Api-Key', value: 's3cret' },
				pace: 'burst',
			});
			expect(report.failed).toBe(1);
			expect(report.attempts.map((a) => a.status)).toEqual([404]);
			const again = await emu.webhooks.sendWorkflowWebhooks(target.url, [{ hs_object_id: '2' }], {
				auth: { kind: 'signature', clientSecret: APP.clientSecret },
				pace: 'hubspot',
			});
			expect(again.failed).toBe(0);
			expect(again.attempts.map((a) => a.status)).toEqual([500, 429, 200]);
			expect(target.received[0].headers['x-api-key']).toBe('s3cret');
			const signed = target.received[3];
			expect(signed.body).toBe('{"hs_object_id":"2"}');
			expect(signed.headers['x-hubspot-signature-version']).toBe('v2');
			expect(signed.headers['x-hubspot-signature']).toBe(
				signatureV2(APP.clientSecret, 'POST', target.url, signed.body),
			);
		} finally {
			await target.close();
		}
	});
});
