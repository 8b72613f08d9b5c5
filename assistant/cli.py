"""Command line: `assistant index | ask | guide | serve | eval` — a thin layer over qa.Assistant."""

from __future__ import annotations

import functools
import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import click

from .settings import load_settings

MAX_HISTORY_BYTES = 2_000_000
MAX_STDIN_CHARS = 10_000_000  # a question this long is refused anyway; stop reading there


class UserError(click.ClickException):
    """A problem the user can fix; printed as one line, exit status 1."""

    def show(self, file: Any = None) -> None:
        click.echo(f"error: {self.message}", err=True)


def friendly_errors(func: Callable[..., Any]) -> Callable[..., Any]:
    """Turn known failures into one-line messages; never show a traceback to a user."""
    from pydantic import ValidationError

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from .embeddings import EmbeddingUnavailable
        from .index import IndexProblem
        from .qa import InvalidQuestion

        try:
            return func(*args, **kwargs)
        except (InvalidQuestion, IndexProblem, EmbeddingUnavailable) as err:
            full = disk_full(err)  # the store could not even open: not a damaged index
            raise UserError(disk_full_message(full) if full else str(err)) from err
        except ValidationError as err:
            first = err.errors()[0]
            where = ".".join(str(x) for x in first["loc"])
            raise UserError(f"invalid setting {where}: {first['msg']}") from err
        except KeyboardInterrupt:
            raise UserError("interrupted") from None
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except Exception as err:
            if os.environ.get("ASSISTANT_DEBUG"):
                raise
            full = disk_full(err)
            if full is not None:
                raise UserError(disk_full_message(full)) from err
            raise UserError(
                f"unexpected failure ({err.__class__.__name__}: {err}); "
                "set ASSISTANT_DEBUG=1 to see the details"
            ) from err

    return wrapper


def disk_full(err: BaseException) -> str | None:
    """What said the disk is full, if anything in the chain of causes did: an OSError
    ENOSPC/EDQUOT, or SQLite's (and so Chroma's) "database or disk is full"."""
    import errno

    seen: BaseException | None = err
    for _ in range(10):  # the causes of a cause; a cycle stops here
        if seen is None:
            return None
        if isinstance(seen, OSError) and seen.errno in (errno.ENOSPC, errno.EDQUOT):
            return f"{seen.strerror or 'no space left on device'}"
        text = str(seen)
        if "database or disk is full" in text or "No space left on device" in text:
            return " ".join(text.split())[:200]
        seen = seen.__cause__ or seen.__context__
    return None


def disk_full_message(detail: str) -> str:
    return (f"the disk is full ({detail}); the index was left as it was: free some space "
            "and run this again")


def paths_options(func: Callable[..., Any]) -> Callable[..., Any]:
    func = click.option("--chroma-url", "chroma_url", envvar="ASSISTANT_CHROMA_URL",
                        default=None, metavar="http://HOST:PORT",
                        help="Keep the vectors on this Chroma server (`chroma run`) "
                        "instead of the embedded store.")(func)
    func = click.option("--index", "index_dir", type=click.Path(path_type=Path),
                        envvar="ASSISTANT_INDEX_DIR", default=None,
                        help="Index folder [default: index/].")(func)
    func = click.option("--corpus", "corpus_dir", type=click.Path(path_type=Path),
                        envvar="ASSISTANT_CORPUS_DIR", default=None,
                        help="Folder of articles [default: corpus/].")(func)
    return func


def llm_options(func: Callable[..., Any]) -> Callable[..., Any]:
    func = click.option("--llm-model", envvar="ASSISTANT_LLM_MODEL", default=None,
                        help="Model name on that server.")(func)
    func = click.option("--llm-url", envvar="ASSISTANT_LLM_URL", default=None,
                        metavar="http://HOST:PORT/v1",
                        help="OpenAI-compatible server to write the answers (API key, if "
                        "any, from ASSISTANT_LLM_API_KEY); without it, answers quote the "
                        "articles.")(func)
    return func


def build_assistant(corpus_dir: Path | None, index_dir: Path | None,
                    chroma_url: str | None = None, **overrides: Any) -> Any:
    from .qa import Assistant

    if overrides.get("llm_url") and not (overrides.get("llm_model")
                                         or os.environ.get("ASSISTANT_LLM_MODEL")):
        raise UserError("--llm-url needs --llm-model (the model's name on that server)")
    settings = load_settings(corpus_dir=corpus_dir, index_dir=index_dir, chroma_url=chroma_url,
                             **overrides)
    return Assistant(settings)


