/**
 * The chosen credential, read once per execution: the credential type, base URL and secrets to
 * redact.
 */
import type {
	ICredentialDataDecryptedObject,
	IExecuteFunctions,
	ILoadOptionsFunctions,
} from 'n8n-workflow';

export type AuthenticationMethod = 'oAuth2' | 'appToken';

export interface Connection {
	authentication: AuthenticationMethod;
	/**
	 * The credential type behind the "Authentication" choice, named as the classes in credentials/
	 * name it.
	 */
	credentialType: string;
	baseUrl: string;
	/** Every secret of the credential, so that any text leaving the node can be scrubbed of them. */
	secrets: string[];
	/**
	 * The private app token credential as read once for the execution, handed to n8n's request helper
	 * with every request. Without it the helper reads the credential again for each request: in n8n
	 * that is a database query and a decryption per request, 1,000 of them in a 100,000-item run. The
	 * token cannot change during an execution (it is not refreshable). Never set for OAuth2, whose
	 * tokens n8n refreshes and must read fresh.
	 */
	appTokenCredential?: ICredentialDataDecryptedObject;
}

export async function resolveConnection(
	ctx: IExecuteFunctions | ILoadOptionsFunctions,
	authentication: AuthenticationMethod,
): Promise<Connection> {
	const credentialType =
		authentication === 'appToken'
			? 'hubSpotAssociationsAppTokenApi'
			: 'hubSpotAssociationsOAuth2Api';
	const data = (await ctx.getCredentials(credentialType)) as Record<string, unknown>;
	const tokenData = (
		data.oauthTokenData && typeof data.oauthTokenData === 'object' ? data.oauthTokenData : {}
	) as Record<string, unknown>;
	const secrets: string[] = [];
	for (const value of [
		data.accessToken,
		data.clientSecret,
		tokenData.access_token,
		tokenData.refresh_token,
		tokenData.id_token,
	]) {
		if (typeof value !== 'string') continue;
		// The credential sends a token trimmed of what was pasted around it: that is the one to find.
		for (const secret of new Set([value, value.trim()]))
			if (secret.length >= 6) secrets.push(secret);
	}
	const baseUrl = (
		(typeof data.baseUrl === 'string' ? data.baseUrl.trim() : '') || 'https://api.hubapi.com'
	).replace(/\/+$/, '');
	const connection: Connection = { authentication, credentialType, baseUrl, secrets };
	if (authentication === 'appToken')
		connection.appTokenCredential = data as ICredentialDataDecryptedObject;
	return connection;
}
