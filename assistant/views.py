"""What the chat shows, as plain functions: UI texts in two languages, evidence cards,
the article reader, example questions, and the Markdown export. No Gradio here.

Every article text, title and question is HTML-escaped before it is put into markup, so
`<script>` in an article or a question is displayed, never run.
"""

from __future__ import annotations

import datetime as dt
import functools
import html
import html.entities
import json
import re
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import yaml

from .corpus import Article
from .furigana import ruby_html
from .results import Answer, ArticleInfo, Citation, ShortAnswer
from .roles import LABELS
from .study import ArticleGuide, StudyGuide, TimelineEntry

if TYPE_CHECKING:
    from .compare import ComparedArticle, Comparison

EXAMPLES_FILE = "examples.yaml"
DEFAULT_EXAMPLES = {
    "ja": ["ウィトコフ特使と通話したロシア高官は誰ですか？",
           "28項目案にはどんな内容が含まれていましたか？",
           "ブダペスト覚書は何年のものですか？"],
    "en": ["Who did Witkoff talk to on the leaked call?",
           "Which missiles did the US stop supplying to Ukraine?"],
}

TEXTS: dict[str, dict[str, str]] = {
    "ja": {
        "title": "## 記事Q&A\n答えの各文に出典 [n] が付きます。"
                 "[n] を押すとその出典が、出典のカードを押すと記事のその箇所が開きます。",
        "chat_tab": "チャット", "articles_tab": "記事一覧",
        "question": "質問", "placeholder": "記事について質問してください（日本語・英語）",
        "ask": "質問する", "clear": "クリア", "evidence": "出典",
        "next_citation": "次の出典を表示", "classroom": "授業モード（大きな文字・1問ずつ）",
        "export": "会話をMarkdownで保存", "language": "表示言語",
        "ask_article": "この記事について質問する", "scope_all": "すべての記事から探します。",
        "scope_one": "この記事だけから探します：", "scope_clear": "すべての記事に戻す",
        "reader_empty": "記事一覧から記事を選ぶか、出典のカードを押してください。",
        "pick_article": "記事", "no_answer_yet": "まだ回答がありません。",
        "search": "検索", "score": "関連度", "gloss": "英語の逐語訳（翻訳ではありません）",
        "translation": "英訳（数字と名前を確認済み）",
        "unsupported": "記事に根拠のない文",
        "list_headers": "見出し|出典|日付|文字数|チャンク",
        "sources_for": "前の質問「{question}」の出典",
        "furigana": "ふりがな", "all_shown": "すべての出典を表示しました",
        "sources_summary": "出典 {shown}/{total}",
        "relevance_high": "関連度：高", "relevance_medium": "関連度：中",
        "relevance_low": "関連度：低",
        "relevance_help": "質問と記事のこの箇所がどれだけ合っているか（検索のスコア {score}）",
    },
    "en": {
        "title": "## News Q&A\nEvery sentence of an answer cites its source [n]. "
                 "Click [n] to see that source, and a source card to open the article at "
                 "that spot.",
        "chat_tab": "Chat", "articles_tab": "Articles",
        "question": "Question", "placeholder": "Ask about the articles (Japanese or English)",
        "ask": "Ask", "clear": "Clear", "evidence": "Sources",
        "next_citation": "Show next source",
        "classroom": "Classroom mode (large type, one at a time)",
        "export": "Save conversation as Markdown", "language": "Language",
        "ask_article": "Ask about this article", "scope_all": "Searching all articles.",
        "scope_one": "Searching only this article: ", "scope_clear": "Back to all articles",
        "reader_empty": "Pick an article from the list, or click a source card.",
        "pick_article": "Article", "no_answer_yet": "No answer yet.",
        "search": "search", "score": "relevance", "gloss": "Word gloss (not a translation)",
        "translation": "Translation (checked: numbers and names)",
        "unsupported": "Not backed by the articles",
        "list_headers": "Title|Source|Date|Characters|Chunks",
        "sources_for": "Sources of an earlier question: “{question}”",
        "furigana": "Furigana (readings)", "all_shown": "All sources shown",
        "sources_summary": "Sources {shown}/{total}",
        "relevance_high": "relevance: high", "relevance_medium": "relevance: medium",
        "relevance_low": "relevance: low",
        "relevance_help": "How well this passage matches the question (search score {score})",
    },
}
LANGUAGE_CHOICES = {"日本語": "ja", "English": "en"}


