import { useState } from "react";
import { NavLink, Outlet, useNavigate } from "react-router-dom";
import { useQuery } from "@tanstack/react-query";
import { get, logout, switchOrganization } from "../api";
import { useSession } from "../session";

interface Org {
  owId: number;
  organizationName: string;
  status: string;
}

export function Layout() {
  const { session, profile } = useSession();
  const navigate = useNavigate();
  const [menuOpen, setMenuOpen] = useState(false);
  const orgs = useQuery({
    queryKey: ["allowed-orgs", session?.email],
    queryFn: () => get<{ data: Org[] }>("/api/v3/ua/user/allowed-organizations", { noOfEntries: 200 }),
    staleTime: 60_000,
  });
  const links: [string, string][] = [
    ["/", "Dashboard"],
    ["/ios", "Insertion orders"],
    ["/campaigns", "Campaigns"],
    ["/creatives", "Creatives"],
    ["/reports", "Reports"],
    ["/insights", "Insights"],
    ["/funds", "Funds"],
  ];
  if (profile?.isWorkspaceAdmin) links.push(["/approvals", "Approvals"]);
  return (
    <div className="shell">
      <a className="skip" href="#main">Skip to content</a>
      <header className="topbar">
        <button className="menu-toggle" aria-expanded={menuOpen} aria-controls="nav" onClick={() => setMenuOpen(!menuOpen)}>
          Menu
        </button>
        <span className="brand">adplane</span>
        <label className="org-switch">
          <span>Organization</span>
          <select
            value={session?.owId ?? ""}
            onChange={(e) => {
              switchOrganization(Number(e.target.value));
              navigate("/");
            }}
          >
            {(orgs.data?.data ?? []).map((o) => (
              <option key={o.owId} value={o.owId} disabled={o.status.toLowerCase() !== "active" && o.owId !== session?.owId}>
                {o.organizationName} ({o.owId}){o.status.toLowerCase() !== "active" ? ` — ${o.status}` : ""}
              </option>
            ))}
            {!orgs.data && session && <option value={session.owId}>{session.owId}</option>}
          </select>
        </label>
        <span className="who" title={session?.host}>
          {profile?.displayName ?? session?.email}
          {profile?.isWorkspaceAdmin ? " · workspace admin" : ""}
        </span>
        <button
          className="secondary"
          onClick={async () => {
            await logout();
            navigate("/login");
          }}
        >
          Sign out
        </button>
      </header>
      <nav id="nav" className={menuOpen ? "open" : ""} aria-label="Main">
        <ul>
          {links.map(([to, label]) => (
            <li key={to}>
              <NavLink to={to} end={to === "/"} onClick={() => setMenuOpen(false)}>
                {label}
              </NavLink>
            </li>
          ))}
        </ul>
      </nav>
      <main id="main" tabIndex={-1}>
        <Outlet />
      </main>
    </div>
  );
}
