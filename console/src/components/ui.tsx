import { useId, type ReactNode } from "react";

/** A labelled form field with the API's error for it (aria-describedby ties them together). */
export function Field({ label, error, children, hint }: { label: string; error?: string; hint?: string; children: (id: string, describedBy?: string) => ReactNode }) {
  const id = useId();
  const msg = `${id}-msg`;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {children(id, error || hint ? msg : undefined)}
      {error ? <small id={msg} className="field-error">{error}</small> : hint ? <small id={msg}>{hint}</small> : null}
    </div>
  );
}

export function Pager({ page, pageSize, total, onPage, label = "Pages" }: { page: number; pageSize: number; total: number; onPage: (p: number) => void; label?: string }) {
  const pages = Math.max(1, Math.ceil(total / pageSize));
  return (
    <nav className="pager" aria-label={label}>
      <button className="secondary" disabled={page <= 1} onClick={() => onPage(page - 1)}>Previous</button>
      <span aria-live="polite">Page {page} of {pages} · {total} in all</span>
      <button className="secondary" disabled={page >= pages} onClick={() => onPage(page + 1)}>Next</button>
    </nav>
  );
}

/** A sortable column header; `sort` is "+key"/"-key". */
export function SortTh({ label, field, sort, onSort }: { label: string; field: string; sort: string; onSort: (s: string) => void }) {
  const active = sort.slice(1) === field;
  const asc = sort.startsWith("+");
  return (
    <th scope="col" aria-sort={active ? (asc ? "ascending" : "descending") : "none"}>
      <button className="sort" onClick={() => onSort(active && !asc ? `+${field}` : active ? `-${field}` : `+${field}`)}>
        {label} {active ? (asc ? "▲" : "▼") : ""}
      </button>
    </th>
  );
}

export function Status({ value }: { value: string }) {
  return <span className={`badge ${value.toLowerCase()}`}>{value}</span>;
}

export interface CampaignState {
  status: string;
  isApproved?: boolean | null;
  /** epoch seconds */
  startTime?: number | null;
}

/** The campaign's status as shown: "scheduled" for an approved campaign that has not started (the API keeps it
 *  `pending` with `isApproved` until its start time), else the API's own status. */
export function campaignStatus(c: CampaignState, now = Date.now()): string {
  const future = c.startTime != null && c.startTime * 1000 > now;
  if ((c.status === "pending" && c.isApproved) || (c.status === "running" && future)) return "scheduled";
  return c.status;
}

export function CampaignStatusBadge({ c, tz }: { c: CampaignState; tz?: string }) {
  const shown = campaignStatus(c);
  const title = shown === "scheduled" ? `Approved; starts ${c.startTime ? new Intl.DateTimeFormat("en-US", { timeZone: tz || undefined, dateStyle: "medium", timeStyle: "short" }).format(new Date(c.startTime * 1000)) : "at its start time"}`
    : shown === "pending" ? "Waiting for a workspace admin's approval" : undefined;
  return <span className={`badge ${shown}`} title={title}>{shown}</span>;
}
