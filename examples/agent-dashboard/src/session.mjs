// A user's session is one RL episode: their clicks are its steps.
//
// rl-otel reads the episode of a request from the W3C `baggage` header
// (`rl.episode.id=<id>`). API clients and scripts send it themselves; a browser
// never does. So, like an edge proxy would, the app gives each browser a
// session cookie (a random id, not a credential) and writes it into the
// request's `baggage` header before the request is traced. Node publishes
// `http.server.request.start` before the server emits `request`, which is where
// the HTTP plugin starts the request's span: a subscriber there runs first.
// Without rl-otel the header is simply unused.
import { randomBytes } from 'node:crypto';
import { subscribe } from 'node:diagnostics_channel';

export const SESSION_COOKIE = 'rl_session';
const ID = /^[\w.:@-]{1,64}$/;
const BAGGAGE_EPISODE = /(?:^|,)\s*rl\.episode\.id\s*=\s*([^,;\s]*)/;
const sessions = new WeakMap();

/** Starts turning session cookies into episode baggage. Call once, before the server listens. */
export function installSessionEpisodes() {
  subscribe('http.server.request.start', onRequestStart);
}

function onRequestStart({ request }) {
  const headers = request.headers;
  const baggage = typeof headers.baggage === 'string' ? headers.baggage : '';
  const carried = BAGGAGE_EPISODE.exec(baggage)?.[1];
  if (carried) {
    // The client names its episode itself (a script, another service): keep it.
    sessions.set(request, { id: safeDecode(carried), isNew: false });
    return;
  }
  let id = cookie(headers.cookie, SESSION_COOKIE);
  let isNew = false;
  if (id === undefined || !ID.test(id)) {
    // Only a page view starts a session: health checks and API calls without
    // one stay one-step episodes of their own.
    if (request.method !== 'GET' || !isPage(request.url ?? '/')) return;
    id = `s-${randomBytes(9).toString('base64url')}`;
    isNew = true;
  }
  headers.baggage = baggage === '' ? `rl.episode.id=${id}` : `${baggage},rl.episode.id=${id}`;
  sessions.set(request, { id, isNew });
}

/** The session of a request: `{ id, isNew }` (isNew: the response must set the cookie), or undefined. */
export function sessionOf(request) {
  return request === undefined ? undefined : sessions.get(request);
}

function isPage(url) {
  return !url.startsWith('/api/') && !url.startsWith('/healthz') && !url.startsWith('/readyz');
}

function cookie(header, name) {
  if (typeof header !== 'string') return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

function safeDecode(value) {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
