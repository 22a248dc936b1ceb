import type { ICredentialDataDecryptedObject, IExecuteFunctions, ILoadOptionsFunctions } from 'n8n-workflow';

export type AuthenticationMethod = 'oAuth2' | 'appToken';

/** The credential type behind each "Authentication" choice, named as the classes in credentials/ name it. */
export function credentialTypeOf(authentication: AuthenticationMethod): string {
	return authentication === 'appToken' ? 'hubSpotAssociationsAppTokenApi' : 'hubSpotAssociationsOAuth2Api';
}

export const DEFAULT_BASE_URL = 'https://api.hubapi.com';

export interface Connection {
	authentication: AuthenticationMethod;
	credentialType: string;
	baseUrl: string;
	/** Every secret of the credential, so that any text leaving the node can be scrubbed of them. */
	secrets: string[];
	/**
	 * The private app token credential as read once for the execution, handed to n8n's request helper
	 * with every request. Without it the helper reads the credential again for each request: in n8n that
	 * is a database query and a decryption per request, 1,000 of them in a 100,000-item run. The token
	 * cannot change during an execution (it is not refreshable). Never set for OAuth2, whose tokens n8n
	 * refreshes and must read fresh.
	 */
	appTokenCredential?: ICredentialDataDecryptedObject;
}

function collectSecrets(data: Record<string, unknown>): string[] {
	const secrets: string[] = [];
	const add = (value: unknown) => {
		if (typeof value !== 'string') return;
		// The credential sends a token trimmed of what was pasted around it: that is the one to find.
		for (const secret of new Set([value, value.trim()])) if (secret.length >= 6) secrets.push(secret);
	};
	add(data.accessToken);
	add(data.clientSecret);
	const tokenData = data.oauthTokenData as Record<string, unknown> | undefined;
	if (tokenData && typeof tokenData === 'object') {
		add(tokenData.access_token);
		add(tokenData.refresh_token);
		add(tokenData.id_token);
	}
	return secrets;
}

/** Reads the chosen credential once per execution: its type, base URL and the secrets to redact. */
export async function resolveConnection(
	ctx: IExecuteFunctions | ILoadOptionsFunctions,
	authentication: AuthenticationMethod,
): Promise<Connection> {
	const credentialType = credentialTypeOf(authentication);
	const data = (await ctx.getCredentials(credentialType)) as Record<string, unknown>;
	const configured = typeof data.baseUrl === 'string' ? data.baseUrl.trim() : '';
	return {
		authentication,
		credentialType,
		baseUrl: (configured || DEFAULT_BASE_URL).replace(/\/+$/, ''),
		secrets: collectSecrets(data),
		...(authentication === 'appToken' ? { appTokenCredential: data as ICredentialDataDecryptedObject } : {}),
	};
}
