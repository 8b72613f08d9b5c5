"""English ↔ Japanese word tables from JMdict and JMnedict (the `jamdict-data` package).

JMdict/JMnedict © the Electronic Dictionary Research and Development Group, CC BY-SA 4.0
(https://www.edrdg.org/edrdg/licence.html); `jamdict-data` ships them as one SQLite file
(~310 MB installed). Its schema is made for Japanese → English look-ups, so the tables
English readers need are derived from it once and cached as a small SQLite file (under the
index folder, or in memory when no folder is given):

- `reverse(key, japanese, weight)`: an English gloss, normalised ("to leak (information)" →
  "leak"), to every headword whose sense has it; weight = sense order × entry commonness
  (news1/ichi1/spec1/gai1 priority tags) × gloss order, so common first senses lead;
  indexed both ways: English → Japanese for English questions, and Japanese → Japanese
  through a shared gloss for a reader's own word the articles don't use (電話 → 通話);
- `forward(japanese, english)`: a headword or reading → the first gloss of its most common
  entry (the word gloss of a quote);
- `names(katakana, english)`: JMnedict's spelling of katakana names (ブダペスト → Budapest).
"""

from __future__ import annotations

import os
import re
import sqlite3
import tempfile
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

CACHE_NAME = "jmdict-en-ja-v6.sqlite"
LICENCE = ("JMdict/JMnedict © Electronic Dictionary Research and Development Group, "
           "CC BY-SA 4.0 (https://www.edrdg.org/edrdg/licence.html)")
_PRIORITY_WEIGHT = {"1": 1.0, "2": 0.75}
_PARENTHESES = re.compile(r"\s*[(\[][^)\]]*[)\]]\s*")
_LEADING = re.compile(r"^(?:to|a|an|the)\s+", re.IGNORECASE)
_HEAD_OF = re.compile(r"^([a-z][a-z-]+) (?:of|for|in|on|to|from|with|about|by)\b")
_NOUN_POS = {"noun (common) (futsuumeishi)", "noun or participle which takes the aux. verb suru"}
_KATAKANA_NAME = re.compile(r"^[ァ-ヴー・]+$")


class DictionaryUnavailable(RuntimeError):
    """jamdict-data is not installed (the message says how to fix it)."""


@dataclass(frozen=True)
class Candidate:
    """A Japanese headword offered for an English key, with its dictionary weight (0–1]."""

    japanese: str
    weight: float


def normalise_gloss(gloss: str) -> str:
    """The look-up key of an English gloss: lower case, parentheses and a leading
    to/a/an/the dropped, spaces collapsed ("to leak (information)" → "leak")."""
    text = _PARENTHESES.sub(" ", gloss.lower()).strip(" .,;!?\"'")
    text = _LEADING.sub("", " ".join(text.split()))
    return text


def jamdict_database() -> Path:
    try:
        import jamdict_data  # type: ignore[import-untyped]
    except ImportError as err:
        raise DictionaryUnavailable(
            "the English–Japanese dictionary is missing: pip install jamdict-data") from err
    return Path(jamdict_data.JAMDICT_DB_PATH)


def _entry_priorities(source: sqlite3.Connection) -> dict[int, float]:
    """Commonness of each JMdict entry from its best kanji/kana priority tag (0.5 if none)."""
    best: dict[int, float] = {}
    for table, forms in (("KJP", "Kanji"), ("KNP", "Kana")):
        rows = source.execute(f"SELECT f.idseq, p.text FROM {table} p JOIN {forms} f "
                              "ON f.ID = p.kid")
        for idseq, tag in rows:
            weight = _PRIORITY_WEIGHT.get(tag[-1:], 0.5) if tag[:-1] in (
                "news", "ichi", "spec", "gai") else 0.5
            best[idseq] = max(best.get(idseq, 0.5), weight)
    return best


def _headwords(source: sqlite3.Connection) -> dict[int, tuple[list[str], list[str]]]:
    """Each entry's kanji forms and kana forms, in dictionary order."""
    forms: dict[int, tuple[list[str], list[str]]] = {}
    for idseq, text in source.execute("SELECT idseq, text FROM Kanji ORDER BY ID"):
        forms.setdefault(idseq, ([], []))[0].append(text)
    for idseq, text in source.execute("SELECT idseq, text FROM Kana ORDER BY ID"):
        forms.setdefault(idseq, ([], []))[1].append(text)
    return forms


