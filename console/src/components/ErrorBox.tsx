import { ApiError } from "../api";

export function ErrorBox({ error }: { error: unknown }) {
  if (!error) return null;
  const text = error instanceof ApiError ? error.message : error instanceof Error ? error.message : String(error);
  return <p role="alert" className="error">{text}</p>;
}
