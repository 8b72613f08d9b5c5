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
import re
import shutil
from dataclasses import dataclass, replace
from pathlib import Path

import frontmatter
import yaml

MIN_ARTICLE_LETTERS = 8
MIN_PAGE_LETTERS = 40  # less main text than this in a web page: it was all boilerplate
JAPANESE_ENCODINGS = ("cp932", "euc_jp", "iso2022_jp")
IGNORED_SUFFIXES = (".yaml", ".yml", ".json", ".toml")  # settings next to the articles
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff\uff66-\uff9f]")
_HEADING = re.compile(r"^#{1,6}\s+")


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


def parse_article(text: str, path: Path) -> Article:
    """Build an Article from a text file's content; raises ValueError with a reason."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    try:
        post = frontmatter.loads(text)
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
    )


def make_article(path: Path, body: str, *, article_id: str = "", title: str = "",
                 source: str = "", published: str = "", language: str = "") -> Article:
    """An Article with defaults filled in (id from the file name, title from the first
    line, language detected); raises ValueError when there is no real text."""
    letters = sum(1 for ch in body if ch.isalnum())
    if letters == 0:
        raise ValueError("no article text")
    if letters < MIN_ARTICLE_LETTERS:
        raise ValueError(f"too little text for an article ({letters} letters)")
    article = Article(
        id=article_id or path.stem,
        title=title or _first_line_title(body),
        body=body,
        source=source,
        published=published,
        language=language or detect_language(body),
        path=str(path),
    )
    fields = [article.id, article.title, article.body, article.source, article.published,
              article.language]
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


def read_text_article(raw: bytes, path: Path) -> Article:
    return parse_article(decode_text(raw), path)


def read_html_article(raw: bytes, path: Path) -> Article:
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


def read_pdf_article(raw: bytes, path: Path) -> Article:
    """The text of a PDF's pages (pypdf), pages separated by blank lines."""
    import io

    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(io.BytesIO(raw))
        if reader.is_encrypted:
            raise ValueError("the PDF is encrypted")
        pages = [(page.extract_text() or "").strip() for page in reader.pages]
        info = reader.metadata
    except (PyPdfError, OSError, KeyError, TypeError, AttributeError) as err:
        raise ValueError(f"not a readable PDF ({err.__class__.__name__})") from err
    created = info.creation_date if info else None
    return make_article(
        path,
        "\n\n".join(p for p in pages if p),
        title=_as_text(info.title) if info else "",
        published=created.date().isoformat() if isinstance(created, dt.datetime) else "",
    )


READERS = {
    ".md": read_text_article,
    ".markdown": read_text_article,
    ".txt": read_text_article,
    ".html": read_html_article,
    ".htm": read_html_article,
    ".pdf": read_pdf_article,
}
ARTICLE_SUFFIXES = tuple(READERS)


def read_article(path: Path) -> Article:
    """Read one article file of any supported kind; raises ValueError with a reason."""
    reader = READERS.get(path.suffix.lower())
    if reader is None:
        raise ValueError(f"unsupported file type {path.suffix or '(none)'} "
                         f"(supported: {', '.join(ARTICLE_SUFFIXES)})")
    if path.is_symlink() and not path.exists():
        raise ValueError("broken link")
    if path.is_dir():
        raise ValueError("a folder, not a file")
    try:
        raw = path.read_bytes()
    except OSError as err:
        raise ValueError(f"cannot read file ({err.strerror or err})") from err
    if not raw.strip():
        raise ValueError("empty file")
    return reader(raw, path)


def _read_or_skip(path: Path, skipped: list[Skipped]) -> Article | None:
    """The article of a file, or None with the reason added to `skipped`."""
    try:
        return read_article(path)
    except ValueError as err:
        skipped.append(Skipped(str(path), str(err)))
        return None


def is_corpus_candidate(path: Path) -> bool:
    """Files of a corpus folder that are meant as articles (not hidden, not settings)."""
    return not path.name.startswith((".", "_")) and path.suffix.lower() not in IGNORED_SUFFIXES


def load_corpus(corpus_dir: Path) -> tuple[list[Article], list[Skipped]]:
    """All readable articles of a folder (sorted by file name) and what was skipped, and why.

    Sub-folders are not read (a saved page's `_files` folder is not an article)."""
    articles: list[Article] = []
    skipped: list[Skipped] = []
    ids: dict[str, str] = {}
    texts: dict[str, str] = {}
    for path in sorted(p for p in corpus_dir.iterdir() if is_corpus_candidate(p)):
        if path.is_dir() and path.suffix.lower() not in READERS:
            continue
        article = _read_or_skip(path, skipped)
        if article is None:
            continue
        fingerprint = body_fingerprint(article)
        if article.id in ids:
            reason = f"id {article.id!r} already used by {ids[article.id]}"
            skipped.append(Skipped(str(path), reason))
        elif fingerprint in texts:
            skipped.append(Skipped(str(path), f"same text as {texts[fingerprint]}"))
        else:
            ids[article.id] = texts[fingerprint] = str(path)
            articles.append(article)
    return articles, skipped


@dataclass(frozen=True)
class Added:
    source: str
    target: str


def add_to_corpus(paths: list[Path], corpus_dir: Path) -> tuple[list[Added], list[Skipped]]:
    """Copy readable article files (or a folder's article files) into the corpus folder.

    Each file is read first, exactly as indexing will read it; unreadable ones and copies
    of a text already in the corpus are skipped with their reason. A different file with
    the same name gets a free name (`name-2.md`), so nothing already there is overwritten."""
    corpus_dir.mkdir(parents=True, exist_ok=True)
    present, _ = load_corpus(corpus_dir)
    ids = {a.id: a.path for a in present}
    texts = {body_fingerprint(a): a.path for a in present}
    added: list[Added] = []
    skipped: list[Skipped] = []
    for path in _expand(paths, skipped):
        article = _read_or_skip(path, skipped)
        if article is None:
            continue
        fingerprint = body_fingerprint(article)
        if fingerprint in texts:
            skipped.append(Skipped(str(path), f"same text as {texts[fingerprint]}"))
            continue
        named_by_file = article.id == path.stem
        if not named_by_file and article.id in ids:
            reason = f"id {article.id!r} already used by {ids[article.id]}"
            skipped.append(Skipped(str(path), reason))
            continue
        target = _free_name(corpus_dir, path.name, set(ids) if named_by_file else set())
        shutil.copyfile(path, target)
        texts[fingerprint] = ids[target.stem if named_by_file else article.id] = str(target)
        added.append(Added(str(path), str(target)))
    return added, skipped


def _expand(paths: list[Path], skipped: list[Skipped]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            found = (p for p in path.iterdir()
                     if (p.is_file() or p.is_symlink()) and is_corpus_candidate(p))
            files.extend(sorted(found))
        elif path.exists() or path.is_symlink():
            files.append(path)
        else:
            skipped.append(Skipped(str(path), "no such file or folder"))
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
