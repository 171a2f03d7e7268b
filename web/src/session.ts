import { UserManager, WebStorageStateStore } from 'oidc-client-ts';
import { computed, reactive } from 'vue';
import type { Api } from './api';
import type { ConsoleConfig } from './config';

/**
 * Who is signed in. Locally a name buys a token from POST /_local/token; on AWS
 * the Cognito hosted UI signs in with the OAuth code flow and PKCE (oidc-client-ts),
 * and the API's JWT authorizer takes the access token.
 */
export interface SessionState {
  token: string | undefined;
  sub: string | undefined;
  /** Shown name: the local name or the Cognito e-mail. */
  name: string | undefined;
  admin: boolean;
}

const STORAGE_KEY = 'ticketing.session';
const ADMIN_GROUP = 'admin';

export const session = reactive<SessionState>(restore());
export const signedIn = computed(() => session.token !== undefined);

let userManager: UserManager | undefined;

export function configureSignIn(config: ConsoleConfig): void {
  if (config.auth.mode !== 'cognito') return;
  userManager = new UserManager({
    authority: config.auth.authority,
    client_id: config.auth.clientId,
    redirect_uri: `${window.location.origin}/auth/callback`,
    post_logout_redirect_uri: `${window.location.origin}/`,
    response_type: 'code',
    scope: 'openid email',
    userStore: new WebStorageStateStore({ store: window.sessionStorage }),
    // Cognito's discovery document has no end_session_endpoint: its logout lives on the hosted UI's domain.
    metadataSeed: { end_session_endpoint: `${config.auth.domain}/logout?client_id=${encodeURIComponent(config.auth.clientId)}&logout_uri=${encodeURIComponent(`${window.location.origin}/`)}` },
  });
}

export async function signInLocally(api: Api, name: string, admin: boolean): Promise<void> {
  setToken(await api.localToken(name, admin), name);
}

/** Off to the hosted UI; back at /auth/callback, then at `returnTo`. */
export async function signInWithCognito(returnTo: string): Promise<void> {
  await userManager?.signinRedirect({ state: { returnTo } });
}

/** Completes the code flow on /auth/callback; answers where to go next. */
export async function completeCognitoSignIn(): Promise<string> {
  if (!userManager) throw new Error('sign-in is not configured for Cognito');
  const user = await userManager.signinCallback();
  if (!user) throw new Error('the sign-in answered no user');
  setToken(user.access_token, typeof user.profile.email === 'string' ? user.profile.email : undefined);
  const state = user.state as { returnTo?: string } | undefined;
  return state?.returnTo ?? '/';
}

export function signOut(): void {
  Object.assign(session, { token: undefined, sub: undefined, name: undefined, admin: false });
  window.sessionStorage.removeItem(STORAGE_KEY);
  void userManager?.removeUser();
}

function setToken(token: string, name: string | undefined): void {
  const claims = decodeClaims(token);
  const groups = claims['cognito:groups'];
  Object.assign(session, {
    token,
    sub: String(claims.sub ?? ''),
    name: name ?? String(claims.username ?? claims.sub ?? ''),
    admin: Array.isArray(groups) && groups.includes(ADMIN_GROUP),
  });
  window.sessionStorage.setItem(STORAGE_KEY, JSON.stringify(session));
}

/** The claims of a JWT, unverified: only to show who is signed in; the API verifies. */
function decodeClaims(token: string): Record<string, unknown> {
  const payload = token.split('.')[1] ?? '';
  try {
    const json = atob(payload.replace(/-/g, '+').replace(/_/g, '/'));
    return JSON.parse(new TextDecoder().decode(Uint8Array.from(json, (c) => c.charCodeAt(0)))) as Record<string, unknown>;
  } catch {
    return {};
  }
}

function restore(): SessionState {
  const empty: SessionState = { token: undefined, sub: undefined, name: undefined, admin: false };
  try {
    const stored = window.sessionStorage.getItem(STORAGE_KEY);
    return stored ? { ...empty, ...(JSON.parse(stored) as Partial<SessionState>) } : empty;
  } catch {
    return empty;
  }
}
