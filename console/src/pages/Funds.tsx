import { useState, type FormEvent } from "react";
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { ApiError, downloadFile, get, send, sendForm } from "../api";
import { useSession } from "../session";
import { dateOnly, dateTime, dayString, money } from "../format";
import { Field, Pager, SortTh } from "../components/ui";
import { ErrorBox } from "../components/ErrorBox";

// IQM's Finance API (`/api/v3/fa/...`): balance, credits, payments, add funds, monthly invoices.

interface StaticItem { id: number; name: string; label: string }
interface Payment {
  paymentId: number; createdAt: number; createdByUserEmail: string; paymentDate: number; paymentAmount: number;
  paymentStatus: string; paymentMode: string; paymentType: string; transactionId: string; bankName: string | null;
  modifiedAt: number; isPaymentInitiatorOrg: boolean;
}
interface Credit { creditId: number; creditAmount: number; modifiedAt: string; status: string; organizationName: string; expiresAt?: string | null }
interface Invoice {
  invoiceId: number; invoiceName: string | null; invoiceFromDate: number; invoiceToDate: number; issuedOn: number;
  invoiceAmount: number; paidAmount: number; status: number; paymentTerm: number;
}
interface Paged<T> { data: T[]; totalRecords: number; filteredRecords: number }
interface LedgerEntry {
  id: number; kind: string; kindLabel: string; amount: number; balanceAfter: number; description: string;
  reference: string | null; createdAt: number; campaignId?: number; paymentId?: number; insightReportId?: number;
}
interface LedgerPage extends Paged<LedgerEntry> { summary: { totalCredited: number; totalCharged: number; net: number } }

const PAGE = 10;
const MODE_PAYPAL = 1;
const key = (label: string) => label.toLowerCase().replace(/\s+/g, "-");
// adplane's ledger kinds (docs/finance.md); the API has no static list of them
const LEDGER_KINDS: [string, string][] = [
  ["payment", "Payment"], ["credit", "Credit"], ["top_up", "Top-up"], ["media_spend", "Media spend"], ["data_cost", "Data cost"],
  ["platform_fee", "Platform fee"], ["insight_charge", "Insight charge"], ["insight_refund", "Insight refund"],
];
/** A signed amount: "+$250.00" / "−$1.50"; a charge under a cent keeps its micro-dollars. */
const signedMoney = (v: number) => {
  const abs = Math.abs(v);
  return `${v < 0 ? "\u2212" : "+"}${money(abs, abs !== 0 && abs < 0.01 ? 6 : 2)}`;
};

export default function FundsPage() {
  const { session } = useSession();
  const owId = session?.owId;
  const balance = useQuery({ queryKey: ["funds-balance", owId], queryFn: () => get<number>("/api/v3/fa/available-balance"), refetchInterval: 30_000 });
  const credit = useQuery({ queryKey: ["funds-credit", owId], queryFn: () => get<{ usedCredit: number; totalCredit: number }>(`/api/v3/fa/credit-summary/${owId}`) });
  return (
    <section aria-labelledby="funds-title">
      <div className="page-head">
        <h1 id="funds-title">Funds</h1>
        <p className="muted">Balance, payments, credits, the ledger and monthly invoices of this organization.</p>
      </div>
      <ErrorBox error={balance.error ?? credit.error} />
      <dl className="kpis" aria-label="Balance">
        <div className="kpi card"><dt>Available balance</dt><dd data-testid="balance">{balance.data == null ? "—" : money(balance.data)}</dd></div>
        <div className="kpi card"><dt>Credit claimed</dt><dd>{money(credit.data?.totalCredit)}</dd></div>
        <div className="kpi card"><dt>Credit used</dt><dd>{money(credit.data?.usedCredit)}</dd></div>
      </dl>
      <p className="muted">
        Delivery (media, data, platform fee) is charged to the balance every minute; insight reports when they are created.
        Every charge and credit is in the ledger below as it happens; each month's charges are on that month's invoice.
      </p>
      <div className="grid2">
        <AddFunds />
        <Credits />
      </div>
      <Payments />
      <Ledger />
      <Invoices />
    </section>
  );
}

