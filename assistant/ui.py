"""The Gradio chat: a thin layer over qa.Assistant, made of small parts.

- `ChatState`: one browser session's conversation (its exchanges and their typed
  `Answer`s), how many sources classroom mode shows, and the article the search is
  limited to; one `gr.State` of it per session.
- `ChatHandlers`: the event handlers. Each returns updates keyed by component (only the
  components named change), so adding an output never shifts the others.
- Layout builders (`_header`, `_chat_panel`, …) only place components; `_wire_*` connect
  events to handlers; `build_app` puts them together. Rendering lives in views.py, the
  page script and styles in static/.

Offline by construction: analytics off (env + Blocks), a theme with system fonts only
(no remote font), no share link. Every article text and question is HTML-escaped before
it is shown, so markup in them is displayed, never run. Whatever the page sends (a clicked
card or marker) is checked before use: malformed values do nothing.
"""

from __future__ import annotations

import html
import ipaddress
import json
import os
import re
import shutil
import signal
import sys
import tempfile
import threading
import weakref
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")  # before gradio is imported
import gradio as gr
from gradio.blocks import Block
from starlette.middleware import Middleware

from .corpus import Article
from .http_guard import LoginThrottle, RefuseUploads
from .qa import Assistant, InvalidQuestion, Turn, parse_history
from .results import Answer
from .study import StudyGuide
from .views import (
    LANGUAGE_CHOICES,
    READER_EMPTY,
    article_html,
    article_rows,
    chat_markup,
    chat_text,
    compare_text,
    comparison_html,
    conversation_markdown,
    evidence_html,
    language_of,
    load_examples,
    markers_html,
    reader_with_guide_html,
    reply_markup,
    text,
)

STATIC = Path(__file__).resolve().parent / "static"
MCP_PATH = "/gradio_api/mcp/"  # where Gradio serves MCP (streamable HTTP; SSE at .../sse)
# Event scripts: small calls into static/chat.js (window.assistantChat), except the load
# script, which must work on its own (it runs as the page starts).
LOAD_JS = """
(language, classroom) => {
  const lang = (navigator.language || 'ja').toLowerCase();
  document.body.classList.toggle('classroom', classroom);
  document.documentElement.lang = lang.startsWith('en') ? 'en' : 'ja';
  return [lang.startsWith('en') ? 'English' : '日本語', classroom];
}
"""
CLASSROOM_JS = "(...inputs) => { window.assistantChat?.setClassroom(inputs[0]); return inputs; }"
FURIGANA_JS = "(on) => { document.body.classList.toggle('furigana', Boolean(on)); return on; }"
LANGUAGE_JS = ("(...inputs) => { document.documentElement.lang = inputs[0] === 'English' ? "
               "'en' : 'ja'; return inputs; }")
SCROLL_TO_QUOTE_JS = "() => { window.assistantChat?.scrollWhenShown('#reader-mark', 'center'); }"
SCROLL_TO_CARD_JS = ("() => { window.assistantChat?.scrollWhenShown("
                     "'#evidence .selected', 'nearest'); }")
# What the page script sends: "click|k|n" (marker [n] of the k-th answer shown) and
# "click|article_id|start|end" (a source card); the click number only makes each click a
# change of the hidden textbox.
_REFERENCE = re.compile(r"\d{1,15}\|(\d{1,4})\|(\d{1,4})", re.ASCII)
_CITATION = re.compile(r"\d{1,15}\|(.{1,500})\|(\d{1,9})\|(\d{1,9})", re.ASCII | re.DOTALL)

Updates = dict[Block, Any]  # component -> its new value (or gr.update(...))


@dataclass(frozen=True)
class Exchange:
    """One question and the chat's reply: an Answer, or a message saying why there is
    none (an empty or too long question). `question` is as it was answered."""

    question: str
    reply: str
    answer: Answer | None = None