def _reverse_rows(source: sqlite3.Connection, forms: dict[int, tuple[list[str], list[str]]],
                  priority: dict[int, float]) -> Iterator[tuple[str, str, float]]:
    kana_senses = {sid for (sid,) in source.execute(
        "SELECT sid FROM misc WHERE text = 'word usually written using kana alone'")}
    noun_senses: dict[int, set[str]] = {}
    for sid, pos in source.execute("SELECT sid, text FROM pos"):
        noun_senses.setdefault(sid, set()).add(pos)
    rows = source.execute("SELECT s.idseq, s.ID, g.text FROM Sense s JOIN SenseGloss g "
                          "ON g.sid = s.ID ORDER BY s.idseq, s.ID, g.rowid")
    last_entry, last_sense, sense_rank, gloss_rank = -1, -1, 0, 0
    for idseq, sid, gloss in rows:
        if idseq != last_entry:
            last_entry, last_sense, sense_rank = idseq, sid, 0
            gloss_rank = 0
        elif sid != last_sense:
            last_sense, sense_rank, gloss_rank = sid, sense_rank + 1, 0
        else:
            gloss_rank += 1
        kanji, kana = forms.get(idseq, ([], []))
        written = kana[:1] if (sid in kana_senses or not kanji) else kanji[:3]
        weight = priority.get(idseq, 0.5) / (1 + 0.5 * sense_rank) / (1 + 0.1 * gloss_rank)
        key = normalise_gloss(gloss)
        if not key:
            continue
        whole = len(key.split()) <= 4  # a longer gloss is a definition: only its head counts
        for japanese in written:
            if whole:
                yield key, japanese, weight
            head = _HEAD_OF.match(key)
            if head:  # "leak of (private) information or pictures" also answers "leak", weakly
                yield head.group(1), japanese, weight * 0.4
            elif whole and key.count(" ") == 1 and _NOUN_POS.intersection(noun_senses.get(sid, ())):
                yield key.split()[1], japanese, weight * 0.3  # "telephone call" → "call"


def _forward_rows(forms: dict[int, tuple[list[str], list[str]]], priority: dict[int, float],
                  first_gloss: dict[int, str]) -> Iterator[tuple[str, str, float]]:
    for idseq, (kanji, kana) in forms.items():
        gloss = first_gloss.get(idseq)
        if gloss:
            rank = priority.get(idseq, 0.5) - idseq * 1e-9
            for japanese in kanji + kana:
                yield japanese, gloss, rank
            for written in kanji:  # 米 read べい is America, read こめ rice
                for reading in kana:
                    yield f"{written}|{reading}", gloss, rank


def _first_glosses(source: sqlite3.Connection) -> dict[int, str]:
    first: dict[int, str] = {}
    for idseq, gloss in source.execute("SELECT s.idseq, g.text FROM Sense s JOIN SenseGloss g "
                                       "ON g.sid = s.ID ORDER BY s.ID DESC, g.rowid DESC"):
        cleaned = _LEADING.sub("", " ".join(_PARENTHESES.sub(" ", gloss).split()))
        if cleaned:
            first[idseq] = cleaned
    return first


def _name_rows(source: sqlite3.Connection) -> Iterator[tuple[str, str]]:
    rows = source.execute("SELECT k.text, g.text FROM NEKana k JOIN NETranslation t "
                          "ON t.idseq = k.idseq JOIN NETransGloss g ON g.tid = t.ID "
                          "ORDER BY t.ID DESC, g.rowid DESC")
    for kana, english in rows:
        if _KATAKANA_NAME.match(kana) and english.isascii():
            yield kana, _PARENTHESES.sub(" ", english).strip()


