"""Articles on disk: reading corpus/ (.md/.txt with optional YAML front matter, saved
.html pages, .pdf).

An article's `body` is the text after the front matter, exactly as in the file (only
line endings normalised to \\n), or the main text a library extracted from a page or a
PDF; every offset in the index points into it. Text files may be UTF-8 (with or without
BOM), Shift_JIS, EUC-JP or any encoding charset-normalizer recognises.
"""

from __future__ import annotations

import codecs
import contextlib
import datetime as dt
import hashlib
import logging
import os
import re
import stat
import warnings
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import frontmatter
import yaml
from frontmatter.default_handlers import YAMLHandler

from .roles import valid_overrides

MIN_ARTICLE_LETTERS = 8
MIN_PAGE_LETTERS = 40  # less main text than this in a web page: it was all boilerplate
JAPANESE_ENCODINGS = ("cp932", "euc_jp", "iso2022_jp")
IGNORED_SUFFIXES = (".yaml", ".yml", ".json", ".toml")  # settings next to the articles
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff\uff66-\uff9f]")
_HEADING = re.compile(r"^#{1,6}\s+")
MAX_FRONT_MATTER_BYTES = 64 * 1024
BYTES_PER_CHAR = 4  # UTF-8 needs at most 4 bytes a character (Shift_JIS, EUC-JP: 2 or 3)
MAX_PDF_BYTES = 200_000_000  # images make a PDF big without adding text
FRONT_MATTER_REFUSED = "front matter too large or uses YAML aliases"
_NO_FOLLOW = getattr(os, "O_NOFOLLOW", 0)  # POSIX only, like FIFOs
_NO_BLOCK = getattr(os, "O_NONBLOCK", 0)


@dataclass(frozen=True)
class ReadLimits:
    """How much one article file may hold: a hostile or mistaken file (a 60 MB text, a
    10,000-page PDF) is skipped with the reason instead of stalling every index update."""

    max_article_chars: int = 2_000_000
    max_pdf_pages: int = 500

    def max_bytes(self, suffix: str) -> int:
        """Files larger than this are refused before they are read."""
        text_bytes = self.max_article_chars * BYTES_PER_CHAR
        return max(text_bytes, MAX_PDF_BYTES) if suffix == ".pdf" else text_bytes


def readable_path(path: Path | str) -> str:
    """A path as text that can be printed and stored: bytes of a file name that are not
    UTF-8 (kept by Python as surrogate escapes) are shown as \\xNN."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")


@dataclass(frozen=True)
class Article:
    id: str
    title: str
    body: str
    source: str = ""
    published: str = ""
    language: str = "ja"
    path: str = ""
    content_hash: str = ""
    roles: tuple[tuple[str, str], ...] = ()  # front matter: (section heading, role)
    warnings: tuple[str, ...] = ()  # what was ignored while reading it (a bad `roles:`)


@dataclass(frozen=True)
class Skipped:
    path: str
    reason: str


def detect_language(text: str) -> str:
    """'ja' when a noticeable share of the letters are kana/kanji, else 'en'."""
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return "en"
    cjk = sum(1 for c in letters if _CJK.match(c))
    return "ja" if cjk / len(letters) >= 0.1 else "en"


def _first_line_title(body: str) -> str:
    for line in body.splitlines():
        line = _HEADING.sub("", line).strip()
        if line:
            return line[:200]
    return ""


def _as_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


class _GuardedYAMLHandler(YAMLHandler):
    """YAML front matter, refused when it is large or uses anchors/aliases: nested aliases
    (a "billion laughs") expand to gigabytes; an article's metadata never needs them."""

    def load(self, fm: str, **kwargs: Any) -> Any:
        if len(fm.encode("utf-8", "surrogatepass")) > MAX_FRONT_MATTER_BYTES:
            raise ValueError(FRONT_MATTER_REFUSED)
        for event in yaml.parse(fm, Loader=yaml.SafeLoader):  # events only: nothing expands
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                raise ValueError(FRONT_MATTER_REFUSED)
        return super().load(fm, **kwargs)


