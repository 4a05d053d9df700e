import { useState, type FormEvent } from "react";
import { Link } from "react-router-dom";
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { ApiError, send } from "../api";
import type { IoRow } from "../data";
import { useSession } from "../session";
import { dateTime, epochToZoned, money, zonedToEpoch } from "../format";
import { Field, Pager, SortTh, Status } from "../components/ui";
import { ErrorBox } from "../components/ErrorBox";

const IO_STATUS: Record<number, string> = { 1: "active", 2: "expired", 3: "deleted", 4: "scheduled" };
const PAGE = 20;

export default function IosPage() {
  const [search, setSearch] = useState("");
  const [status, setStatus] = useState("");
  const [sort, setSort] = useState("-ioId");
  const [page, setPage] = useState(1);
  const [creating, setCreating] = useState(false);
  const { tzName } = useSession();
  const list = useQuery({
    queryKey: ["ios", search, status, sort, page],
    placeholderData: keepPreviousData,
    queryFn: () =>
      send<{ ioBasicDetailsList: IoRow[]; filteredRecords: number; totalRecords: number }>("POST", "/api/v3/cmp/io/basic/list", {
        searchField: search || undefined,
        ioStatusIdsList: status ? [Number(status)] : undefined,
        sortBy: sort,
        pageNo: page,
        noOfEntries: PAGE,
      }),
  });
  return (
    <section aria-labelledby="ios-title">
      <div className="page-head">
        <h1 id="ios-title">Insertion orders</h1>
        <div className="actions">
          <button onClick={() => setCreating(!creating)} aria-expanded={creating}>New insertion order</button>
        </div>
      </div>
      {creating && <IoForm onDone={() => setCreating(false)} />}
      <div className="filters" role="search">
        <label>Search<input type="search" value={search} onChange={(e) => { setSearch(e.target.value); setPage(1); }} placeholder="Name or id" /></label>
        <label>Status
          <select value={status} onChange={(e) => { setStatus(e.target.value); setPage(1); }}>
            <option value="">All but deleted</option>
            {Object.entries(IO_STATUS).map(([id, name]) => <option key={id} value={id}>{name}</option>)}
          </select>
        </label>
      </div>
      <ErrorBox error={list.error} />
      <div className="card table-wrap">
        <table>
          <thead>
            <tr>
              <SortTh label="Id" field="ioId" sort={sort} onSort={setSort} />
              <SortTh label="Name" field="ioName" sort={sort} onSort={setSort} />
              <th scope="col">Status</th>
              <SortTh label="Start" field="ioStartTime" sort={sort} onSort={setSort} />
              <SortTh label="End" field="ioEndTime" sort={sort} onSort={setSort} />
              <SortTh label="Budget" field="ioTotalBudget" sort={sort} onSort={setSort} />
            </tr>
          </thead>
          <tbody>
            {(list.data?.ioBasicDetailsList ?? []).map((io) => {
              const tz = tzName(io.ioTimeZoneId);
              return (
                <tr key={io.ioId}>
                  <td>{io.ioId}</td>
                  <td><Link to={`/ios/${io.ioId}`}>{io.ioName}</Link></td>
                  <td><Status value={IO_STATUS[io.ioStatusId] ?? String(io.ioStatusId)} /></td>
                  <td>{dateTime(io.ioStartTime, tz)}</td>
                  <td>{dateTime(io.ioEndTime, tz)}</td>
                  <td>{io.ioBudgetTypeId === 2 ? `${io.ioTotalImpressions ?? 0} impressions` : money(io.ioTotalBudget)}{io.isAutoSumIoTotalBudget ? " (sum of campaigns)" : ""}</td>
                </tr>
              );
            })}
            {list.data && !list.data.ioBasicDetailsList.length && <tr><td colSpan={6}>No insertion orders match.</td></tr>}
          </tbody>
        </table>
        <Pager page={page} pageSize={PAGE} total={list.data?.filteredRecords ?? 0} onPage={setPage} />
      </div>
    </section>
  );
}

/** The IO form, once the timezone list and the profile are known: its times are wall-clock times of the IO's zone. */
export function IoForm(props: { io?: IoRow; onDone: () => void }) {
  const { timezones, profile } = useSession();
  if (!profile || !timezones.length) return <p aria-busy="true">Loading…</p>;
  return <IoFormFields {...props} />;
}

