/**
 * Sessions: each is a refresh-token family, begun by a login and ended by logout, by the user
 * from another device, or by a change of password or second factor (which ends every session
 * but the one that made it). Ending a session stops its refresh token at once and, since every
 * authenticated request reads its session, its access tokens too.
 */
import { type DeviceSettings, forgetDevices } from "./devices.js";
import { DomainError } from "./errors.js";
import type { EventPublisher, RequestSource } from "./events.js";
import { type Clock, nowEpochSeconds, type Random } from "./ports.js";
import { isoSeconds, shownSource } from "./security-log.js";
import {
  type AccessTokenSigner,
  publishSessionEvent,
  type RefreshTokenStore,
  refreshTokenHash,
  type Session,
} from "./tokens.js";

/** What ending sessions needs: the stores, and the security log's events. */
export interface SessionDeps {
  clock: Clock;
  random: Random;
  events: EventPublisher;
  refreshTokens: RefreshTokenStore;
  /** Remembered devices: forgotten with the sessions after a password or factor change. */
  devices: DeviceSettings;
}

/** A session as its user sees it. */
export interface PublicSession {
  id: string;
  /** True for the session of the access token that asked. */
  current: boolean;
  createdAt: string;
  lastUsedAt: string;
  expiresAt: string;
  createdFrom: { ip: string | null; userAgent: string | null };
  lastUsedFrom: { ip: string | null; userAgent: string | null };
}

function isLive(session: Session, now: number): boolean {
  return (
    !session.revoked &&
    session.expiresAtEpochSeconds > now &&
    session.idleExpiresAtEpochSeconds > now
  );
}

/** The user's live sessions, most recently used first. */
export async function listSessions(
  deps: Pick<SessionDeps, "clock" | "refreshTokens">,
  userId: string,
  currentSessionId: string | undefined,
): Promise<PublicSession[]> {
  const now = nowEpochSeconds(deps.clock);
  const sessions = await deps.refreshTokens.listSessions(userId);
  return sessions
    .filter((session) => isLive(session, now))
    .sort((a, b) => b.lastUsedAtEpochSeconds - a.lastUsedAtEpochSeconds)
    .map((session) => ({
      id: session.id,
      current: session.id === currentSessionId,
      createdAt: isoSeconds(session.createdAtEpochSeconds),
      lastUsedAt: isoSeconds(session.lastUsedAtEpochSeconds),
      expiresAt: isoSeconds(
        Math.min(session.expiresAtEpochSeconds, session.idleExpiresAtEpochSeconds),
      ),
      createdFrom: shownSource(session.createdFrom),
      lastUsedFrom: shownSource(session.lastUsedFrom),
    }));
}

/** Ends one session; the security log hears of it. False when it was over already. */
async function endSession(
  deps: SessionDeps,
  userId: string,
  sessionId: string,
  source: RequestSource,
): Promise<boolean> {
  const revoked = await deps.refreshTokens.revokeSession(userId, sessionId);
  if (revoked) await publishSessionEvent(deps, "user.session.revoked", userId, sessionId, source);
  return revoked;
}

const SESSION_ID = /^rtf_[A-Za-z0-9_-]{22}$/;

/** `DELETE /v1/user/sessions/{id}`: ends one of the user's own live sessions; 404 otherwise. */
export async function deleteSession(
  deps: SessionDeps,
  userId: string,
  sessionId: string,
  source: RequestSource = {},
): Promise<void> {
  const now = nowEpochSeconds(deps.clock);
  const session = SESSION_ID.test(sessionId)
    ? await deps.refreshTokens.getSession(userId, sessionId)
    : null;
  if (!session || !isLive(session, now) || !(await endSession(deps, userId, sessionId, source))) {
    throw new DomainError("not_found", "No such session.");
  }
}

/** Ends every live session of the user but `keepSessionId`; answers how many it ended. */
async function endSessionsBut(
  deps: SessionDeps,
  userId: string,
  keepSessionId: string | undefined,
  source: RequestSource,
): Promise<number> {
  const now = nowEpochSeconds(deps.clock);
  const sessions = await deps.refreshTokens.listSessions(userId);
  let ended = 0;
  for (const session of sessions) {
    if (session.id === keepSessionId || session.revoked || session.expiresAtEpochSeconds <= now) {
      continue;
    }
    if (await endSession(deps, userId, session.id, source)) ended += 1;
  }
  return ended;
}

/**
 * Ends every session of the user but `keepSessionId` (the one that asked; none for an
 * enrollment token), and forgets every remembered device of the user. Called after a password
 * change and after a second factor is added, moved or removed: whoever held a session or a
 * device token before the change keeps neither. Answers how many sessions it ended.
 */
export async function revokeOtherSessions(
  deps: SessionDeps,
  userId: string,
  keepSessionId: string | undefined,
  source: RequestSource = {},
): Promise<number> {
  const ended = await endSessionsBut(deps, userId, keepSessionId, source);
  await forgetDevices(deps, userId, source);
  return ended;
}

/**
 * After an administrator's reset of the user's second factors: ends every session of the user
 * and forgets every remembered device. The sessions are listed again once the devices are
 * gone, so that a login whose second factor passed just before the reset, and whose session
 * was written while the first pass ran, is ended too. Answers how many of each it ended.
 */
export async function endEverySession(
  deps: SessionDeps,
  userId: string,
  source: RequestSource = {},
): Promise<{ sessions: number; devices: number }> {
  const first = await endSessionsBut(deps, userId, undefined, source);
  const devices = await forgetDevices(deps, userId, source);
  const second = await endSessionsBut(deps, userId, undefined, source);
  return { sessions: first + second, devices };
}

/**
 * `POST /v1/logout` (RFC 7009): ends the session of a refresh token, or of an access token
 * (`token_type_hint` says which to try first). Whatever the token, the answer is the same: an
 * unknown, expired or foreign token reveals nothing.
 */
export async function logout(
  deps: SessionDeps & { signer: AccessTokenSigner; hashKey: Uint8Array },
  input: { token: string; tokenTypeHint?: string; source?: RequestSource },
): Promise<void> {
  const asRefresh = () => deps.refreshTokens.sessionOf(refreshTokenHash(deps, input.token));
  const asAccess = () => deps.signer.verify(input.token);
  const lookups =
    input.tokenTypeHint === "access_token" ? [asAccess, asRefresh] : [asRefresh, asAccess];
  for (const lookup of lookups) {
    const found = await lookup();
    if (found) {
      await endSession(deps, found.userId, found.sessionId, input.source ?? {});
      return;
    }
  }
}