@dataclass(frozen=True)
class ChatState:
    """One browser session's chat. `revealed`: how many sources of the latest answer
    classroom mode shows; `scope`: the article the search is limited to (None: all);
    `export`: this session's Markdown export file (private to it, replaced each time)."""

    exchanges: tuple[Exchange, ...] = ()
    revealed: int = 0
    scope: str | None = None
    export: str | None = None

    def turns(self) -> list[Turn]:
        """The conversation so far, for follow-up questions."""
        return [turn for e in self.exchanges
                for turn in (Turn("user", e.question), Turn("assistant", e.reply))]

    def answers(self) -> list[Answer]:
        return [e.answer for e in self.exchanges if e.answer is not None]

    def latest_answer(self) -> Answer | None:
        answers = self.answers()
        return answers[-1] if answers else None

    def shown(self, classroom: bool) -> tuple[Exchange, ...]:
        """The exchanges the chat shows: one at a time in classroom mode."""
        return self.exchanges[-1:] if classroom else self.exchanges

    def added(self, exchange: Exchange) -> ChatState:
        return replace(self, exchanges=(*self.exchanges, exchange))


def chat_messages(exchanges: Sequence[Exchange]) -> list[dict[str, str]]:
    """The messages to display, markup escaped (the chat renders HTML, and would drop a
    `<script>` in a question instead of showing it); answers with their markers as chips
    and readings over kanji (views.reply_markup). The chat's copy buttons are the page
    script's: they copy the text as shown, never this markup."""
    return [message for e in exchanges for message in (
        {"role": "user", "content": f'<span lang="{language_of(e.question)}">'
                                    f"{chat_markup(e.question)}</span>"},
        {"role": "assistant", "content": reply_markup(
            e.reply, [c.n for c in e.answer.citations] if e.answer else ())})]


def chat_markers(exchanges: Sequence[Exchange]) -> str:
    """Which [n] of each shown answer are citations (for the page script)."""
    return markers_html([[c.n for c in e.answer.citations] if e.answer else []
                         for e in exchanges])


def reveal_button(state: ChatState, language: str, classroom: bool | None = None) -> Any:
    """Classroom mode's reveal button for this state: "show next source" while the latest
    answer has sources left to show, then "all sources shown" (disabled) instead of a
    button that does nothing. `classroom` None: its visibility stays as it is."""
    latest = state.latest_answer()
    total = len(latest.citations) if latest else 0
    done = total > 0 and state.revealed >= total
    label = text(language, "all_shown" if done else "next_citation")
    if classroom is None:
        return gr.update(value=label, interactive=state.revealed < total)
    return gr.update(value=label, interactive=state.revealed < total, visible=classroom)


def parse_reference(target: str) -> tuple[int, int] | None:
    """(k, n) from a clicked marker "click|k|n"; None for anything else."""
    match = _REFERENCE.fullmatch(target) if isinstance(target, str) else None
    return (int(match[1]), int(match[2])) if match else None


def parse_citation(target: str) -> tuple[str, int, int] | None:
    """(article_id, start, end) from a clicked card "click|article_id|start|end"."""
    match = _CITATION.fullmatch(target) if isinstance(target, str) else None
    return (match[1], int(match[2]), int(match[3])) if match else None


def example_messages(examples: dict[str, list[str]], language: str) -> list[dict[str, str]]:
    """Starter questions, the UI language's first."""
    other = "en" if language == "ja" else "ja"
    return [{"text": q} for q in examples[language] + examples[other]]


def pick_example(event: gr.SelectData) -> str:
    return str(event.value["text"])


# --- layout: components only ----------------------------------------------------------

@dataclass(frozen=True)
class Header:
    title: gr.Markdown
    language: gr.Radio
    classroom: gr.Checkbox
    furigana: gr.Checkbox
    export: gr.DownloadButton


@dataclass(frozen=True)
class ChatPanel:
    tab: gr.Tab
    chatbot: gr.Chatbot
    scope_line: gr.Markdown
    scope_clear: gr.Button
    question: gr.Textbox
    send: gr.Button
    clear: gr.Button
    evidence_title: gr.Markdown
    evidence: gr.HTML
    next_cite: gr.Button
    compare: gr.Button
    comparison: gr.HTML


@dataclass(frozen=True)
class ArticlesPanel:
    tab: gr.Tab
    table: gr.Dataframe
    picker: gr.Dropdown
    ask_article: gr.Button
    reader: gr.HTML


@dataclass(frozen=True)
class Bridge:
    """Hidden controls between the page script and the server: the clicked card and
    marker come in through the textboxes; the markers list goes out."""

    cite_target: gr.Textbox
    ref_target: gr.Textbox
    markers: gr.HTML


