"""Articles on disk: reading corpus/ (.md/.txt, optional YAML front matter).

An article's `body` is the text after the front matter, exactly as in the file
(only line endings normalised to \\n); every offset in the index points into it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

import frontmatter
import yaml

ARTICLE_SUFFIXES = (".md", ".markdown", ".txt")
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
    """Build an Article from a file's text; raises ValueError with a reason when unusable."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    try:
        post = frontmatter.loads(text)
    except yaml.YAMLError as err:
        raise ValueError(f"front matter is not valid YAML ({err.__class__.__name__})") from err
    meta, body = post.metadata, post.content
    if not body.strip():
        raise ValueError("no article text")
    article_id = _as_text(meta.get("id")) or path.stem
    return Article(
        id=article_id,
        title=_as_text(meta.get("title")) or _first_line_title(body),
        body=body,
        source=_as_text(meta.get("source")),
        published=_as_text(meta.get("published") or meta.get("date")),
        language=_as_text(meta.get("language")) or detect_language(body),
        path=str(path),
        content_hash=hashlib.sha256(text.encode("utf-8")).hexdigest(),
    )


def read_article(path: Path) -> Article:
    """Read one article file; raises ValueError with a user-facing reason."""
    try:
        raw = path.read_bytes()
    except OSError as err:
        raise ValueError(f"cannot read file ({err.strerror or err})") from err
    if not raw.strip():
        raise ValueError("empty file")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise ValueError("not UTF-8 text") from err
    if "\x00" in text:
        raise ValueError("binary file")
    return parse_article(text, path)


def load_corpus(corpus_dir: Path) -> tuple[list[Article], list[Skipped]]:
    """All readable articles of a folder (sorted by file name) and what was skipped, and why."""
    articles: list[Article] = []
    skipped: list[Skipped] = []
    seen: dict[str, str] = {}
    for path in sorted(p for p in corpus_dir.iterdir() if p.suffix.lower() in ARTICLE_SUFFIXES):
        if not path.is_file():
            continue
        try:
            article = read_article(path)
        except ValueError as err:
            skipped.append(Skipped(str(path), str(err)))
            continue
        if article.id in seen:
            reason = f"id {article.id!r} already used by {seen[article.id]}"
            skipped.append(Skipped(str(path), reason))
            continue
        seen[article.id] = str(path)
        articles.append(article)
    return articles, skipped
