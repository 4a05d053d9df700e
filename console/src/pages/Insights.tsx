import { useState } from "react";
import { Link } from "react-router-dom";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { get, saveLink, send } from "../api";
import { useSession } from "../session";
import { dateTime } from "../format";
import { ErrorBox } from "../components/ErrorBox";
import { Status } from "../components/ui";
import { InsightForm } from "./InsightForm";
import { KINDS, type Kind } from "./insightKinds";

/** Insight reports (PLD, SLS, AQS): their state, files, and new ones with their quoted cost. */
export default function InsightsPage() {
  const [tab, setTab] = useState<Kind["key"]>("pld");
  const [creating, setCreating] = useState(false);
  const kind = KINDS.find((k) => k.key === tab)!;
  return (
    <section aria-labelledby="in-title">
      <div className="page-head">
        <h1 id="in-title">Insights</h1>
        <div className="actions">
          <button onClick={() => setCreating(!creating)} aria-expanded={creating}>New {kind.short} report</button>
        </div>
      </div>
      <div className="tabs" role="tablist" aria-label="Insight kinds">
        {KINDS.map((k) => (
          <button key={k.key} role="tab" id={`tab-${k.key}`} aria-selected={k.key === tab} aria-controls={`panel-${k.key}`}
            onClick={() => { setTab(k.key); setCreating(false); }}>{k.title}</button>
        ))}
      </div>
      <div role="tabpanel" id={`panel-${kind.key}`} aria-labelledby={`tab-${kind.key}`}>
        {creating && <InsightForm key={kind.key} kind={kind} onClose={() => setCreating(false)} />}
        <KindTable kind={kind} />
      </div>
    </section>
  );
}

function KindTable({ kind }: { kind: Kind }) {
  const qc = useQueryClient();
  const { tzName, orgTz } = useSession();
  const list = useQuery({ queryKey: ["insights", kind.key], refetchInterval: 5_000, queryFn: () => get<any>(kind.list, { pageNo: 1, noOfEntries: 100 }) });
  const download = useMutation({
    mutationFn: async ({ id, type }: { id: number; type: number }) => {
      const answer = await send<Record<string, string>>("POST", kind.download, { [kind.idField]: id, fileType: type });
      saveLink(answer[kind.urlKey]);
    },
  });
  const remove = useMutation({
    mutationFn: (id: number) => send("DELETE", `${kind.list}?${kind.idsParam}=${id}`),
    onSuccess: () => qc.invalidateQueries({ queryKey: ["insights", kind.key] }),
  });
  const rows: any[] = list.data?.[kind.rows] ?? [];
  return (
    <div className="card table-wrap">
      <ErrorBox error={list.error ?? download.error ?? remove.error} />
      <table aria-label={`${kind.short} reports`}>
        <thead><tr><th scope="col">Id</th><th scope="col">Name</th><th scope="col">Status</th><th scope="col">Period (campaign's timezone)</th><th scope="col">Created</th><th scope="col">Files</th></tr></thead>
        <tbody>
          {rows.map((r) => {
            const ms = (v: number) => (kind.seconds ? v * 1000 : v);
            const tz = tzName(r[kind.tzField]) ?? orgTz;
            const status = String(r[kind.status] ?? "");
            return (
              <tr key={r[kind.id]}>
                <td>{r[kind.id]}</td>
                <td>{r[kind.name]}{r.campaignName ? ` · ${r.campaignName}` : r.campaignIds ? ` · campaigns ${r.campaignIds.join(", ")}` : ""}</td>
                <td><Status value={status} />{r.failureReason ? ` ${r.failureReason}` : ""}</td>
                <td>{dateTime(ms(r.startDate), tz)} – {dateTime(ms(r.endDate), tz)}</td>
                <td>{dateTime(ms(r[kind.created]), orgTz)}</td>
                <td className="row-actions">
                  {status === "Ready" && kind.files.map(([type, label]) => (
                    <button key={type} className="secondary" onClick={() => download.mutate({ id: r[kind.id], type })} aria-label={`Download ${r[kind.name]} as ${label}`}>{label}</button>
                  ))}
                  {status === "Failed" && <button className="danger" onClick={() => remove.mutate(r[kind.id])}>Delete</button>}
                </td>
              </tr>
            );
          })}
          {list.data && !rows.length && <tr><td colSpan={6}>No {kind.short} reports yet.</td></tr>}
        </tbody>
      </table>
      <p className="muted">Reports are paid from the organization's <Link to="/funds">funds</Link> when created; a failed report is refunded.</p>
    </div>
  );
}
