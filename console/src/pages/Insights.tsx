import { useState } from "react";
import { useMutation, useQuery } from "@tanstack/react-query";
import { get, send } from "../api";
import { dateTime } from "../format";
import { ErrorBox } from "../components/ErrorBox";
import { Status } from "../components/ui";

interface Kind { key: "pld" | "sls" | "aqs"; title: string; list: string; rows: string; id: string; name: string; status: string; created: string; download: string; idField: string; files: [number, string][] }

const KINDS: Kind[] = [
  { key: "pld", title: "Provider-level data (PLD)", list: "/api/v3/ins/pld-reports", rows: "pldReportDataList", id: "pldId", name: "pldName", status: "pldStatusName", created: "pldCreatedOn", download: "/api/v3/ins/pld-report/download", idField: "pldId", files: [[1, "XLSX"], [2, "CSV"]] },
  { key: "sls", title: "Sales lift study (SLS)", list: "/api/v3/ins/sls-reports", rows: "slsReportDataList", id: "slsId", name: "slsName", status: "slsStatusName", created: "slsCreatedOn", download: "/api/v3/ins/sls-reports/download", idField: "slsId", files: [[1, "XLSX"], [2, "CSV"], [3, "PDF"]] },
  { key: "aqs", title: "Audience quality score (AQS)", list: "/api/v3/ins/aqs-reports", rows: "reportDataList", id: "reportId", name: "reportName", status: "statusName", created: "reportCreatedOn", download: "/api/v3/ins/aqs-reports/download", idField: "reportId", files: [[1, "XLSX"], [2, "CSV"]] },
];

/** Insight reports with their state, files and (for SLS/AQS) their quoted cost. */
export default function InsightsPage() {
  const [tab, setTab] = useState<Kind["key"]>("pld");
  const kind = KINDS.find((k) => k.key === tab)!;
  return (
    <section aria-labelledby="in-title">
      <h1 id="in-title">Insights</h1>
      <div className="tabs" role="tablist" aria-label="Insight kinds">
        {KINDS.map((k) => <button key={k.key} role="tab" aria-selected={k.key === tab} aria-controls={`panel-${k.key}`} onClick={() => setTab(k.key)}>{k.title}</button>)}
      </div>
      <div role="tabpanel" id={`panel-${kind.key}`}><KindTable kind={kind} /></div>
    </section>
  );
}

function KindTable({ kind }: { kind: Kind }) {
  const list = useQuery({ queryKey: ["insights", kind.key], refetchInterval: 15_000, queryFn: () => get<any>(kind.list, { pageNo: 1, noOfEntries: 100 }) });
  const download = useMutation({
    mutationFn: async ({ id, type }: { id: number; type: number }) => {
      const { url } = await send<{ url: string }>("POST", kind.download, { [kind.idField]: id, fileType: type });
      window.location.assign(url);
    },
  });
  const rows: any[] = list.data?.[kind.rows] ?? [];
  return (
    <div className="card table-wrap">
      <ErrorBox error={list.error ?? download.error} />
      <table>
        <thead><tr><th scope="col">Id</th><th scope="col">Name</th><th scope="col">Status</th><th scope="col">Period</th><th scope="col">Created</th><th scope="col">Files</th></tr></thead>
        <tbody>
          {rows.map((r) => {
            const ms = (v: number) => (v < 1e12 ? v * 1000 : v);
            return (
              <tr key={r[kind.id]}>
                <td>{r[kind.id]}</td>
                <td>{r[kind.name]}{r.campaignName ? ` · ${r.campaignName}` : ""}</td>
                <td><Status value={String(r[kind.status] ?? "")} />{r.failureReason ? ` ${r.failureReason}` : ""}</td>
                <td>{dateTime(ms(r.startDate))} – {dateTime(ms(r.endDate))}</td>
                <td>{dateTime(ms(r[kind.created]))}</td>
                <td className="row-actions">
                  {kind.files.map(([type, label]) => (
                    <button key={type} className="secondary" onClick={() => download.mutate({ id: r[kind.id], type })}>{label}</button>
                  ))}
                </td>
              </tr>
            );
          })}
          {list.data && !rows.length && <tr><td colSpan={6}>No {kind.key.toUpperCase()} reports yet (create them with the API or `adplane api insights`).</td></tr>}
        </tbody>
      </table>
    </div>
  );
}