function AddFunds() {
  const qc = useQueryClient();
  const { orgTz } = useSession();
  const modes = useQuery({ queryKey: ["fa-modes"], staleTime: Infinity, queryFn: () => get<StaticItem[]>("/api/v3/fa/static/invoice-payment-modes") });
  const [amount, setAmount] = useState("");
  const [mode, setMode] = useState(String(MODE_PAYPAL));
  const [bank, setBank] = useState("");
  const [day, setDay] = useState("");
  const [fields, setFields] = useState<Record<string, string>>({});
  const [message, setMessage] = useState<string | null>(null);
  const add = useMutation({
    mutationFn: () =>
      sendForm<string>("/api/v3/fa/payment/add-fund", {
        paymentAmount: amount.trim(), paymentMode: mode, paymentDate: day || dayString(Date.now(), orgTz),
        bankName: Number(mode) === MODE_PAYPAL ? undefined : bank.trim(),
      }),
    onMutate: () => { setFields({}); setMessage(null); },
    onSuccess: (answer) => {
      setMessage(answer);
      setAmount("");
      qc.invalidateQueries({ queryKey: ["funds-balance"] });
      qc.invalidateQueries({ queryKey: ["fa-payments"] });
      qc.invalidateQueries({ queryKey: ["fa-ledger"] });
    },
    onError: (e) => setFields(e instanceof ApiError ? e.fieldErrors() : {}),
  });
  const submit = (e: FormEvent) => { e.preventDefault(); add.mutate(); };
  const paypal = Number(mode) === MODE_PAYPAL;
  return (
    <form className="card" aria-labelledby="add-funds-title" onSubmit={submit} noValidate>
      <h2 id="add-funds-title">Add funds</h2>
      <p className="sandbox" role="note">
        <strong>Sandbox payment provider: no money moves.</strong> A PayPal payment is credited at once; a cheque or wire
        transfer waits until a workspace admin confirms it arrived.
      </p>
      <div className="form-grid">
        <Field label="Amount ($)" error={fields.paymentAmount}>{(id, d) => (
          <input id={id} inputMode="decimal" aria-describedby={d} aria-invalid={!!fields.paymentAmount} value={amount} onChange={(e) => setAmount(e.target.value)} />)}
        </Field>
        <Field label="Payment mode" error={fields.paymentMode}>{(id, d) => (
          <select id={id} aria-describedby={d} aria-invalid={!!fields.paymentMode} value={mode} onChange={(e) => setMode(e.target.value)}>
            {(modes.data ?? [{ id: MODE_PAYPAL, name: "paypal", label: "PayPal" }]).map((m) => <option key={m.id} value={m.id}>{m.label}</option>)}
          </select>)}
        </Field>
        <Field label="Payment date" error={fields.paymentDate} hint="Empty: today">{(id, d) => (
          <input id={id} type="date" aria-describedby={d} aria-invalid={!!fields.paymentDate} value={day} onChange={(e) => setDay(e.target.value)} />)}
        </Field>
        {!paypal && <Field label="Bank name" error={fields.bankName}>{(id, d) => (
          <input id={id} aria-describedby={d} aria-invalid={!!fields.bankName} value={bank} onChange={(e) => setBank(e.target.value)} />)}
        </Field>}
      </div>
      {add.error && !Object.keys(fields).length && <ErrorBox error={add.error} />}
      {message && <p role="status" className="success">{message}</p>}
      <div className="row-actions">
        <button type="submit" disabled={add.isPending}>{paypal ? "Pay with PayPal (sandbox)" : "Record payment"}</button>
      </div>
    </form>
  );
}

