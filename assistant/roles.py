"""Passage roles: what kind of text a sentence of a news page is.

Real news pages mix the report with other voices, and a reader must be able to tell "the
article says" from "a commenter says". Every offset of an article body has one role:

- `report`: reported facts (the default);
- `analysis`: commentary, explainer, opinion, the author's wrap-up;
- `comments`: reader or forum comments, translated threads;
- `promotion`: book or product plugs, "read the rest on note", subscriptions, sponsors;
- `credit`: source lines, bylines, photo credits (出典: …, Source: …).

Roles come from the Markdown headings (a sub-heading inherits its parent's role unless
its own words say otherwise) and from cues in the text: a line such as
「以下はスレッド内のユーザーコメントの抜粋・翻訳です。」 turns the rest of its section into
comments; a line such as 「続きはnoteで読むことが出来ます。」 is promotion and 「出典:Bloomberg」
is credit, whatever their section. The front matter can name a section's role
(`roles: {海外の反応: comments}`; the key `"*"` sets the default for sections without a
cue). List items take the role of their section. Rules, not a model: the cues are the
words editors use for these parts in Japanese and English pages, and a wrong guess only
moves a sentence down the answer, never out of the article.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal, cast

Role = Literal["report", "analysis", "comments", "promotion", "credit"]
ROLES: tuple[Role, ...] = ("report", "analysis", "comments", "promotion", "credit")
# Roles whose sentences are someone else's voice or no content: never [1] of a fact answer.
NOT_REPORTING: frozenset[Role] = frozenset({"comments", "promotion", "credit"})

LABELS: dict[str, dict[Role, str]] = {
    "ja": {"report": "報道", "analysis": "分析", "comments": "読者コメント",
           "promotion": "宣伝", "credit": "出典表記"},
    "en": {"report": "Report", "analysis": "Analysis", "comments": "Reader comments",
           "promotion": "Promotion", "credit": "Credit line"},
}

_HEADING_PATTERN = r"^(#{1,6})[^\S\n]+(.*?)[^\S\n]*#*[^\S\n]*$"  # "## words ##"
_HEADING = re.compile(_HEADING_PATTERN)  # one line
_HEADINGS = re.compile(_HEADING_PATTERN, re.MULTILINE)  # every line of a body at once
_HEADING_CUES: tuple[tuple[Role, re.Pattern[str]], ...] = (
    ("comments", re.compile(
        r"海外の反応|ネットの反応|ネット上の反応|読者の(?:反応|声|コメント)|みんなの(?:反応|声)|"
        r"ユーザーコメント|コメント欄|^コメント$|^反応$|スレッド|掲示板|"
        r"^comments?$|reader (?:comments|reactions|responses)|readers'? (?:comments|views)|"
        r"what readers (?:say|think)|from the comments|reactions? online", re.I)),
    ("promotion", re.compile(
        r"関連書籍|書籍紹介|おすすめ|オススメ|お勧め|関連商品|広告|スポンサー|^PR$|プロモーション|"
        r"宣伝|購読|キャンペーン|related reading|recommended|sponsored|advertisement|promoted|"
        r"partner content|subscribe|newsletter|further reading|buy the book", re.I)),
    ("credit", re.compile(r"^(?:出典|参考文献|参考資料|クレジット|sources?|references|credits?)$",
                          re.I)),
    ("analysis", re.compile(
        r"考察|分析|論評|社説|オピニオン|コラム|論考|私見|所感|総括|まとめ|解説|"
        r"analysis|opinion|commentary|editorial|our view|perspective|explainer|takeaways?|"
        r"conclusion|bottom line|why it matters", re.I)),
)
_CREDIT_LINE = re.compile(
    r"^\s*[（(]?(?:出典|写真|撮影|画像|提供|取材・文|文|source|photo|photograph|image|credit|"
    r"via)\s*[:：=＝]|^\s*(?:by|written by|reporting by)\s+[A-Z]", re.I)
_PROMOTION_LINE = re.compile(
    r"続きは.{0,30}(?:で読|をご覧|はこちら)|定期購読|メルマガ|会員登録|無料登録|ご登録|"
    r"\bsubscribe\b|\bsign up\b|read (?:the )?(?:full|rest|more)|\bsponsored\b", re.I)
_COMMENTS_START = re.compile(
    r"以下は.{0,40}(?:コメント|反応|書き込み|投稿)|(?:the following|below) are .{0,60}"
    r"(?:comments|reactions|posts)", re.I)


@dataclass(frozen=True)
class ArticleRoles:
    """The roles of one article body: region i is [starts[i], starts[i+1]) with roles[i]."""

    starts: tuple[int, ...]
    roles: tuple[Role, ...]

    def at(self, offset: int) -> Role:
        """The role of the text at this offset of the body."""
        i = bisect.bisect_right(self.starts, offset) - 1
        return self.roles[i] if i >= 0 else "report"

    def of_span(self, start: int, end: int) -> Role:
        """The role of a sentence or passage: that of its first non-blank character."""
        return self.at(start)


def heading_role(title: str) -> Role | None:
    """The role a heading's own words name, if any."""
    for role, cue in _HEADING_CUES:
        if cue.search(title.strip()):
            return role
    return None


