import { useState, type FormEvent } from "react";
import { useLocation, useNavigate } from "react-router-dom";
import { ApiError, login } from "../api";

export function LoginPage() {
  const navigate = useNavigate();
  const location = useLocation();
  const [host, setHost] = useState(localStorage.getItem("adplane.console.host") ?? window.location.hostname);
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [fields, setFields] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setFields({});
    try {
      await login(host.trim(), email.trim(), password);
      localStorage.setItem("adplane.console.host", host.trim());
      navigate((location.state as { from?: string } | null)?.from ?? "/", { replace: true });
    } catch (err) {
      if (err instanceof ApiError) {
        setError(err.message);
        setFields(err.fieldErrors());
      } else setError("The server could not be reached.");
    } finally {
      setBusy(false);
    }
  }

  return (
    <main className="login" id="main">
      <form onSubmit={submit} aria-labelledby="login-title" className="card">
        <h1 id="login-title">Sign in to adplane</h1>
        <label>
          Workspace host
          <input name="host" value={host} onChange={(e) => setHost(e.target.value)} required autoComplete="off"
            aria-invalid={!!fields["X-IAA-HOST"]} aria-describedby="host-help" />
        </label>
        <small id="host-help">{fields["X-IAA-HOST"] ?? "The host name of your workspace, e.g. localhost for the demo."}</small>
        <label>
          E-mail
          <input name="email" type="email" value={email} onChange={(e) => setEmail(e.target.value)} required autoComplete="username"
            aria-invalid={!!fields.email} />
        </label>
        {fields.email && <small className="field-error">{fields.email}</small>}
        <label>
          Password
          <input name="password" type="password" value={password} onChange={(e) => setPassword(e.target.value)} required
            autoComplete="current-password" aria-invalid={!!fields.password} />
        </label>
        {fields.password && <small className="field-error">{fields.password}</small>}
        {error && <p role="alert" className="error">{error}</p>}
        <button type="submit" disabled={busy}>{busy ? "Signing in…" : "Sign in"}</button>
      </form>
    </main>
  );
}