function Credits() {
  const qc = useQueryClient();
  const { orgTz } = useSession();
  const [page, setPage] = useState(1);
  const [message, setMessage] = useState<string | null>(null);
  const list = useQuery({
    queryKey: ["fa-credits", page], placeholderData: keepPreviousData,
    queryFn: () => get<Paged<Credit>>("/api/v3/fa/credits/list", { pageNo: page, limit: PAGE, sortBy: "-modifiedAt" }),
  });
  const claim = useMutation({
    mutationFn: (c: Credit) => send<string>("POST", "/api/v3/fa/credit/claim", { creditId: c.creditId }),
    onSuccess: (answer, c) => {
      setMessage(`${answer} ${money(c.creditAmount)} added to the balance.`);
      ["fa-credits", "funds-balance", "funds-credit", "fa-ledger"].forEach((k) => qc.invalidateQueries({ queryKey: [k] }));
    },
  });
  const rows = list.data?.data ?? [];
  return (
    <div className="card table-wrap">
      <h2>Credits offered</h2>
      <ErrorBox error={list.error ?? claim.error} />
      {message && <p role="status" className="success">{message}</p>}
      <table>
        <thead><tr><th scope="col">Credit</th><th scope="col">From</th><th scope="col">Status</th><th scope="col">Changed</th><th scope="col"><span className="sr-only">Action</span></th></tr></thead>
        <tbody>
          {rows.map((c) => (
            <tr key={c.creditId}>
              <td>{money(c.creditAmount)}</td>
              <td>{c.organizationName}</td>
              <td><span className={`badge ${key(c.status)}`}>{c.status}</span>{c.expiresAt ? <small> until {dateTime(Date.parse(c.expiresAt), orgTz)}</small> : null}</td>
              <td>{dateTime(Date.parse(c.modifiedAt), orgTz)}</td>
              <td>{c.status === "Unclaimed" && <button className="secondary" disabled={claim.isPending} onClick={() => claim.mutate(c)} aria-label={`Claim credit of ${money(c.creditAmount)}`}>Claim</button>}</td>
            </tr>
          ))}
          {list.data && !rows.length && <tr><td colSpan={5}>No credit has been offered to this organization.</td></tr>}
        </tbody>
      </table>
      {(list.data?.filteredRecords ?? 0) > PAGE && <Pager label="Credit pages" page={page} pageSize={PAGE} total={list.data?.filteredRecords ?? 0} onPage={setPage} />}
    </div>
  );
}

function Payments() {
  const qc = useQueryClient();
  const { profile, orgTz } = useSession();
  const [status, setStatus] = useState("");
  const [search, setSearch] = useState("");
  const [sort, setSort] = useState("-modifiedAt");
  const [page, setPage] = useState(1);
  const [message, setMessage] = useState<string | null>(null);
  const statuses = useQuery({ queryKey: ["fa-payment-statuses"], staleTime: Infinity, queryFn: () => get<StaticItem[]>("/api/v3/fa/static/payment-status") });
  const list = useQuery({
    queryKey: ["fa-payments", status, search, sort, page], placeholderData: keepPreviousData,
    queryFn: () => get<Paged<Payment>>("/api/v3/fa/payments/list", { status, searchField: search, sortBy: sort, pageNo: page, limit: PAGE }),
  });
  const decide = useMutation({
    mutationFn: ({ p, action }: { p: Payment; action: "approve" | "reject" | "cancel" }) =>
      send<string>("POST", `/api/v3/fa/customer/payment/${action}/${p.paymentId}`),
    onSuccess: (answer) => {
      setMessage(answer);
      qc.invalidateQueries({ queryKey: ["fa-payments"] });
      qc.invalidateQueries({ queryKey: ["funds-balance"] });
      qc.invalidateQueries({ queryKey: ["fa-ledger"] });
    },
  });
  const rows = list.data?.data ?? [];
  return (
    <div className="card table-wrap">
      <h2 id="payments-title">Payments</h2>
      <div className="filters" role="search" aria-label="Payments">
        <label>Search<input type="search" value={search} placeholder="Id, e-mail or bank" onChange={(e) => { setSearch(e.target.value); setPage(1); }} /></label>
        <label>Status
          <select value={status} onChange={(e) => { setStatus(e.target.value); setPage(1); }}>
            <option value="">All</option>
            {(statuses.data ?? []).map((s) => <option key={s.id} value={s.id}>{s.label}</option>)}
          </select>
        </label>
      </div>
      <ErrorBox error={list.error ?? decide.error} />
      {message && <p role="status" className="success">{message}</p>}
      <table aria-labelledby="payments-title">
        <thead>
          <tr>
            <SortTh label="Id" field="paymentId" sort={sort} onSort={setSort} />
            <SortTh label="Date" field="paymentDate" sort={sort} onSort={setSort} />
            <SortTh label="Amount" field="paymentAmount" sort={sort} onSort={setSort} />
            <SortTh label="Mode" field="paymentMode" sort={sort} onSort={setSort} />
            <SortTh label="Status" field="paymentStatus" sort={sort} onSort={setSort} />
            <th scope="col">By</th>
            <th scope="col">Reference</th>
            <SortTh label="Changed" field="modifiedAt" sort={sort} onSort={setSort} />
            <th scope="col"><span className="sr-only">Actions</span></th>
          </tr>
        </thead>
        <tbody>
          {rows.map((p) => (
            <tr key={p.paymentId}>
              <td>{p.paymentId}</td>
              <td>{dateOnly(p.paymentDate, "UTC")}</td>
              <td>{money(p.paymentAmount)}</td>
              <td>{p.paymentMode}{p.bankName ? ` · ${p.bankName}` : ""}</td>
              <td><span className={`badge ${key(p.paymentStatus)}`}>{p.paymentStatus}</span></td>
              <td>{p.createdByUserEmail}</td>
              <td><small>{p.transactionId}</small></td>
              <td>{dateTime(p.modifiedAt, orgTz)}</td>
              <td className="row-actions">
                {p.paymentStatus === "Processing" && profile?.isWorkspaceAdmin && <>
                  <button className="secondary" onClick={() => decide.mutate({ p, action: "approve" })} aria-label={`Confirm payment ${p.paymentId} arrived`}>Confirm</button>
                  <button className="secondary" onClick={() => decide.mutate({ p, action: "reject" })} aria-label={`Reject payment ${p.paymentId}`}>Reject</button>
                </>}
                {p.paymentStatus === "Processing" && <button className="secondary" onClick={() => decide.mutate({ p, action: "cancel" })} aria-label={`Cancel payment ${p.paymentId}`}>Cancel</button>}
              </td>
            </tr>
          ))}
          {list.data && !rows.length && <tr><td colSpan={9}>No payments match.</td></tr>}
        </tbody>
      </table>
      <Pager label="Payment pages" page={page} pageSize={PAGE} total={list.data?.filteredRecords ?? 0} onPage={setPage} />
    </div>
  );
}