def ensure_index_verbose(assistant: Any) -> None:
    """Build (when there is none) or start updating the index, telling the user on stderr;
    an existing index is updated in the background while questions are answered."""
    from .qa import BackgroundUpdate

    if not assistant.index.exists():
        click.echo(f"building the index first (there is none yet in {assistant.index.root}); "
                   "later updates run in the background", err=True)
    report = assistant.ensure_index(progress=sys.stderr.isatty(), background=True)
    if isinstance(report, BackgroundUpdate):
        click.echo(report.summary(), err=True)
    elif report is not None:
        report_skipped(report.skipped, report.warnings)
        click.echo(report.summary(), err=True)


SKIPPED_EXIT = 3  # the command did its work, but some files were skipped


def report_skipped(skipped: Sequence[Any], warnings: Sequence[Any] = ()) -> None:
    for item in skipped:
        click.echo(f"skipped {item.path}: {item.reason}", err=True)
    for item in warnings:  # indexed, with part of its front matter ignored
        click.echo(f"warning {item.path}: {item.reason}", err=True)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="assistant")
def cli() -> None:
    """Ask questions about news articles; every answer sentence cites its source."""


@cli.command("index")
@paths_options
@click.option("--rebuild", is_flag=True, help="Drop the index and embed everything again.")
@friendly_errors
def index_command(corpus_dir: Path | None, index_dir: Path | None, chroma_url: str | None,
                  rebuild: bool) -> None:
    """Embed added or changed articles and drop deleted ones.

    Exit status 0: all files indexed; 3: indexed, but some files were skipped (listed)."""
    assistant = build_assistant(corpus_dir, index_dir, chroma_url)
    report = assistant.update_index(rebuild=rebuild, progress=True)
    report_skipped(report.skipped, report.warnings)
    click.echo(report.summary())
    if report.skipped:
        sys.exit(SKIPPED_EXIT)


@cli.command("add")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@paths_options
@friendly_errors
def add_command(paths: tuple[Path, ...], corpus_dir: Path | None, index_dir: Path | None,
                chroma_url: str | None) -> None:
    """Copy article files (.md .txt .html .pdf, or folders of them) into the corpus and
    index them. Exit status 3 when some were skipped (each listed with its reason)."""
    assistant = build_assistant(corpus_dir, index_dir, chroma_url)
    added, skipped, report = assistant.add_files(list(paths), progress=True)
    for item in added:
        click.echo(f"added {item.source} -> {item.target}")
    report_skipped(skipped + report.skipped, report.warnings)
    click.echo(f"{len(added)} file(s) added, {len(skipped)} skipped; {report.summary()}")
    if skipped or report.skipped:
        sys.exit(SKIPPED_EXIT)


@cli.command("list")
@paths_options
@click.option("--json", "as_json", is_flag=True, help="Print the list as JSON.")
@friendly_errors
def list_command(corpus_dir: Path | None, index_dir: Path | None, chroma_url: str | None,
                 as_json: bool) -> None:
    """Show the indexed articles: id, title, date, chunks."""
    assistant = build_assistant(corpus_dir, index_dir, chroma_url)
    articles = assistant.list_articles()
    if as_json:
        click.echo(json.dumps([a.to_dict() for a in articles], ensure_ascii=False, indent=2))
        return
    width = max([len(a.id) for a in articles] + [2])
    click.echo(f"{'id':<{width}}  {'date':<10}  {'chunks':>6}  title")
    for a in articles:
        click.echo(f"{a.id:<{width}}  {a.published[:10] or '-':<10}  {a.chunks:>6}  {a.title}")
    click.echo(f"{len(articles)} article(s), {sum(a.chunks for a in articles)} chunks")


def read_history(path: Path | None) -> list[Any]:
    from .qa import InvalidQuestion, parse_history

    if path is None:
        return []
    try:
        too_big = path.stat().st_size > MAX_HISTORY_BYTES
        raw = None if too_big else json.loads(path.read_text(encoding="utf-8"))
    except OSError as err:
        raise InvalidQuestion(f"cannot read history file {path}: {err.strerror}") from err
    except (UnicodeDecodeError, ValueError) as err:
        raise InvalidQuestion(f"history file {path} is not valid JSON") from err
    if too_big:
        raise InvalidQuestion(f"history file {path} is larger than 2 MB")
    return parse_history(raw)


def format_answer(answer: Any) -> str:
    lines = [answer.answer]
    if answer.query != answer.question:
        lines.insert(0, f"(検索 / search: {answer.query})")
    if answer.notice:
        lines.insert(0, f"⚠ {answer.notice}")
    unsupported = [s.text for s in answer.sentences if s.unsupported]
    if unsupported:
        lines.append("\nNot backed by any passage (treat with care): "
                     + " / ".join(unsupported))
    for c in answer.citations:
        where = " — ".join(x for x in dict.fromkeys((c.title, c.section)) if x)
        date = f" ({c.published})" if c.published else ""
        lines.append(f"\n[{c.n}] {where}{date}")
        lines.append(f"    「{c.quote}」")
        if c.gloss:
            label = ("translation (checked: numbers and names)" if c.gloss_kind == "translation"
                     else "word gloss (not a translation)")
            lines.append(f"    {label}: {c.gloss}")
        lines.append(f"    {c.article_id}, characters {c.start}–{c.end}")
    return "\n".join(lines)


