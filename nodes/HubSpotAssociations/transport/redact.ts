/**
 * Scrubs secrets from anything the node lets out (output items, error messages, descriptions).
 * Known secrets are replaced literally; Bearer headers and HubSpot token shapes are caught by pattern
 * as well, because a refreshed OAuth token is never seen by the node itself.
 */
const PATTERNS: Array<[RegExp, string]> = [
	[/(Bearer\s+)[A-Za-z0-9._~+/=-]{8,}/gi, '$1[redacted]'],
	[/\bpat-[a-z0-9]{2,5}-[A-Za-z0-9-]{8,}/g, '[redacted]'],
	[/((?:access_token|refresh_token|client_secret)["']?\s*[:=]\s*["']?)[^"'&\s,}]+/gi, '$1[redacted]'],
];

export function redactText(text: string, secrets: readonly string[]): string {
	let out = text;
	for (const secret of secrets) {
		if (secret && out.includes(secret)) out = out.split(secret).join('[redacted]');
	}
	for (const [pattern, replacement] of PATTERNS) out = out.replace(pattern, replacement);
	return out;
}

/** Deep copy of JSON-like data with every string scrubbed. */
export function redactValue<T>(value: T, secrets: readonly string[]): T {
	if (typeof value === 'string') return redactText(value, secrets) as unknown as T;
	if (Array.isArray(value)) return value.map((v) => redactValue(v, secrets)) as unknown as T;
	if (value && typeof value === 'object') {
		const out: Record<string, unknown> = {};
		for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[k] = redactValue(v, secrets);
		return out as T;
	}
	return value;
}