def text(language: str, key: str) -> str:
    return TEXTS.get(language, TEXTS["ja"])[key]


def gloss_label(citation: Citation) -> str:
    """The text key of what a citation's English is: a checked translation or a word gloss
    (which must never pass for a translation)."""
    return "translation" if citation.gloss_kind == "translation" else "gloss"


def load_examples(corpus_dir: Path) -> dict[str, list[str]]:
    """Starter questions per language from corpus/examples.yaml (a teacher edits it);
    the built-in ones for the bundled articles when it is missing or unreadable."""
    path = Path(corpus_dir) / EXAMPLES_FILE
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError, UnicodeDecodeError):
        return DEFAULT_EXAMPLES
    if not isinstance(data, dict):
        return DEFAULT_EXAMPLES
    examples = {lang: [str(q).strip() for q in data.get(lang) or [] if str(q).strip()]
                for lang in ("ja", "en")}
    return examples if any(examples.values()) else DEFAULT_EXAMPLES


def chat_text(answer: Answer) -> str:
    """The answer as shown in the chat: a notice first, unsupported sentences named."""
    parts = [f"⚠ {answer.notice}"] if answer.notice else []
    parts.append(answer.answer)
    unsupported = [s.text for s in answer.sentences if s.unsupported]
    if unsupported:
        parts.append(f"⚠ {text(answer.language, 'unsupported')}: " + " / ".join(unsupported))
    return "\n\n".join(parts)


_TAG_START = re.compile(r"<(?=[A-Za-z/!?])")  # what an HTML parser would take for markup
# "&amp;", "&#60;", and the legacy names a browser decodes even without ";" ("&copy")
_ENTITY_START = re.compile("&(?=#|\\w+;|(?:" + "|".join(sorted(
    (name for name in html.entities.html5 if not name.endswith(";")), key=len, reverse=True))
    + "))")


def chat_markup(message: str) -> str:
    """A chat message made safe for the chat's HTML rendering with as little escaping as
    possible: only a `<` that would open a tag and a `&` that would start an entity are
    escaped. The chat's copy buttons copy this string, so "R&D" and "3 < 5" stay as
    typed, while `<script>` is shown (and copied) as text instead of being dropped."""
    return _TAG_START.sub("&lt;", _ENTITY_START.sub("&amp;", message))


# Relevance levels of a citation's fused score (z-score units over the background):
# on the seed articles a well-matched passage scores 3-6, a loosely related one 1-2.
RELEVANCE_LEVELS = ((3.0, "high"), (1.5, "medium"))
_JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff]")
# a run of text ending with its markers ("文。[1][2]"), a run without any, or a line break
_PIECE = re.compile(r"[^\n]*?(?:\[\d{1,4}\])+|[^\n]+|\n")
_MARKERS_AT_END = re.compile(r"(?:\[\d{1,4}\])+$")


def language_of(content: str) -> str:
    """"ja" for text with kana or kanji, else "en" (for `lang` attributes)."""
    return "ja" if _JAPANESE.search(content) else "en"


def relevance_level(score: float) -> str:
    return next((level for floor, level in RELEVANCE_LEVELS if score >= floor), "low")


def _marker_chips(markers: str, cited: set[int]) -> str:
    """[n] of a citation as a chip the keyboard reaches; any other [n] stays text."""
    chips = []
    for number in re.findall(r"\d+", markers):
        if int(number) in cited:
            chips.append(f'<span class="marker" role="button" tabindex="0" '
                         f'data-n="{number}">[{number}]</span>')
        else:
            chips.append(f"[{number}]")
    return "".join(chips)


