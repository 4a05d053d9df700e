import { useEffect, useState, type FormEvent } from "react";
import { Link } from "react-router-dom";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { ApiError, fieldError, get, send } from "../api";
import { useCampaignBasics } from "../data";
import { useSession } from "../session";
import { dayEnd, dayStart, dayString, money, num } from "../format";
import { Field } from "../components/ui";
import { ErrorBox } from "../components/ErrorBox";
import type { Kind } from "./insightKinds";

interface Eligible { campaignId: number; campaignTimezoneId: number; status: string }
interface Pair { audienceId: string; conceptGroupId: string }
interface StaticType { id: number; label: string }

/** An id typed in a text box: a number when it is one, else the text itself so the API names what is wrong. */
const idValue = (v: string): number | string | undefined => (v.trim() === "" ? undefined : /^\d+$/.test(v.trim()) ? Number(v.trim()) : v.trim());
const idList = (v: string) => v.split(/[,\s]+/).filter(Boolean).map((x) => idValue(x));

/** Fields the API names in its errors → what this form shows them under. */
const KNOWN = ["campaignId", "campaignIds", "pldStartDate", "pldEndDate", "slsStartDate", "slsEndDate", "aqsStartDate", "aqsEndDate",
  "startDate", "endDate", "slsName", "aqsName", "name", "reportName", "slsLookbackDuration", "conceptGroupId", "reportTypes",
  "competitorConceptGroupIds", "aqsReportTypeId", "aqsAudienceConceptGroups"];

/** A new PLD, SLS or AQS report: SLS and AQS are quoted first (cost, chargeable impressions, funds), then created
 *  for that quote; PLD, which IQM's API does not quote, is confirmed and its charge shown once created. */
