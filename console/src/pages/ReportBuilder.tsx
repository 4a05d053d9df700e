import { useEffect, useMemo, useState } from "react";
import { useNavigate, useParams } from "react-router-dom";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Bar, BarChart, CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { ApiError, get, saveLink, send } from "../api";
import { executeReport, type ReportResult } from "../data";
import { useSession } from "../session";
import { dayEnd, dayStart, dayString } from "../format";
import { ErrorBox } from "../components/ErrorBox";
import { Field } from "../components/ui";

interface CatalogItem { key: string; label: string; description?: string }
type Groups = Record<string, CatalogItem[]>[];

/** Ask for a signed download link and follow it (the file is served by /files/{token}). */
export async function downloadReport(definition: Record<string, unknown>, fileType: number): Promise<string> {
  const { url } = await send<{ url: string }>("POST", "/api/v3/ra/report/download", { ...definition, fileType });
  saveLink(url);
  return url;
}

const WEEKDAYS = ["MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY", "SUNDAY"];

export default function ReportBuilderPage() {
  const { reportId } = useParams();
  const navigate = useNavigate();
  const qc = useQueryClient();
  const { timezones, profile, tzName, session } = useSession();
  const catalog = useQuery({ queryKey: ["catalogue"], staleTime: Infinity, queryFn: () => get<{ metrics: Groups; dimensions: Groups }>("/api/v3/ra/report/dimension-metrics/detail") });
  const saved = useQuery({ queryKey: ["report", reportId], enabled: !!reportId, queryFn: () => get<any>(`/api/v3/ra/report/${reportId}`) });
  const [name, setName] = useState("Campaign delivery");
  const [dims, setDims] = useState<string[]>(["campaign"]);
  const [metrics, setMetrics] = useState<string[]>(["impressions", "clicks", "CTR", "spent", "eCPM", "conversions"]);
  const [tzId, setTzId] = useState<number>(profile?.organizationTimezone ?? 29);
  const tz = tzName(tzId) ?? "UTC";
  const [from, setFrom] = useState(dayString(Date.now() - 6 * 86_400_000, tz));
  const [to, setTo] = useState(dayString(Date.now(), tz));
  // a new report: the organization's timezone, and the last 7 days of that zone, once both are known
  const [defaulted, setDefaulted] = useState(!!reportId);
  useEffect(() => {
    const zoneId = profile?.organizationTimezone ?? 29;
    const zone = tzName(zoneId);
    if (defaulted || !profile || !zone) return;
    setDefaulted(true);
    setTzId(zoneId);
    setFrom(dayString(Date.now() - 6 * 86_400_000, zone));
    setTo(dayString(Date.now(), zone));
    setSchedule((s) => ({ ...s, until: dayString(Date.now() + 90 * 86_400_000, zone) }));
  }, [defaulted, profile, tzName]);
  const [daily, setDaily] = useState(false);
  const [fields, setFields] = useState<Record<string, string>>({});
  const [result, setResult] = useState<ReportResult | null>(null);
  const [page, setPage] = useState(1);
  const [message, setMessage] = useState<string | null>(null);
  const [schedule, setSchedule] = useState({ emails: session?.email ?? "", frequency: "3", day: "MONDAY", fileType: "1", until: dayString(Date.now() + 90 * 86_400_000) });
  useEffect(() => {
    const r = saved.data;
    if (!r) return;
    setName(r.reportName);
    setDims(JSON.parse(typeof r.dimensions === "string" ? r.dimensions : JSON.stringify(r.dimensions)).map((d: any) => d.filter));
    setMetrics((r.columns as string[]).filter((c) => allMetricKeys.has(c) || !c.match(/Id$|Name$/)));
    setTzId(r.timezoneId);
    setFrom(dayString(r.startDate, r.timezoneName));
    setTo(dayString(r.endDate, r.timezoneName));
    setDaily(r.requestType === 1);
    const s = r.reportSchedulingEventDetails;
    if (s && Object.keys(s).length)
      setSchedule({ emails: (s.subscriberEmails ?? []).join(", "), frequency: String(s.deliveryFrequency), day: s.deliveryDay || "MONDAY", fileType: String(s.fileType), until: s.eventEndDate ? dayString(s.eventEndDate, r.timezoneName) : "" });
  }, [saved.data]);
  const allMetricKeys = useMemo(() => new Set((catalog.data?.metrics ?? []).flatMap((g) => Object.values(g)[0].map((m) => m.key))), [catalog.data]);
  const definition = (): Record<string, unknown> => ({
    reportName: name,
    // whole days of the report's timezone: the first day's local midnight to the last day's last millisecond
    startDate: from ? dayStart(from, tz) : undefined,
    endDate: to ? dayEnd(to, tz) : undefined,
    dimensions: JSON.stringify(dims.map((d) => ({ filter: d }))),
    columns: metrics,
    requestType: daily ? 1 : 2,
    timezoneId: tzId,
  });
  const onError = (e: unknown) => setFields(e instanceof ApiError ? e.fieldErrors() : {});
  const run = useMutation({
    mutationFn: (p: number) => executeReport({ ...definition(), pageNo: p, noOfEntries: 50 }),
    onMutate: () => { setFields({}); setMessage(null); },
    onSuccess: (r) => setResult(r),
    onError,
  });
  const save = useMutation({
    mutationFn: () => (reportId ? send("PATCH", `/api/v3/ra/report/${reportId}`, definition()) : send<number>("POST", "/api/v3/ra/report/add", definition())),
    onMutate: () => { setFields({}); setMessage(null); },
    onSuccess: (r) => {
      qc.invalidateQueries({ queryKey: ["reports"] });
      setMessage("Report saved.");
      if (!reportId) navigate(`/reports/${r}`, { replace: true });
    },
    onError,
  });
  const download = useMutation({ mutationFn: (type: number) => downloadReport(reportId ? { id: Number(reportId) } : definition(), type), onError });
  const scheduleIt = useMutation({
    mutationFn: () =>
      send("POST", "/api/v3/ra/report/email/schedule", {
        reportId: Number(reportId),
        subscriberEmails: schedule.emails.split(/[,\s]+/).filter(Boolean),
        deliveryFrequency: Number(schedule.frequency),
        deliveryDay: schedule.frequency === "3" ? schedule.day : schedule.frequency === "4" ? "First" : schedule.frequency === "1" ? "" : schedule.day,
        fileType: Number(schedule.fileType),
        eventEndDate: schedule.frequency === "1" || !schedule.until ? undefined : dayEnd(schedule.until, tz),
      }),
    onMutate: () => { setFields({}); setMessage(null); },
    onSuccess: () => { setMessage("Schedule saved: the report will be e-mailed."); qc.invalidateQueries({ queryKey: ["report", reportId] }); },
    onError,
  });
  const unschedule = useMutation({
    mutationFn: () => send("DELETE", `/api/v3/ra/report/email/schedule/${reportId}`),
    onSuccess: () => { setMessage("Schedule removed."); qc.invalidateQueries({ queryKey: ["report", reportId] }); },
  });

  const cols = (result?.columns as { key: string; label: string }[] | undefined) ?? [];
  const labelKey = cols.find((c) => !allMetricKeys.has(c.key))?.key;
  const firstMetric = metrics.find((m) => cols.some((c) => c.key === m));
  const chartData = useMemo(() => {
    if (!result) return [];
    if (daily) {
      const byDay = new Map<string, Record<string, number | string>>();
      for (const r of result.data) {
        const p: Record<string, number | string> = byDay.get(r.date) ?? { date: r.date };
        for (const m of metrics) if (typeof r[m] === "number") p[m] = ((p[m] as number) ?? 0) + r[m];
        byDay.set(r.date, p);
      }
      return [...byDay.values()].sort((a, b) => String(a.date).localeCompare(String(b.date)));
    }
    return result.data.slice(0, 20).map((r) => ({ ...r, label: String(r[labelKey ?? ""] ?? "") }));
  }, [result, daily, metrics, labelKey]);
  const toggle = (list: string[], set: (v: string[]) => void, key: string) => set(list.includes(key) ? list.filter((k) => k !== key) : [...list, key]);
  const cell = (v: unknown) => (typeof v === "number" ? (Number.isInteger(v) ? v.toLocaleString("en-US") : v.toFixed(2)) : v == null ? "" : String(v));

  return (
    <section aria-labelledby="rb-title">
      <h1 id="rb-title">{reportId ? `Report ${reportId}` : "New report"}</h1>
      <div className="card">
        <div className="form-grid">
          <Field label="Report name" error={fields.reportName}>{(id, d) => <input id={id} aria-describedby={d} aria-invalid={!!fields.reportName} value={name} onChange={(e) => setName(e.target.value)} />}</Field>
          <Field label="From (first day)" error={fields.startDate} hint={`Days of the report's timezone (${tz})`}>{(id, d) => <input id={id} type="date" aria-describedby={d} aria-invalid={!!fields.startDate} value={from} onChange={(e) => setFrom(e.target.value)} />}</Field>
          <Field label="To (last day)" error={fields.endDate}>{(id, d) => <input id={id} type="date" aria-describedby={d} aria-invalid={!!fields.endDate} value={to} onChange={(e) => setTo(e.target.value)} />}</Field>
          <Field label="Report timezone" error={fields.timezoneId}>{(id, d) => (
            <select id={id} aria-describedby={d} value={tzId} onChange={(e) => setTzId(Number(e.target.value))}>
              {timezones.map((t) => <option key={t.id} value={t.id}>{t.label ?? t.name} {t.offset ?? ""}</option>)}
            </select>)}
          </Field>
          <label className="inline"><input type="checkbox" checked={daily} onChange={(e) => setDaily(e.target.checked)} /> One row per day</label>
        </div>
        <div className="grid2">
          <fieldset aria-invalid={!!fields.dimensions}>
            <legend>Dimensions (1 to 5)</legend>
            {(catalog.data?.dimensions ?? []).map((g) => {
              const [group, items] = Object.entries(g)[0];
              return (
                <div key={group}><strong>{group}</strong>
                  <div className="checks">
                    {items.map((i) => <label key={i.key} title={i.description}><input type="checkbox" checked={dims.includes(i.key)} onChange={() => toggle(dims, setDims, i.key)} />{i.label}</label>)}
                  </div>
                </div>
              );
            })}
            {fields.dimensions && <small className="field-error">{fields.dimensions}</small>}
          </fieldset>
          <fieldset aria-invalid={!!fields.columns}>
            <legend>Metrics</legend>
            {(catalog.data?.metrics ?? []).map((g) => {
              const [group, items] = Object.entries(g)[0];
              return (
                <div key={group}><strong>{group}</strong>
                  <div className="checks">
                    {items.map((i) => <label key={i.key} title={i.description}><input type="checkbox" checked={metrics.includes(i.key)} onChange={() => toggle(metrics, setMetrics, i.key)} />{i.label}</label>)}
                  </div>
                </div>
              );
            })}
            {fields.columns && <small className="field-error">{fields.columns}</small>}
          </fieldset>
        </div>
        {Object.entries(fields).filter(([k]) => !["reportName", "startDate", "endDate", "timezoneId", "dimensions", "columns"].includes(k)).map(([k, v]) => <p key={k} className="error">{k}: {v}</p>)}
        <ErrorBox error={Object.keys(fields).length ? null : run.error ?? save.error ?? download.error} />
        {message && <p role="status" className="success">{message}</p>}
        <div className="row-actions">
          <button onClick={() => { setPage(1); run.mutate(1); }} disabled={run.isPending}>{run.isPending ? "Running…" : "Run report"}</button>
          <button className="secondary" onClick={() => save.mutate()}>{reportId ? "Save changes" : "Save report"}</button>
          <button className="secondary" onClick={() => download.mutate(1)}>Download CSV</button>
          <button className="secondary" onClick={() => download.mutate(2)}>Download XLSX</button>
        </div>
      </div>
      {result && (
        <>
          <figure className="card chart">
            <figcaption>{daily ? "Per day" : `By ${cols.find((c) => c.key === labelKey)?.label ?? "group"}`} ({tz})</figcaption>
            <ResponsiveContainer width="100%" height={260}>
              {daily ? (
                <LineChart data={chartData}>
                  <CartesianGrid strokeDasharray="3 3" /><XAxis dataKey="date" /><YAxis /><Tooltip /><Legend />
                  {metrics.slice(0, 3).map((m, i) => <Line key={m} dataKey={m} stroke={["#1d4ed8", "#b45309", "#047857"][i]} dot={false} />)}
                </LineChart>
              ) : (
                <BarChart data={chartData}>
                  <CartesianGrid strokeDasharray="3 3" /><XAxis dataKey="label" /><YAxis /><Tooltip /><Legend />
                  {firstMetric && <Bar dataKey={firstMetric} fill="#1d4ed8" />}
                </BarChart>
              )}
            </ResponsiveContainer>
          </figure>
          <div className="card table-wrap">
            <table aria-label="Report rows">
              <thead><tr>{cols.map((c) => <th key={c.key} scope="col">{c.label}</th>)}</tr></thead>
              <tbody>
                {result.data.map((r, i) => <tr key={i}>{cols.map((c) => <td key={c.key}>{cell(r[c.key])}</td>)}</tr>)}
                {!result.data.length && <tr><td colSpan={cols.length || 1}>No delivery in this period.</td></tr>}
              </tbody>
              <tfoot><tr>{cols.map((c, i) => <th key={c.key} scope="row">{i === 0 ? "Total" : allMetricKeys.has(c.key) ? cell(result.total?.[c.key]) : ""}</th>)}</tr></tfoot>
            </table>
            <nav className="pager" aria-label="Report pages">
              <button className="secondary" disabled={page <= 1} onClick={() => { setPage(page - 1); run.mutate(page - 1); }}>Previous</button>
              <span>Page {page} of {Math.max(1, Math.ceil(result.totalRecords / 50))} · {result.totalRecords} rows</span>
              <button className="secondary" disabled={page * 50 >= result.totalRecords} onClick={() => { setPage(page + 1); run.mutate(page + 1); }}>Next</button>
            </nav>
          </div>
        </>
      )}
      {reportId && (
        <form className="card" aria-labelledby="sched-title" onSubmit={(e) => { e.preventDefault(); scheduleIt.mutate(); }} noValidate>
          <h2 id="sched-title">E-mail schedule</h2>
          <div className="form-grid">
            <Field label="Recipients" error={fields.subscriberEmails} hint="Comma separated">{(id, d) => <input id={id} aria-describedby={d} aria-invalid={!!fields.subscriberEmails} value={schedule.emails} onChange={(e) => setSchedule({ ...schedule, emails: e.target.value })} />}</Field>
            <Field label="Frequency" error={fields.deliveryFrequency}>{(id, d) => (
              <select id={id} aria-describedby={d} value={schedule.frequency} onChange={(e) => setSchedule({ ...schedule, frequency: e.target.value, day: e.target.value === "4" ? "First" : "MONDAY" })}>
                <option value="1">Once</option><option value="2">Daily</option><option value="3">Weekly</option><option value="4">Monthly</option>
              </select>)}
            </Field>
            {schedule.frequency === "3" && <Field label="Weekday" error={fields.deliveryDay}>{(id, d) => (
              <select id={id} aria-describedby={d} value={schedule.day} onChange={(e) => setSchedule({ ...schedule, day: e.target.value })}>
                {WEEKDAYS.map((w) => <option key={w} value={w}>{w.toLowerCase()}</option>)}
              </select>)}
            </Field>}
            <Field label="File" error={fields.fileType}>{(id, d) => (
              <select id={id} aria-describedby={d} value={schedule.fileType} onChange={(e) => setSchedule({ ...schedule, fileType: e.target.value })}>
                <option value="1">CSV</option><option value="2">XLSX</option>
              </select>)}
            </Field>
            {schedule.frequency !== "1" && <Field label="Until" error={fields.eventEndDate}>{(id, d) => <input id={id} type="date" aria-describedby={d} aria-invalid={!!fields.eventEndDate} value={schedule.until} onChange={(e) => setSchedule({ ...schedule, until: e.target.value })} />}</Field>}
          </div>
          <ErrorBox error={Object.keys(fields).length ? null : scheduleIt.error ?? unschedule.error} />
          <div className="row-actions">
            <button type="submit">Save schedule</button>
            {saved.data?.reportSchedulingEventDetails && Object.keys(saved.data.reportSchedulingEventDetails).length > 0 &&
              <button type="button" className="danger" onClick={() => unschedule.mutate()}>Remove schedule</button>}
          </div>
          <p className="muted">Deliveries go out at the configured hour in the report's timezone ({tz}).</p>
        </form>
      )}
    </section>
  );
}