def article_scope(assistant: Any, article_ids: Sequence[str]) -> list[str] | None:
    """The articles a question is limited to (None: all); an id the index doesn't have is
    refused by name, so a typo never silently answers from nothing."""
    if not article_ids:
        return None
    indexed = assistant.retriever().articles
    unknown = [i for i in dict.fromkeys(article_ids) if i not in indexed]
    if unknown:
        names = ", ".join(repr(i) for i in unknown[:3]) + (" …" if len(unknown) > 3 else "")
        raise UserError(f"no indexed article has the id {names} (`assistant list` shows "
                        "the ids)")
    return list(dict.fromkeys(article_ids))


@cli.command("ask")
@click.argument("question")
@paths_options
@click.option("--json", "as_json", is_flag=True, help="Print the answer as one JSON object.")
@click.option("--history", type=click.Path(path_type=Path), default=None,
              help='JSON file: [{"role": "user"|"assistant", "content": "..."}].')
@click.option("--top-k", type=click.IntRange(1, 50), default=None,
              help="Passages to retrieve [default: 5].")
@click.option("--article", "article_ids", multiple=True, metavar="ID",
              help="Search only this article (repeatable; ids as `assistant list` shows "
              "them), like the chat's 'Ask about this article'.")
@llm_options
@friendly_errors
def ask_command(question: str, corpus_dir: Path | None, index_dir: Path | None,
                chroma_url: str | None, as_json: bool, history: Path | None,
                top_k: int | None, article_ids: tuple[str, ...], llm_url: str | None,
                llm_model: str | None) -> None:
    """Answer QUESTION from the articles, with citations (QUESTION `-`: read stdin)."""
    from .qa import clean_question

    if question == "-":
        question = sys.stdin.buffer.read(MAX_STDIN_CHARS).decode("utf-8", "replace")
    assistant = build_assistant(corpus_dir, index_dir, chroma_url, llm_url=llm_url,
                                llm_model=llm_model)
    clean_question(question, assistant.settings.max_question_chars)  # fail before indexing
    turns = read_history(history)
    ensure_index_verbose(assistant)
    scope = article_scope(assistant, article_ids)
    answer = assistant.ask(question, turns, top_k=top_k, article_ids=scope)
    if as_json:
        click.echo(json.dumps(answer.to_dict(), ensure_ascii=False, indent=2))
    else:
        click.echo(format_answer(answer))


@cli.command("guide")
@click.argument("article_id", required=False)
@paths_options
@click.option("--json", "as_json", is_flag=True, help="Print the guide as one JSON object.")
@click.option("--questions", type=click.IntRange(0, 50), default=5, show_default=True,
              help="Quiz questions per article.")
@friendly_errors
def guide_command(article_id: str | None, corpus_dir: Path | None, index_dir: Path | None,
                  chroma_url: str | None, as_json: bool, questions: int) -> None:
    """A study guide of ARTICLE_ID (default: every article): key points, timeline, people
    and organisations, quiz — every item an exact quote."""
    from .views import guide_markdown

    assistant = build_assistant(corpus_dir, index_dir, chroma_url)
    ensure_index_verbose(assistant)
    guide = assistant.study_guide(article_id, questions)
    if as_json:
        click.echo(json.dumps(guide.to_dict(), ensure_ascii=False, indent=2))
    else:
        click.echo(guide_markdown(guide, "ja"))


def format_comparison(comparison: Any) -> str:
    """The comparison as text: the plain verdict, then each article's sentences with the
    values that differ marked 【like this】."""
    lines = [comparison.message]
    marked = {(v.article_id, v.start, v.end) for d in comparison.differences for v in d.values}
    for n, item in enumerate(comparison.articles, start=1):
        first = item.citation
        date = f" ({first.published})" if first.published else ""
        lines.append(f"\n[{n}] {first.title}{date}")
        for c in item.citations:
            quote = c.quote
            for article_id, start, end in sorted(marked, key=lambda m: -m[1]):
                if article_id == c.article_id and c.start <= start and end <= c.end:
                    at, stop = start - c.start, end - c.start
                    quote = f"{quote[:at]}【{quote[at:stop]}】{quote[stop:]}"
            lines.append(f"    「{quote}」")
            lines.append(f"    {c.article_id}, characters {c.start}–{c.end}")
    return "\n".join(lines)


