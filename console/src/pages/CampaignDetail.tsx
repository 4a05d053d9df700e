import { useState } from "react";
import { Link, useParams } from "react-router-dom";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { get, send } from "../api";
import { useSession } from "../session";
import { dateTime, money, num, pct } from "../format";
import { ErrorBox } from "../components/ErrorBox";
import { CampaignStatusBadge, campaignStatus } from "../components/ui";
import { campaignsWithDelivery } from "../data";

export default function CampaignDetailPage() {
  const { campaignId } = useParams();
  const qc = useQueryClient();
  const { tzName, profile } = useSession();
  const [reason, setReason] = useState("");
  const [message, setMessage] = useState<string | null>(null);
  const c = useQuery({ queryKey: ["campaign", campaignId], refetchInterval: 10_000, queryFn: () => get<any>(`/api/v2/cmp/campaign/${campaignId}`, { isSpentRequired: true }) });
  const delivery = useQuery({
    queryKey: ["campaign-delivery", campaignId, c.data?.ioId], enabled: !!c.data?.ioId, refetchInterval: 10_000,
    queryFn: () => campaignsWithDelivery([c.data.ioId], { campaignIds: String(campaignId) }).then((d) => d.recordsList.find((r) => String(r.campaignId) === campaignId)),
  });
  const status = useMutation({
    mutationFn: (s: string) => send("PUT", "/api/v2/cmp/campaigns/update-status", { campaignIds: String(campaignId), status: s, rejectionReason: s === "rejected" ? reason : undefined }),
    onSuccess: (r: any, s: string) => {
      setMessage(r?.status === false ? `Not changed: ${(r.reason ?? []).map((x: any) => x.errorMessage ?? x.reason ?? x.message ?? JSON.stringify(x)).join("; ")}`
        : s === "running" && st === "pending" ? `Approved: the campaign runs from its start time (${dateTime(c.data.startTime * 1000, tz)}).` : "Status changed.");
      qc.invalidateQueries({ queryKey: ["campaign", campaignId] });
    },
  });
  const tz = tzName(c.data?.timezone) ?? "UTC";
  const d = delivery.data;
  const st: string = c.data?.status ?? "";
  const awaitingApproval = st === "pending" && !c.data?.isApproved;
  const shown = c.data ? campaignStatus(c.data) : "";
  return (
    <section aria-labelledby="cd-title">
      <div className="page-head">
        <h1 id="cd-title">{c.data?.campaignName ?? `Campaign ${campaignId}`}</h1>
        {st && <CampaignStatusBadge c={c.data} tz={tz} />}
        <div className="actions">
          <Link className="button secondary" to={`/campaigns/${campaignId}/edit`}>Edit</Link>
          {st === "running" && <button className="secondary" onClick={() => status.mutate("paused")}>Pause</button>}
          {st === "paused" && <button onClick={() => status.mutate("running")}>Resume</button>}
          {awaitingApproval && profile?.isWorkspaceAdmin && <button onClick={() => status.mutate("running")}>Approve</button>}
          {st !== "deleted" && <button className="danger" onClick={() => status.mutate("deleted")}>Delete</button>}
        </div>
      </div>
      {awaitingApproval && profile?.isWorkspaceAdmin && (
        <div className="row-actions">
          <label>Rejection reason<input value={reason} onChange={(e) => setReason(e.target.value)} /></label>
          <button className="danger" disabled={!reason} onClick={() => status.mutate("rejected")}>Reject</button>
        </div>
      )}
      <ErrorBox error={c.error ?? status.error} />
      {message && <p role="status" className="success">{message}</p>}
      {c.data && (
        <div className="grid2">
          <dl className="card details">
            <dt>Id</dt><dd>{c.data.id ?? campaignId}</dd>
            <dt>Insertion order</dt><dd><Link to={`/ios/${c.data.ioId}`}>{c.data.ioId}</Link></dd>
            <dt>Status</dt><dd>{shown === "scheduled" ? `Approved, not started: runs from ${dateTime(c.data.startTime * 1000, tz)}`
              : awaitingApproval ? "Waiting for a workspace admin's approval" : st}</dd>
            <dt>Timezone</dt><dd>{tz}</dd>
            <dt>Start</dt><dd>{dateTime(c.data.startTime * 1000, tz)}</dd>
            <dt>End</dt><dd>{c.data.endTime ? dateTime(c.data.endTime * 1000, tz) : "with its insertion order"}</dd>
            <dt>Daily budget</dt><dd>{c.data.totalBudgetPacing ? "paced over the flight" : money(c.data.budgetDay)}</dd>
            <dt>Total budget</dt><dd>{money(c.data.budgetTotal)}</dd>
            <dt>Max bid</dt><dd>{money(c.data.maxBid)}</dd>
            <dt>Creatives</dt><dd>{String(c.data.creativeIds ?? "")}</dd>
            {c.data.rejectionReason && <><dt>Rejected because</dt><dd>{c.data.rejectionReason}</dd></>}
          </dl>
          <dl className="card details" aria-live="polite" aria-label="Delivery">
            <dt>Spent</dt><dd>{money(c.data.spent ?? d?.spent)}</dd>
            <dt>Impressions</dt><dd>{num(d?.impressions)}</dd>
            <dt>Clicks</dt><dd>{num(d?.clicks)}</dd>
            <dt>CTR</dt><dd>{pct(d?.CTR)}</dd>
            <dt>eCPM</dt><dd>{money(d?.eCPM)}</dd>
            <dt>Expected spend by now</dt><dd>{money(d?.expectedSpent)}</dd>
            <dt>Pacing</dt><dd>{pct(d?.pacingPercentage)}</dd>
          </dl>
        </div>
      )}
    </section>
  );
}
