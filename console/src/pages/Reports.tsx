import { useState } from "react";
import { Link } from "react-router-dom";
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { send } from "../api";
import { dateOnly } from "../format";
import { Pager, SortTh } from "../components/ui";
import { ErrorBox } from "../components/ErrorBox";
import { downloadReport } from "./ReportBuilder";

const PAGE = 20;

export default function ReportsPage() {
  const qc = useQueryClient();
  const [search, setSearch] = useState("");
  const [sort, setSort] = useState("-modifyDate");
  const [page, setPage] = useState(1);
  const list = useQuery({
    queryKey: ["reports", search, sort, page],
    placeholderData: keepPreviousData,
    queryFn: () => send<{ data: any[]; filteredRecords: number }>("POST", "/api/v3/ra/reports/list", { searchField: search || undefined, sortBy: sort, pageNo: page, noOfEntries: PAGE }),
  });
  const remove = useMutation({ mutationFn: (id: number) => send("DELETE", `/api/v3/ra/report/${id}`), onSuccess: () => qc.invalidateQueries({ queryKey: ["reports"] }) });
  const download = useMutation({ mutationFn: ({ id, type }: { id: number; type: number }) => downloadReport({ id }, type) });
  return (
    <section aria-labelledby="r-title">
      <div className="page-head">
        <h1 id="r-title">Reports</h1>
        <div className="actions"><Link className="button" to="/reports/new">New report</Link></div>
      </div>
      <div className="filters" role="search"><label>Search<input type="search" value={search} onChange={(e) => { setSearch(e.target.value); setPage(1); }} /></label></div>
      <ErrorBox error={list.error ?? remove.error ?? download.error} />
      <div className="card table-wrap">
        <table>
          <thead>
            <tr>
              <SortTh label="Id" field="id" sort={sort} onSort={setSort} />
              <SortTh label="Name" field="name" sort={sort} onSort={setSort} />
              <SortTh label="From" field="startDate" sort={sort} onSort={setSort} />
              <SortTh label="To" field="endDate" sort={sort} onSort={setSort} />
              <th scope="col">Scheduled</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {(list.data?.data ?? []).map((r) => (
              <tr key={r.id}>
                <td>{r.id}</td>
                <td><Link to={`/reports/${r.id}`}>{r.reportName}</Link></td>
                <td>{dateOnly(r.startDate, r.timezoneName)}</td>
                <td>{dateOnly(r.endDate, r.timezoneName)} <small>({r.timezoneName})</small></td>
                <td>{r.reportSchedulingEventDetails && Object.keys(r.reportSchedulingEventDetails).length ? "yes" : "no"}</td>
                <td className="row-actions">
                  <button className="secondary" onClick={() => download.mutate({ id: r.id, type: 1 })}>CSV</button>
                  <button className="secondary" onClick={() => download.mutate({ id: r.id, type: 2 })}>XLSX</button>
                  <button className="danger" onClick={() => window.confirm(`Delete report "${r.reportName}"?`) && remove.mutate(r.id)}>Delete</button>
                </td>
              </tr>
            ))}
            {list.data && !list.data.data.length && <tr><td colSpan={6}>No saved reports.</td></tr>}
          </tbody>
        </table>
        <Pager page={page} pageSize={PAGE} total={list.data?.filteredRecords ?? 0} onPage={setPage} />
      </div>
    </section>
  );
}