@dataclass(frozen=True)
class Page:
    state: gr.State
    tabs: gr.Tabs
    header: Header
    chat: ChatPanel
    articles: ArticlesPanel
    bridge: Bridge


def _header(classroom: bool) -> Header:
    """The title and the settings; in classroom mode only the two switches stay (one to
    leave it), small, beside the title (static/chat.css)."""
    with gr.Row(equal_height=True, elem_id="header-row"):
        title = gr.Markdown(text("ja", "title"), elem_id="header")
        with gr.Column(scale=0, min_width=320, elem_id="settings"):
            language = gr.Radio(list(LANGUAGE_CHOICES), value="日本語",
                                label=text("ja", "language"), elem_id="language")
            with gr.Row(elem_id="switches"):
                classroom_box = gr.Checkbox(value=classroom, label=text("ja", "classroom"),
                                            elem_id="classroom")
                furigana = gr.Checkbox(value=False, label=text("ja", "furigana"),
                                       elem_id="furigana")
            export = gr.DownloadButton(text("ja", "export"), value=None, size="sm",
                                       elem_id="export")
    return Header(title, language, classroom_box, furigana, export)


def _chat_panel(examples: dict[str, list[str]], classroom: bool) -> ChatPanel:
    with gr.Tab(text("ja", "chat_tab"), id="chat") as tab, gr.Row(elem_id="chat-row"):
        with gr.Column(scale=3, elem_id="chat-column"):
            chatbot = gr.Chatbot(
                label=text("ja", "chat_tab"), show_label=False, height=460,
                render_markdown=False,
                buttons=["copy", "copy_all"],
                examples=example_messages(examples, "ja"),  # type: ignore[arg-type]
                elem_id="chat")
            # right under the answer: revealing a source never moves the answer
            next_cite = gr.Button(text("ja", "next_citation"), visible=classroom,
                                  elem_id="next-citation")
            with gr.Row(elem_id="scope-row"):
                scope_line = gr.Markdown(text("ja", "scope_all"), elem_id="scope")
                scope_clear = gr.Button(text("ja", "scope_clear"), size="sm", visible=False,
                                        elem_id="scope-clear")
            question = gr.Textbox(label=text("ja", "question"), lines=1,
                                  placeholder=text("ja", "placeholder"), autofocus=True,
                                  elem_id="question")
            with gr.Row(elem_id="ask-row"):
                send = gr.Button(text("ja", "ask"), variant="primary", elem_id="ask")
                clear = gr.Button(text("ja", "clear"), elem_id="clear")
                compare = gr.Button(compare_text("ja", "button"), elem_id="compare")
            comparison = gr.HTML("", elem_id="comparison")
        with gr.Column(scale=2, elem_id="sources-column"):
            evidence_title = gr.Markdown(f"### {text('ja', 'evidence')}",
                                         elem_id="evidence-title")
            evidence = gr.HTML(evidence_html(None), elem_id="evidence")
    return ChatPanel(tab, chatbot, scope_line, scope_clear, question, send, clear,
                     evidence_title, evidence, next_cite, compare, comparison)


def _articles_panel(assistant: Assistant) -> ArticlesPanel:
    articles = assistant.list_articles()
    with gr.Tab(text("ja", "articles_tab"), id="articles") as tab:
        table = gr.Dataframe(value=article_rows(articles),
                             headers=text("ja", "list_headers").split("|"),
                             interactive=False, elem_id="article-list",
                             column_widths=["52%", "16%", "14%", "9%", "9%"])
        with gr.Row():
            picker = gr.Dropdown([(a.title or a.id, a.id) for a in articles],
                                 label=text("ja", "pick_article"), value=None,
                                 elem_id="article-picker")
            ask_article = gr.Button(text("ja", "ask_article"), elem_id="ask-article")
        reader = gr.HTML(article_html(None, "ja"), elem_id="reader")
    return ArticlesPanel(tab, table, picker, ask_article, reader)


def _bridge() -> Bridge:
    hidden = ["hidden-control"]
    return Bridge(
        cite_target=gr.Textbox(elem_id="cite-target", elem_classes=hidden, show_label=False,
                               container=False),
        ref_target=gr.Textbox(elem_id="ref-target", elem_classes=hidden, show_label=False,
                              container=False),
        markers=gr.HTML(markers_html([]), elem_id="chat-markers", elem_classes=hidden),
    )


