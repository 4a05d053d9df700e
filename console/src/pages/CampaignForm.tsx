import { useEffect, useState, type FormEvent } from "react";
import { useNavigate, useParams, useSearchParams } from "react-router-dom";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { ApiError, get, send } from "../api";
import { allIos, staticList } from "../data";
import { useSession } from "../session";
import { epochToZoned, zonedToEpoch } from "../format";
import { Field } from "../components/ui";
import { ErrorBox } from "../components/ErrorBox";

interface Creative { creativeId: number; creativeName: string; creativeStatusId: number; platformCreativeTypeId: number }

/** Create or edit a campaign; the API's 422s are shown next to the field they name. */
export default function CampaignFormPage() {
  const { campaignId } = useParams();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const qc = useQueryClient();
  const { timezones, tzName, profile } = useSession();
  const editing = !!campaignId;
  const existing = useQuery({ queryKey: ["campaign", campaignId], enabled: editing, queryFn: () => get<any>(`/api/v2/cmp/campaign/${campaignId}`) });
  const ios = useQuery({ queryKey: ["ios-all"], queryFn: allIos });
  const countries = useQuery({ queryKey: ["countries"], queryFn: () => staticList("/api/v2/master/segment/country"), staleTime: Infinity });
  const types = useQuery({ queryKey: ["creative-types"], staleTime: Infinity, queryFn: () => get<any>("/api/v3/crt/master/static/creative-types").then((d) => d.creativeTypeList as { id: number; name: string }[]) });
  const [form, setForm] = useState<Record<string, any>>({
    campaignName: "", ioId: params.get("ioId") ?? "", creativeType: 11, creativeIds: [] as number[], timezone: profile?.organizationTimezone ?? 29,
    start: "", end: "", budgetDay: "", budgetTotal: "", maxBid: "5", totalBudgetPacing: false, countryId: "30100001",
    advertiserDomain: "", isAgreementChecked: false,
  });
  const tz = tzName(Number(form.timezone)) ?? "UTC";
  const [tzTouched, setTzTouched] = useState(false);
  // a new campaign: the organization's timezone (once the profile says which) and a default flight in
  // wall-clock times of that zone (once the zone list is there)
  useEffect(() => {
    if (editing || form.start || !profile) return;
    const zoneId = tzTouched ? Number(form.timezone) : profile.organizationTimezone ?? 29;
    const zone = tzName(zoneId);
    if (!zone) return;
    setForm((f) => ({ ...f, timezone: zoneId, start: epochToZoned(Date.now() + 2 * 60_000, zone), end: epochToZoned(Date.now() + 14 * 86_400_000, zone) }));
  }, [editing, form.start, form.timezone, profile, tzName, tzTouched]);
  useEffect(() => {
    const c = existing.data;
    const z = c && tzName(c.timezone);
    if (!c || !z) return; // the stored times are shown in the campaign's own zone, so wait for it
    setForm({
      campaignName: c.campaignName, ioId: c.ioId, creativeType: c.creativeType, creativeIds: String(c.creativeIds ?? "").split(",").filter(Boolean).map(Number),
      timezone: c.timezone, start: epochToZoned(c.startTime * 1000, z), end: c.endTime ? epochToZoned(c.endTime * 1000, z) : "",
      budgetDay: c.budgetDay ?? "", budgetTotal: c.budgetTotal ?? "", maxBid: c.maxBid ?? "", totalBudgetPacing: !!c.totalBudgetPacing,
      countryId: String(c.countryId ?? "30100001"), advertiserDomain: c.advertiserDomain ?? "", isAgreementChecked: true,
    });
  }, [existing.data, tzName]);
  const creatives = useQuery({
    queryKey: ["creatives-for-campaign", form.creativeType],
    queryFn: () => send<{ filteredList: Creative[] }>("POST", "/api/v3/crt/creatives/list", { platformCreativeTypeIds: [Number(form.creativeType)], creativeStatusIds: [1, 2], noOfEntries: 500 }),
  });
  const [fields, setFields] = useState<Record<string, string>>({});
  const set = (k: string, v: unknown) => setForm((f) => ({ ...f, [k]: v }));
  const save = useMutation({
    mutationFn: async () => {
      const body: Record<string, unknown> = {
        campaignName: form.campaignName, ioId: Number(form.ioId) || undefined, creativeType: Number(form.creativeType),
        creativeIds: form.creativeIds.join(","), timezone: Number(form.timezone),
        startTime: form.start ? Math.floor(zonedToEpoch(form.start, tz) / 1000) : undefined,
        endTime: form.end ? Math.floor(zonedToEpoch(form.end, tz) / 1000) : undefined,
        budgetDay: form.totalBudgetPacing || form.budgetDay === "" ? undefined : Number(form.budgetDay),
        budgetTotal: form.budgetTotal === "" ? undefined : Number(form.budgetTotal),
        maxBid: form.maxBid === "" ? undefined : Number(form.maxBid), totalBudgetPacing: form.totalBudgetPacing,
        countryId: form.countryId, advertiserDomain: form.advertiserDomain, isAgreementChecked: form.isAgreementChecked,
        budgetTypeId: 1, campaignType: 1, exchanges: "", publisherAdCategory: "",
      };
      if (editing) return send("PATCH", `/api/v2/cmp/campaign/${campaignId}`, body);
      return send<{ data: number }>("POST", "/api/v2/cmp/campaigns/add", body);
    },
    onSuccess: (r: any) => {
      qc.invalidateQueries({ queryKey: ["campaigns"] });
      qc.invalidateQueries({ queryKey: ["campaign"] });
      navigate(`/campaigns/${editing ? campaignId : r.data}`);
    },
    onError: (e) => setFields(e instanceof ApiError ? e.fieldErrors() : {}),
  });
  function submit(e: FormEvent) {
    e.preventDefault();
    setFields({});
    save.mutate();
  }
  const err = (k: string, ...alts: string[]) => [k, ...alts].map((x) => fields[x]).find(Boolean);
  const input = (k: string, props: Record<string, unknown> = {}, ...alts: string[]) => (id: string, d?: string) => (
    <input id={id} aria-describedby={d} aria-invalid={!!err(k, ...alts)} value={form[k]} onChange={(e) => set(k, e.target.value)} {...props} />
  );
  const unknownFieldErrors = Object.entries(fields).filter(([k]) => !KNOWN.includes(k));
  return (
    <section aria-labelledby="cf-title">
      <h1 id="cf-title">{editing ? `Edit campaign ${campaignId}` : "New campaign"}</h1>
      <form className="card" onSubmit={submit} noValidate aria-labelledby="cf-title">
        <fieldset>
          <legend>Basics</legend>
          <div className="form-grid">
            <Field label="Campaign name" error={err("campaignName")}>{input("campaignName")}</Field>
            <Field label="Insertion order" error={err("ioId")}>{(id, d) => (
              <select id={id} aria-describedby={d} aria-invalid={!!err("ioId")} value={form.ioId} onChange={(e) => set("ioId", e.target.value)}>
                <option value="">Choose…</option>
                {(ios.data ?? []).map((io) => <option key={io.ioId} value={io.ioId}>{io.ioName} ({io.ioId})</option>)}
              </select>)}
            </Field>
            <Field label="Advertiser domain" error={err("advertiserDomain")}>{input("advertiserDomain", { placeholder: "https://www.example.com" })}</Field>
            <Field label="Country" error={err("countryId")}>{(id, d) => (
              <select id={id} aria-describedby={d} value={form.countryId} onChange={(e) => set("countryId", e.target.value)}>
                {(countries.data ?? []).map((c) => <option key={c.id} value={c.id}>{c.name}</option>)}
              </select>)}
            </Field>
          </div>
        </fieldset>
        <fieldset>
          <legend>Creatives</legend>
          <div className="form-grid">
            <Field label="Creative type" error={err("creativeType")}>{(id, d) => (
              <select id={id} aria-describedby={d} value={form.creativeType} onChange={(e) => { set("creativeType", Number(e.target.value)); set("creativeIds", []); }}>
                {(types.data ?? [{ id: 11, name: "Image" }]).map((t) => <option key={t.id} value={t.id}>{t.name}</option>)}
              </select>)}
            </Field>
          </div>
          <div className="checks" role="group" aria-label="Creatives" aria-invalid={!!err("creativeIds")}>
            {(creatives.data?.filteredList ?? []).map((c) => (
              <label key={c.creativeId}>
                <input type="checkbox" checked={form.creativeIds.includes(c.creativeId)}
                  onChange={(e) => set("creativeIds", e.target.checked ? [...form.creativeIds, c.creativeId] : form.creativeIds.filter((x: number) => x !== c.creativeId))} />
                {c.creativeName} ({c.creativeId}{c.creativeStatusId === 1 ? ", pending approval" : ""})
              </label>
            ))}
            {creatives.data && !creatives.data.filteredList.length && <span>No creatives of this type yet: upload one first.</span>}
          </div>
          {err("creativeIds") && <small className="field-error">{err("creativeIds")}</small>}
        </fieldset>
        <fieldset>
          <legend>Flight and budget</legend>
          <div className="form-grid">
            <Field label="Timezone" error={err("timezone")}>{(id, d) => (
              <select id={id} aria-describedby={d} value={form.timezone} onChange={(e) => { setTzTouched(true); set("timezone", Number(e.target.value)); }}>
                {timezones.map((t) => <option key={t.id} value={t.id}>{t.label ?? t.name} {t.offset ?? ""}</option>)}
              </select>)}
            </Field>
            <Field label={`Start (${tz})`} error={err("startTime")}>{input("start", { type: "datetime-local" }, "startTime")}</Field>
            <Field label={`End (${tz})`} error={err("endTime")} hint="Empty: ends with its insertion order">{input("end", { type: "datetime-local" }, "endTime")}</Field>
            <label className="inline"><input type="checkbox" checked={form.totalBudgetPacing} onChange={(e) => set("totalBudgetPacing", e.target.checked)} /> Spread the total budget evenly over the flight</label>
            {!form.totalBudgetPacing && <Field label="Daily budget ($)" error={err("budgetDay")}>{input("budgetDay", { inputMode: "decimal" })}</Field>}
            <Field label="Total budget ($)" error={err("budgetTotal")}>{input("budgetTotal", { inputMode: "decimal" })}</Field>
            <Field label="Max bid (CPM, $)" error={err("maxBid")}>{input("maxBid", { inputMode: "decimal" })}</Field>
          </div>
        </fieldset>
        <label className="inline">
          <input type="checkbox" checked={form.isAgreementChecked} aria-invalid={!!err("isAgreementChecked")} onChange={(e) => set("isAgreementChecked", e.target.checked)} />
          I accept the advertising policies
        </label>
        {err("isAgreementChecked") && <small className="field-error">{err("isAgreementChecked")}</small>}
        {unknownFieldErrors.map(([k, v]) => <p key={k} className="error">{k}: {v}</p>)}
        {save.error && !Object.keys(fields).length && <ErrorBox error={save.error} />}
        {Object.keys(fields).length > 0 && <p role="alert" className="error">The campaign was not saved: please correct the marked fields.</p>}
        <div className="row-actions">
          <button type="submit" disabled={save.isPending}>{editing ? "Save campaign" : "Create campaign"}</button>
          <button type="button" className="secondary" onClick={() => navigate(-1)}>Cancel</button>
        </div>
      </form>
    </section>
  );
}

const KNOWN = ["campaignName", "ioId", "advertiserDomain", "countryId", "creativeType", "creativeIds", "timezone", "startTime", "endTime", "budgetDay", "budgetTotal", "maxBid", "isAgreementChecked"];
