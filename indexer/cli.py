"""The ``jinbao`` command: parse, index, serve, demo."""

from __future__ import annotations

import datetime as dt
import json
import sys
import time
from pathlib import Path

import click

DEFAULT_INDEX = Path("index")


def _repo_root() -> Path:
    return Path(__file__).resolve().parent.parent


def sample_archive() -> Path:
    """The bundled sample archive (five real pages)."""
    return _repo_root() / "samples" / "archive"


def _date(_ctx: click.Context, _param: click.Parameter, value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"not a date YYYY-MM-DD: {value!r}") from None


@click.group(help="晋报检索 jinbao — index and search Shanxi newspaper archives.")
def main() -> None:
    pass


@main.command("parse")
@click.argument("page", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--paper", default="unknown", help="Paper slug used in article ids.")
@click.option("--paper-name", default="", help="The paper's name, e.g. 晋中日报.")
@click.option("--home-region", default=None, help="Region that 我市/全市/市委 … refer to, e.g. 晋中市.")
@click.option("--date", "date", callback=_date, default=None, help="Issue date YYYY-MM-DD (inferred from the text if absent).")
@click.option("--page", "page_no", type=click.IntRange(1, 999), default=1, help="Page number.")
def parse_cmd(page: Path, paper: str, paper_name: str, home_region: str | None, date: dt.date | None, page_no: int) -> None:
    """Print the articles of PAGE as JSON Lines."""
    from .build import configure_segmenter
    from .gazetteer import Gazetteer
    from .pipeline import Enricher, parse_text
    from .textio import PageReadError, read_page

    try:
        text = read_page(page).text
    except PageReadError as exc:
        raise click.ClickException(f"{page}: {exc}") from exc
    gazetteer = Gazetteer.load()
    configure_segmenter(gazetteer)
    articles = parse_text(
        text, Enricher(gazetteer), paper=paper, paper_name=paper_name, home_region=home_region,
        date=date, page=page_no, date_source="option",
    )
    for art in articles:
        click.echo(json.dumps(art.to_dict(), ensure_ascii=False))


@main.group("eval")
def eval_group() -> None:
    """Measure quality against hand-made gold files."""


def _gold_eval_command(name: str, help_text: str):
    """An `eval` subcommand over GOLD and PAGES_DIR (plus any ``--also GOLD PAGES_DIR`` sets);
    the decorated function turns the labelled sets of parsed pages into (table, results-with-errors)."""

    def decorate(report):
        @eval_group.command(name, help=help_text)
        @click.argument("gold", type=click.Path(exists=True, dir_okay=False, path_type=Path))
        @click.argument("pages_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
        @click.option("--manifest", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
                      help="CSV with file,paper_slug,paper_name,home_region,issue_date,page "
                           "(default: manifest.csv in PAGES_DIR or beside it).")
        @click.option("--also", "also", multiple=True, nargs=2,
                      type=(click.Path(exists=True, dir_okay=False, path_type=Path),
                            click.Path(exists=True, file_okay=False, path_type=Path)),
                      help="Another GOLD PAGES_DIR set (its manifest.csv in or beside PAGES_DIR); "
                           "each set gets a total row and the last row covers all sets. Repeatable.")
        @click.option("--tolerance", type=click.IntRange(0, 1000), default=40, show_default=True,
                      help="Characters (whitespace ignored) a body may start or end away from the gold "
                           "anchors and still count as found; 0 = the anchors exactly.")
        @click.option("--errors/--no-errors", default=False, help="Also list every error.")
        def command(gold: Path, pages_dir: Path, manifest: Path | None, also: tuple, tolerance: int,
                    errors: bool) -> None:
            from .build import configure_segmenter
            from .evaluate import evaluate_articles
            from .gazetteer import Gazetteer

            gazetteer = Gazetteer.load()
            configure_segmenter(gazetteer)
            sets = [(gold, pages_dir, manifest), *((g, p, None) for g, p in also)]
            labelled = [(g.parent.name if g.stem == "gold" else g.stem,
                         evaluate_articles(g, p, gazetteer, m, tolerance)) for g, p, m in sets]
            table, results = report(labelled)
            click.echo(table)
            if errors:
                for r in results:
                    for e in r.errors:
                        click.echo(f"{r.name}: {e}")

        return command

    return decorate


@_gold_eval_command("articles", "Article boundaries, titles, datelines and kinds of the pages in PAGES_DIR against GOLD.")
def _eval_articles(sets):
    from .evaluate import article_table

    return article_table(sets), [r for _label, results in sets for r in results]


@_gold_eval_command("entities", "Regions (per matched article) and officials (per page) against GOLD.")
def _eval_entities(sets):
    from .evaluate import entity_table, evaluate_entities

    labelled = [(label, evaluate_entities(results)) for label, results in sets]
    return entity_table(labelled), [r for _label, results in labelled for r in results]


@eval_group.command("search")
@click.argument("queries", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--index", "index_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Search this index (default: build the archive into a temporary index).")
@click.option("--archive", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Archive the judgments refer to (default: the bundled sample archive).")
@click.option("--pages", "pages_set", type=click.Path(file_okay=False, exists=True, path_type=Path), default=None,
              help="Loose pages with a manifest.csv and pages/ (e.g. tests/data/devpages), laid out as the archive.")
@click.option("--baseline", is_flag=True, help="Also score plain Whoosh + jieba's ChineseAnalyzer on the same queries.")
@click.option("--details", is_flag=True, help="One line per query.")
def eval_search_cmd(queries: Path, index_dir: Path | None, archive: Path | None, pages_set: Path | None,
                    baseline: bool, details: bool) -> None:
    """nDCG@10, must-find recall and MRR per query kind, through the real /api/search."""
    import tempfile

    from search_app import create_app
    from search_app.evaluation import flask_search, load_queries, run_all, summarize, summary_table

    from .build import build_index

    judged = load_queries(queries)
    with tempfile.TemporaryDirectory() as tmp:
        if pages_set is not None:
            if archive is not None:
                raise click.UsageError("give --archive or --pages, not both")
            from .archive import archive_from_manifest

            try:
                archive = archive_from_manifest(pages_set / "manifest.csv", pages_set / "pages", Path(tmp) / "archive")
            except (OSError, ValueError) as exc:
                raise click.BadParameter(str(exc), param_hint="--pages") from exc
        if index_dir is None:
            index_dir = Path(tmp) / "index"
            summary = build_index(archive or sample_archive(), index_dir)
            click.echo(f"built a temporary index: {summary.line()}", err=True)
        app = create_app({"INDEX_DIR": str(index_dir)})
        engine = app.extensions["jinbao_engine"]
        with engine.searcher() as s:
            docs = [json.loads(f["doc"]) for f in s.all_stored_fields()]
        runs = [("jinbao", run_all(judged, flask_search(app.test_client()), docs))]
        if baseline:
            from search_app.baseline import BaselineSearch

            plain = BaselineSearch(docs, Path(tmp) / "baseline", engine.gazetteer)
            runs.append(("baseline: Whoosh + jieba ChineseAnalyzer", run_all(judged, plain.search, docs)))
        for label, results in runs:
            click.echo(summary_table(summarize(results), label))
            click.echo("")
            if details:
                for r in results:
                    flag = f" ERROR {r.error}" if r.error else ""
                    excl = f" EXCLUDED RETURNED {r.excluded_returned}" if r.excluded_returned else ""
                    click.echo(f"  [{r.kind}] {r.q!r}: nDCG {r.ndcg:.3f}, must {r.must_found}/{r.must}, "
                               f"RR {r.rr:.2f}{flag}{excl}  top: {r.top[:5]}")


@main.command("officials")
@click.argument("name", required=False)
@click.option("--index", "index_dir", type=click.Path(file_okay=False, path_type=Path), default=DEFAULT_INDEX,
              show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
def officials_cmd(name: str | None, index_dir: Path, as_json: bool) -> None:
    """The officials register: every official with article count and dates, or one official's record."""
    from .build import active_dir
    from .register import load_register

    active = active_dir(index_dir)
    register = load_register(active) if active else {}
    if not register:
        raise click.ClickException(f"no officials register in {index_dir} (run `jinbao index ARCHIVE --index {index_dir}`)")
    if name:
        entry = register.get(name)
        if entry is None:
            raise click.ClickException(f"{name}: not in the officials register of {index_dir}")
        if as_json:
            click.echo(json.dumps(entry, ensure_ascii=False, indent=1))
            return
        click.echo(f"{entry['name']}  {entry['articles']} 篇  {entry['first']} — {entry['last']}  {', '.join(entry['papers'])}")
        for t in entry["titles"]:
            click.echo(f"  {t['title']}  {t['first']} — {t['last']}  {t['articles']} 篇  {', '.join(t['papers'])}")
        if entry["regions"]:
            click.echo("  地区: " + "、".join(f"{r['region']}({r['count']})" for r in entry["regions"]))
        return
    entries = sorted(register.values(), key=lambda e: (-e["articles"], e["name"]))
    if as_json:
        click.echo(json.dumps(entries, ensure_ascii=False, indent=1))
        return
    for e in entries:
        latest = max(e["titles"], key=lambda t: t["last"])["title"]
        click.echo(f"{e['name']}\t{e['articles']}\t{e['first']}\t{e['last']}\t{latest}")


@main.command("index")
@click.argument("archive", type=click.Path(file_okay=False, path_type=Path))
@click.option("--index", "index_dir", type=click.Path(file_okay=False, path_type=Path), default=DEFAULT_INDEX,
              show_default=True, help="Index directory.")
@click.option("--paper", default=None, help="Only scan this paper (slug).")
@click.option("--since", callback=_date, default=None, help="Only scan issues from this date on.")
@click.option("--full", is_flag=True, help="Rebuild every page into a new index generation and switch to it atomically.")
@click.option("--dry-run", is_flag=True, help="Say what would change; write nothing.")
@click.option("--purge-paper", default=None, metavar="SLUG", help="Remove every article of this paper from the index.")
@click.option("--purge-range", nargs=2, type=str, default=None, metavar="FROM TO",
              help="Remove every article with an issue date in FROM..TO (YYYY-MM-DD).")
@click.option("-v", "--verbose", is_flag=True, help="Log every page written.")
def index_cmd(archive: Path, index_dir: Path, paper: str | None, since: dt.date | None, full: bool, dry_run: bool,
              purge_paper: str | None, purge_range: tuple[str, str] | None, verbose: bool) -> None:
    """Build or incrementally update the index from ARCHIVE.

    Exit codes: 0 done, 1 done with skipped or repaired files, 2 could not run.
    """
    rng = None
    if purge_range:
        try:
            rng = (dt.date.fromisoformat(purge_range[0]), dt.date.fromisoformat(purge_range[1]))
        except ValueError:
            raise click.BadParameter(f"not dates YYYY-MM-DD: {' '.join(purge_range)}",
                                     param_hint="--purge-range") from None
    sys.exit(run_index(archive, index_dir, paper=paper, since=since, full=full, dry_run=dry_run,
                       purge_paper=purge_paper, purge_range=rng, verbose=verbose))


class _Progress:
    """A progress bar on a terminal, plain log lines otherwise (cron, pipes)."""

    def __init__(self, verbose: bool) -> None:
        self.tty = sys.stderr.isatty()
        self.verbose = verbose
        self.started = time.monotonic()

    def log(self, message: str) -> None:
        if self.verbose or not self.tty:
            if self.tty:
                click.echo("\r\033[K", nl=False, err=True)
            click.echo(f"{time.strftime('%H:%M:%S')} {message}", err=True)

    def __call__(self, done: int, total: int, key: str) -> None:
        if not self.tty:
            return
        width = 30
        filled = int(width * done / max(total, 1))
        rate = done / max(time.monotonic() - self.started, 1e-6)
        click.echo(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} pages, {rate:.1f}/s  {key}",
                   nl=False, err=True)
        if done == total:
            click.echo("", err=True)


def run_index(archive: Path, index_dir: Path, *, paper: str | None = None, since: dt.date | None = None,
              full: bool = False, dry_run: bool = False, purge_paper: str | None = None,
              purge_range: tuple[dt.date, dt.date] | None = None, verbose: bool = False) -> int:
    """Index and report; returns the exit code (0 done, 1 done with skipped files, 2 could not run)."""
    from .build import IndexDamaged, IndexWriteError, build_index
    from .locking import LockHeld

    if not archive.is_dir():
        click.echo(f"error: archive folder {archive} does not exist", err=True)
        return 2
    progress = _Progress(verbose)
    try:
        summary = build_index(archive, index_dir, paper=paper, since=since, full=full, dry_run=dry_run,
                              purge_paper=purge_paper, purge_range=purge_range, log=progress.log,
                              progress=progress)
    except LockHeld as exc:
        click.echo(f"error: {exc}", err=True)
        return 2
    except (IndexWriteError, IndexDamaged) as exc:
        click.echo(f"error: {exc}", err=True)
        return 2
    except OSError as exc:
        click.echo(f"error: cannot use the index directory {index_dir}: {exc.strerror or exc}", err=True)
        return 2
    if dry_run:
        for line in summary.plan:
            click.echo(f"would {line}")
    for problem in summary.problems:
        click.echo(f"skipped: {problem}", err=True)
    for warning in summary.warnings:
        click.echo(f"repaired: {warning}", err=True)
    click.echo(summary.line())
    return 1 if summary.problems or summary.warnings else 0


@main.command("serve")
@click.option("--index", "index_dir", type=click.Path(file_okay=False, path_type=Path), default=DEFAULT_INDEX,
              show_default=True)
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=click.IntRange(1, 65535), default=5000, show_default=True)
@click.option("--threads", type=click.IntRange(1, 64), default=8, show_default=True)
@click.option("--query-cache", type=click.IntRange(0, 100_000), default=256, show_default=True,
              help="Search answers kept until the index changes (0: none).")
@click.option("--base-url", default=None, metavar="URL",
              help="The site's public address for absolute links in feeds, OpenSearch and exports "
                   "(default: http://HOST:PORT); the request's Host header is never used.")
def serve_cmd(index_dir: Path, host: str, port: int, threads: int, query_cache: int, base_url: str | None) -> None:
    """Serve the search site with waitress."""
    serve(index_dir, host, port, threads, query_cache, base_url)


def serve(index_dir: Path, host: str, port: int, threads: int = 8, query_cache: int = 256,
          base_url: str | None = None) -> None:
    """Check the index (open it, read one document), then serve; exit 2 if it cannot be read."""
    import waitress

    from search_app import create_app

    from .indexdir import IndexDamaged, check_index  # (not .build: the parser is not needed to serve)

    exit_if_cannot_listen(host, port)
    try:
        check_index(index_dir)
        base = validate_base_url(base_url) if base_url else f"http://{host}:{port}"
        app = create_app({"INDEX_DIR": str(index_dir), "QUERY_CACHE": query_cache, "BASE_URL": base})
    except (FileNotFoundError, IndexDamaged) as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    try:
        server = waitress.create_server(app, host=host, port=port, threads=threads)
    except OSError as exc:  # taken between the check and now
        click.echo(listen_error(host, port, exc), err=True)
        sys.exit(2)
    click.echo(f"晋报检索 serving {index_dir} on http://{host}:{port}/ (public address {base})")
    server.run()


def listen_error(host: str, port: int, exc: OSError) -> str:
    """One line for a reader who started the site on an address it cannot have."""
    import errno

    if exc.errno == errno.EADDRINUSE:
        return f"端口 {port} 已被占用，用 --port 指定其他端口"
    return f"无法在 {host}:{port} 上监听（{exc.strerror or exc}），用 --host/--port 指定其他地址"


def exit_if_cannot_listen(host: str, port: int) -> None:
    """Exit 2 with one line (no traceback) when ``host:port`` cannot be listened on — before
    the index is built or opened, not after. (The server binds again for real: a port taken
    in between is reported the same way.)"""
    import socket

    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        family, kind, proto, _name, address = infos[0]
        with socket.socket(family, kind, proto) as sock:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as waitress does
            sock.bind(address)
    except OSError as exc:
        click.echo(listen_error(host, port, exc), err=True)
        sys.exit(2)


def validate_base_url(url: str) -> str:
    """``--base-url``: an http(s) origin with an optional path, without a trailing slash."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise click.BadParameter(f"not an http(s) address: {url!r}", param_hint="--base-url")
    return url.rstrip("/")


@main.command("demo")
@click.option("--index", "index_dir", type=click.Path(file_okay=False, path_type=Path), default=DEFAULT_INDEX,
              show_default=True)
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=click.IntRange(1, 65535), default=5000, show_default=True)
def demo_cmd(index_dir: Path, host: str, port: int) -> None:
    """Index the bundled sample archive into INDEX and serve it."""
    exit_if_cannot_listen(host, port)
    code = run_index(sample_archive(), index_dir)
    if code == 2:
        sys.exit(code)
    serve(index_dir, host, port)


if __name__ == "__main__":
    main()