def parse_article(text: str, path: Path) -> Article:
    """Build an Article from a text file's content; raises ValueError with a reason."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    handler = frontmatter.detect_format(text, frontmatter.handlers)
    if isinstance(handler, YAMLHandler):
        handler = _GuardedYAMLHandler()
    try:
        post = frontmatter.loads(text, handler=handler)
    except yaml.YAMLError as err:
        raise ValueError(f"front matter is not valid YAML ({err.__class__.__name__})") from err
    meta = post.metadata if isinstance(post.metadata, dict) else {}
    return make_article(
        path,
        post.content,
        article_id=_as_text(meta.get("id")),
        title=_as_text(meta.get("title")),
        source=_as_text(meta.get("source")),
        published=_as_text(meta.get("published") or meta.get("date")),
        language=_as_text(meta.get("language")),
        roles=meta.get("roles"),
    )


def make_article(path: Path, body: str, *, article_id: str = "", title: str = "",
                 source: str = "", published: str = "", language: str = "",
                 roles: object = None) -> Article:
    """An Article with defaults filled in (id from the file name, title from the first
    line, language detected); raises ValueError when there is no real text."""
    letters = sum(1 for ch in body if ch.isalnum())
    if letters == 0:
        raise ValueError("no article text")
    if letters < MIN_ARTICLE_LETTERS:
        raise ValueError(f"too little text for an article ({letters} letters)")
    article = Article(
        id=article_id or readable_path(path.stem),
        title=title or _first_line_title(body),
        body=body,
        source=source,
        published=published,
        language=language or detect_language(body),
        path=readable_path(path),
    )
    overrides, problems = valid_overrides(roles)
    article = replace(article, roles=tuple(overrides.items()), warnings=tuple(problems))
    fields = [article.id, article.title, article.body, article.source, article.published,
              article.language] + ([repr(article.roles)] if article.roles else [])
    digest = hashlib.sha256("\x1f".join(fields).encode("utf-8")).hexdigest()
    return replace(article, content_hash=digest)


def body_fingerprint(article: Article) -> str:
    """Same for two copies of one text, whatever their file names or front matter."""
    return hashlib.sha256(" ".join(article.body.split()).encode("utf-8")).hexdigest()


def decode_text(raw: bytes) -> str:
    """Bytes of a text file as str: UTF-8 (BOM or not) first, else the encoding
    charset-normalizer finds (Shift_JIS, EUC-JP, ...); ValueError when it is not text."""
    if raw.startswith(codecs.BOM_UTF8):
        raw = raw[len(codecs.BOM_UTF8):]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = ""
    if not text:
        if _looks_binary(raw):
            raise ValueError("binary data, not text")
        text = _detect_and_decode(raw)
    if "\x00" in text or _looks_binary(text.encode("utf-8", "ignore")):
        raise ValueError("binary data, not text")
    return text


def _detect_and_decode(raw: bytes) -> str:
    """charset-normalizer's guess, unless a Japanese encoding gives real Japanese.

    Short EUC-JP text is also valid EUC-KR (and guessed so, giving Hangul noise); text
    decoded with the right encoding is full of hiragana, a wrong one hardly ever is."""
    from charset_normalizer import from_bytes

    matches = from_bytes(raw)
    encodings = [m.encoding for m in matches] + list(JAPANESE_ENCODINGS)
    decoded = {}
    for encoding in dict.fromkeys(encodings):
        with contextlib.suppress(UnicodeDecodeError, LookupError):
            decoded[encoding] = raw.decode(encoding)
    japanese = max(decoded.values(), key=_hiragana_share, default="")
    if _hiragana_share(japanese) >= 0.1:
        return japanese
    best = matches.best()
    if best is None:
        raise ValueError("text in an unknown or mixed encoding (save it as UTF-8)")
    return str(best)


def _hiragana_share(text: str) -> float:
    letters = [ch for ch in text if ch.isalpha()]
    return sum(1 for ch in letters if "\u3041" <= ch <= "\u309f") / len(letters) if letters else 0


def _looks_binary(raw: bytes) -> bool:
    sample = raw[:8192]
    if b"\x00" in sample:
        return True
    controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13, 27))
    return controls > len(sample) * 0.05


def read_text_article(raw: bytes, path: Path, limits: ReadLimits) -> Article:
    text = decode_text(raw)
    _check_length(len(text), limits)  # before the front matter is parsed
    return parse_article(text, path)


def _check_length(chars: int, limits: ReadLimits) -> None:
    if chars > limits.max_article_chars:
        raise ValueError(f"article too long ({chars:,} characters; at most "
                         f"{limits.max_article_chars:,}, ASSISTANT_MAX_ARTICLE_CHARS)")


def read_html_article(raw: bytes, path: Path, limits: ReadLimits) -> Article:
    """The main text of a saved web page (trafilatura: no menus, ads or comment forms),
    with its title and publication date."""
    import trafilatura

    if _looks_binary(raw):
        raise ValueError("binary data, not an HTML page")
    text = trafilatura.extract(raw, output_format="markdown", include_comments=False,
                               include_tables=True, favor_precision=True)
    if not text or sum(1 for ch in text if ch.isalnum()) < MIN_PAGE_LETTERS:
        raise ValueError("no article text found in the page (only navigation or boilerplate)")
    meta = trafilatura.extract_metadata(raw)
    return make_article(
        path,
        text,
        title=(meta.title if meta else "") or "",
        source=(meta.url or meta.sitename or "") if meta else "",
        published=(meta.date if meta else "") or "",
    )


def read_pdf_article(raw: bytes, path: Path, limits: ReadLimits) -> Article:
    """The text of a PDF's pages (pypdf), pages separated by blank lines. What pypdf
    complains about on a damaged file goes into the one reason, not onto the terminal."""
    import io

    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    with _pypdf_complaints() as complaints:
        try:
            reader = PdfReader(io.BytesIO(raw))
            if reader.is_encrypted:
                raise ValueError("the PDF is encrypted")
            if len(reader.pages) > limits.max_pdf_pages:
                raise ValueError(f"too many pages ({len(reader.pages):,}; at most "
                                 f"{limits.max_pdf_pages:,}, ASSISTANT_MAX_PDF_PAGES)")
            pages = [(page.extract_text() or "").strip() for page in reader.pages]
            info = reader.metadata
        except (PyPdfError, OSError, KeyError, TypeError, AttributeError) as err:
            said = f"; pypdf: {complaints[0]}" if complaints else ""
            raise ValueError(f"not a readable PDF ({err.__class__.__name__}{said})") from err
    created = info.creation_date if info else None
    return make_article(
        path,
        "\n\n".join(p for p in pages if p),
        title=_as_text(info.title) if info else "",
        published=created.date().isoformat() if isinstance(created, dt.datetime) else "",
    )


class _Collect(logging.Handler):
    def __init__(self, into: list[str]) -> None:
        super().__init__(logging.WARNING)
        self.into = into

    def emit(self, record: logging.LogRecord) -> None:
        self.into.append(" ".join(record.getMessage().split())[:200])


@contextlib.contextmanager
def _pypdf_complaints() -> Any:
    """pypdf's log warnings and Python warnings while reading, collected instead of
    printed (a damaged file made it print the same line dozens of times)."""
    complaints: list[str] = []
    logger = logging.getLogger("pypdf")
    handler, propagate = _Collect(complaints), logger.propagate
    logger.addHandler(handler)
    logger.propagate = False
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            yield complaints
            complaints.extend(str(w.message)[:200] for w in caught)
    finally:
        logger.removeHandler(handler)
        logger.propagate = propagate


READERS: dict[str, Callable[[bytes, Path, ReadLimits], Article]] = {
    ".md": read_text_article,
    ".markdown": read_text_article,
    ".txt": read_text_article,
    ".html": read_html_article,
    ".htm": read_html_article,
    ".pdf": read_pdf_article,
}
ARTICLE_SUFFIXES = tuple(READERS)


def read_article(path: Path, limits: ReadLimits | None = None, *,
                 corpus_root: Path | None = None) -> Article:
    """Read one article file of any supported kind; raises ValueError with a reason.

    With `corpus_root` (indexing a corpus folder), a link is followed only to a file
    inside that folder; without it (`assistant add`), links are refused. Only regular
    files are opened (a FIFO would block, a device never end)."""
    return _read_bytes_and_article(path, limits or ReadLimits(), corpus_root)[1]


def _read_bytes_and_article(path: Path, limits: ReadLimits, corpus_root: Path | None
                            ) -> tuple[bytes, Article]:
    target = _resolve_link(path, corpus_root)
    reader = READERS.get(path.suffix.lower())
    if reader is None:
        raise ValueError(f"unsupported file type {path.suffix or '(none)'} "
                         f"(supported: {', '.join(ARTICLE_SUFFIXES)})")
    raw = _read_regular_file(target, limits.max_bytes(path.suffix.lower()))
    if not raw.strip():
        raise ValueError("empty file")
    article = reader(raw, path, limits)
    _check_length(len(article.body), limits)
    return raw, article


def _resolve_link(path: Path, corpus_root: Path | None) -> Path:
    """The file to open for `path`: itself, or a link's target inside the corpus."""
    if not path.is_symlink():
        return path
    target = Path(os.path.realpath(path))
    if not target.exists():
        raise ValueError("broken link")
    if corpus_root is None:
        raise ValueError("a link, not a file (add the file it points to instead)")
    if not target.is_relative_to(Path(os.path.realpath(corpus_root))):
        raise ValueError("link to a file outside the corpus")
    return target


