"""`adplane healthcare ...`: load reference data from CSV, generate a synthetic dataset, set a
campaign's NPI audience."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import typer

from adplane.core.commands import emit, open_database
from adplane.core.errors import ApiError
from adplane.healthcare import audiences, dataset
from adplane.healthcare.synthetic import SyntheticSpec, generate

app = typer.Typer(no_args_is_help=True, help="Healthcare reference data (prescribers, volumes, patients).")


@app.command("load")
def load(
    folder: Path = typer.Argument(..., exists=True, file_okay=False, help="Folder of dataset CSV files."),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Replace the reference data by the CSV files of FOLDER (format: docs/insights.md)."""
    try:
        data = dataset.read_dir(folder)
    except dataset.DatasetError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(code=2) from None
    _settings, db = open_database()
    with db.session() as session:
        counts = dataset.store(session, data)
        session.commit()
    emit(counts, as_json)


@app.command("generate")
def generate_command(
    seed: int = typer.Option(1, help="Random seed: the same seed gives the same data."),
    prescribers: int = typer.Option(600, min=1),
    weeks: int = typer.Option(26, min=2),
    first_week: str = typer.Option("2026-01-05", help="ISO date of the first week (its Monday is used)."),
    lift: float = typer.Option(0.2, help="Built-in effect: exposed prescribers' brand volume × (1 + lift)."),
    exposed_share: float = typer.Option(0.3, min=0.0, max=1.0),
    exposure_start: str | None = typer.Option(None, help="ISO date exposures start (default: middle week)."),
    out: Path | None = typer.Option(None, help="Write CSV files here instead of the database."),
    ow_id: int | None = typer.Option(None, help="With --campaign-id: give the exposed NPIs to that campaign."),
    campaign_id: int | None = typer.Option(None),
    exposures_from_events: bool = typer.Option(
        False, "--exposures-from-events",
        help="With --ow-id/--campaign-id: build the effect in at each NPI's first impression of that campaign "
             "in the analytics store (run after delivering the campaign)."),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Generate a seeded synthetic dataset with a known exposure effect (use --lift 0 for none)."""
    try:
        spec = SyntheticSpec(
            seed=seed, prescribers=prescribers, weeks=weeks, first_week=date.fromisoformat(first_week), lift=lift,
            exposed_share=exposed_share,
            exposure_start=date.fromisoformat(exposure_start) if exposure_start else None,
        )
    except ValueError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(code=2) from None
    if exposures_from_events:
        if ow_id is None or campaign_id is None:
            typer.echo("error: --exposures-from-events needs --ow-id and --campaign-id", err=True)
            raise typer.Exit(code=2)
        spec.exposures, spec.audience_users = _delivered(ow_id, campaign_id)
    result = generate(spec)
    summary: dict = {"exposedPrescribers": len(result.exposures), "lift": lift, **result.dataset.counts()}
    if out is not None:
        dataset.write_dir(result.dataset, out)
        (out / "exposures.csv").write_text(
            "npi,first_exposure\n" + "".join(f"{n},{d.isoformat()}\n" for n, d in sorted(result.exposures.items()))
        )
        emit(summary, as_json)
        return
    _settings, db = open_database()
    with db.session() as session:
        dataset.store(session, result.dataset)
        if campaign_id is not None and ow_id is not None and not exposures_from_events:
            audiences.set_campaign_npis(session, ow_id, campaign_id, result.exposures)
            summary["campaignId"] = campaign_id
        session.commit()
    emit(summary, as_json)


@app.command("assign-npis")
def assign_npis(
    ow_id: int = typer.Option(...),
    campaign_id: int = typer.Option(...),
    npis_file: Path = typer.Option(
        ..., exists=True, dir_okay=False, help="One NPI a line (or a CSV whose first column is the NPI)."
    ),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Set a campaign's matched NPI audience (which makes it a healthcare campaign)."""
    lines = [line.split(",")[0].strip() for line in npis_file.read_text().splitlines()]
    npis = [n for n in lines if n.isdigit()]
    _settings, db = open_database()
    with db.session() as session:
        try:
            saved = audiences.set_campaign_npis(session, ow_id, campaign_id, npis)
        except ApiError as exc:
            typer.echo(f"error: {exc.error_objects[0]['error']}", err=True)
            raise typer.Exit(code=2) from None
        session.commit()
    emit({"campaignId": campaign_id, "npis": len(saved)}, as_json)


def _delivered(ow_id: int, campaign_id: int) -> tuple[dict[str, date], list[str]]:
    """From the analytics store: NPI → date of its first impression of the campaign, and the users
    it reached (they become the synthetic patient audience, so AQS has matches to find)."""
    from datetime import UTC, datetime

    from adplane.analytics.store import open_store
    from adplane.insights.delivery import exposed_users, first_exposures

    settings, db = open_database()
    db.dispose()
    store = open_store(settings)
    since, until = datetime(1970, 1, 1, tzinfo=UTC), datetime(9999, 1, 1, tzinfo=UTC)
    try:
        found = first_exposures(store, ow_id, [campaign_id], since, until)
        users = sorted(exposed_users(store, ow_id, [campaign_id], since, until))
    finally:
        store.close()
    return {npi: instant.date() for npi, instant in found.items()}, users