def _layout(assistant: Assistant, examples: dict[str, list[str]], classroom: bool) -> Page:
    state = gr.State(ChatState())
    header = _header(classroom)
    with gr.Tabs(selected="chat") as tabs:
        chat = _chat_panel(examples, classroom)
        articles = _articles_panel(assistant)
    return Page(state, tabs, header, chat, articles, _bridge())


# --- handlers: what each event changes --------------------------------------------------

class ChatHandlers:
    """The chat's event handlers over one Assistant. Session data comes in and goes out
    as a ChatState; every handler returns updates keyed by this page's components."""

    def __init__(self, assistant: Assistant, page: Page, examples: dict[str, list[str]],
                 export_dir: Path) -> None:
        self.assistant, self.page, self.examples = assistant, page, examples
        self.export_dir = export_dir

    def chat_outputs(self) -> list[Block]:
        """Everything asking (or starting over) may change."""
        chat = self.page.chat
        return [chat.chatbot, self.page.state, chat.question, chat.evidence,
                self.page.header.export, self.page.bridge.markers, chat.next_cite]

    def answer(self, message: str, state: ChatState, classroom: bool,
            language: str) -> Iterator[Updates]:
        """Stream an answer into the chat; keep the whole conversation for follow-ups."""
        chat = self.page.chat
        streamed, answer = "", None
        try:
            for event in self.assistant.ask_stream(
                    message, state.turns(), article_ids=[state.scope] if state.scope else None):
                if isinstance(event, str):
                    streamed += event
                    pending = state.added(Exchange(message, streamed)).shown(classroom)
                    yield {chat.chatbot: chat_messages(pending), chat.question: ""}
                else:
                    answer = event
        except InvalidQuestion as err:
            refused = state.added(Exchange(message if isinstance(message, str) else "",
                                           f"⚠ {err}"))
            yield {**self._chat(refused, classroom), chat.question: ""}
            return
        assert answer is not None
        lang = LANGUAGE_CHOICES.get(language, "ja")
        state = state.added(Exchange(answer.question, chat_text(answer), answer))
        state = replace(state, revealed=1 if classroom else len(answer.citations),
                        export=self._export(state, lang))
        yield {**self._chat(state, classroom), chat.question: "",
               chat.evidence: evidence_html(answer, lang, state.revealed),
               chat.next_cite: reveal_button(state, lang),
               self.page.header.export: gr.update(value=state.export)}

    def retry(self, state: ChatState, classroom: bool, language: str) -> Iterator[Updates]:
        """Ask the last question again (e.g. after a model fell back)."""
        if not state.exchanges:
            return
        last = state.exchanges[-1]
        yield from self.answer(last.question, replace(state, exchanges=state.exchanges[:-1]),
                            classroom, language)

    def start_over(self, state: ChatState, language: str) -> Updates:
        """Clear (our button or the chat's own 🗑): the conversation, its answers and
        sources, the export — not only what the chat shows. The search scope stays."""
        self._remove_export(state.export)
        lang = LANGUAGE_CHOICES.get(language, "ja")
        return {**self._chat(ChatState(scope=state.scope), False), self.page.chat.question: "",
                self.page.chat.evidence: evidence_html(None, lang),
                self.page.chat.next_cite: reveal_button(ChatState(), lang),
                self.page.header.export: gr.update(value=None)}

    def compare_last(self, state: ChatState, language: str) -> Updates:
        """The compare button: how each article states what the last question asked (its
        search query, so a follow-up is compared with its context), in two columns."""
        lang = LANGUAGE_CHOICES.get(language, "ja")
        last = next((e.answer for e in reversed(state.exchanges) if e.answer), None)
        if last is None:
            return {self.page.chat.comparison: comparison_html(None, lang)}
        try:
            comparison = self.assistant.compare(
                last.query, [state.scope] if state.scope else None)
        except InvalidQuestion as err:
            return {self.page.chat.comparison: f'<p class="muted">⚠ {html.escape(str(err))}</p>'}
        return {self.page.chat.comparison: comparison_html(comparison, lang)}

    def reveal_next(self, state: ChatState, language: str) -> Updates:
        """Classroom mode: one more source of the latest answer."""
        latest = state.latest_answer()
        revealed = min(state.revealed + 1, len(latest.citations)) if latest else 0
        lang = LANGUAGE_CHOICES.get(language, "ja")
        state = replace(state, revealed=revealed)
        return {self.page.chat.evidence: evidence_html(latest, lang, revealed),
                self.page.chat.next_cite: reveal_button(state, lang),
                self.page.state: state}

    def show_reference(self, target: str, state: ChatState, classroom: bool,
                       language: str) -> Updates:
        """A marker [n] was clicked in the chat ("click|k|n": the k-th answer shown,
        citation n): that answer's sources, card n outlined (in classroom mode revealed
        up to n). Anything that names no citation of a shown answer does nothing."""
        reference = parse_reference(target)
        shown = state.shown(classroom)
        if reference is None or reference[0] >= len(shown):
            return {}
        k, n = reference
        answer = shown[k].answer
        if answer is None or n not in {c.n for c in answer.citations}:
            return {}
        index = len(state.exchanges) - len(shown) + k
        latest = all(e.answer is None for e in state.exchanges[index + 1:])
        revealed, count = state.revealed, None
        if classroom and latest:
            revealed = count = max(state.revealed, n)
        lang = LANGUAGE_CHOICES.get(language, "ja")
        state = replace(state, revealed=revealed)
        return {self.page.chat.evidence: evidence_html(answer, lang, count, n,
                                                       earlier=not latest),
                self.page.chat.next_cite: reveal_button(state, lang),
                self.page.state: state}

    def set_classroom(self, on: bool, state: ChatState, language: str) -> Updates:
        latest = state.latest_answer()
        revealed = (1 if on else len(latest.citations)) if latest else 0
        state = replace(state, revealed=revealed)
        lang = LANGUAGE_CHOICES.get(language, "ja")
        return {**self._chat(state, on),
                self.page.chat.next_cite: reveal_button(state, lang, on),
                self.page.chat.evidence: evidence_html(latest, lang, revealed)}

    def open_citation(self, target: str, language: str) -> Updates:
        """A source card was clicked ("click|article_id|start|end"): the article at the
        quote, in the reader tab. A card naming no article or no span of it does nothing."""
        citation = parse_citation(target)
        article = self._article(citation[0]) if citation else None
        if citation is None or article is None:
            return {}
        article_id, start, end = citation
        if not 0 <= start < end <= len(article.body):
            return {}
        page = self.page
        return {page.tabs: gr.Tabs(selected="articles"),
                page.articles.reader: reader_with_guide_html(
                    article, self._guide(article), LANGUAGE_CHOICES.get(language, "ja"),
                    start, end),
                page.articles.picker: gr.update(value=article_id)}

    def show_article(self, article_id: str | None, language: str) -> Updates:
        article = self._article(article_id)
        return {self.page.articles.reader: reader_with_guide_html(
            article, self._guide(article), LANGUAGE_CHOICES.get(language, "ja"))}

    def _guide(self, article: Article | None) -> StudyGuide | None:
        """The study guide shown above an article in the reader (study.py)."""
        return self.assistant.study_guide(article.id) if article is not None else None

    def ask_about(self, article_id: str | None, state: ChatState, language: str) -> Updates:
        """Limit the search to one article (None: back to all of them)."""
        scope = article_id if self._article(article_id) is not None else None
        lang = LANGUAGE_CHOICES.get(language, "ja")
        chat = self.page.chat
        return {self.page.state: replace(state, scope=scope),
                chat.scope_line: self._scope_text(scope, lang),
                chat.scope_clear: gr.update(visible=scope is not None,
                                          value=text(lang, "scope_clear")),
                self.page.tabs: gr.Tabs(selected="chat")}

    def search_all(self, state: ChatState, language: str) -> Updates:
        return self.ask_about(None, state, language)

    def relabel(self, language: str, state: ChatState, reader: str = "") -> Updates:
        """Every label in the chosen UI language, and the empty states' hints (the sources
        before any answer, the reader before any article)."""
        lang = LANGUAGE_CHOICES.get(language, "ja")

        def t(key: str) -> str:
            return text(lang, key)

        header, chat, articles = self.page.header, self.page.chat, self.page.articles
        return {
            header.title: t("title"), header.language: gr.update(label=t("language")),
            header.classroom: gr.update(label=t("classroom")),
            header.furigana: gr.update(label=t("furigana")),
            header.export: gr.update(label=t("export")),
            chat.tab: gr.update(label=t("chat_tab")),
            chat.chatbot: gr.update(examples=example_messages(self.examples, lang),
                                  label=t("chat_tab")),
            chat.scope_line: self._scope_text(state.scope, lang),
            chat.scope_clear: gr.update(value=t("scope_clear")),
            chat.question: gr.update(label=t("question"), placeholder=t("placeholder")),
            chat.send: gr.update(value=t("ask")), chat.clear: gr.update(value=t("clear")),
            chat.evidence_title: f"### {t('evidence')}",
            chat.next_cite: reveal_button(state, lang),
            articles.tab: gr.update(label=t("articles_tab")),
            # Gradio shows new headers only with the value they head
            articles.table: gr.update(value={
                "data": article_rows(self.assistant.list_articles()),
                "headers": t("list_headers").split("|")}),
            articles.picker: gr.update(label=t("pick_article")),
            articles.ask_article: gr.update(value=t("ask_article")),
            chat.evidence: evidence_html(None, lang) if state.latest_answer() is None
            else gr.update(),
            articles.reader: article_html(None, lang) if READER_EMPTY in (reader or "")
            else gr.update(),
        }

    def _chat(self, state: ChatState, classroom: bool) -> Updates:
        """The chat as this state shows it: messages, their markers, the state itself."""
        shown = state.shown(classroom)
        return {self.page.chat.chatbot: chat_messages(shown),
                self.page.bridge.markers: chat_markers(shown), self.page.state: state}

    def _article(self, article_id: str | None) -> Article | None:
        if not article_id:
            return None
        return next((a for a in self.assistant.articles() if a.id == article_id), None)

    def _scope_text(self, scope: str | None, lang: str) -> str:
        if scope is None:
            return text(lang, "scope_all")
        titles = {a.id: a.title or a.id for a in self.assistant.list_articles()}
        return text(lang, "scope_one") + titles.get(scope, scope)

    def _export(self, state: ChatState, lang: str) -> str:
        """The conversation as Markdown in a new file of this session's own (in a fresh
        folder: nothing another session writes can replace it); the previous one goes."""
        self._remove_export(state.export)
        folder = Path(tempfile.mkdtemp(prefix="export-", dir=self.export_dir))
        path = folder / "conversation.md"
        path.write_text(conversation_markdown(state.answers(), lang), encoding="utf-8")
        return str(path)


    def _remove_export(self, path: str | None) -> None:
        """Delete a file `_export` wrote (its folder), and nothing else."""
        if path is not None and Path(path).parent.parent == self.export_dir:
            shutil.rmtree(Path(path).parent, ignore_errors=True)