function Ledger() {
  const { orgTz } = useSession();
  const [kind, setKind] = useState("");
  const [sort, setSort] = useState("-createdAt");
  const [page, setPage] = useState(1);
  const list = useQuery({
    queryKey: ["fa-ledger", kind, sort, page], placeholderData: keepPreviousData, refetchInterval: 30_000,
    queryFn: () => get<LedgerPage>("/api/v3/fa/ledger/list", { kinds: kind, sortBy: sort, pageNo: page, noOfEntries: PAGE }),
  });
  const rows = list.data?.data ?? [];
  const summary = list.data?.summary;
  const sortBy = (s: string) => { setSort(s); setPage(1); };
  return (
    <div className="card table-wrap">
      <h2 id="ledger-title">Ledger</h2>
      <p className="muted">
        Every change to the balance as it is written: payments, credits, top-ups, delivery charged per campaign and day,
        insight reports. This month's charges are here before their invoice is issued.
      </p>
      <div className="filters" role="search" aria-label="Ledger">
        <label>Kind
          <select value={kind} onChange={(e) => { setKind(e.target.value); setPage(1); }}>
            <option value="">All</option>
            {LEDGER_KINDS.map(([id, label]) => <option key={id} value={id}>{label}</option>)}
          </select>
        </label>
      </div>
      <ErrorBox error={list.error} />
      {summary && (
        <p className="ledger-summary" data-testid="ledger-summary">
          {kind ? "These entries" : "All entries"}: credited <span className="amount credit">{signedMoney(summary.totalCredited)}</span>,
          charged <span className="amount charge">{signedMoney(-summary.totalCharged)}</span>.
        </p>
      )}
      <table aria-labelledby="ledger-title">
        <thead>
          <tr>
            <SortTh label="Date" field="createdAt" sort={sort} onSort={sortBy} />
            <th scope="col">Kind</th>
            <th scope="col">Description</th>
            <SortTh label="Amount" field="amount" sort={sort} onSort={sortBy} />
            <th scope="col">Balance after</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((e) => (
            <tr key={e.id}>
              <td>{dateTime(e.createdAt, orgTz)}</td>
              <td><span className={`badge ${key(e.kind)}`}>{e.kindLabel}</span></td>
              <td>{e.description}</td>
              <td className={`amount ${e.amount < 0 ? "charge" : "credit"}`}>{signedMoney(e.amount)}</td>
              <td>{money(e.balanceAfter)}</td>
            </tr>
          ))}
          {list.data && !rows.length && <tr><td colSpan={5}>{kind ? "No entries of this kind." : "No entries yet: the ledger starts with the first payment, credit or top-up."}</td></tr>}
        </tbody>
      </table>
      <Pager label="Ledger pages" page={page} pageSize={PAGE} total={list.data?.filteredRecords ?? 0} onPage={setPage} />
    </div>
  );
}