def build_tables(source_path: Path, target: sqlite3.Connection) -> None:
    """Derive the three tables from jamdict-data's database (about 15 s on 2 cores)."""
    source = sqlite3.connect(f"file:{source_path}?mode=ro", uri=True)
    try:
        priority = _entry_priorities(source)
        forms = _headwords(source)
        target.executescript(
            "CREATE TABLE reverse(key TEXT, japanese TEXT, weight REAL);"
            "CREATE TABLE forward(japanese TEXT PRIMARY KEY, english TEXT, rank REAL);"
            "CREATE TABLE names(katakana TEXT PRIMARY KEY, english TEXT);")
        target.executemany("INSERT INTO reverse VALUES (?, ?, ?)",
                           _reverse_rows(source, forms, priority))
        target.execute("CREATE TABLE best AS SELECT key, japanese, MAX(weight) AS weight "
                       "FROM reverse GROUP BY key, japanese")
        target.execute("DROP TABLE reverse")
        target.execute("ALTER TABLE best RENAME TO reverse")
        target.execute("CREATE INDEX reverse_key ON reverse(key)")
        target.execute("CREATE INDEX reverse_japanese ON reverse(japanese)")
        target.executemany("INSERT INTO forward VALUES (?, ?, ?) ON CONFLICT(japanese) DO "
                           "UPDATE SET english = excluded.english, rank = excluded.rank "
                           "WHERE excluded.rank > forward.rank",
                           _forward_rows(forms, priority, _first_glosses(source)))
        target.executemany("INSERT OR REPLACE INTO names VALUES (?, ?)", _name_rows(source))
        target.commit()
    finally:
        source.close()


class JMdictTables:
    """Read-only look-ups in the derived tables; safe to share between threads."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self._connection = connection
        self._lock = threading.Lock()

    @classmethod
    def open(cls, cache_dir: Path | None = None, source: Path | None = None) -> JMdictTables:
        """The cached tables in `cache_dir` (built there first if missing), or built in
        memory when `cache_dir` is None. Raises DictionaryUnavailable without jamdict-data."""
        if cache_dir is None:
            memory = sqlite3.connect(":memory:", check_same_thread=False)
            build_tables(source or jamdict_database(), memory)
            return cls(memory)
        path = cache_dir / CACHE_NAME
        if not path.exists():
            cache_dir.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=cache_dir, suffix=".tmp")
            os.close(handle)
            building = sqlite3.connect(temporary)
            try:
                build_tables(source or jamdict_database(), building)
            finally:
                building.close()
            os.replace(temporary, path)
        return cls(sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False))

    def _rows(self, sql: str, parameters: Sequence[str | float]) -> list[tuple[str, ...]]:
        with self._lock:
            return self._connection.execute(sql, tuple(parameters)).fetchall()

    def japanese_for(self, keys: Sequence[str], limit: int = 8) -> list[Candidate]:
        """Headwords glossed by any of the English keys, best weight first."""
        if not keys:
            return []
        marks = ",".join("?" * len(keys))
        rows = self._rows(f"SELECT japanese, MAX(weight) AS w FROM reverse WHERE key IN "
                          f"({marks}) GROUP BY japanese ORDER BY w DESC, japanese LIMIT "
                          f"{int(limit)}", keys)
        return [Candidate(str(japanese), float(weight)) for japanese, weight in rows]

    def sharing_glosses(self, japanese: str, min_weight: float) -> list[Candidate]:
        """Other headwords glossed by one of the English keys of `japanese` (電話 → 通話 by
        "telephone call"), weighted by both senses' weights, best first."""
        rows = self._rows("SELECT b.japanese, MAX(a.weight * b.weight) AS w FROM reverse a "
                          "JOIN reverse b ON a.key = b.key WHERE a.japanese = ? AND "
                          "b.japanese != a.japanese GROUP BY b.japanese HAVING w >= ? "
                          "ORDER BY w DESC, b.japanese", [japanese, min_weight])
        return [Candidate(str(other), float(weight)) for other, weight in rows]

    def has_key(self, key: str) -> bool:
        return bool(self._rows("SELECT 1 FROM reverse WHERE key = ? LIMIT 1", [key]))

    def english_for(self, japanese: str, reading: str = "") -> str | None:
        """The first gloss of the most common entry written (and read, when `reading` in
        hiragana is given and known) `japanese`."""
        keys = [f"{japanese}|{reading}", japanese] if reading else [japanese]
        for key in keys:
            rows = self._rows("SELECT english FROM forward WHERE japanese = ?", [key])
            if rows:
                return str(rows[0][0])
        return None

    def name_for(self, katakana: str) -> str | None:
        """JMnedict's Latin spelling of a katakana name."""
        rows = self._rows("SELECT english FROM names WHERE katakana = ?", [katakana])
        return str(rows[0][0]) if rows else None