@cli.command("compare")
@click.argument("question")
@paths_options
@click.option("--json", "as_json", is_flag=True, help="Print the comparison as one JSON object.")
@friendly_errors
def compare_command(question: str, corpus_dir: Path | None, index_dir: Path | None,
                    chroma_url: str | None, as_json: bool) -> None:
    """Show how the articles each state what QUESTION asks, and where they differ."""
    from .qa import clean_question

    if question == "-":
        question = sys.stdin.buffer.read(MAX_STDIN_CHARS).decode("utf-8", "replace")
    assistant = build_assistant(corpus_dir, index_dir, chroma_url)
    clean_question(question, assistant.settings.max_question_chars)  # fail before indexing
    ensure_index_verbose(assistant)
    comparison = assistant.compare(question)
    if as_json:
        click.echo(json.dumps(comparison.to_dict(), ensure_ascii=False, indent=2))
    else:
        click.echo(format_comparison(comparison))


@cli.command("serve")
@paths_options
@click.option("--host", default="127.0.0.1", show_default=True, envvar="ASSISTANT_HOST")
@click.option("--port", default=7860, show_default=True, type=click.IntRange(1, 65535),
              envvar="ASSISTANT_PORT")
@click.option("--classroom", is_flag=True, envvar="ASSISTANT_CLASSROOM",
              help="Start in classroom mode: large type, high contrast, one answer at a "
              "time, sources revealed one by one.")
@click.option("--auth", envvar="ASSISTANT_AUTH", default=None, metavar="USER:PASSWORD",
              help="Ask for this login (for a shared classroom machine).")
@click.option("--mcp", is_flag=True, envvar="ASSISTANT_MCP",
              help="Also serve the ask tool to AI desktop clients over MCP, at "
              "/gradio_api/mcp/ (needs: pip install 'assistant[mcp]').")
@llm_options
@friendly_errors
def serve_command(corpus_dir: Path | None, index_dir: Path | None, chroma_url: str | None,
                  host: str, port: int, classroom: bool, auth: str | None, mcp: bool,
                  llm_url: str | None, llm_model: str | None) -> None:
    """Start the chat in the browser (offline; listens on 127.0.0.1 by default)."""
    from .ui import serve

    login = None
    if auth is not None:
        user, sep, password = auth.partition(":")
        if not sep or not user or not password:
            raise UserError("--auth must be USER:PASSWORD")
        login = (user, password)
    if mcp:
        check_mcp_possible(login is not None)

    assistant = build_assistant(corpus_dir, index_dir, chroma_url, llm_url=llm_url,
                                llm_model=llm_model)
    ensure_index_verbose(assistant)
    assistant.retriever()  # load before the first question, not during it
    serve(assistant, host=host, port=port, classroom=classroom, auth=login, mcp=mcp)


def check_mcp_possible(with_login: bool) -> None:
    """Refuse --mcp up front, before the index loads, when it could not work or be safe."""
    import importlib.util

    if with_login:  # Gradio mounts its MCP route outside the login, and its tool calls
        # go back through the queue, which would then demand a login no MCP client has
        raise UserError("--mcp cannot be combined with --auth (Gradio's MCP route has no "
                        "login); serve MCP on 127.0.0.1 without --auth")
    if importlib.util.find_spec("mcp") is None:
        raise UserError("--mcp needs the MCP extra: pip install 'assistant[mcp]' "
                        "(or pip install 'gradio[mcp]')")


def main() -> None:
    cli(prog_name="assistant")


@cli.group("eval")
def eval_group() -> None:
    """Measure quality on a benchmark."""


@eval_group.command("jsquad")
@click.option("--data", "data_path", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              required=True, help="JSQuAD file (SQuAD v1.1 layout), e.g. jsquad-valid-v1.3.json.")
@click.option("--limit", type=click.IntRange(1), default=None,
              help="Only the first N questions (and the articles holding them).")
@click.option("--json", "as_json", is_flag=True, help="Print the metrics as one JSON object.")
@click.option("--keep-index", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Build (or reuse) the evaluation index here instead of a temporary folder.")
@click.option("--compare", is_flag=True,
              help="Also score BM25 only, dense only and the LlamaIndex tutorial pipeline.")
@friendly_errors
def eval_jsquad_command(data_path: Path, limit: int | None, as_json: bool,
                        keep_index: Path | None, compare: bool) -> None:
    """Recall, MRR, answer and refusal quality on JSQuAD (CC BY-SA 4.0)."""
    from .evaluate import run_jsquad

    metrics = run_jsquad(load_settings(), data_path, limit=limit, keep_index=keep_index,
                         progress=True, compare=compare)
    click.echo(json.dumps(metrics, ensure_ascii=False, indent=None if as_json else 2))
