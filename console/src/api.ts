// The console is one more client of adplane's public, IQM-compatible API: the same login
// (Basic client credentials + X-IAA-HOST), bearer tokens, X-IAA-OW-ID and error envelopes.

export interface ErrorObject {
  error: string;
  reason?: string;
  field?: string;
}

export class ApiError extends Error {
  status: number;
  errors: ErrorObject[];
  constructor(status: number, errors: ErrorObject[]) {
    super(errors.map((e) => e.error).join("; ") || `HTTP ${status}`);
    this.status = status;
    this.errors = errors;
  }
  /** Messages keyed by the field they name (the API's 422s name their field: `maxBid`, `reportTypes.0`, ...). */
  fieldErrors(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const e of this.errors) if (e.field) out[e.field] = out[e.field] ? `${out[e.field]}; ${e.error}` : e.error;
    return out;
  }
}

/** The message for a field among the API's field errors: its own, or one of its items' (`name.0.audienceId`). */
export function fieldError(fields: Record<string, string>, ...names: string[]): string | undefined {
  for (const name of names) {
    if (fields[name]) return fields[name];
    const nested = Object.entries(fields).find(([k]) => k.startsWith(`${name}.`));
    if (nested) return nested[1];
  }
  return undefined;
}

export interface Session {
  host: string;
  clientId: string;
  clientSecret: string;
  accessToken: string;
  refreshToken: string;
  expiresAt: number; // epoch ms
  owId: number;
  email: string;
}

const STORAGE_KEY = "adplane.console.session";
type Listener = (s: Session | null) => void;
const listeners = new Set<Listener>();

export function loadSession(): Session | null {
  try {
    const raw = localStorage.getItem(STORAGE_KEY);
    return raw ? (JSON.parse(raw) as Session) : null;
  } catch {
    return null;
  }
}

function saveSession(s: Session | null): void {
  if (s) localStorage.setItem(STORAGE_KEY, JSON.stringify(s));
  else localStorage.removeItem(STORAGE_KEY);
  listeners.forEach((l) => l(s));
}

export function onSessionChange(l: Listener): () => void {
  listeners.add(l);
  return () => listeners.delete(l);
}

function basic(s: Pick<Session, "clientId" | "clientSecret">): string {
  return "Basic " + btoa(`${s.clientId}:${s.clientSecret}`);
}

async function parseError(res: Response): Promise<ApiError> {
  let errors: ErrorObject[] = [{ error: `HTTP ${res.status}` }];
  try {
    const body = await res.json();
    if (Array.isArray(body?.errorObjects) && body.errorObjects.length) errors = body.errorObjects;
    else if (typeof body?.data === "string") errors = [{ error: body.data }]; // e.g. sls-reports/validate/name
    else if (body?.detail) errors = [{ error: String(body.detail) }];
  } catch {
    /* not JSON */
  }
  return new ApiError(res.status, errors);
}

/** The workspace's console client (public OAuth client; see docs/console.md). */
export async function consoleConfig(host: string): Promise<{ clientId: string; clientSecret: string; workspaceName: string }> {
  const res = await fetch("/api/v3/adplane/console/config", { headers: { "X-IAA-HOST": host } });
  if (!res.ok) throw await parseError(res);
  return (await res.json()).data;
}

export async function login(host: string, email: string, password: string): Promise<Session> {
  const cfg = await consoleConfig(host);
  const res = await fetch("/api/v3/ua/login", {
    method: "POST",
    headers: { "Content-Type": "application/json", Authorization: basic(cfg), "X-IAA-HOST": host },
    body: JSON.stringify({ grantType: "password", email, password }),
  });
  if (!res.ok) throw await parseError(res);
  const data = (await res.json()).data;
  const session: Session = {
    host,
    clientId: cfg.clientId,
    clientSecret: cfg.clientSecret,
    accessToken: data.access_token,
    refreshToken: data.refresh_token,
    expiresAt: Date.now() + data.expires_in * 1000,
    owId: data.owId,
    email,
  };
  saveSession(session);
  return session;
}

let refreshing: Promise<Session | null> | null = null;

/** Rotate the refresh token once, however many requests ask at the same time. */
export function refresh(): Promise<Session | null> {
  if (refreshing) return refreshing;
  const s = loadSession();
  if (!s) return Promise.resolve(null);
  refreshing = (async () => {
    try {
      const res = await fetch("/api/v3/ua/oauth/token", {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded", Authorization: basic(s), "X-IAA-HOST": s.host },
        body: new URLSearchParams({ grant_type: "refresh_token", refresh_token: s.refreshToken }),
      });
      if (!res.ok) {
        saveSession(null);
        return null;
      }
      const data = await res.json();
      const next = {
        ...s,
        accessToken: data.access_token,
        refreshToken: data.refresh_token,
        expiresAt: Date.now() + data.expires_in * 1000,
      };
      saveSession(next);
      return next;
    } finally {
      refreshing = null;
    }
  })();
  return refreshing;
}

