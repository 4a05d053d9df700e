import { useEffect, useRef, useState, type DragEvent } from "react";
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, send } from "../api";
import { dateTime } from "../format";
import { Pager, Status } from "../components/ui";
import { ErrorBox } from "../components/ErrorBox";
import { useSession } from "../session";

export interface CreativeRow {
  creativeId: number; creativeName: string; platformCreativeTypeId: number; creativeStatusId: number; creativeSourceType: string;
  clickUrl: string | null; createdAt: number; creativeRejectionReason: string | null; creativeThumbnailSource: string | null; creativeSource?: string; owId?: number;
}
export const CREATIVE_STATUS: Record<number, string> = { 1: "pending", 2: "running", 3: "paused", 4: "deleted", 5: "rejected" };
const TYPE_BY_EXT: Record<string, number> = { jpg: 11, jpeg: 11, png: 11, gif: 11, html: 13, htm: 13, mp4: 14, mov: 14, mp3: 17, wav: 17, ogg: 17, mpeg: 17 };
const TYPE_NAME: Record<number, string> = { 11: "Image", 13: "HTML", 14: "Video", 15: "Native", 17: "Audio" };
const PAGE = 20;

interface Pending { file: File; url: string; name: string }

export function Thumb({ c }: { c: CreativeRow }) {
  const src = c.creativeThumbnailSource ?? (c.platformCreativeTypeId === 11 ? c.creativeSource : null);
  return src ? <img className="thumb" src={src} alt={`Preview of ${c.creativeName}`} /> : <span className="muted">{TYPE_NAME[c.platformCreativeTypeId] ?? ""}</span>;
}