def reply_markup(reply: str, cited: Sequence[int] = ()) -> str:
    """An answer as the chat shows it: each sentence (a run of text up to its markers) in
    its own span (one a line in classroom mode), readings over its kanji (shown when
    ふりがな is on), the markers of `cited` as chips. Everything from the text is escaped."""
    numbers = set(cited)
    pieces = []
    for piece in _PIECE.findall(reply):
        if piece == "\n":
            pieces.append("\n")
            continue
        markers = _MARKERS_AT_END.search(piece)
        body = piece[: markers.start()] if markers else piece
        chips = _marker_chips(markers.group(0), numbers) if markers else ""
        pieces.append(f'<span class="sentence">{ruby_html(body)}{chips}</span>')
    return f'<div class="answer" lang="{language_of(reply)}">{"".join(pieces)}</div>'


def passage_html(citation: Citation, also: Sequence[Citation] = ()) -> str:
    """The cited passage, escaped, with the quoted sentence marked — and the sentences of
    `also` (other citations of the same passage) — and readings over its kanji. Quote
    offsets are in the article body; the passage starts at `passage_start` there."""
    spans = sorted((c.start - c.passage_start, c.end - c.passage_start)
                   for c in (citation, *also))
    passage, parts, at = citation.text, [], 0
    for a, b in spans:
        if a < at or b > len(passage):  # overlapping quotes: the earlier mark holds it
            continue
        parts += [ruby_html(passage[at:a]), "<mark>", ruby_html(passage[a:b]), "</mark>"]
        at = b
    return "".join(parts) + ruby_html(passage[at:])


def same_passage_groups(citations: Sequence[Citation]) -> list[list[Citation]]:
    """The citations grouped by the passage they quote, in the order of each group's
    first citation: one card per passage, however many of its sentences are quoted."""
    groups: dict[tuple[str, int, int], list[Citation]] = {}
    for c in citations:
        groups.setdefault((c.article_id, c.passage_start, len(c.text)), []).append(c)
    return list(groups.values())


def evidence_html(answer: Answer | None, language: str = "ja", shown: int | None = None,
                  selected: int | None = None, earlier: bool = False) -> str:
    """Cards for the cited passages of one answer (the first `shown` of them), in a
    section that folds (on a phone the sources sit between the answer and the question
    box): title, section, date, the passage with the quote marked, how relevant it is.
    A card carries data-cite="article_id|start|end" so a click can open the article
    there. Card `selected` is outlined (its [n] was clicked in the chat); `earlier`: the
    answer is not the latest, so its question is named above the cards."""
    if answer is None:
        return f'<p class="muted">{html.escape(text(language, "no_answer_yet"))}</p>'
    parts = []
    if earlier:
        label = text(language, "sources_for").format(question=answer.question)
        parts.append(f'<div class="evidence-for">{html.escape(label)}</div>')
    if answer.query != answer.question:
        parts.append(f'<div class="evidence-query">{html.escape(text(language, "search"))}: '
                     f'<span lang="{language_of(answer.query)}">'
                     f'{html.escape(answer.query)}</span></div>')
    citations = answer.citations if shown is None else answer.citations[:shown]
    cards = [_card_html(group, language, selected, answer.short_answer)
             for group in same_passage_groups(citations)]
    if not answer.citations:
        return "\n".join(parts)
    summary = text(language, "sources_summary").format(shown=len(citations),
                                                        total=len(answer.citations))
    parts.append(f'<details class="sources" open><summary>{html.escape(summary)}</summary>'
                 + "\n".join(cards) + "</details>")
    return "\n".join(parts)


def role_label(role: str, language: str) -> str:
    """What kind of text a citation quotes (報道 / 分析 / 読者コメント / 宣伝 / 出典表記)."""
    labels = LABELS.get(language, LABELS["ja"])
    return next((label for key, label in labels.items() if key == role), role)


def _relevance_html(score: float, language: str) -> str:
    level = relevance_level(score)
    help_text = text(language, "relevance_help").format(score=f"{score:.2f}")
    return (f'<span class="relevance relevance-{level}" title="{html.escape(help_text)}">'
            f'{html.escape(text(language, "relevance_" + level))}</span>')


