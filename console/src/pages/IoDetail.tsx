import { useState } from "react";
import { Link, useParams } from "react-router-dom";
import { useQuery } from "@tanstack/react-query";
import { get } from "../api";
import { campaignsWithDelivery, type IoRow } from "../data";
import { useSession } from "../session";
import { dateTime, money, num, pct } from "../format";
import { ErrorBox } from "../components/ErrorBox";
import { CampaignStatusBadge } from "../components/ui";
import { IoForm } from "./Ios";

export default function IoDetailPage() {
  const ioId = Number(useParams().ioId);
  const { tzName } = useSession();
  const [editing, setEditing] = useState(false);
  const io = useQuery({ queryKey: ["io", ioId], queryFn: () => get<IoRow>(`/api/v3/cmp/io/${ioId}`) });
  const campaigns = useQuery({ queryKey: ["io-campaigns", ioId], queryFn: () => campaignsWithDelivery([ioId]), refetchInterval: 15_000 });
  const tz = tzName(io.data?.ioTimeZoneId);
  return (
    <section aria-labelledby="io-title">
      <div className="page-head">
        <h1 id="io-title">{io.data?.ioName ?? `Insertion order ${ioId}`}</h1>
        <div className="actions">
          <button className="secondary" onClick={() => setEditing(!editing)}>Edit</button>
          <Link className="button" to={`/campaigns/new?ioId=${ioId}`}>New campaign</Link>
        </div>
      </div>
      <ErrorBox error={io.error ?? campaigns.error} />
      {editing && io.data && <IoForm io={io.data} onDone={() => setEditing(false)} />}
      {io.data && (
        <dl className="card details">
          <dt>Id</dt><dd>{io.data.ioId}</dd>
          <dt>Flight ({tz})</dt><dd>{dateTime(io.data.ioStartTime, tz)} – {dateTime(io.data.ioEndTime, tz)}</dd>
          <dt>Budget</dt><dd>{money(io.data.ioTotalBudget)}{io.data.isAutoSumIoTotalBudget ? " (sum of its campaigns)" : ""}</dd>
        </dl>
      )}
      <div className="card table-wrap">
        <h2>Campaigns</h2>
        <table>
          <thead><tr><th scope="col">Campaign</th><th scope="col">Status</th><th scope="col">Budget</th><th scope="col">Spent</th><th scope="col">Impressions</th><th scope="col">CTR</th><th scope="col">Pacing</th></tr></thead>
          <tbody>
            {(campaigns.data?.recordsList ?? []).map((c) => (
              <tr key={c.campaignId}>
                <td><Link to={`/campaigns/${c.campaignId}`}>{c.campaignName}</Link></td>
                <td><CampaignStatusBadge c={c} tz={c.campaignTimezone} /></td>
                <td>{money(c.budgetTotal)}</td><td>{money(c.spent)}</td><td>{num(c.impressions)}</td><td>{pct(c.CTR)}</td><td>{pct(c.pacingPercentage)}</td>
              </tr>
            ))}
            {campaigns.data && !campaigns.data.recordsList.length && <tr><td colSpan={7}>No campaigns in this insertion order.</td></tr>}
          </tbody>
        </table>
      </div>
    </section>
  );
}