export default function CreativesPage() {
  const qc = useQueryClient();
  const { orgTz } = useSession();
  const [files, setFiles] = useState<Pending[]>([]);
  const [clickUrl, setClickUrl] = useState("https://www.example.com");
  const [over, setOver] = useState(false);
  const [outcome, setOutcome] = useState<{ ok: string[]; failed: [string, string][] } | null>(null);
  const [search, setSearch] = useState("");
  const [status, setStatus] = useState("");
  const [page, setPage] = useState(1);
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => () => files.forEach((f) => URL.revokeObjectURL(f.url)), [files]);
  const list = useQuery({
    queryKey: ["creatives", search, status, page],
    placeholderData: keepPreviousData,
    queryFn: () => send<{ filteredList: CreativeRow[]; filteredRecords: number }>("POST", "/api/v3/crt/creatives/list", {
      searchField: search || undefined, creativeStatusIds: status ? [Number(status)] : undefined, pageNo: page, noOfEntries: PAGE,
    }),
  });
  const add = (list: FileList | null) => {
    if (!list) return;
    setFiles((cur) => [...cur, ...[...list].map((file) => ({ file, url: URL.createObjectURL(file), name: file.name.replace(/\.[^.]+$/, "") }))]);
  };
  const upload = useMutation({
    mutationFn: async () => {
      const request: Record<string, unknown> = {};
      const form = new FormData();
      for (const p of files) {
        const ext = p.file.name.split(".").pop()?.toLowerCase() ?? "";
        const type = TYPE_BY_EXT[ext] ?? 11;
        const item: Record<string, unknown> = { creativeName: p.name, platformCreativeTypeId: type, creativeSourceType: "FILE", creativeSource: p.file.name };
        if (type === 11) item.clickUrl = clickUrl;
        if (type === 13) item.htmlDetails = { creativeWidth: 300, creativeHeight: 250 };
        request[p.file.name] = item;
        form.append("creativeFiles", p.file, p.file.name);
      }
      form.append("creativeRequest", JSON.stringify(request));
      return (await api<any>("/api/v3/crt/creatives", { method: "POST", form })).data;
    },
    onSuccess: (data) => {
      setOutcome({ ok: Object.keys(data.successData ?? {}), failed: Object.entries(data.failedData ?? {}).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]) });
      setFiles((cur) => cur.filter((f) => f.file.name in (data.failedData ?? {})));
      qc.invalidateQueries({ queryKey: ["creatives"] });
    },
  });
  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setOver(false);
    add(e.dataTransfer.files);
  };
  return (
    <section aria-labelledby="cr-title">
      <h1 id="cr-title">Creatives</h1>
      <div className="card">
        <h2>Upload</h2>
        <div className={`dropzone ${over ? "over" : ""}`} onDragOver={(e) => { e.preventDefault(); setOver(true); }} onDragLeave={() => setOver(false)} onDrop={onDrop}
          data-testid="dropzone">
          <p>Drop images, HTML, video or audio files here, or</p>
          <button type="button" className="secondary" onClick={() => input.current?.click()}>Choose files</button>
          <input ref={input} type="file" multiple hidden aria-label="Creative files" accept=".jpg,.jpeg,.png,.gif,.html,.htm,.mp4,.mov,.mp3,.wav,.ogg,.mpeg" onChange={(e) => add(e.target.files)} />
        </div>
        {files.length > 0 && (
          <>
            <div className="previews">
              {files.map((p, i) => (
                <figure key={p.url}>
                  {p.file.type.startsWith("image/") ? <img src={p.url} alt={`Preview of ${p.file.name}`} /> :
                    p.file.type.startsWith("video/") ? <video src={p.url} controls muted aria-label={`Preview of ${p.file.name}`} /> :
                    p.file.type.startsWith("audio/") ? <audio src={p.url} controls aria-label={`Preview of ${p.file.name}`} /> : <span>{p.file.name}</span>}
                  <label>Name<input value={p.name} onChange={(e) => setFiles(files.map((f, j) => (j === i ? { ...f, name: e.target.value } : f)))} /></label>
                  <small>{(p.file.size / 1024).toFixed(0)} KB</small>
                  <button type="button" className="secondary" onClick={() => setFiles(files.filter((_, j) => j !== i))}>Remove</button>
                </figure>
              ))}
            </div>
            <div className="row-actions">
              <label>Click URL<input value={clickUrl} onChange={(e) => setClickUrl(e.target.value)} /></label>
              <button onClick={() => upload.mutate()} disabled={upload.isPending}>Upload {files.length} file{files.length > 1 ? "s" : ""}</button>
            </div>
          </>
        )}
        <ErrorBox error={upload.error} />
        {outcome && (
          <div role="status">
            {outcome.ok.length > 0 && <p className="success">Uploaded: {outcome.ok.join(", ")}. A workspace admin approves them before they run.</p>}
            {outcome.failed.map(([k, v]) => <p key={k} className="error">{k}: {v}</p>)}
          </div>
        )}
      </div>
      <div className="filters" role="search">
        <label>Search<input type="search" value={search} onChange={(e) => { setSearch(e.target.value); setPage(1); }} /></label>
        <label>Status<select value={status} onChange={(e) => { setStatus(e.target.value); setPage(1); }}>
          <option value="">All but deleted</option>
          {Object.entries(CREATIVE_STATUS).map(([id, n]) => <option key={id} value={id}>{n}</option>)}
        </select></label>
      </div>
      <ErrorBox error={list.error} />
      <div className="card table-wrap">
        <table>
          <thead><tr><th scope="col">Preview</th><th scope="col">Id</th><th scope="col">Name</th><th scope="col">Type</th><th scope="col">Status</th><th scope="col">Created</th></tr></thead>
          <tbody>
            {(list.data?.filteredList ?? []).map((c) => (
              <tr key={c.creativeId}>
                <td><Thumb c={c} /></td><td>{c.creativeId}</td><td>{c.creativeName}</td><td>{TYPE_NAME[c.platformCreativeTypeId]}</td>
                <td><Status value={CREATIVE_STATUS[c.creativeStatusId] ?? String(c.creativeStatusId)} />{c.creativeRejectionReason ? ` ${c.creativeRejectionReason}` : ""}</td>
                <td>{dateTime(c.createdAt, orgTz)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <Pager page={page} pageSize={PAGE} total={list.data?.filteredRecords ?? 0} onPage={setPage} />
      </div>
    </section>
  );
}