# --- wiring: which event runs which handler --------------------------------------------

def _wire_chat(page: Page, handlers: ChatHandlers) -> None:
    chat, header = page.chat, page.header
    inputs = [chat.question, page.state, header.classroom, header.language]
    outputs = handlers.chat_outputs()
    private: dict[str, Any] = {"api_visibility": "private"}
    chat.send.click(handlers.answer, inputs, outputs, **private)
    chat.question.submit(handlers.answer, inputs, outputs, **private)
    chat.chatbot.example_select(pick_example, None, chat.question, **private).then(
        handlers.answer, inputs, outputs, **private)
    chat.chatbot.retry(handlers.retry, [page.state, header.classroom, header.language],
                       outputs, **private)
    for clear in (chat.clear.click, chat.chatbot.clear):  # ours and the chat's own 🗑
        clear(handlers.start_over, [page.state, header.language], outputs, **private)


def _wire_sources(page: Page, handlers: ChatHandlers) -> None:
    chat, header, bridge = page.chat, page.header, page.bridge
    private: dict[str, Any] = {"api_visibility": "private"}
    chat.next_cite.click(handlers.reveal_next, [page.state, header.language],
                         [chat.evidence, chat.next_cite, page.state], **private)
    bridge.ref_target.change(
        handlers.show_reference,
        [bridge.ref_target, page.state, header.classroom, header.language],
        [chat.evidence, chat.next_cite, page.state], **private).then(None, js=SCROLL_TO_CARD_JS)
    bridge.cite_target.change(
        handlers.open_citation, [bridge.cite_target, header.language],
        [page.tabs, page.articles.reader, page.articles.picker], **private,
    ).then(None, js=SCROLL_TO_QUOTE_JS)


