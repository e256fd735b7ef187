"""The ``billfold`` command: serve, worker, migrate, demo, accounts, keys."""

from __future__ import annotations

from typing import Annotated

import typer

from billfold.clock import SystemClock
from billfold.config import get_settings

app = typer.Typer(
    help="Billfold: a self-hosted billing core and customer portal with a Stripe-shaped API.",
    no_args_is_help=True,
    add_completion=False,
)
accounts_app = typer.Typer(help="Create and list merchant accounts.", no_args_is_help=True)
keys_app = typer.Typer(help="Create API keys (shown once, stored hashed).", no_args_is_help=True)
app.add_typer(accounts_app, name="accounts")
app.add_typer(keys_app, name="keys")


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to bind.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    reload: Annotated[bool, typer.Option(help="Restart on code changes (development).")] = False,
    workers: Annotated[int, typer.Option(help="Worker processes (each keeps its own connection).")] = 1,
    with_worker: Annotated[
        bool,
        typer.Option("--with-worker", help="Also run the background worker (renewals, dunning) in a thread."),
    ] = False,
) -> None:
    """Serve the API and pages with uvicorn."""
    import uvicorn

    if with_worker:
        _start_background_worker()
    uvicorn.run(
        "billfold.app:create_app",
        factory=True,
        host=host,
        port=port,
        reload=reload,
        workers=None if reload else workers,
        log_level="info",
        access_log=False,
    )


@app.command()
def migrate() -> None:
    """Upgrade the database (BILLFOLD_DATABASE_URL) to the latest schema."""
    from billfold.migrate import migrate as run

    settings = get_settings()
    run(settings.database_url)
    typer.echo(f"Database at {settings.database_url} is up to date.")


@app.command()
def demo(
    serve_after: Annotated[bool, typer.Option("--serve/--no-serve", help="Serve after seeding.")] = True,
    port: Annotated[int, typer.Option(help="Port to serve on.")] = 8000,
) -> None:
    """Migrate, seed the demo account (idempotently) and serve, printing the URLs and key."""
    from billfold.demo import seed_demo
    from billfold.migrate import migrate as run

    settings = get_settings()
    run(settings.database_url)
    result = seed_demo(settings)
    base = settings.public_base_url.rstrip("/")
    typer.echo("")
    typer.echo(f"Billfold demo ({result.business_name}) is ready.")
    typer.echo(f"  Landing page:      {base}/")
    typer.echo(f"  API reference:     {base}/docs/api")
    typer.echo(f"  OpenAPI document:  {base}/openapi.json")
    typer.echo(f"  stripe.api_base:   {base}  (API paths start with /v1/; use the key below)")
    if result.invoice_url:
        typer.echo(f"  A hosted invoice:  {result.invoice_url}")
        typer.echo(f"  Its PDF:           {result.invoice_url}/pdf")
    typer.echo(f"  Demo secret key:   {result.secret_key}")
    typer.echo("")
    typer.echo(f"  curl {base}/v1/customers -u {result.secret_key}:")
    typer.echo("")
    if serve_after:
        typer.echo("  The worker runs in-process: renewals, trial ends and retries happen as time passes.")
        typer.echo("")
        serve(host="127.0.0.1", port=port, reload=False, workers=1, with_worker=True)


def _start_background_worker() -> None:
    from billfold.jobs.worker import start_in_background
    from billfold.payments import get_gateway

    settings = get_settings()
    start_in_background(
        settings.database_url,
        gateway=get_gateway(),
        clock=SystemClock(),
        api_version=settings.api_version,
        public_base_url=settings.public_base_url,
    )


@app.command()
def worker(
    once: Annotated[bool, typer.Option("--once", help="Run until nothing is due, then exit.")] = False,
    batch_size: Annotated[int, typer.Option(min=1, help="Items per batch (one transaction each).")] = 500,
    interval: Annotated[float, typer.Option(min=0.01, help="Seconds to sleep when nothing is due.")] = 5.0,
    now: Annotated[
        int | None,
        typer.Option(help="Run as if it were this unix time (testing, replays); default: the real time."),
    ] = None,
    concurrency: Annotated[
        int,
        typer.Option(min=1, help="Worker processes side by side (PostgreSQL only; about one per core)."),
    ] = 1,
) -> None:
    """Run what time makes due: renewals, trial ends, cancellations, dunning retries, notices."""
    from billfold.jobs import pool

    settings = get_settings()
    if concurrency > 1 and settings.database_url.startswith("sqlite"):
        msg = "SQLite takes one writer at a time: run one worker process there (more need PostgreSQL)."
        raise typer.BadParameter(msg, param_hint="'--concurrency'")
    spec = pool.WorkerSpec(settings.database_url, batch_size, settings.api_version, settings.public_base_url, now)
    if once:
        outcome = pool.run_until_idle(spec, concurrency)
        typer.echo(f"Processed {outcome.processed} due items.")
        if outcome.skipped:
            typer.echo(f"Failed (see the log): {', '.join(sorted(outcome.skipped))}", err=True)
        for death in outcome.deaths:
            typer.echo(f"Failed: {death}.", err=True)
        if outcome.skipped or outcome.deaths:
            raise typer.Exit(code=1)
        return
    deaths = pool.run_forever(spec, concurrency, interval, pool.stop_on_signals())
    if deaths:
        typer.echo(f"Stopped because {'; '.join(deaths)}.", err=True)
        raise typer.Exit(code=1)


@accounts_app.command("create")
def accounts_create(
    business_name: Annotated[str, typer.Option(help="The merchant's business name.")],
    email: Annotated[str | None, typer.Option(help="Contact email.")] = None,
    country: Annotated[str, typer.Option(help="Two-letter country code.")] = "US",
    parent: Annotated[str | None, typer.Option(help="Platform account id, for a connected account.")] = None,
) -> None:
    """Create an account and print its id."""
    from billfold.accounts import create_account
    from billfold.db import Database

    db = Database(get_settings().database_url)
    with db.unit_of_work() as session:
        account = create_account(
            session,
            SystemClock(),
            business_name=business_name,
            email=email,
            country=country,
            parent_id=parent,
        )
        account_id = account.id
    db.close()
    typer.echo(account_id)


@keys_app.command("create")
def keys_create(
    account: Annotated[str, typer.Option(help="The account id (acct_...).")],
) -> None:
    """Create a secret key for an account and print it (it is not shown again)."""
    from sqlalchemy import select

    from billfold.accounts import create_api_key
    from billfold.db import Database
    from billfold.models import Account

    settings = get_settings()
    db = Database(settings.database_url)
    with db.unit_of_work() as session:
        if session.scalar(select(Account.pk).where(Account.id == account)) is None:
            typer.echo(f"No such account: {account}", err=True)
            raise typer.Exit(code=1)
        _row, plaintext = create_api_key(session, SystemClock(), settings.secret_key, account)
    db.close()
    typer.echo(plaintext)


def main() -> None:
    """Entry point."""
    app()