export async function logout(): Promise<void> {
  const s = loadSession();
  if (s) {
    try {
      await fetch("/api/v3/ua/logout", {
        method: "POST",
        headers: { Authorization: `Bearer ${s.accessToken}`, "X-IAA-OW-ID": String(s.owId) },
      });
    } catch {
      /* signing out locally anyway */
    }
  }
  saveSession(null);
}

export function switchOrganization(owId: number): void {
  const s = loadSession();
  if (s) saveSession({ ...s, owId });
}

export interface RequestOptions {
  method?: string;
  body?: unknown;
  form?: FormData;
  query?: Record<string, string | number | boolean | undefined | null>;
}

/** A request as the signed-in user for the current organization; refreshes once on 401; errors thrown. */
async function authedFetch(path: string, opts: RequestOptions = {}): Promise<Response> {
  let s = loadSession();
  if (!s) throw new ApiError(401, [{ error: "Not signed in" }]);
  if (s.expiresAt - Date.now() < 60_000) s = (await refresh()) ?? s;
  const url = new URL(path, window.location.origin);
  for (const [k, v] of Object.entries(opts.query ?? {})) if (v !== undefined && v !== null && v !== "") url.searchParams.set(k, String(v));
  const send = (session: Session) => {
    const headers: Record<string, string> = {
      Authorization: `Bearer ${session.accessToken}`,
      "X-IAA-OW-ID": String(session.owId),
    };
    let body: BodyInit | undefined;
    if (opts.form) body = opts.form;
    else if (opts.body !== undefined) {
      headers["Content-Type"] = "application/json";
      body = JSON.stringify(opts.body);
    }
    return fetch(url.toString(), { method: opts.method ?? (body ? "POST" : "GET"), headers, body });
  };
  let res = await send(s);
  if (res.status === 401) {
    const next = await refresh();
    if (!next) throw new ApiError(401, [{ error: "Your session has ended; please sign in again." }]);
    res = await send(next);
  }
  if (!res.ok) throw await parseError(res);
  return res;
}

/** Call the API as the signed-in user for the current organization; refreshes once on 401. */
export async function api<T = any>(path: string, opts: RequestOptions = {}): Promise<T> {
  const res = await authedFetch(path, opts);
  const json = await res.json();
  // v2 answers carry HTTP 200 with their own statusCode; treat >= 400 as an error
  if (json && typeof json.statusCode === "number" && json.statusCode >= 400) {
    throw new ApiError(json.statusCode, json.errorObjects ?? [{ error: "Request failed" }]);
  }
  return json as T;
}

/** Follow a signed download link (`/files/{token}`, an attachment) without leaving the page. */
export function saveLink(href: string, name = ""): void {
  const a = document.createElement("a");
  a.href = href;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
}

/** Save a file the API answers itself (an invoice PDF/CSV needs the bearer token, so no plain link). */
export async function downloadFile(path: string, query?: RequestOptions["query"]): Promise<string> {
  const res = await authedFetch(path, { query });
  const disposition = res.headers.get("content-disposition") ?? "";
  const name = /filename="?([^";]+)"?/.exec(disposition)?.[1] ?? path.split("/").pop() ?? "download";
  const href = URL.createObjectURL(await res.blob());
  saveLink(href, name);
  setTimeout(() => URL.revokeObjectURL(href), 60_000);
  return name;
}

/** POST form fields (IQM's finance calls take forms, not JSON). */
export async function sendForm<T = any>(path: string, fields: Record<string, string | number | undefined>): Promise<T> {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) if (v !== undefined && v !== "") form.append(k, String(v));
  return unwrap<T>(await api(path, { method: "POST", form }));
}

/** v3 `{success, data}` → data; v2 `{statusCode, responseObject}` → responseObject. */
export function unwrap<T = any>(json: any): T {
  if (json && "data" in json && "success" in json) return json.data as T;
  if (json && "responseObject" in json) return json.responseObject as T;
  return json as T;
}

export async function get<T = any>(path: string, query?: RequestOptions["query"]): Promise<T> {
  return unwrap<T>(await api(path, { query }));
}

export async function send<T = any>(method: string, path: string, body?: unknown): Promise<T> {
  return unwrap<T>(await api(path, { method, body }));
}