def _wire_articles(page: Page, handlers: ChatHandlers) -> None:
    chat, articles, language = page.chat, page.articles, page.header.language
    private: dict[str, Any] = {"api_visibility": "private"}
    scope_outputs = [page.state, chat.scope_line, chat.scope_clear, page.tabs]
    articles.picker.input(handlers.show_article, [articles.picker, language],
                          articles.reader, **private)
    articles.ask_article.click(handlers.ask_about, [articles.picker, page.state, language],
                               scope_outputs, **private)
    chat.scope_clear.click(handlers.search_all, [page.state, language], scope_outputs,
                           **private)


def _wire_compare(page: Page, handlers: ChatHandlers) -> None:
    chat, language = page.chat, page.header.language
    private: dict[str, Any] = {"api_visibility": "private"}
    chat.compare.click(handlers.compare_last, [page.state, language], [chat.comparison],
                       **private)
    for clear in (chat.clear.click, chat.chatbot.clear):
        clear(lambda: "", None, chat.comparison, **private)
    language.change(lambda lang: gr.update(value=compare_text(
        LANGUAGE_CHOICES.get(lang, "ja"), "button")), language, chat.compare, **private)


def _wire_settings(app: gr.Blocks, page: Page, handlers: ChatHandlers) -> None:
    header, chat, articles = page.header, page.chat, page.articles
    private: dict[str, Any] = {"api_visibility": "private"}
    header.classroom.change(
        handlers.set_classroom, [header.classroom, page.state, header.language],
        [chat.chatbot, page.bridge.markers, page.state, chat.next_cite, chat.evidence],
        js=CLASSROOM_JS, **private)
    header.furigana.change(None, header.furigana, header.furigana, js=FURIGANA_JS, **private)
    header.language.change(handlers.relabel, [header.language, page.state, articles.reader], [
        header.title, header.language, header.classroom, header.furigana, header.export,
        chat.tab,
        chat.chatbot, chat.scope_line, chat.scope_clear, chat.question, chat.send, chat.clear,
        chat.evidence_title, chat.next_cite, articles.tab, articles.table, articles.picker,
        articles.ask_article, chat.evidence, articles.reader], js=LANGUAGE_JS, **private)
    app.load(None, [header.language, header.classroom], [header.language, header.classroom],
             js=LOAD_JS, **private)