def _read_regular_file(path: Path, max_bytes: int) -> bytes:
    """The bytes of a regular file, refused unread when it is anything else or too big.
    O_NOFOLLOW: a link swapped in after the checks is not followed."""
    try:
        kind = os.lstat(path).st_mode
        if stat.S_ISDIR(kind):
            raise ValueError("a folder, not a file")
        if not stat.S_ISREG(kind):
            raise ValueError(f"not a regular file ({_special_kind(kind)})")
        fd = os.open(path, os.O_RDONLY | _NO_FOLLOW | _NO_BLOCK)
        with os.fdopen(fd, "rb") as file:
            opened = os.fstat(file.fileno())
            if not stat.S_ISREG(opened.st_mode):
                raise ValueError(f"not a regular file ({_special_kind(opened.st_mode)})")
            if opened.st_size > max_bytes:
                raise ValueError(f"file too large ({opened.st_size:,} bytes; at most "
                                 f"{max_bytes:,})")
            return file.read(max_bytes + 1)
    except OSError as err:
        raise ValueError(f"cannot read file ({err.strerror or err})") from err


def _special_kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a link" if stat.S_ISLNK(mode) else "not a file"


def _read_or_skip(path: Path, skipped: list[Skipped], limits: ReadLimits,
                  corpus_root: Path | None = None) -> Article | None:
    """The article of a file, or None with the reason added to `skipped`."""
    try:
        return read_article(path, limits, corpus_root=corpus_root)
    except ValueError as err:
        skipped.append(Skipped(readable_path(path), str(err)))
        return None


