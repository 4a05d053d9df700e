import { useState } from "react";
import { Link } from "react-router-dom";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, send } from "../api";
import { useSession } from "../session";
import { dateTime, money } from "../format";
import { useCampaignZones } from "../data";
import { ErrorBox } from "../components/ErrorBox";
import { Thumb, type CreativeRow } from "./Creatives";

/** Workspace admins approve or reject pending creatives and campaigns of the current organization. */
export default function ApprovalsPage() {
  const { profile, tzName, orgTz } = useSession();
  const qc = useQueryClient();
  const [reasons, setReasons] = useState<Record<string, string>>({});
  const [message, setMessage] = useState<string | null>(null);
  const creatives = useQuery({ queryKey: ["approvals-creatives"], queryFn: () => send<{ filteredList: CreativeRow[] }>("POST", "/api/v3/crt/creatives/list", { creativeStatusIds: [1], noOfEntries: 200 }) });
  const campaigns = useQuery({ queryKey: ["approvals-campaigns"], queryFn: () => api<{ data: any[] }>("/api/v2/cmp/campaigns/list", { query: { status: "pending", no_of_entries: 200 } }) });
  const creative = useMutation({
    mutationFn: ({ id, approve }: { id: number; approve: boolean }) =>
      send("PATCH", "/api/v3/crt/creatives/update-status", { creativeIds: [id], creativeStatusId: approve ? 2 : 5, creativeRejectionReason: approve ? undefined : reasons[`cr${id}`] }),
    onSuccess: (_r, v) => { setMessage(`Creative ${v.id} ${v.approve ? "approved" : "rejected"}.`); qc.invalidateQueries({ queryKey: ["approvals-creatives"] }); qc.invalidateQueries({ queryKey: ["creatives"] }); },
  });
  const campaign = useMutation({
    mutationFn: ({ id, approve }: { id: string; approve: boolean }) =>
      send("PUT", "/api/v2/cmp/campaigns/update-status", { campaignIds: id, status: approve ? "running" : "rejected", rejectionReason: approve ? undefined : reasons[`c${id}`] }),
    onSuccess: (r: any, v) => {
      setMessage(r?.status === false ? `Campaign ${v.id} not changed: ${(r.reason ?? []).map((x: any) => x.errorMessage ?? JSON.stringify(x)).join("; ")}`
        : `Campaign ${v.id} ${v.approve ? "approved: it runs from its start time" : "rejected"}.`);
      qc.invalidateQueries({ queryKey: ["approvals-campaigns"] });
      qc.invalidateQueries({ queryKey: ["campaigns"] });
    },
  });
  // approved campaigns stay `pending` until their start time (isApproved): they wait for nobody
  const waiting = (campaigns.data?.data ?? []).filter((c) => !c.isApproved);
  const zones = useCampaignZones(waiting.map((c) => c.id));
  const zoneOf = (id: string) => tzName(zones.data?.get(String(id))) ?? orgTz;
  if (profile && !profile.isWorkspaceAdmin) return <p role="alert">Only workspace admins approve creatives and campaigns.</p>;
  const reason = (key: string, label: string) => (
    <input aria-label={`Rejection reason for ${label}`} placeholder="Reason to reject" value={reasons[key] ?? ""} onChange={(e) => setReasons({ ...reasons, [key]: e.target.value })} />
  );
  return (
    <section aria-labelledby="ap-title">
      <h1 id="ap-title">Approval queue</h1>
      {message && <p role="status" className="success">{message}</p>}
      <ErrorBox error={creatives.error ?? campaigns.error ?? creative.error ?? campaign.error} />
      <div className="card table-wrap">
        <h2>Creatives waiting for approval</h2>
        <table>
          <thead><tr><th scope="col">Preview</th><th scope="col">Creative</th><th scope="col">Uploaded</th><th scope="col">Decision</th></tr></thead>
          <tbody>
            {(creatives.data?.filteredList ?? []).map((c) => (
              <tr key={c.creativeId}>
                <td><Thumb c={c} /></td><td>{c.creativeName} ({c.creativeId})</td><td>{dateTime(c.createdAt, orgTz)}</td>
                <td className="row-actions">
                  <button onClick={() => creative.mutate({ id: c.creativeId, approve: true })} aria-label={`Approve ${c.creativeName}`}>Approve</button>
                  {reason(`cr${c.creativeId}`, c.creativeName)}
                  <button className="danger" disabled={!reasons[`cr${c.creativeId}`]} onClick={() => creative.mutate({ id: c.creativeId, approve: false })} aria-label={`Reject ${c.creativeName}`}>Reject</button>
                </td>
              </tr>
            ))}
            {creatives.data && !creatives.data.filteredList.length && <tr><td colSpan={4}>Nothing to approve.</td></tr>}
          </tbody>
        </table>
      </div>
      <div className="card table-wrap">
        <h2>Campaigns waiting for approval</h2>
        <table>
          <thead><tr><th scope="col">Campaign</th><th scope="col">Start</th><th scope="col">Budget</th><th scope="col">Decision</th></tr></thead>
          <tbody>
            {waiting.map((c) => (
              <tr key={c.id}>
                <td><Link to={`/campaigns/${c.id}`}>{c.name}</Link> ({c.id})</td><td>{dateTime(c.start_date * 1000, zoneOf(c.id))}</td><td>{money(c.total_budget)}</td>
                <td className="row-actions">
                  <button onClick={() => campaign.mutate({ id: c.id, approve: true })} aria-label={`Approve ${c.name}`}>Approve</button>
                  {reason(`c${c.id}`, c.name)}
                  <button className="danger" disabled={!reasons[`c${c.id}`]} onClick={() => campaign.mutate({ id: c.id, approve: false })} aria-label={`Reject ${c.name}`}>Reject</button>
                </td>
              </tr>
            ))}
            {campaigns.data && !waiting.length && <tr><td colSpan={4}>Nothing to approve.</td></tr>}
          </tbody>
        </table>
      </div>
    </section>
  );
}