def _asked(assistant: Assistant, question: str, history: list[dict[str, str]] | None
           ) -> Answer:
    try:
        return assistant.ask(question, parse_history(history))
    except InvalidQuestion as err:
        raise gr.Error(str(err)) from err


def _not_an_mcp_tool(fn: Any) -> None:
    """Keep a public API endpoint out of the MCP tool list (Gradio lists every public
    endpoint whose function is not marked as another MCP kind, and would hand an AI client
    a returned dict as its Python repr, not JSON)."""
    fn._mcp_type = "api-only"


def _add_ask_api(assistant: Assistant) -> None:
    def ask_api(question: str, history: list[dict[str, str]] | None = None
                ) -> dict[str, Any]:
        """Answer a question; returns the JSON object of `assistant ask --json`."""
        return _asked(assistant, question, history).to_dict()

    _not_an_mcp_tool(ask_api)
    gr.api(ask_api, api_name="ask",  # type: ignore[attr-defined]
           concurrency_limit=assistant.settings.api_concurrency)


def _add_ask_mcp_tool(assistant: Assistant) -> None:
    """The MCP tool `ask` (serve --mcp): the function's name and docstring are what an AI
    client sees; it returns the very text of `assistant ask --json`."""

    def ask(question: str, history: list[dict[str, str]] | None = None) -> str:
        """Answer a question (Japanese or English) from the indexed news articles, offline.
        Each citation's quote is cut verbatim from an article; when no article answers,
        `abstained` is true and there are no citations: say so rather than guess.

        Args:
            question: The question, e.g. "ウシャコフって誰？" or "Who is Ushakov?".
            history: Earlier turns of a follow-up, [{"role": "user", "content": "..."}, ...].

        Returns:
            JSON (as `assistant ask --json`): answer, abstained, notice, citations, where
            each citation's quote is the text of article_id from start to end
        """
        answer = _asked(assistant, question, history)
        return json.dumps(answer.to_dict(), ensure_ascii=False, indent=2)

    gr.api(ask, api_name="ask_mcp",  # type: ignore[attr-defined]
           concurrency_limit=assistant.settings.api_concurrency)


