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

export function Pager({ page, pageSize, total, onPage }: { page: number; pageSize: number; total: number; onPage: (p: number) => void }) {
  const pages = Math.max(1, Math.ceil(total / pageSize));
  return (
    <nav className="pager" aria-label="Pages">
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
