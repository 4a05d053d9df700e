import { useState } from "react";
import { Link } from "react-router-dom";
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, send } from "../api";
import { useSession } from "../session";
import { CAMPAIGN_STATUSES as STATUSES, useCampaignZones } from "../data";
import { dateTime, money, zonedToEpoch } from "../format";
import { CampaignStatusBadge, Pager, SortTh } from "../components/ui";
import { ErrorBox } from "../components/ErrorBox";

interface Row { id: string; name: string; status: string; isApproved?: boolean; start_date: number; end_date: number | null; total_budget: number | null; creative_type: string }
const PAGE = 20;

export default function CampaignsPage() {
  const qc = useQueryClient();
  const [search, setSearch] = useState("");
  const [status, setStatus] = useState("");
  const [sort, setSort] = useState("-id");
  const [page, setPage] = useState(1);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [budget, setBudget] = useState("");
  const [daily, setDaily] = useState("");
  const [endDate, setEndDate] = useState("");
  const [endTzId, setEndTzId] = useState<number | null>(null);
  const { timezones, tzName, profile, orgTz } = useSession();
  const [result, setResult] = useState<string | null>(null);
  const list = useQuery({
    queryKey: ["campaigns", search, status, sort, page],
    placeholderData: keepPreviousData,
    queryFn: () =>
      api<{ data: Row[]; recordsFiltered: number }>("/api/v2/cmp/campaigns/list", {
        query: { search_field: search, status, sort_by: sort.slice(1), order: sort.startsWith("+") ? "asc" : "desc", pgno: page, no_of_entries: PAGE },
      }),
  });
  const rows = list.data?.data ?? [];
  const zones = useCampaignZones(rows.map((r) => r.id));
  const rowTz = (id: string) => tzName(zones.data?.get(id)) ?? orgTz;
  // the bulk end date is a wall-clock time of one zone: the selected campaigns' own when they share one
  const selectedZones = [...new Set([...selected].map((id) => zones.data?.get(id)).filter((z): z is number => z != null))];
  const endZoneId = endTzId ?? (selectedZones.length === 1 ? selectedZones[0] : profile?.organizationTimezone ?? 29);
  const endTz = tzName(endZoneId) ?? "UTC";
  const ids = [...selected].join(",");
  const describe = (r: any) =>
    r?.status === false
      ? `Some campaigns were not changed: ${(r.reason ?? []).map((x: any) => `${x.id ?? x.campaignId}: ${x.errorMessage ?? x.reason ?? x.message ?? JSON.stringify(x)}`).join("; ")}`
      : "Done.";
  const bulk = useMutation({
    mutationFn: async (action: "running" | "paused" | "deleted" | "budget" | "end") => {
      if (action === "budget")
        return send("PUT", "/api/v2/cmp/campaigns/update-budget", { campaignIds: ids, totalBudget: Number(budget), dailyBudget: daily ? Number(daily) : undefined, totalBudgetUpdateType: "change" });
      if (action === "end")
        return send("PUT", "/api/v2/cmp/campaigns/update-end-date", { campaignIds: ids, endDate: Math.floor(zonedToEpoch(endDate, endTz) / 1000) });
      return send("PUT", "/api/v2/cmp/campaigns/update-status", { campaignIds: ids, status: action });
    },
    onSuccess: (r) => {
      setResult(describe(r));
      qc.invalidateQueries({ queryKey: ["campaigns"] });
    },
    onError: () => setResult(null),
  });
  const toggle = (id: string) => setSelected((s) => { const n = new Set(s); n.has(id) ? n.delete(id) : n.add(id); return n; });
  return (
    <section aria-labelledby="c-title">
      <div className="page-head">
        <h1 id="c-title">Campaigns</h1>
        <div className="actions"><Link className="button" to="/campaigns/new">New campaign</Link></div>
      </div>
      <div className="filters" role="search">
        <label>Search<input type="search" value={search} placeholder="Name or id" onChange={(e) => { setSearch(e.target.value); setPage(1); }} /></label>
        <label>Status
          <select value={status} onChange={(e) => { setStatus(e.target.value); setPage(1); }}>
            <option value="">All but deleted</option>
            {STATUSES.map((s) => <option key={s} value={s}>{s}</option>)}
          </select>
        </label>
      </div>
      {selected.size > 0 && (
        <fieldset className="card" aria-label="Bulk changes">
          <legend>{selected.size} selected</legend>
          <div className="row-actions">
            <button onClick={() => bulk.mutate("running")}>Run</button>
            <button className="secondary" onClick={() => bulk.mutate("paused")}>Pause</button>
            <button className="danger" onClick={() => bulk.mutate("deleted")}>Delete</button>
          </div>
          <div className="row-actions">
            <label>Total budget ($)<input inputMode="decimal" value={budget} onChange={(e) => setBudget(e.target.value)} /></label>
            <label>Daily budget ($)<input inputMode="decimal" value={daily} onChange={(e) => setDaily(e.target.value)} /></label>
            <button disabled={!budget} onClick={() => bulk.mutate("budget")}>Set budgets</button>
            <label>End date ({endTz})<input type="datetime-local" value={endDate} onChange={(e) => setEndDate(e.target.value)} /></label>
            <label>End date timezone
              <select value={endZoneId} onChange={(e) => setEndTzId(Number(e.target.value))}>
                {timezones.map((t) => <option key={t.id} value={t.id}>{t.label ?? t.name} {t.offset ?? ""}</option>)}
              </select>
            </label>
            <button disabled={!endDate} onClick={() => bulk.mutate("end")}>Set end dates</button>
          </div>
          <ErrorBox error={bulk.error} />
          {result && <p className="success" role="status">{result}</p>}
        </fieldset>
      )}
      <ErrorBox error={list.error} />
      <div className="card table-wrap">
        <table>
          <thead>
            <tr>
              <th scope="col"><input type="checkbox" aria-label="Select all on this page" checked={rows.length > 0 && rows.every((r) => selected.has(r.id))}
                onChange={(e) => setSelected(e.target.checked ? new Set(rows.map((r) => r.id)) : new Set())} /></th>
              <SortTh label="Id" field="id" sort={sort} onSort={setSort} />
              <SortTh label="Name" field="name" sort={sort} onSort={setSort} />
              <SortTh label="Status" field="status" sort={sort} onSort={setSort} />
              <th scope="col">Type</th>
              <SortTh label="Start" field="start_date" sort={sort} onSort={setSort} />
              <SortTh label="End" field="end_date" sort={sort} onSort={setSort} />
              <SortTh label="Total budget" field="total_budget" sort={sort} onSort={setSort} />
            </tr>
          </thead>
          <tbody>
            {rows.map((c) => (
              <tr key={c.id}>
                <td><input type="checkbox" aria-label={`Select ${c.name}`} checked={selected.has(c.id)} onChange={() => toggle(c.id)} /></td>
                <td>{c.id}</td>
                <td><Link to={`/campaigns/${c.id}`}>{c.name}</Link></td>
                <td><CampaignStatusBadge c={{ status: c.status, isApproved: c.isApproved, startTime: c.start_date }} tz={rowTz(c.id)} /></td>
                <td>{c.creative_type}</td>
                <td>{dateTime(c.start_date * 1000, rowTz(c.id))}</td>
                <td>{c.end_date ? dateTime(c.end_date * 1000, rowTz(c.id)) : "with its IO"}</td>
                <td>{money(c.total_budget)}</td>
              </tr>
            ))}
            {list.data && !rows.length && <tr><td colSpan={8}>No campaigns match.</td></tr>}
          </tbody>
        </table>
        <Pager page={page} pageSize={PAGE} total={list.data?.recordsFiltered ?? 0} onPage={setPage} />
      </div>
    </section>
  );
}