def _card_html(group: Sequence[Citation], language: str, selected: int | None,
               short: ShortAnswer | None = None) -> str:
    """One passage's card: every quote from it marked, its numbers in the title ([1][3]);
    the card's id is its first number's, and each other number anchors inside it."""
    c = group[0]
    meta = " · ".join(html.escape(x) for x in (c.section, c.published) if x and x != c.title)
    cite = html.escape(f"{c.article_id}|{c.start}|{c.end}", quote=True)
    passage = passage_html(c, group[1:])
    holder = next((g for g in group if short is not None and short.n == g.n), None)
    if short is not None and holder is not None:  # the answer phrase, inside its quote
        passage = _strong_in_mark(passage, sorted(g.start for g in group).index(holder.start),
                                  ruby_html(short.text))
    role = html.escape(role_label(c.role, language))
    glosses = "".join(
        f'<p class="gloss" lang="en"><span class="gloss-label">'
        f'{html.escape(text(language, gloss_label(g)))}{"" if len(group) == 1 else f" [{g.n}]"}'
        f"</span> {html.escape(g.gloss)}</p>" for g in group if g.gloss)
    numbers = "".join(f"[{g.n}]" for g in group)
    anchors = "".join(f'<span class="cite-anchor" id="cite-{g.n}"></span>' for g in group[1:])
    is_selected = any(g.n == selected for g in group)
    return (f'<div class="evidence-card{" selected" if is_selected else ""}" '
            f'id="cite-{c.n}" data-cite="{cite}" data-ns="{" ".join(str(g.n) for g in group)}" '
            f'role="button" tabindex="0" lang="{language_of(c.title + c.text)}">{anchors}'
            f'<b class="card-title">{numbers} {ruby_html(c.title)}</b> '
            f'<span class="role role-{html.escape(c.role)}">{role}</span>'
            f'{_relevance_html(c.score, language)}'
            f'<div class="meta">{meta}</div>'
            f"<p>{passage}</p>{glosses}</div>")


def _strong_in_mark(passage: str, k: int, phrase: str) -> str:
    """The passage with `phrase` in bold-underline inside its k-th <mark> (0-based)."""
    pieces = passage.split("<mark>")
    pieces[k + 1] = pieces[k + 1].replace(phrase, f'<strong class="short-answer">{phrase}</strong>',
                                          1)
    return "<mark>".join(pieces)


def markers_html(markers: Sequence[Sequence[int]]) -> str:
    """The citation numbers of each answer the chat shows, in order, for the page script:
    only these [n] in the chat are markers (an article may contain "[99999999999]")."""
    data = html.escape(json.dumps([list(m) for m in markers]), quote=True)
    return f'<span data-markers="{data}"></span>'


READER_EMPTY = "reader-empty"  # the class of the reader's hint before any article is open


def article_html(article: Article | None, language: str, start: int = -1, end: int = -1) -> str:
    """The reader view of an article: title, date, source, Markdown headings as headings,
    paragraphs as text (escaped), the span start:end marked and scrolled to."""
    if article is None:
        return f'<p class="muted {READER_EMPTY}">{html.escape(text(language, "reader_empty"))}</p>'
    body = article.body
    if 0 <= start < end <= len(body):
        marked = (ruby_html(body[:start]) + '<mark id="reader-mark">'
                  + ruby_html(body[start:end]) + "</mark>" + ruby_html(body[end:]))
    else:
        marked = ruby_html(body)
    lines = []
    for line in marked.split("\n"):
        heading = re.match(r"^(#{1,6})\s+(.*)$", line)
        if heading:
            level = min(len(heading.group(1)) + 2, 6)
            lines.append(f"<h{level}>{heading.group(2)}</h{level}>")
        elif line.strip():
            lines.append(f"<p>{line}</p>")
    meta = " · ".join(html.escape(x) for x in (article.published, article.source) if x)
    return (f'<article class="reader" lang="{language_of(article.title + body[:2000])}">'
            f'<h2>{ruby_html(article.title)}</h2>'
            f'<div class="meta">{meta}</div>{"".join(lines)}</article>')


