import type { IExecuteFunctions, ILoadOptionsFunctions } from 'n8n-workflow';

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
}

function collectSecrets(data: Record<string, unknown>): string[] {
	const secrets: string[] = [];
	const add = (value: unknown) => {
		if (typeof value === 'string' && value.length >= 6) secrets.push(value);
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
	};
}
