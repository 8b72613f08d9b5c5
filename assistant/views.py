"""What the chat shows, as plain functions: UI texts in two languages, evidence cards,
the article reader, example questions, and the Markdown export. No Gradio here.

Every article text, title and question is HTML-escaped before it is put into markup, so
`<script>` in an article or a question is displayed, never run.
"""

from __future__ import annotations

import datetime as dt
import html
import html.entities
import json
import re
from collections.abc import Sequence
from pathlib import Path

import yaml

from .corpus import Article
from .results import Answer, ArticleInfo, Citation, ShortAnswer
from .roles import LABELS

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
        "unsupported": "記事に根拠のない文",
        "list_headers": "見出し|出典|日付|文字数|チャンク",
        "sources_for": "前の質問「{question}」の出典",
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
        "unsupported": "Not backed by the articles",
        "list_headers": "Title|Source|Date|Characters|Chunks",
        "sources_for": "Sources of an earlier question: “{question}”",
    },
}
LANGUAGE_CHOICES = {"日本語": "ja", "English": "en"}


def text(language: str, key: str) -> str:
    return TEXTS.get(language, TEXTS["ja"])[key]


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


def passage_html(citation: Citation) -> str:
    """The cited passage, escaped, with the quoted sentence marked (the quote's offsets
    are in the article body; the passage starts at `passage_start` there)."""
    a = citation.start - citation.passage_start
    b = citation.end - citation.passage_start
    passage = citation.text
    return (html.escape(passage[:a]) + "<mark>" + html.escape(passage[a:b])
            + "</mark>" + html.escape(passage[b:]))


def evidence_html(answer: Answer | None, language: str = "ja", shown: int | None = None,
                  selected: int | None = None, earlier: bool = False) -> str:
    """Cards for the cited passages of one answer (the first `shown` of them): title,
    section, date, the passage with the quote marked, the score on demand. A card carries
    data-cite="article_id|start|end" so a click can open the article there. Card
    `selected` is outlined (its [n] was clicked in the chat); `earlier`: the answer is not
    the latest, so its question is named above the cards."""
    if answer is None:
        return f'<p class="muted">{html.escape(text(language, "no_answer_yet"))}</p>'
    parts = []
    if earlier:
        label = text(language, "sources_for").format(question=answer.question)
        parts.append(f'<div class="evidence-for">{html.escape(label)}</div>')
    if answer.query != answer.question:
        parts.append(f'<div class="evidence-query">{html.escape(text(language, "search"))}: '
                     f'{html.escape(answer.query)}</div>')
    citations = answer.citations if shown is None else answer.citations[:shown]
    parts += [_card_html(c, language, c.n == selected, answer.short_answer) for c in citations]
    return "\n".join(parts)


def role_label(role: str, language: str) -> str:
    """What kind of text a citation quotes (報道 / 分析 / 読者コメント / 宣伝 / 出典表記)."""
    labels = LABELS.get(language, LABELS["ja"])
    return next((label for key, label in labels.items() if key == role), role)


def _card_html(c: Citation, language: str, selected: bool,
               short: ShortAnswer | None = None) -> str:
    meta = " · ".join(html.escape(x) for x in (c.section, c.published) if x and x != c.title)
    cite = html.escape(f"{c.article_id}|{c.start}|{c.end}", quote=True)
    passage = passage_html(c)
    if short is not None and short.n == c.n:  # the answer phrase, inside the marked quote
        before, mark, after = passage.partition("<mark>")
        phrase = html.escape(short.text)
        after = after.replace(phrase, f'<strong class="short-answer">{phrase}</strong>', 1)
        passage = before + mark + after
    role = html.escape(role_label(c.role, language))
    gloss = (f'<p class="gloss"><span class="gloss-label">{html.escape(text(language, "gloss"))}'
             f"</span> {html.escape(c.gloss)}</p>" if c.gloss else "")
    return (f'<div class="evidence-card{" selected" if selected else ""}" '
            f'id="cite-{c.n}" data-cite="{cite}" role="button" '
            f'tabindex="0"><b>[{c.n}] {html.escape(c.title)}</b> '
            f'<span class="role role-{html.escape(c.role)}">{role}</span>'
            f'<div class="meta">{meta}</div>'
            f"<p>{passage}</p>"
            f"{gloss}"
            f'<details class="score"><summary>{html.escape(text(language, "score"))}</summary>'
            f"{c.score:.2f}</details></div>")


def markers_html(markers: Sequence[Sequence[int]]) -> str:
    """The citation numbers of each answer the chat shows, in order, for the page script:
    only these [n] in the chat are markers (an article may contain "[99999999999]")."""
    data = html.escape(json.dumps([list(m) for m in markers]), quote=True)
    return f'<span data-markers="{data}"></span>'


def article_html(article: Article | None, language: str, start: int = -1, end: int = -1) -> str:
    """The reader view of an article: title, date, source, Markdown headings as headings,
    paragraphs as text (escaped), the span start:end marked and scrolled to."""
    if article is None:
        return f'<p class="muted">{html.escape(text(language, "reader_empty"))}</p>'
    body = article.body
    if 0 <= start < end <= len(body):
        marked = (html.escape(body[:start]) + '<mark id="reader-mark">'
                  + html.escape(body[start:end]) + "</mark>" + html.escape(body[end:]))
    else:
        marked = html.escape(body)
    lines = []
    for line in marked.split("\n"):
        heading = re.match(r"^(#{1,6})\s+(.*)$", line)
        if heading:
            level = min(len(heading.group(1)) + 2, 6)
            lines.append(f"<h{level}>{heading.group(2)}</h{level}>")
        elif line.strip():
            lines.append(f"<p>{line}</p>")
    meta = " · ".join(html.escape(x) for x in (article.published, article.source) if x)
    return (f'<article class="reader"><h2>{html.escape(article.title)}</h2>'
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
                lines.append(f"    *{text(language, 'gloss')}:* {c.gloss}")
        lines.append("")
    return "\n".join(lines)