def article_rows(articles: list[ArticleInfo]) -> list[list[str | int]]:
    return [[a.title, a.source, a.published, a.characters, a.chunks] for a in articles]


def conversation_markdown(answers: Sequence[Answer], language: str) -> str:
    """The conversation with every answer's citations written out, for a handout."""
    title = "記事Q&A" if language == "ja" else "News Q&A"
    lines = [f"# {title} — {dt.date.today().isoformat()}", ""]
    for i, a in enumerate(answers, start=1):
        lines += [f"## {i}. {a.question}", ""]
        if a.query != a.question:
            lines += [f"*{text(language, 'search')}: {a.query}*", ""]
        if a.notice:
            lines += [f"> ⚠ {a.notice}", ""]
        lines += [a.answer, ""]
        for c in a.citations:
            where = " — ".join(x for x in dict.fromkeys((c.title, c.section)) if x)
            date = f" ({c.published})" if c.published else ""
            lines.append(f"[{c.n}] {where}{date} ({role_label(c.role, language)}): 「{c.quote}」")
            if c.gloss:
                lines.append(f"    *{text(language, gloss_label(c))}:* {c.gloss}")
        lines.append("")
    return "\n".join(lines)


# -- the study guide ----------------------------------------------------------------------
GUIDE_TEXTS: dict[str, dict[str, str]] = {
    "ja": {"guide": "学習ガイド", "key_points": "要点", "timeline": "年表",
           "people": "人物・組織", "quiz": "クイズ", "answer": "答え",
           "show_answer": "答えを見る", "approximate": "推定",
           "none_points": "要点になる報道・分析の文が見つかりませんでした。",
           "none_timeline": "日付のある記述は見つかりませんでした。",
           "none_people": "人名・組織名は見つかりませんでした。",
           "none_quiz": "問題を作れる文が見つかりませんでした。",
           "person": "人物", "organisation": "組織", "name": "名前"},
    "en": {"guide": "Study guide", "key_points": "Key points", "timeline": "Timeline",
           "people": "People and organisations", "quiz": "Quiz", "answer": "Answer",
           "show_answer": "Show the answer", "approximate": "approximate",
           "none_points": "No reported or analysed sentence to take as a key point.",
           "none_timeline": "No dated statements found.",
           "none_people": "No names of people or organisations found.",
           "none_quiz": "No sentence to make a question from.",
           "person": "person", "organisation": "organisation", "name": "name"},
}


def guide_text(language: str, key: str) -> str:
    return GUIDE_TEXTS.get(language, GUIDE_TEXTS["ja"])[key]


def _quote_html(c: Citation) -> str:
    """A quote as a clickable source (data-cite opens the article at it, like a card)."""
    cite = html.escape(f"{c.article_id}|{c.start}|{c.end}", quote=True)
    return (f'<span class="guide-quote" data-cite="{cite}" role="button" tabindex="0">'
            f"「{html.escape(c.quote)}」</span>")


def _date_label(entry: TimelineEntry, language: str) -> str:
    label = entry.label_ja if language == "ja" else entry.label
    return f"{label} ({guide_text(language, 'approximate')})" if entry.approximate \
        and "頃" not in label and not label.startswith("about") else label


def _section(title: str, body: str, open_: bool = True) -> str:
    return (f'<details class="guide-section"{" open" if open_ else ""}>'
            f"<summary>{html.escape(title)}</summary>{body}</details>")


def _empty(language: str, key: str) -> str:
    return f'<p class="muted">{html.escape(guide_text(language, key))}</p>'


def timeline_html(entries: Sequence[TimelineEntry], language: str) -> str:
    """The timeline as a list: the normalised date, then the sentence that states it."""
    if not entries:
        return _empty(language, "none_timeline")
    items = "".join(f'<li><b class="guide-date">{html.escape(_date_label(e, language))}</b> '
                    f"{_quote_html(e.citation)}</li>" for e in entries)
    return f'<ol class="guide-timeline">{items}</ol>'