function IoFormFields({ io, onDone }: { io?: IoRow; onDone: () => void }) {
  const { timezones, tzName, profile } = useSession();
  const qc = useQueryClient();
  const [tzId, setTzId] = useState<number>(io?.ioTimeZoneId ?? profile?.organizationTimezone ?? 29);
  const tz = tzName(tzId) ?? "UTC";
  const now = Date.now();
  const [name, setName] = useState(io?.ioName ?? "");
  const [start, setStart] = useState(epochToZoned(io?.ioStartTime ?? now + 60_000, tz));
  const [end, setEnd] = useState(epochToZoned(io?.ioEndTime ?? now + 30 * 86_400_000, tz));
  const [autoSum, setAutoSum] = useState(io?.isAutoSumIoTotalBudget ?? true);
  const [budget, setBudget] = useState(String(io?.ioTotalBudget ?? ""));
  const [fields, setFields] = useState<Record<string, string>>({});
  const save = useMutation({
    mutationFn: async () => {
      const body: Record<string, unknown> = {
        ioName: name,
        ioStartTime: zonedToEpoch(start, tz),
        ioEndTime: zonedToEpoch(end, tz),
        ioTimeZoneId: tzId,
        isAutoSumIoTotalBudget: autoSum,
        ioTotalBudget: autoSum ? 0 : Number(budget),
        ioBudgetTypeId: 1,
        ioBudgetDistributionMethodId: 1,
      };
      return io ? send("PATCH", `/api/v3/cmp/io/${io.ioId}`, body) : send("POST", "/api/v3/cmp/io/add", body);
    },
    onSuccess: () => {
      qc.invalidateQueries({ queryKey: ["ios"] });
      qc.invalidateQueries({ queryKey: ["ios-all"] });
      qc.invalidateQueries({ queryKey: ["io"] });
      onDone();
    },
    onError: (e) => setFields(e instanceof ApiError ? e.fieldErrors() : {}),
  });
  function submit(e: FormEvent) {
    e.preventDefault();
    setFields({});
    save.mutate();
  }
  return (
    <form className="card" onSubmit={submit} aria-label={io ? "Edit insertion order" : "New insertion order"} noValidate>
      <h2>{io ? "Edit insertion order" : "New insertion order"}</h2>
      <div className="form-grid">
        <Field label="Name" error={fields.ioName}>{(id, d) => <input id={id} aria-describedby={d} aria-invalid={!!fields.ioName} value={name} onChange={(e) => setName(e.target.value)} />}</Field>
        <Field label="Timezone" error={fields.ioTimeZoneId}>{(id, d) => (
          <select id={id} aria-describedby={d} value={tzId} onChange={(e) => setTzId(Number(e.target.value))}>
            {timezones.map((t) => <option key={t.id} value={t.id}>{t.label ?? t.name} {t.offset ?? ""}</option>)}
          </select>)}
        </Field>
        <Field label={`Start (${tz})`} error={fields.ioStartTime}>{(id, d) => <input id={id} type="datetime-local" aria-describedby={d} aria-invalid={!!fields.ioStartTime} value={start} onChange={(e) => setStart(e.target.value)} />}</Field>
        <Field label={`End (${tz})`} error={fields.ioEndTime}>{(id, d) => <input id={id} type="datetime-local" aria-describedby={d} aria-invalid={!!fields.ioEndTime} value={end} onChange={(e) => setEnd(e.target.value)} />}</Field>
        <label className="inline"><input type="checkbox" checked={autoSum} onChange={(e) => setAutoSum(e.target.checked)} /> Budget is the sum of its campaigns</label>
        {!autoSum && <Field label="Total budget ($)" error={fields.ioTotalBudget}>{(id, d) => <input id={id} inputMode="decimal" aria-describedby={d} aria-invalid={!!fields.ioTotalBudget} value={budget} onChange={(e) => setBudget(e.target.value)} />}</Field>}
      </div>
      {save.error && !Object.keys(fields).length && <ErrorBox error={save.error} />}
      {Object.keys(fields).length > 0 && <p role="alert" className="error">Please correct the fields marked above.</p>}
      <div className="row-actions">
        <button type="submit" disabled={save.isPending}>{io ? "Save" : "Create insertion order"}</button>
        <button type="button" className="secondary" onClick={onDone}>Cancel</button>
      </div>
    </form>
  );
}