function Invoices() {
  const { session } = useSession();
  const [page, setPage] = useState(1);
  const [sort, setSort] = useState("-invoiceId");
  const statuses = useQuery({ queryKey: ["fa-invoice-statuses"], staleTime: Infinity, queryFn: () => get<StaticItem[]>("/api/v3/fa/static/invoice-status") });
  const list = useQuery({
    queryKey: ["fa-invoices", session?.owId, sort, page], placeholderData: keepPreviousData,
    queryFn: () => get<Paged<Invoice>>(`/api/v3/fa/invoice/list/${session?.owId}`, { sortBy: sort, pageNo: page, limit: PAGE }),
  });
  const download = useMutation({
    mutationFn: ({ id, type }: { id: number; type: "pdf" | "csv" }) =>
      downloadFile(`/api/v3/fa/download-invoice/${session?.owId}/${id}`, { fileType: type }),
  });
  const label = (id: number) => statuses.data?.find((s) => s.id === id)?.label ?? String(id);
  const rows = list.data?.data ?? [];
  return (
    <div className="card table-wrap">
      <h2 id="invoices-title">Invoices</h2>
      <p className="muted">One invoice per calendar month (UTC), issued once the month is over.</p>
      <ErrorBox error={list.error ?? download.error} />
      <table aria-labelledby="invoices-title">
        <thead>
          <tr>
            <SortTh label="Invoice" field="invoiceId" sort={sort} onSort={setSort} />
            <th scope="col">Period (UTC)</th>
            <SortTh label="Issued" field="issuedOn" sort={sort} onSort={setSort} />
            <SortTh label="Amount" field="invoiceAmount" sort={sort} onSort={setSort} />
            <th scope="col">Paid</th>
            <SortTh label="Status" field="status" sort={sort} onSort={setSort} />
            <th scope="col">Files</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((i) => (
            <tr key={i.invoiceId}>
              <td>{i.invoiceName ?? `Invoice ${i.invoiceId}`}</td>
              <td>{dateOnly(i.invoiceFromDate * 1000, "UTC")} – {dateOnly(i.invoiceToDate * 1000, "UTC")}</td>
              <td>{dateOnly(i.issuedOn * 1000, "UTC")}</td>
              <td>{money(i.invoiceAmount)}</td>
              <td>{money(i.paidAmount)}</td>
              <td><span className={`badge ${key(label(i.status))}`}>{label(i.status)}</span></td>
              <td className="row-actions">
                <button className="secondary" onClick={() => download.mutate({ id: i.invoiceId, type: "pdf" })} aria-label={`Download invoice ${i.invoiceId} as PDF`}>PDF</button>
                <button className="secondary" onClick={() => download.mutate({ id: i.invoiceId, type: "csv" })} aria-label={`Download invoice ${i.invoiceId} as CSV`}>CSV</button>
              </td>
            </tr>
          ))}
          {list.data && !rows.length && <tr><td colSpan={7}>No invoices yet: the first is issued after the first month with charges.</td></tr>}
        </tbody>
      </table>
      <Pager label="Invoice pages" page={page} pageSize={PAGE} total={list.data?.filteredRecords ?? 0} onPage={setPage} />
    </div>
  );
}
