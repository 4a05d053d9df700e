import { useMemo, useRef } from "react";
import { Link } from "react-router-dom";
import { useQuery } from "@tanstack/react-query";
import { Area, AreaChart, Bar, BarChart, CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { allIos, campaignsWithDelivery, executeReport } from "../data";
import { useSession } from "../session";
import { money, num, pct } from "../format";
import { ErrorBox } from "../components/ErrorBox";
import { CampaignStatusBadge } from "../components/ui";

const LIVE_MS = 10_000;
const DAYS = 14;

interface Point {
  date: string;
  impressions: number;
  clicks: number;
  conversions: number;
  spent: number;
  CTR: number;
  eCPM: number;
}

export function DashboardPage() {
  const { profile, tzName } = useSession();
  const tz = tzName(profile?.organizationTimezone) ?? "UTC";
  const ios = useQuery({ queryKey: ["ios-all"], queryFn: allIos, refetchInterval: 60_000 });
  const ioIds = (ios.data ?? []).map((io) => io.ioId);
  const campaigns = useQuery({
    queryKey: ["dashboard-campaigns", ioIds.join(",")],
    queryFn: () => campaignsWithDelivery(ioIds, { campaignStatusList: ["running", "paused", "expired", "pending"] }),
    enabled: ios.isSuccess,
    refetchInterval: LIVE_MS,
  });
  const series = useQuery({
    queryKey: ["dashboard-series", tz],
    enabled: !!profile,
    refetchInterval: LIVE_MS * 3,
    queryFn: async () => {
      const end = Date.now();
      const start = end - (DAYS - 1) * 86_400_000;
      const result = await executeReport({
        reportName: "Console dashboard",
        startDate: start,
        endDate: end,
        dimensions: JSON.stringify([{ filter: "campaign" }]),
        columns: ["campaignId", "impressions", "clicks", "conversions", "spent"],
        requestType: 1,
        timezoneName: tz,
        noOfEntries: 1000,
      });
      const byDay = new Map<string, Point>();
      for (const row of result.data) {
        const p = byDay.get(row.date) ?? { date: row.date, impressions: 0, clicks: 0, conversions: 0, spent: 0, CTR: 0, eCPM: 0 };
        p.impressions += row.impressions ?? 0;
        p.clicks += row.clicks ?? 0;
        p.conversions += row.conversions ?? 0;
        p.spent += row.spent ?? 0;
        byDay.set(row.date, p);
      }
      const points = [...byDay.values()].sort((a, b) => a.date.localeCompare(b.date));
      for (const p of points) {
        p.CTR = p.impressions ? (p.clicks / p.impressions) * 100 : 0;
        p.eCPM = p.impressions ? (p.spent / p.impressions) * 1000 : 0;
        p.spent = Math.round(p.spent * 100) / 100;
      }
      return { points, total: result.total };
    },
  });

  // live delivery: the change of the totals between successive polls
  const history = useRef<{ t: number; impressions: number; spent: number }[]>([]);
  const totals = campaigns.data?.recordsTotal;
  const live = useMemo(() => {
    if (!totals) return history.current;
    const last = history.current[history.current.length - 1];
    if (!last || last.impressions !== totals.impressions || Date.now() - last.t > LIVE_MS / 2) {
      history.current = [...history.current, { t: Date.now(), impressions: totals.impressions ?? 0, spent: totals.spent ?? 0 }].slice(-30);
    }
    return history.current;
  }, [totals]);
  const liveRates = live.slice(1).map((p, i) => ({
    time: new Date(p.t).toLocaleTimeString("en-US", { timeZone: tz, hour: "2-digit", minute: "2-digit", second: "2-digit" }),
    impressions: p.impressions - live[i].impressions,
  }));

  const rows = campaigns.data?.recordsList ?? [];
  const top = [...rows].sort((a, b) => (b.spent ?? 0) - (a.spent ?? 0)).slice(0, 5);
  const total = series.data?.total;

  return (
    <section aria-labelledby="dash-title">
      <div className="page-head">
        <h1 id="dash-title">Dashboard</h1>
        <p className="muted">
          Last {DAYS} days in {tz} · <span className="live-dot" aria-hidden="true" /> updates every {LIVE_MS / 1000} s
        </p>
      </div>
      <ErrorBox error={ios.error ?? campaigns.error ?? series.error} />
      <dl className="kpis" aria-label="Totals">
        <Kpi label="Spend" value={money(total?.spent)} />
        <Kpi label="Impressions" value={num(total?.impressions)} />
        <Kpi label="Clicks" value={num(total?.clicks)} />
        <Kpi label="CTR" value={pct(total?.CTR ?? (total?.impressions ? (total.clicks / total.impressions) * 100 : undefined))} />
        <Kpi label="eCPM" value={money(total?.eCPM ?? (total?.impressions ? (total.spent / total.impressions) * 1000 : undefined))} />
        <Kpi label="Conversions" value={num(total?.conversions)} />
      </dl>
      <div className="grid2">
        <figure className="card chart">
          <figcaption>Spend and impressions per day</figcaption>
          <ResponsiveContainer width="100%" height={240}>
            <AreaChart data={series.data?.points ?? []}>
              <CartesianGrid strokeDasharray="3 3" />
              <XAxis dataKey="date" />
              <YAxis yAxisId="l" />
              <YAxis yAxisId="r" orientation="right" />
              <Tooltip />
              <Legend />
              <Area yAxisId="l" type="monotone" dataKey="impressions" stroke="#1d4ed8" fill="#bfdbfe" name="Impressions" />
              <Area yAxisId="r" type="monotone" dataKey="spent" stroke="#b45309" fill="#fde68a" name="Spend ($)" />
            </AreaChart>
          </ResponsiveContainer>
        </figure>
        <figure className="card chart">
          <figcaption>Clicks, conversions, CTR and eCPM per day</figcaption>
          <ResponsiveContainer width="100%" height={240}>
            <LineChart data={series.data?.points ?? []}>
              <CartesianGrid strokeDasharray="3 3" />
              <XAxis dataKey="date" />
              <YAxis yAxisId="l" />
              <YAxis yAxisId="r" orientation="right" />
              <Tooltip formatter={(v: number) => (Number.isInteger(v) ? v : v.toFixed(2))} />
              <Legend />
              <Line yAxisId="l" dataKey="clicks" stroke="#047857" name="Clicks" dot={false} />
              <Line yAxisId="l" dataKey="conversions" stroke="#7c3aed" name="Conversions" dot={false} />
              <Line yAxisId="r" dataKey="CTR" stroke="#be123c" name="CTR (%)" dot={false} />
              <Line yAxisId="r" dataKey="eCPM" stroke="#0f766e" name="eCPM ($)" strokeDasharray="4 2" dot={false} />
            </LineChart>
          </ResponsiveContainer>
        </figure>
      </div>
      <div className="grid2">
        <figure className="card chart" aria-live="polite">
          <figcaption>
            Live delivery: {num(totals?.impressions)} impressions, {money(totals?.spent)} spent so far
          </figcaption>
          <ResponsiveContainer width="100%" height={200}>
            <BarChart data={liveRates}>
              <CartesianGrid strokeDasharray="3 3" />
              <XAxis dataKey="time" />
              <YAxis />
              <Tooltip />
              <Bar dataKey="impressions" fill="#1d4ed8" name={`Impressions per ${LIVE_MS / 1000} s`} />
            </BarChart>
          </ResponsiveContainer>
        </figure>
        <div className="card">
          <h2>Top campaigns by spend</h2>
          <table>
            <thead>
              <tr><th scope="col">Campaign</th><th scope="col">Spend</th><th scope="col">Impressions</th><th scope="col">CTR</th></tr>
            </thead>
            <tbody>
              {top.map((c) => (
                <tr key={c.campaignId}>
                  <td><Link to={`/campaigns/${c.campaignId}`}>{c.campaignName}</Link></td>
                  <td>{money(c.spent)}</td>
                  <td>{num(c.impressions)}</td>
                  <td>{pct(c.CTR)}</td>
                </tr>
              ))}
              {!top.length && <tr><td colSpan={4}>No campaigns yet.</td></tr>}
            </tbody>
          </table>
        </div>
      </div>
      <div className="card">
        <h2>Pacing against budget</h2>
        <table>
          <thead>
            <tr>
              <th scope="col">Campaign</th><th scope="col">Status</th><th scope="col">Spent</th><th scope="col">Budget</th>
              <th scope="col">Expected by now</th><th scope="col">Pacing</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((c) => {
              const pacing = c.pacingPercentage ?? 0;
              return (
                <tr key={c.campaignId}>
                  <td><Link to={`/campaigns/${c.campaignId}`}>{c.campaignName}</Link></td>
                  <td><CampaignStatusBadge c={c} tz={c.campaignTimezone} /></td>
                  <td>{money(c.spent)}</td>
                  <td>{money(c.budgetTotal)}</td>
                  <td>{money(c.expectedSpent)}</td>
                  <td>
                    <meter min={0} max={150} low={80} high={120} optimum={100} value={Math.min(pacing, 150)} aria-label={`Pacing of ${c.campaignName}`} />{" "}
                    {pct(pacing)}
                  </td>
                </tr>
              );
            })}
            {!rows.length && <tr><td colSpan={6}>No campaigns yet.</td></tr>}
          </tbody>
        </table>
      </div>
    </section>
  );
}

function Kpi({ label, value }: { label: string; value: string }) {
  return (
    <div className="kpi card">
      <dt>{label}</dt>
      <dd>{value}</dd>
    </div>
  );
}
