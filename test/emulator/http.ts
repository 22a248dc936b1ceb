/** Small HTTP plumbing shared by the routes: the reply type, body reading and sending. */
import type { IncomingMessage, ServerResponse } from 'node:http';

/** What a route answers; the server adds correlation and rate-limit headers and applies latency. */
export interface Reply {
	status: number;
	/** undefined = no body; a string is sent verbatim; anything else as JSON. */
	body?: unknown;
	headers?: Record<string, string>;
}

/** Reads the whole body, or resolves null when it exceeds `limit` bytes (→ 413). */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer | null> {
	return new Promise((resolve, reject) => {
		const chunks: Buffer[] = [];
		let size = 0;
		let tooLarge = false;
		req.on('data', (chunk: Buffer) => {
			size += chunk.length;
			if (size > limit) tooLarge = true;
			else chunks.push(chunk);
		});
		req.on('end', () => resolve(tooLarge ? null : Buffer.concat(chunks)));
		req.on('error', reject);
	});
}

export function sendReply(
	res: ServerResponse,
	reply: Reply,
	baseHeaders: Record<string, string>,
): void {
	if (res.destroyed || res.writableEnded) return;
	const headers: Record<string, string> = { ...baseHeaders, ...(reply.headers ?? {}) };
	if (reply.body === undefined || reply.status === 204 || reply.status === 304) {
		res.writeHead(reply.status, headers);
		res.end();
		return;
	}
	const text = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
	const hasType = Object.keys(headers).some((k) => k.toLowerCase() === 'content-type');
	if (!hasType)
		headers['Content-Type'] = typeof reply.body === 'string' ? 'text/plain' : 'application/json';
	headers['Content-Length'] = String(Buffer.byteLength(text));
	res.writeHead(reply.status, headers);
	res.end(text);
}

/** The token of `Authorization: Bearer <token>`, or undefined. */
export function bearerToken(req: IncomingMessage): string | undefined {
	const h = req.headers.authorization;
	if (!h) return undefined;
	const m = /^Bearer\s+(.+)$/i.exec(h.trim());
	return m ? m[1].trim() : undefined;
}

export function isLoopback(address: string | undefined): boolean {
	return address === '127.0.0.1' || address === '::1' || address === '::ffff:127.0.0.1';
}