def _add_compare_api(assistant: Assistant) -> None:
    def compare_api(question: str) -> dict[str, Any]:
        """Compare the articles on a question; the JSON of `assistant compare --json`."""
        try:
            return assistant.compare(question).to_dict()
        except InvalidQuestion as err:
            raise gr.Error(str(err)) from err

    _not_an_mcp_tool(compare_api)
    gr.api(compare_api, api_name="compare",  # type: ignore[attr-defined]
           concurrency_limit=assistant.settings.api_concurrency)


def build_page(assistant: Assistant, classroom: bool = False, mcp: bool = False
               ) -> tuple[gr.Blocks, Page, ChatHandlers]:
    """The app, its components and its handlers (tests call the handlers directly).
    `mcp`: also the endpoint behind the MCP tool `ask`."""
    examples = load_examples(assistant.settings.corpus_dir)
    export_dir = Path(tempfile.mkdtemp(prefix="assistant-export-"))
    with gr.Blocks(title="記事Q&A · News Q&A", analytics_enabled=False) as app:
        _add_ask_api(assistant)  # first: its api_name "ask" must not become "ask_1"
        _add_compare_api(assistant)
        if mcp:
            _add_ask_mcp_tool(assistant)
        page = _layout(assistant, examples, classroom)
        handlers = ChatHandlers(assistant, page, examples, export_dir)
        _wire_chat(page, handlers)
        _wire_sources(page, handlers)
        _wire_articles(page, handlers)
        _wire_compare(page, handlers)
        _wire_settings(app, page, handlers)
    # the exports go with the app: removed when it is collected or the process exits
    weakref.finalize(app, shutil.rmtree, export_dir, ignore_errors=True)
    return app, page, handlers


def build_app(assistant: Assistant, classroom: bool = False, mcp: bool = False) -> gr.Blocks:
    return build_page(assistant, classroom, mcp)[0]


def is_loopback(host: str) -> bool:
    """Whether only this machine can reach a server listening on `host`."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def serve(assistant: Assistant, host: str = "127.0.0.1", port: int = 7860,
          classroom: bool = False, auth: tuple[str, str] | None = None,
          mcp: bool = False) -> None:
    """Run the chat until Ctrl+C. Beside Gradio's own checks: no uploads (nothing here
    takes a file), failed logins throttled, no run history (it would offer to save runs
    to the Hugging Face hub), and a warning when anyone on the network could use it.
    `mcp`: Gradio's MCP server also offers the tool `ask` at MCP_PATH (the CLI refuses it
    with `auth`: Gradio mounts that route outside its login)."""
    app = build_app(assistant, classroom=classroom, mcp=mcp)
    theme = gr.themes.Default(font=["system-ui", "sans-serif"],
                              font_mono=["ui-monospace", "monospace"])
    if auth is None and not is_loopback(host):
        print(f"warning: serving on {host} without --auth: anyone who can reach port {port} "
              "can use the chat (add --auth USER:PASSWORD)", file=sys.stderr, flush=True)
    guards = [Middleware(RefuseUploads)] + ([Middleware(LoginThrottle)] if auth else [])
    print(f"Serving on http://{host}:{port}/ (Ctrl+C to stop)", flush=True)
    if threading.current_thread() is threading.main_thread():
        # `kill` stops it as Ctrl+C does: the server closes and the exports are removed
        signal.signal(signal.SIGTERM, signal.default_int_handler)
    if mcp:
        print(f"MCP server (streamable HTTP): http://{host}:{port}{MCP_PATH}", flush=True)
    app.launch(server_name=host, server_port=port, share=False, theme=theme,
               css_paths=[STATIC / "chat.css"], js=(STATIC / "chat.js").read_text("utf-8"),
               footer_links=["api"], run_history=False, mcp_server=mcp, quiet=True,
               auth=[auth] if auth else None, auth_message="記事Q&A · News Q&A",
               app_kwargs={"middleware": guards})