def is_corpus_candidate(path: Path) -> bool:
    """Files of a corpus folder that are meant as articles (not hidden, not settings)."""
    return not path.name.startswith((".", "_")) and path.suffix.lower() not in IGNORED_SUFFIXES


def load_corpus(corpus_dir: Path, limits: ReadLimits | None = None
                ) -> tuple[list[Article], list[Skipped]]:
    """All readable articles of a folder (sorted by file name) and what was skipped, and why.

    Sub-folders are not read (a saved page's `_files` folder is not an article); links
    count only when they point to a file inside the folder."""
    limits = limits or ReadLimits()
    articles: list[Article] = []
    skipped: list[Skipped] = []
    ids: dict[str, str] = {}
    texts: dict[str, str] = {}
    for path in sorted(p for p in corpus_dir.iterdir() if is_corpus_candidate(p)):
        if path.is_dir() and path.suffix.lower() not in READERS:
            continue
        article = _read_or_skip(path, skipped, limits, corpus_root=corpus_dir)
        if article is None:
            continue
        fingerprint = body_fingerprint(article)
        if article.id in ids:
            reason = f"id {article.id!r} already used by {ids[article.id]}"
            skipped.append(Skipped(article.path, reason))
        elif fingerprint in texts:
            skipped.append(Skipped(article.path, f"same text as {texts[fingerprint]}"))
        else:
            ids[article.id] = texts[fingerprint] = article.path
            articles.append(article)
    return articles, skipped