def _article_guide_html(guide: ArticleGuide, language: str) -> str:
    t = functools.partial(guide_text, language)
    points = "".join(f"<li>{_quote_html(c)}</li>" for c in guide.key_points)
    people = "".join(
        f"<li><b>{html.escape(p.name)}</b>"
        + (f" {html.escape(p.title)}" if p.title and p.title not in p.name else "")
        + f' <span class="muted">({html.escape(t(p.kind))})</span> {_quote_html(p.citation)}'
        + "</li>" for p in guide.people)
    quiz = "".join(
        f"<li><p>{html.escape(q.question)}</p><details class=\"quiz-answer\"><summary>"
        f"{html.escape(t('show_answer'))}</summary><p><b>{html.escape(q.answer)}</b> "
        f"{_quote_html(q.citation)}</p></details></li>" for q in guide.quiz)
    return "".join([
        _section(t("key_points"), f"<ul>{points}</ul>" if points else _empty(language,
                                                                              "none_points")),
        _section(t("people"), f"<ul>{people}</ul>" if people else _empty(language,
                                                                          "none_people")),
        _section(t("quiz"), f'<ol class="guide-quiz">{quiz}</ol>' if quiz
                 else _empty(language, "none_quiz")),
    ])


def guide_html(guide: StudyGuide | None, language: str) -> str:
    """The study guide of one article (or several): collapsible sections, the timeline as
    a list, quiz answers hidden until revealed. All text escaped."""
    if guide is None or not guide.articles:
        return f'<p class="muted">{html.escape(text(language, "reader_empty"))}</p>'
    parts = ['<div class="study-guide">']
    for article in guide.articles:
        if len(guide.articles) > 1:
            parts.append(f"<h3>{html.escape(article.title)}</h3>")
        parts.append(_article_guide_html(article, language))
    parts.append(_section(guide_text(language, "timeline"),
                          timeline_html(guide.timeline, language)))
    parts.append("</div>")
    return "".join(parts)


def _cited_line(c: Citation) -> str:
    return f"「{c.quote}」 ({c.article_id}, {c.start}–{c.end})"


def guide_markdown(guide: StudyGuide, language: str) -> str:
    """The study guide for a handout: every item with its quote and where it is."""
    t = functools.partial(guide_text, language)
    lines = [f"# {t('guide')}", ""]
    for a in guide.articles:
        lines += [f"## {a.title}", "", f"### {t('key_points')}", ""]
        lines += [f"- {_cited_line(c)}" for c in a.key_points] or [t("none_points")]
        lines += ["", f"### {t('people')}", ""]
        lines += [f"- **{p.name}**{' ' + p.title if p.title and p.title not in p.name else ''}"
                  f" ({t(p.kind)}): {_cited_line(p.citation)}" for p in a.people] \
            or [t("none_people")]
        lines += ["", f"### {t('quiz')}", ""]
        for i, q in enumerate(a.quiz, start=1):
            lines += [f"{i}. {q.question}", f"   - {t('answer')}: **{q.answer}** — "
                      f"{_cited_line(q.citation)}"]
        lines += [] if a.quiz else [t("none_quiz")]
        lines.append("")
    lines += [f"## {t('timeline')}", ""]
    lines += [f"- **{_date_label(e, language)}** {_cited_line(e.citation)}"
              for e in guide.timeline] or [t("none_timeline")]
    return "\n".join(lines) + "\n"


def _download_link(guide: StudyGuide, language: str) -> str:
    """The guide's Markdown as a download link (a data: URL: no server round trip)."""
    from urllib.parse import quote

    href = "data:text/markdown;charset=utf-8," + quote(guide_markdown(guide, language))
    name = html.escape(f"guide-{guide.articles[0].id if len(guide.articles) == 1 else 'all'}"
                       ".md", quote=True)
    label = "学習ガイドをMarkdownで保存" if language == "ja" else "Save the study guide as Markdown"
    return (f'<a class="guide-download" download="{name}" href="{html.escape(href, quote=True)}">'
            f"{html.escape(label)}</a>")


