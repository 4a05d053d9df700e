import { createContext, useCallback, useContext, useEffect, useState, type ReactNode } from "react";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { get, loadSession, onSessionChange, type Session } from "./api";

export interface Profile {
  owId: number;
  uowId: number;
  displayName: string;
  email: string;
  organizationName: string;
  isWorkspaceAdmin: boolean;
  isWorkspaceOwnerOrg: boolean;
  role: string;
  organizationTimezone: number;
}

export interface Timezone {
  id: number;
  name: string;
  label?: string;
  offset?: string;
}

interface Ctx {
  session: Session | null;
  profile: Profile | undefined;
  timezones: Timezone[];
  tzName: (id: number | null | undefined) => string | undefined;
  /** The organization's IANA zone (times not tied to a campaign or a report), once known. */
  orgTz: string | undefined;
}

const SessionContext = createContext<Ctx>({ session: null, profile: undefined, timezones: [], tzName: () => undefined, orgTz: undefined });

export function SessionProvider({ children }: { children: ReactNode }) {
  const [session, setSession] = useState<Session | null>(loadSession());
  const qc = useQueryClient();
  useEffect(
    () =>
      onSessionChange((s) => {
        setSession((prev) => {
          if (!s || !prev || prev.owId !== s.owId || prev.email !== s.email) qc.clear();
          return s;
        });
      }),
    [qc],
  );
  // another tab signing in or out
  useEffect(() => {
    const h = (e: StorageEvent) => e.key === "adplane.console.session" && setSession(loadSession());
    window.addEventListener("storage", h);
    return () => window.removeEventListener("storage", h);
  }, []);
  const profile = useQuery({
    queryKey: ["profile", session?.owId, session?.email],
    queryFn: () => get<Profile>("/api/v3/ua/profile"),
    enabled: !!session,
  });
  const timezones = useQuery({
    queryKey: ["timezones"],
    queryFn: () => get<any>("/api/v3/master/timezones").then((d) => (Array.isArray(d) ? d : d?.data ?? []) as Timezone[]),
    enabled: !!session,
    staleTime: Infinity,
  });
  const list = timezones.data ?? NONE;
  // stable while the list is: forms re-initialise from it in effects
  const tzName = useCallback((id: number | null | undefined) => list.find((t) => t.id === id)?.name, [list]);
  const orgTz = tzName(profile.data?.organizationTimezone);
  return <SessionContext.Provider value={{ session, profile: profile.data, timezones: list, tzName, orgTz }}>{children}</SessionContext.Provider>;
}

const NONE: Timezone[] = [];

export const useSession = () => useContext(SessionContext);