export function InsightForm({ kind, onClose }: { kind: Kind; onClose: () => void }) {
  const qc = useQueryClient();
  const k = kind.key;
  const { tzName, orgTz, session } = useSession();
  const eligible = useQuery({
    queryKey: ["insight-eligible", k],
    queryFn: () => get<Record<string, Omit<Eligible, "status">[]>>(kind.campaigns),
  });
  const options: Eligible[] = Object.entries(eligible.data ?? {}).flatMap(([status, list]) => list.map((c) => ({ ...c, status })));
  const basics = useCampaignBasics(options.map((o) => o.campaignId));
  const balance = useQuery({ queryKey: ["funds-balance", session?.owId], queryFn: () => get<number>("/api/v3/fa/available-balance") });
  const types = useQuery({
    queryKey: ["insight-types", k], enabled: k !== "pld", staleTime: Infinity,
    queryFn: () => get<{ reportTypeData: StaticType[] }>(`/api/v3/ins/static/${k}-reports/report-types`).then((d) => d.reportTypeData),
  });

  const [name, setName] = useState("");
  const [campaignIds, setCampaignIds] = useState<number[]>([]);
  const [from, setFrom] = useState("");
  const [to, setTo] = useState("");
  const [lookback, setLookback] = useState("3");
  const [concept, setConcept] = useState("");
  const [reportTypes, setReportTypes] = useState<number[]>([1]);
  const [competitors, setCompetitors] = useState("");
  const [aqsType, setAqsType] = useState("1");
  const [pairs, setPairs] = useState<Pair[]>([{ audienceId: "", conceptGroupId: "" }]);
  const [fields, setFields] = useState<Record<string, string>>({});
  const [quote, setQuote] = useState<{ body: string; answer: any } | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [done, setDone] = useState<string | null>(null);

  // the dates are days of the (first) campaign's timezone
  const first = options.find((o) => o.campaignId === campaignIds[0]);
  const tz = tzName(first?.campaignTimezoneId) ?? orgTz ?? "UTC";
  useEffect(() => {
    // a campaign chosen: its flight so far (at most the last 90 days), in its own timezone
    const c = basics.data?.get(String(campaignIds[0]));
    if (!c || from || !first) return;
    const zone = tzName(first.campaignTimezoneId) ?? "UTC";
    setFrom(dayString(Math.max(c.startTime * 1000, Date.now() - 90 * 86_400_000), zone));
    setTo(dayString(Date.now(), zone));
  }, [basics.data, campaignIds, first, from, tzName]);

  const epoch = (ms: number) => (kind.seconds ? Math.floor(ms / 1000) : ms);
  const start = from ? epoch(dayStart(from, tz)) : undefined;
  const end = to ? epoch(dayEnd(to, tz)) : undefined;
  const body = (): Record<string, unknown> => {
    if (k === "pld") return { campaignId: campaignIds[0], pldStartDate: start, pldEndDate: end };
    if (k === "sls")
      return {
        slsName: name, campaignIds, slsStartDate: start, slsEndDate: end, slsLookbackDuration: idValue(lookback),
        conceptGroupId: idValue(concept), reportTypes, competitorConceptGroupIds: reportTypes.includes(2) ? idList(competitors) : [],
      };
    return {
      aqsName: name, campaignId: campaignIds[0], aqsStartDate: start, aqsEndDate: end, aqsReportTypeId: Number(aqsType),
      aqsAudienceConceptGroups: pairs.map((p) => ({ audienceId: idValue(p.audienceId), conceptGroupId: idValue(p.conceptGroupId) })),
    };
  };
  const current = JSON.stringify(body());
  const onError = (e: unknown) => setFields(e instanceof ApiError ? e.fieldErrors() : {});
  const reset = () => { setFields({}); setDone(null); };

  /** The name is checked first (the quote does not look at names), with the kind's own call. */
  async function checkName(): Promise<void> {
    const field = `${k}Name`;
    try {
      const answer = await get<any>(kind.validateName!, { reportName: name.trim() });
      if (answer && answer.available === false) throw new ApiError(422, [{ error: answer.message, field }]);
    } catch (e) {
      if (e instanceof ApiError && e.status < 500) throw new ApiError(e.status, e.errors.map((x) => ({ ...x, field })));
      throw e;
    }
  }
  const getQuote = useMutation({
    mutationFn: async () => {
      const sent = current;
      await checkName();
      return { body: sent, answer: await send<any>("POST", kind.computation!, JSON.parse(sent)) };
    },
    onMutate: () => { reset(); setQuote(null); },
    onSuccess: setQuote,
    onError,
  });
  const create = useMutation({
    mutationFn: () => send<any>("POST", kind.create, body()),
    onMutate: reset,
    onSuccess: (answer) => {
      setConfirming(false);
      setQuote(null);
      qc.invalidateQueries({ queryKey: ["insights", k] });
      qc.invalidateQueries({ queryKey: ["funds-balance"] });
      if (answer[`${k}ReportCreated`]) {
        const cost = answer[`${k}ChargeableCost`];
        const imps = answer[`${k}ChargeableImps`];
        setDone(`${kind.short} report ${answer[`${k}Id`]} (${answer[`${k}Name`] ?? name}) created: ${money(cost)} charged for ${num(imps)} impressions. It is generating; its files appear below when it is ready.`);
      } else setQuote({ body: current, answer });
    },
    onError,
  });

  const quoted = quote?.answer;
  const quoteIsCurrent = quote?.body === current;
  const cost: number | undefined = quoted?.[`${k}ChargeableCost`];
  const imps: number | undefined = quoted?.[`${k}ChargeableImps`];
  const err = (...names: string[]) => fieldError(fields, ...names);
  const unknown = Object.entries(fields).filter(([f]) => !KNOWN.some((n) => f === n || f.startsWith(`${n}.`)));
  const label = (o: Eligible) => `${basics.data?.get(String(o.campaignId))?.name ?? "Campaign"} (${o.campaignId}, ${o.status})`;

  function submit(e: FormEvent) {
    e.preventDefault();
    if (k === "pld") setConfirming(true);
    else getQuote.mutate();
  }

  return (
    <form className="card" aria-labelledby={`new-${k}`} onSubmit={submit} noValidate>
      <h2 id={`new-${k}`}>New {kind.title} report</h2>
      <div className="form-grid">
        {k !== "pld" && (
          <Field label="Report name" error={err(`${k}Name`, "name", "reportName")}>{(id, d) => (
            <input id={id} aria-describedby={d} aria-invalid={!!err(`${k}Name`, "name", "reportName")} value={name} onChange={(e) => setName(e.target.value)} />)}
          </Field>
        )}
        {k !== "sls" && (
          <Field label="Campaign" error={err("campaignId")} hint="Healthcare campaigns (NPI audience) that ran within the last 90 days">{(id, d) => (
            <select id={id} aria-describedby={d} aria-invalid={!!err("campaignId")} value={campaignIds[0] ?? ""}
              onChange={(e) => { setCampaignIds(e.target.value ? [Number(e.target.value)] : []); setFrom(""); }}>
              <option value="">Choose…</option>
              {options.map((o) => <option key={o.campaignId} value={o.campaignId}>{label(o)}</option>)}
            </select>)}
          </Field>
        )}
        <Field label={`From (first day, ${tz})`} error={err(`${k}StartDate`, "startDate")}>{(id, d) => (
          <input id={id} type="date" aria-describedby={d} aria-invalid={!!err(`${k}StartDate`, "startDate")} value={from} onChange={(e) => setFrom(e.target.value)} />)}
        </Field>
        <Field label={`To (last day, ${tz})`} error={err(`${k}EndDate`, "endDate")}>{(id, d) => (
          <input id={id} type="date" aria-describedby={d} aria-invalid={!!err(`${k}EndDate`, "endDate")} value={to} onChange={(e) => setTo(e.target.value)} />)}
        </Field>
        {k === "sls" && <>
          <Field label="Concept group id" error={err("conceptGroupId")} hint="The drug, diagnosis or procedure whose lift is measured">{(id, d) => (
            <input id={id} inputMode="numeric" aria-describedby={d} aria-invalid={!!err("conceptGroupId")} value={concept} onChange={(e) => setConcept(e.target.value)} />)}
          </Field>
          <Field label="Lookback (months)" error={err("slsLookbackDuration")}>{(id, d) => (
            <input id={id} inputMode="numeric" aria-describedby={d} aria-invalid={!!err("slsLookbackDuration")} value={lookback} onChange={(e) => setLookback(e.target.value)} />)}
          </Field>
        </>}
        {k === "aqs" && (
          <Field label="Score by" error={err("aqsReportTypeId")}>{(id, d) => (
            <select id={id} aria-describedby={d} value={aqsType} onChange={(e) => setAqsType(e.target.value)}>
              {(types.data ?? [{ id: 1, label: "Audience" }, { id: 2, label: "Campaign" }]).map((t) => <option key={t.id} value={t.id}>{t.label}</option>)}
            </select>)}
          </Field>
        )}
      </div>
      {k === "sls" && <>
        <fieldset aria-describedby="sls-campaigns-msg">
          <legend>Campaigns</legend>
          <div className="checks" aria-invalid={!!err("campaignIds")}>
            {options.map((o) => (
              <label key={o.campaignId}>
                <input type="checkbox" checked={campaignIds.includes(o.campaignId)}
                  onChange={(e) => { setCampaignIds(e.target.checked ? [...campaignIds, o.campaignId] : campaignIds.filter((x) => x !== o.campaignId)); if (!campaignIds.length) setFrom(""); }} />
                {label(o)}
              </label>
            ))}
            {eligible.data && !options.length && <span>No eligible campaign: healthcare campaigns (NPI audience) that ran within the last 90 days.</span>}
          </div>
          <small id="sls-campaigns-msg" className={err("campaignIds") ? "field-error" : undefined}>{err("campaignIds") ?? "Healthcare campaigns (NPI audience) that ran within the last 90 days"}</small>
        </fieldset>
        <fieldset>
          <legend>Report types</legend>
          <div className="checks" aria-invalid={!!err("reportTypes")}>
            {(types.data ?? [{ id: 1, label: "Brand Lift" }]).map((t) => (
              <label key={t.id}><input type="checkbox" checked={reportTypes.includes(t.id)}
                onChange={(e) => setReportTypes(e.target.checked ? [...reportTypes, t.id].sort() : reportTypes.filter((x) => x !== t.id))} />{t.label}</label>
            ))}
          </div>
          {err("reportTypes") && <small className="field-error">{err("reportTypes")}</small>}
          {reportTypes.includes(2) && (
            <Field label="Competitor concept group ids" error={err("competitorConceptGroupIds")} hint="Comma separated">{(id, d) => (
              <input id={id} aria-describedby={d} aria-invalid={!!err("competitorConceptGroupIds")} value={competitors} onChange={(e) => setCompetitors(e.target.value)} />)}
            </Field>
          )}
        </fieldset>
      </>}
      {k === "aqs" && (
        <fieldset>
          <legend>Audiences and the concept group each is scored on</legend>
          <div className="pairs">
            {pairs.map((p, i) => (
              <div className="row-actions" key={i}>
                <label>Audience id<input inputMode="numeric" value={p.audienceId} aria-invalid={!!err(`aqsAudienceConceptGroups.${i}`)}
                  onChange={(e) => setPairs(pairs.map((x, j) => (j === i ? { ...x, audienceId: e.target.value } : x)))} /></label>
                <label>Concept group id<input inputMode="numeric" value={p.conceptGroupId} aria-invalid={!!err(`aqsAudienceConceptGroups.${i}`)}
                  onChange={(e) => setPairs(pairs.map((x, j) => (j === i ? { ...x, conceptGroupId: e.target.value } : x)))} /></label>
                {pairs.length > 1 && <button type="button" className="secondary" onClick={() => setPairs(pairs.filter((_, j) => j !== i))}>Remove</button>}
              </div>
            ))}
          </div>
          <button type="button" className="secondary" onClick={() => setPairs([...pairs, { audienceId: "", conceptGroupId: "" }])}>Add an audience</button>
          {err("aqsAudienceConceptGroups") && <small className="field-error">{err("aqsAudienceConceptGroups")}</small>}
        </fieldset>
      )}
      {unknown.map(([f, v]) => <p key={f} className="error">{f}: {v}</p>)}
      <ErrorBox error={Object.keys(fields).length ? null : eligible.error ?? getQuote.error ?? create.error} />
      {Object.keys(fields).length > 0 && <p role="alert" className="error">Please correct the marked fields.</p>}

      {quoted && (
        <div className="card" role="status" aria-label="Quote">
          {quoted.message ? <p className={quoted.fundsAvailable === false ? "error" : undefined}>{quoted.message}</p>
            : quoted[`${k}Id`] && cost === undefined ? <p>An identical report exists already: {kind.short} report {quoted[`${k}Id`]} ({quoted[`${k}Name`]}).</p> : null}
          {cost !== undefined && (
            <dl className="quote">
              <dt>Cost of this report</dt><dd data-testid="quoted-cost">{money(cost)}</dd>
              <dt>Chargeable impressions</dt><dd>{num(imps)}</dd>
              {imps ? <><dt>Rate</dt><dd>{money((cost / imps) * 1000, 4)} per 1,000 impressions</dd></> : null}
              {quoted[`${k}ChargedCost`] ? <><dt>Already charged</dt><dd>{money(quoted[`${k}ChargedCost`])} for {num(quoted[`${k}ChargedImps`])} impressions</dd></> : null}
              <dt>Available balance</dt><dd>{money(balance.data)}</dd>
              <dt>Funds</dt><dd>{quoted.fundsAvailable ? "enough" : <>not enough: <Link to="/funds">add funds</Link></>}</dd>
            </dl>
          )}
          {!quoteIsCurrent && <p className="muted">The fields changed since this quote: get a new one.</p>}
        </div>
      )}
      {confirming && (
        <div className="card" role="status" aria-label="Confirm">
          <p>
            IQM's API quotes no PLD report before it exists: creating it charges its chargeable impressions at the organization's
            PLD rate to the funds (available: {money(balance.data)}); the charge is shown once it is created, and a report that fails is refunded.
          </p>
          <div className="row-actions">
            <button type="button" onClick={() => create.mutate()} disabled={create.isPending}>Create PLD report</button>
            <button type="button" className="secondary" onClick={() => setConfirming(false)}>Back</button>
          </div>
        </div>
      )}
      {done && <p role="status" className="success">{done}</p>}
      <div className="row-actions">
        {k === "pld" ? <button type="submit" disabled={confirming}>Continue</button>
          : <button type="submit" className={quoteIsCurrent ? "secondary" : undefined} disabled={getQuote.isPending}>{getQuote.isPending ? "Quoting…" : "Get quote"}</button>}
        {k !== "pld" && quoteIsCurrent && cost !== undefined && quoted?.fundsAvailable && (
          <button type="button" onClick={() => create.mutate()} disabled={create.isPending}>Create {kind.short} report for {money(cost)}</button>
        )}
        <button type="button" className="secondary" onClick={onClose}>Close</button>
      </div>
    </form>
  );
}