@dataclass(frozen=True)
class Added:
    source: str
    target: str


def add_to_corpus(paths: list[Path], corpus_dir: Path, limits: ReadLimits | None = None
                  ) -> tuple[list[Added], list[Skipped]]:
    """Copy readable article files (or a folder's article files) into the corpus folder.

    Each file is read first, exactly as indexing will read it, and the bytes read are what
    is written (a new regular file with the usual mode, never a link or a special file);
    unreadable ones, links, FIFOs, devices and copies of a text already in the corpus are
    skipped with their reason. A different file with the same name gets a free name
    (`name-2.md`), so nothing already there is overwritten."""
    limits = limits or ReadLimits()
    corpus_dir.mkdir(parents=True, exist_ok=True)
    present, _ = load_corpus(corpus_dir, limits)
    ids = {a.id: a.path for a in present}
    texts = {body_fingerprint(a): a.path for a in present}
    added: list[Added] = []
    skipped: list[Skipped] = []
    for path in _expand(paths, skipped):
        try:
            raw, article = _read_bytes_and_article(path, limits, None)
        except ValueError as err:
            skipped.append(Skipped(readable_path(path), str(err)))
            continue
        fingerprint = body_fingerprint(article)
        if fingerprint in texts:
            skipped.append(Skipped(article.path, f"same text as {texts[fingerprint]}"))
            continue
        named_by_file = article.id == readable_path(path.stem)
        if not named_by_file and article.id in ids:
            reason = f"id {article.id!r} already used by {ids[article.id]}"
            skipped.append(Skipped(article.path, reason))
            continue
        target = _write_new_file(corpus_dir, path.name, raw,
                                 set(ids) if named_by_file else set())
        shown, target_id = readable_path(target), readable_path(target.stem)
        texts[fingerprint] = ids[target_id if named_by_file else article.id] = shown
        added.append(Added(article.path, shown))
    return added, skipped


def _write_new_file(folder: Path, name: str, raw: bytes, taken_ids: set[str]) -> Path:
    """Write `raw` to a new file named after `name` (O_EXCL: never over an existing one)."""
    while True:
        target = _free_name(folder, name, taken_ids)
        try:
            fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        except FileExistsError:  # appeared since _free_name looked: take the next name
            continue
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(raw)
        except OSError:  # a full disk: no truncated article left behind
            target.unlink(missing_ok=True)
            raise
        return target


def _expand(paths: list[Path], skipped: list[Skipped]) -> list[Path]:
    """The files to add: each path given, and the entries (not sub-folders) of each folder
    given. A link, even to a folder, stays a path of its own and is refused when read."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir() and not path.is_symlink():
            found = (p for p in path.iterdir()
                     if is_corpus_candidate(p) and (p.is_symlink() or not p.is_dir()))
            files.extend(sorted(found))
        elif path.exists() or path.is_symlink():
            files.append(path)
        else:
            skipped.append(Skipped(readable_path(path), "no such file or folder"))
    return files


def _free_name(folder: Path, name: str, taken_ids: set[str]) -> Path:
    """`name` in folder, or name-2, name-3 ... when that file exists or its stem (the
    article id of a file without an id in front matter) is taken."""
    stem, suffix = Path(name).stem, Path(name).suffix
    candidate, n = folder / name, 1
    while candidate.exists() or candidate.stem in taken_ids:
        n += 1
        candidate = folder / f"{stem}-{n}{suffix}"
    return candidate