def reader_with_guide_html(article: Article | None, guide: StudyGuide | None, language: str,
                           start: int = -1, end: int = -1) -> str:
    """The Articles tab's reader: the article's study guide (collapsible, above), then the
    article with the span start:end marked."""
    if article is None or guide is None:
        return article_html(article, language, start, end)
    panel = (f'<details class="study-guide-panel" open><summary>'
             f"{html.escape(guide_text(language, 'guide'))}</summary>"
             f"{guide_html(guide, language)}{_download_link(guide, language)}</details>")
    return panel + article_html(article, language, start, end)


# -- compare sources (issue 15): two columns for the last question -------------------------
COMPARE_TEXTS = {
    "ja": {"button": "出典を比べる", "first": "先に質問してください。比べるのはその質問です。",
           "for": "比較：「{question}」", "different": "（別のことを述べている文）",
           "kinds": "日付|数値|名前|肩書き"},
    "en": {"button": "Compare sources", "first": "Ask a question first; it is what is compared.",
           "for": "Comparing: “{question}”", "different": "(says something else)",
           "kinds": "date|number|name|title"},
}
_GRID = ("display:grid;grid-template-columns:repeat({n},minmax(0,1fr));gap:12px;")
_COLUMN = "border:1px solid #d0d7de;border-radius:8px;padding:8px 10px;"
_DIFF_MARK = "background:#ffd8a8;color:#000;padding:0 2px;border-bottom:2px solid #d9480f;"


def compare_text(language: str, key: str) -> str:
    return COMPARE_TEXTS.get(language, COMPARE_TEXTS["ja"])[key]


def comparison_html(comparison: Comparison | None, language: str = "ja") -> str:
    """The comparison as columns, one per article: its sentences (one per row), with the
    dates, numbers, names and titles that differ marked (their kind as a tooltip), and
    the plain verdict above ("sources differ: …"). Everything from articles is escaped."""
    if comparison is None:
        return f'<p class="muted">{html.escape(compare_text(language, "first"))}</p>'
    head = html.escape(compare_text(language, "for").format(question=comparison.question))
    verdict_class = "comparison-verdict differ" if comparison.sources_differ \
        else "comparison-verdict"
    weight = "font-weight:bold;color:#b42318;" if comparison.sources_differ else ""
    parts = [f'<div class="comparison-for muted">{head}</div>',
             f'<p class="{verdict_class}" style="{weight}">{html.escape(comparison.message)}</p>']
    if comparison.articles:
        columns = [_comparison_column(a, comparison, language) for a in comparison.articles]
        parts.append(f'<div class="comparison-columns" style="{_GRID.format(n=len(columns))}">'
                     + "".join(columns) + "</div>")
    return f'<div class="comparison">{"".join(parts)}</div>'


def _comparison_column(article: ComparedArticle, comparison: Comparison, language: str) -> str:
    kinds = dict(zip(("date", "number", "name", "title"),
                     compare_text(language, "kinds").split("|"), strict=True))
    first = article.citation
    meta = " · ".join(html.escape(x) for x in (first.published, first.article_id) if x)
    rows = []
    for citation, same in zip(article.citations, article.same_statement, strict=True):
        marks = sorted((v.start, v.end, kinds[d.kind]) for d in comparison.differences
                       for v in d.values if v.article_id == citation.article_id
                       and citation.start <= v.start and v.end <= citation.end)
        text_, base = citation.quote, citation.start
        quote, at = [], base
        for start, end, kind in marks:
            if start < at:
                continue
            quote.append(html.escape(text_[at - base : start - base]))
            quote.append(f'<mark class="diff" title="{html.escape(kind)}" style="{_DIFF_MARK}">'
                         f"{html.escape(text_[start - base : end - base])}</mark>")
            at = end
        quote.append(html.escape(text_[at - base :]))
        note = "" if same else (f' <span class="muted">'
                                f'{html.escape(compare_text(language, "different"))}</span>')
        rows.append(f'<p class="comparison-quote">「{"".join(quote)}」{note}</p>')
    return (f'<div class="comparison-column" style="{_COLUMN}">'
            f"<b>{html.escape(first.title or first.article_id)}</b>"
            f'<div class="meta muted">{meta}</div>{"".join(rows)}</div>')