@dataclass(frozen=True)
class Heading:
    """A Markdown heading of an article body: its level and the span of its words."""

    level: int
    start: int
    end: int


def headings(body: str) -> list[Heading]:
    """Every heading of the body, in order, with the exact span of its words (one scan of
    the body: a revision looks at the headings of every article, 24 M characters at 100k
    chunks)."""
    return [Heading(len(m.group(1)), m.start(2), m.end(2))
            for m in _HEADINGS.finditer(body) if m.group(2)]


def line_role(line: str) -> Role | None:
    """A role a single line names for itself (a credit line, a plug), whatever its section."""
    if _CREDIT_LINE.search(line):
        return "credit"
    if _PROMOTION_LINE.search(line):
        return "promotion"
    return None


def valid_overrides(raw: object) -> tuple[dict[str, Role], list[str]]:
    """Front-matter `roles:` as {section heading: role}, and a problem per bad entry."""
    if raw is None:
        return {}, []
    if not isinstance(raw, Mapping):
        return {}, ["roles must be a mapping of section heading to role "
                    f"({', '.join(ROLES)})"]
    overrides: dict[str, Role] = {}
    problems = []
    for section, role in raw.items():
        if isinstance(role, str) and role.strip().lower() in ROLES:
            overrides[str(section).strip()] = cast(Role, role.strip().lower())
        else:
            problems.append(f"roles: {section!s}: {role!r} is not one of {', '.join(ROLES)}")
    return overrides, problems


class _Walker:
    """Walks the body's lines, keeping the heading stack and the regions found so far."""

    def __init__(self, overrides: Mapping[str, Role]) -> None:
        self.overrides = overrides
        self.default: Role = overrides.get("*", "report")
        self.stack: list[tuple[int, Role]] = []  # (heading level, role of its section)
        self.section_role: Role = self.default
        self.starts: list[int] = []
        self.roles: list[Role] = []

    def mark(self, offset: int, role: Role) -> None:
        if self.roles and self.roles[-1] == role:
            return
        if self.starts and self.starts[-1] == offset:
            self.roles[-1] = role
            return
        self.starts.append(offset)
        self.roles.append(role)

    def heading(self, offset: int, level: int, title: str) -> None:
        while self.stack and self.stack[-1][0] >= level:
            self.stack.pop()
        inherited = self.stack[-1][1] if self.stack else self.default
        role = self.overrides.get(title.strip()) or heading_role(title) or inherited
        self.stack.append((level, role))
        self.section_role = role
        self.mark(offset, role)

    def line(self, offset: int, text: str) -> None:
        if self.section_role not in ("comments", "promotion") and _COMMENTS_START.search(text):
            self.section_role = "comments"
        own = line_role(text)
        self.mark(offset, own or self.section_role)


def article_roles(body: str, overrides: Mapping[str, Role] | None = None) -> ArticleRoles:
    """The roles of every part of an article body (see the module docstring)."""
    walker = _Walker(overrides or {})
    walker.mark(0, walker.default)
    offset = 0
    for line in body.split("\n"):
        heading = _HEADING.match(line)
        if heading:
            walker.heading(offset, len(heading.group(1)), heading.group(2))
        elif line.strip():
            walker.line(offset, line)
        offset += len(line) + 1
    return ArticleRoles(tuple(walker.starts), tuple(walker.roles))
